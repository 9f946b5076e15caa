"""Department visits with their follow-ups, and the problem log."""

from django.urls import URLPattern, path

from .views import problems, visits

app_name = "followup"
urlpatterns: list[URLPattern] = [
    path("bezoeken/", visits.visits, name="visits"),
    path("bezoeken/plannen/", visits.visit_plan, name="visit_plan"),
    path("bezoeken/<int:visit_id>/", visits.visit_detail, name="visit_detail"),
    path("bezoeken/<int:visit_id>/wijzigen/", visits.visit_edit, name="visit_edit"),
    path("bezoeken/<int:visit_id>/afzeggen/", visits.visit_cancel, name="visit_cancel"),
    path("bezoeken/<int:visit_id>/vastleggen/", visits.visit_record, name="visit_record"),
    path("bezoeken/<int:visit_id>/vervolgactie/", visits.action_add, name="action_add"),
    path("bezoeken/<int:visit_id>/bezoek.ics", visits.visit_ics, name="visit_ics"),
    path("vervolgacties/<int:action_id>/afvinken/", visits.action_toggle, name="action_toggle"),
    path("problemen/", problems.problems, name="problems"),
    path("problemen/melden/", problems.problem_raise, name="problem_raise"),
    path("problemen/<int:problem_id>/", problems.problem_detail, name="problem_detail"),
    path("problemen/<int:problem_id>/status/", problems.problem_change, name="problem_change"),
    path("problemen/<int:problem_id>/reactie/", problems.problem_comment, name="problem_comment"),
]
