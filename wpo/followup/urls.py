"""Department visits with their follow-ups, and the problem log."""

from django.urls import URLPattern, path

from . import views_problems, views_visits

app_name = "followup"
urlpatterns: list[URLPattern] = [
    path("bezoeken/", views_visits.visits, name="visits"),
    path("bezoeken/plannen/", views_visits.visit_plan, name="visit_plan"),
    path("bezoeken/<int:visit_id>/", views_visits.visit_detail, name="visit_detail"),
    path("bezoeken/<int:visit_id>/wijzigen/", views_visits.visit_edit, name="visit_edit"),
    path("bezoeken/<int:visit_id>/afzeggen/", views_visits.visit_cancel, name="visit_cancel"),
    path("bezoeken/<int:visit_id>/vastleggen/", views_visits.visit_record, name="visit_record"),
    path("bezoeken/<int:visit_id>/vervolgactie/", views_visits.action_add, name="action_add"),
    path("bezoeken/<int:visit_id>/bezoek.ics", views_visits.visit_ics, name="visit_ics"),
    path("vervolgacties/<int:action_id>/afvinken/", views_visits.action_toggle, name="action_toggle"),
    path("problemen/", views_problems.problems, name="problems"),
    path("problemen/melden/", views_problems.problem_raise, name="problem_raise"),
    path("problemen/<int:problem_id>/", views_problems.problem_detail, name="problem_detail"),
    path("problemen/<int:problem_id>/status/", views_problems.problem_change, name="problem_change"),
    path("problemen/<int:problem_id>/reactie/", views_problems.problem_comment, name="problem_comment"),
]
