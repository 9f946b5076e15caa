"""Coaching conversations for the werkplekopleider and coach: plan one, prepare and record it
on its agenda screen, download the invitation, and subscribe to a calendar feed of them."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from wpo.lib import clock, ids
from wpo.lib.refusals import Refused
from wpo.lib.uploads import content_type_for
from wpo.orgs import access
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability

from .. import access as trajectory_access
from .. import invitations, selectors
from ..forms import ConversationForm, RecordForm
from ..models import OPEN_STEPS, CoachingConversation, ParticipantAssignment, Step, Trajectory
from ..services import conversations
from ..services.conversations import Decision
from ..workflow import StaleStep

conversation_staff = access.ability_required(Ability.WORK_ON_TRAJECTORIES)


# Plan, change, cancel ----------------------------------------------------------------------


def _conversation_form(request: HttpRequest, me: Person, trajectory: Trajectory, **kwargs: Any) -> ConversationForm:
    assignments = (
        access.in_org(me, ParticipantAssignment)
        .filter(trajectory=trajectory)
        .filter(step__in=OPEN_STEPS)
        .select_related("version")
        .order_by("created_at")
    )
    return ConversationForm(
        request.POST if request.method == "POST" else None,
        assignments=assignments,
        colleagues=trajectory_access.conversation_attendee_choices(me, trajectory),
        **kwargs,
    )


@conversation_staff
def conversation_plan(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    me = access.person_of(request)
    trajectory = trajectory_access.access_trajectory_for_conversations(me, trajectory_id)
    open_ones = list(
        access.in_org(me, ParticipantAssignment)
        .filter(trajectory=trajectory)
        .filter(step__in=OPEN_STEPS)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    chosen = request.GET.get("opdracht", "")
    initial: dict[str, Any] = {
        # A week from now: one round of the work task, then looking back together.
        "date": clock.today() + timedelta(days=7),
        "time": "10:00",
        "duration_minutes": 30,
        "participant_assignment": ids.parse_id(chosen) or (open_ones[0] if open_ones else None),
    }
    form = _conversation_form(request, me, trajectory, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = conversations.conversation_plan(
                trajectory=trajectory,
                actor=me,
                planned_at=form.planned_at(),
                duration_minutes=data["duration_minutes"],
                location=data["location"],
                attendees=list(data["attendees"]),
                participant_assignment=data["participant_assignment"],
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Het gesprek is gepland. Iedereen met een e-mailadres krijgt de dag ervoor een herinnering."),
            )
            return redirect("trajectories:conversation", conversation_id=conversation.pk)
    return render(request, "trajectories/conversation_plan.html", {"trajectory": trajectory, "form": form})


@conversation_staff
def conversation_edit(request: HttpRequest, conversation_id: int) -> HttpResponse:
    me = access.person_of(request)
    conversation = trajectory_access.access_conversation(me, conversation_id)
    if conversation.held_at is not None:
        messages.error(request, _("Dit gesprek is al gehouden en kan niet meer verzet worden."))
        return redirect("trajectories:conversation", conversation_id=conversation.pk)
    local = timezone.localtime(conversation.planned_at)
    initial = {
        "date": local.date(),
        "time": local.time(),
        "duration_minutes": conversation.duration_minutes,
        "location": conversation.location,
        "participant_assignment": conversation.participant_assignment_id,
        "attendees": [p.pk for p in conversation.attendees.all()],
    }
    form = _conversation_form(request, me, conversation.trajectory, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversations.conversation_reschedule(
                conversation=conversation,
                actor=me,
                planned_at=form.planned_at(),
                duration_minutes=data["duration_minutes"],
                location=data["location"],
                attendees=list(data["attendees"]),
                participant_assignment=data["participant_assignment"],
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Het gesprek is gewijzigd. Download de uitnodiging opnieuw voor uw agenda."))
            return redirect("trajectories:conversation", conversation_id=conversation.pk)
    return render(
        request,
        "trajectories/conversation_edit.html",
        {"trajectory": conversation.trajectory, "conversation": conversation, "form": form},
    )


@require_POST
@conversation_staff
def conversation_cancel(request: HttpRequest, conversation_id: int) -> HttpResponse:
    me = access.person_of(request)
    conversation = trajectory_access.access_conversation(me, conversation_id)
    try:
        conversations.conversation_cancel(conversation=conversation, actor=me)
    except Refused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("trajectories:conversation", conversation_id=conversation.pk)
    messages.success(request, _("Het gesprek is afgezegd. Laat het de deelnemer ook even weten."))
    return _back_to_trajectory(conversation)


def _back_to_trajectory(conversation: CoachingConversation) -> HttpResponse:
    return redirect(reverse("trajectories:trajectory_detail", args=[conversation.trajectory_id]) + "#gesprekken")


# The conversation itself: agenda and record ------------------------------------------------


@conversation_staff
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The agenda of the conversation, and the form that records it."""
    me = access.person_of(request)
    conversation = trajectory_access.access_conversation(me, conversation_id)
    if request.method == "POST" and conversation.held_at is not None:
        messages.error(request, _("Dit gesprek is al vastgelegd."))
        return redirect("trajectories:conversation", conversation_id=conversation.pk)
    form = _record_form(request.POST if request.method == "POST" else None, conversation)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision = Decision(data.get("decision") or Decision.NONE)
        try:
            conversations.conversation_record(
                conversation=conversation,
                actor=me,
                done_and_learned=data["done_and_learned"],
                trainer_saw=data["trainer_saw"],
                agreements=data["agreements"],
                decision=decision,
                step_seen=data["step_seen"],
            )
        except StaleStep as exc:
            # Someone else moved the assignment meanwhile. Nothing was saved: show the fresh
            # state with what was typed, and the step the screen now shows in the hidden field.
            conversation = trajectory_access.access_conversation(me, conversation_id)
            pa = conversation.participant_assignment
            fresh = request.POST.copy()
            fresh["step_seen"] = pa.step if pa else ""
            form = _record_form(fresh, conversation)
            form.is_valid()
            form.add_error(None, str(exc))
            status = 409
        except Refused as exc:
            form.add_error(None, exc)
            status = 400
        else:
            messages.success(request, _record_message(decision, conversation))
            return redirect(
                reverse("trajectories:trajectory_detail", args=[conversation.trajectory_id]) + "#gesprekken"
            )
    return render(
        request,
        "trajectories/conversation_detail.html",
        {
            "conversation": conversation,
            "trajectory": conversation.trajectory,
            "pa": conversation.participant_assignment,
            "agenda": selectors.conversation_agenda(conversation),
            "people": invitations.invited_people(conversation),
            "form": form,
        },
        status=status,
    )


def _record_form(data: Any, conversation: CoachingConversation) -> RecordForm:
    """The record form; it offers the decision when the step the trainer saw was ‘terugkijken’.

    For a post that is the step the screen showed, not the step now: a decision taken on a
    screen that has gone stale must reach ``conversation_record`` to be refused there.
    """
    pa = conversation.participant_assignment
    seen = (data.get("step_seen", "") if data is not None else pa.step) if pa is not None else ""
    return RecordForm(data, decides=seen == Step.LOOKING_BACK, initial={"step_seen": seen})


def _record_message(decision: Decision, conversation: CoachingConversation) -> str:
    name = conversation.trajectory.participant.user.first_name or conversation.trajectory.participant.name
    if decision == Decision.GOAL_REACHED:
        return _(
            "Het gesprek is vastgelegd. De zelfstandigheidsweek begint: kijk een week of %(name)s het zelf laat zien."
        ) % {"name": name}
    if decision == Decision.ANOTHER_WEEK:
        return _("Het gesprek is vastgelegd. %(name)s oefent nog een week: zo gaat leren.") % {"name": name}
    return _("Het gesprek is vastgelegd.")


@require_safe
@conversation_staff
def conversation_ics(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The invitation as an iCalendar file, to open in Outlook, Google or Apple Calendar."""
    conversation = trajectory_access.access_conversation(access.person_of(request), conversation_id)
    url = request.build_absolute_uri(reverse("trajectories:conversation", args=[conversation.pk]))
    response = HttpResponse(
        invitations.invitation_ics(conversation, url=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{invitations.invitation_filename(conversation)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@conversation_staff
def question_voice(request: HttpRequest, question_id: int) -> FileResponse:
    """The voice note of a participant's question, for whoever holds the conversation."""
    question = trajectory_access.access_question_for_conversation(access.person_of(request), question_id)
    name = question.voice_note.name if question.voice_note else None
    if not name or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type_for(name))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The calendar feed -------------------------------------------------------------------------


def _feed_urls(request: HttpRequest, token: str) -> dict[str, str]:
    https = request.build_absolute_uri(reverse("trajectories:calendar_feed_ics", args=[token]))
    return {"feed_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


@require_safe
@conversation_staff
def calendar_feed(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    return render(request, "trajectories/calendar_feed.html", {"feed": trajectory_access.active_calendar_feed(me)})


@require_POST
@conversation_staff
def calendar_feed_create(request: HttpRequest) -> HttpResponse:
    """A new feed address, shown only in this answer: only its hash is kept."""
    issued = conversations.calendar_feed_create(person=access.person_of(request))
    response = render(
        request,
        "trajectories/calendar_feed_created.html",
        {"feed": issued.feed, **_feed_urls(request, issued.token)},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@conversation_staff
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    if conversations.calendar_feed_revoke(person=access.person_of(request)):
        messages.success(request, _("De agenda-koppeling is uitgezet. Het oude adres werkt niet meer."))
    return redirect("trajectories:calendar_feed")


@require_safe
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar app subscribes to. Public by design: calendar apps cannot log in, so
    the token in the address is the secret. It shows only the owner's own conversations."""
    feed = trajectory_access.calendar_feed_for_token(token)
    if feed is None:
        raise Http404
    found = list(trajectory_access.calendar_feed_conversations(feed, timezone.now()))
    urls = [request.build_absolute_uri(reverse("trajectories:conversation", args=[c.pk])) for c in found]
    # "Kijk je mee?": the participants' live requests to come and watch, as to-dos.
    watching = list(trajectory_access.live_watch_requests_for(feed.person, timezone.now()))
    text = invitations.calendar_feed_ics(
        feed,
        found,
        urls=urls,
        watch_requests=watching,
        watch_url=request.build_absolute_uri(reverse("trajectories:my_participants")),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
