"""The sign-off sequence: independence week, assessment, second assessor, what next, closing."""

from django.urls import URLPattern, path

from . import views_signoff as views

urlpatterns: list[URLPattern] = [
    path("opdrachten/<int:pa_id>/beoordeling/starten/", views.assessment_start, name="assessment_start"),
    path("opdrachten/<int:pa_id>/beoordeling/", views.assessment_record, name="assessment_record"),
    path("opdrachten/<int:pa_id>/tweede-beoordelaar/", views.second_assessor_request, name="second_assessor_request"),
    path(
        "beoordelingen/<int:assessment_id>/tweede-oordeel/",
        views.second_assessment_record,
        name="second_assessment_record",
    ),
    path("tweede-beoordelaar/", views.second_assessor_waiting, name="second_assessor_waiting"),
    path("opdrachten/<int:pa_id>/volgende/", views.give_next, name="give_next"),
    path("gekozen-skills/<int:chosen_skill_id>/afronden/", views.skill_close, name="skill_close"),
    path("trajecten/<int:trajectory_id>/afsluiten/", views.trajectory_close, name="trajectory_close"),
    path("trajecten/<int:trajectory_id>/stoppen/", views.trajectory_stop, name="trajectory_stop"),
]
