from django.urls import path

from .views import conversations, observations, signoff, start, trajectory, watch_requests

app_name = "trajectories"
urlpatterns = [
    path("", trajectory.my_participants, name="my_participants"),
    path("trajecten/<int:trajectory_id>/", trajectory.trajectory_detail, name="trajectory_detail"),
    path("starten/", start.start, name="start"),
    path("opdrachten/<int:pa_id>/introductie/", observations.introduce, name="introduce"),
    path("opdrachten/<int:pa_id>/observatie/", observations.observe, name="observe"),
    # "Kijk je mee?": the participant asked to be watched (wpo/learn), the werkplekopleider answers.
    path("kijk-je-mee/<int:watch_request_id>/", watch_requests.answer, name="watch_request_answer"),
    # Coaching conversations, invitations and the calendar feed.
    path("trajecten/<int:trajectory_id>/gesprek-plannen/", conversations.conversation_plan, name="conversation_plan"),
    path("gesprekken/<int:conversation_id>/", conversations.conversation_detail, name="conversation"),
    path("gesprekken/<int:conversation_id>/wijzigen/", conversations.conversation_edit, name="conversation_edit"),
    path("gesprekken/<int:conversation_id>/afzeggen/", conversations.conversation_cancel, name="conversation_cancel"),
    path("gesprekken/<int:conversation_id>/uitnodiging.ics", conversations.conversation_ics, name="conversation_ics"),
    path("gesprekken/vragen/<int:question_id>/spraak/", conversations.question_voice, name="question_voice"),
    path("agenda-koppeling/", conversations.calendar_feed, name="calendar_feed"),
    path("agenda-koppeling/maken/", conversations.calendar_feed_create, name="calendar_feed_create"),
    path("agenda-koppeling/uitzetten/", conversations.calendar_feed_revoke, name="calendar_feed_revoke"),
    # Public by design (no login): the token is the secret; see access.calendar_feed_for_token.
    path("agenda/<str:token>/gesprekken.ics", conversations.calendar_feed_ics, name="calendar_feed_ics"),
    # The sign-off sequence: independence week, assessment, second assessor, what next, closing.
    path("opdrachten/<int:pa_id>/zelfstandig/dag/", signoff.independence_day_record, name="independence_day_record"),
    path("opdrachten/<int:pa_id>/beoordeling/starten/", signoff.assessment_start, name="assessment_start"),
    path("opdrachten/<int:pa_id>/beoordeling/", signoff.assessment_record, name="assessment_record"),
    path("opdrachten/<int:pa_id>/tweede-beoordelaar/", signoff.second_assessor_request, name="second_assessor_request"),
    path(
        "beoordelingen/<int:assessment_id>/tweede-oordeel/",
        signoff.second_assessment_record,
        name="second_assessment_record",
    ),
    path("tweede-beoordelaar/", signoff.second_assessor_waiting, name="second_assessor_waiting"),
    # When the two judgements differ: the talk of both assessors with the participant, and its outcome.
    path("beoordelingen/<int:assessment_id>/gesprek/", signoff.assessment_talk_plan, name="assessment_talk_plan"),
    path(
        "beoordelingen/<int:assessment_id>/uitkomst/",
        signoff.assessment_outcome_record,
        name="assessment_outcome_record",
    ),
    path("opdrachten/<int:pa_id>/volgende/", signoff.give_next, name="give_next"),
    path("gekozen-skills/<int:chosen_skill_id>/afronden/", signoff.skill_close, name="skill_close"),
    path("trajecten/<int:trajectory_id>/afsluiten/", signoff.trajectory_close, name="trajectory_close"),
    path("trajecten/<int:trajectory_id>/stoppen/", signoff.trajectory_stop, name="trajectory_stop"),
]
