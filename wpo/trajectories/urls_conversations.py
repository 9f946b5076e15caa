"""Coaching conversations: plan, agenda and record, invitation, and the werkplekopleider's calendar feed."""

from django.urls import URLPattern, path

from . import views_conversations as views

urlpatterns: list[URLPattern] = [
    path("trajecten/<int:trajectory_id>/gesprek-plannen/", views.conversation_plan, name="conversation_plan"),
    path("gesprekken/<int:conversation_id>/", views.conversation_detail, name="conversation"),
    path("gesprekken/<int:conversation_id>/wijzigen/", views.conversation_edit, name="conversation_edit"),
    path("gesprekken/<int:conversation_id>/afzeggen/", views.conversation_cancel, name="conversation_cancel"),
    path("gesprekken/<int:conversation_id>/uitnodiging.ics", views.conversation_ics, name="conversation_ics"),
    path("gesprekken/vragen/<int:question_id>/spraak/", views.question_voice, name="question_voice"),
    path("agenda-koppeling/", views.calendar_feed, name="calendar_feed"),
    path("agenda-koppeling/maken/", views.calendar_feed_create, name="calendar_feed_create"),
    path("agenda-koppeling/uitzetten/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    # Public by design (no login): the token is the secret; see calendar_feed_for_token.
    path("agenda/<str:token>/gesprekken.ics", views.calendar_feed_ics, name="calendar_feed_ics"),
]
