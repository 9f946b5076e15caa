"""Coaching conversations (begeleidingsgesprekken): plan, move, cancel and record one; the reminder
the day before; the werkplekopleider's calendar feed address. What a conversation looks like in a
calendar or an e-mail is ``wpo.trajectories.invitations``; its agenda is a selector.

Every write is one transaction. The reminder is a task of Django's tasks framework, stored in
the database (django-tasks-db) in the same transaction as the conversation, so a conversation
that is rolled back leaves no reminder behind and a planned one never lacks it.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wpo.accounts.access import token_hash
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may, may_on

from .. import activity
from ..invitations import reminder_message
from ..models import (
    CoachingConversation,
    ParticipantAssignment,
    ParticipantQuestion,
    Step,
    TrainerCalendarFeed,
    Trajectory,
)
from ..workflow import IllegalMove, move

DURATIONS = (15, 30, 45, 60, 90)
# A conversation is planned for the coming weeks; a date a year away is a typing error.
FURTHEST_AHEAD = timedelta(days=366)
# The reminder goes out the day before at this local time (settings.TIME_ZONE, Europe/Amsterdam).
REMINDER_TIME = time(8, 0)


class Decision(models.TextChoices):
    """What the look-back conversation decides about the assignment."""

    NONE = "none", gettext_lazy("Nog geen besluit")
    GOAL_REACHED = "goal_reached", gettext_lazy("Leerdoel gehaald: de zelfstandigheidsweek begint")
    ANOTHER_WEEK = "another_week", gettext_lazy("Nog een week oefenen")


DECISION_STEP = {Decision.GOAL_REACHED: Step.INDEPENDENT, Decision.ANOTHER_WEEK: Step.WORKING}


# Plan, move, cancel --------------------------------------------------------------------------


def _check_actor(actor: Person, trajectory: Trajectory) -> None:
    if not may_on(actor, OnTrajectory.WORK, trajectory):
        raise ValidationError(_("Alleen de werkplekopleider of een coach plant en voert een gesprek."))


def _check_plan(
    *,
    trajectory: Trajectory,
    planned_at: datetime,
    duration_minutes: int,
    attendees: list[Person],
    participant_assignment: ParticipantAssignment | None,
    now: datetime,
) -> None:
    if trajectory.status != Trajectory.Status.ACTIVE:
        raise ValidationError(_("Dit WPO-traject loopt niet meer."))
    if planned_at <= now:
        raise ValidationError(_("Dit moment is al voorbij. Kies een dag en tijd in de toekomst."))
    if planned_at > now + FURTHEST_AHEAD:
        raise ValidationError(_("Plan het gesprek binnen een jaar."))
    if duration_minutes not in DURATIONS:
        raise ValidationError(_("Kies hoe lang het gesprek duurt."))
    if participant_assignment is not None and (
        participant_assignment.trajectory_id != trajectory.pk or not participant_assignment.is_open
    ):
        raise ValidationError(_("Kies een lopende opdracht van dit WPO-traject."))
    if any(p.organization_id != trajectory.organization_id or p.pk == trajectory.participant_id for p in attendees):
        raise ValidationError(_("Kies collega's van uw eigen organisatie om mee te doen."))


@transaction.atomic
def conversation_plan(
    *,
    trajectory: Trajectory,
    actor: Person,
    planned_at: datetime,
    duration_minutes: int = 30,
    location: str = "",
    attendees: list[Person] | None = None,
    participant_assignment: ParticipantAssignment | None = None,
) -> CoachingConversation:
    """Plan a conversation and put its reminder in the queue."""
    _check_actor(actor, trajectory)
    attendees = [p for p in attendees or [] if p.pk != trajectory.trainer_id]
    _check_plan(
        trajectory=trajectory,
        planned_at=planned_at,
        duration_minutes=duration_minutes,
        attendees=attendees,
        participant_assignment=participant_assignment,
        now=timezone.now(),
    )
    conversation = CoachingConversation(
        organization_id=trajectory.organization_id,
        trajectory=trajectory,
        participant_assignment=participant_assignment,
        planned_at=planned_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        planned_by=actor,
    )
    conversation.full_clean()
    conversation.save()
    conversation.attendees.set(attendees)
    enqueue_reminder(conversation)
    return conversation


@transaction.atomic
def conversation_reschedule(
    *,
    conversation: CoachingConversation,
    actor: Person,
    planned_at: datetime,
    duration_minutes: int,
    location: str,
    attendees: list[Person],
    participant_assignment: ParticipantAssignment | None,
) -> CoachingConversation:
    """Change the time, place or company of a conversation that has not been held yet."""
    locked = CoachingConversation.objects.select_for_update().get(pk=conversation.pk)
    trajectory = Trajectory.objects.get(pk=locked.trajectory_id)
    _check_actor(actor, trajectory)
    if locked.held_at is not None:
        raise ValidationError(_("Dit gesprek is al gehouden en kan niet meer verzet worden."))
    attendees = [p for p in attendees if p.pk != trajectory.trainer_id]
    _check_plan(
        trajectory=trajectory,
        planned_at=planned_at,
        duration_minutes=duration_minutes,
        attendees=attendees,
        participant_assignment=participant_assignment,
        now=timezone.now(),
    )
    moved = planned_at != locked.planned_at
    if moved or duration_minutes != locked.duration_minutes or location.strip() != locked.location:
        # Calendar apps replace an event only when its sequence goes up.
        locked.ical_sequence += 1
    locked.planned_at = planned_at
    locked.duration_minutes = duration_minutes
    locked.location = location.strip()
    locked.participant_assignment = participant_assignment
    fields = ["planned_at", "duration_minutes", "location", "participant_assignment", "ical_sequence"]
    if moved:
        # The old reminder sees the new time and does nothing; the new one is for the new day.
        locked.reminder_sent_at = None
        fields.append("reminder_sent_at")
    locked.full_clean()
    locked.save(update_fields=fields)
    locked.attendees.set(attendees)
    if moved:
        enqueue_reminder(locked)
    return locked


@transaction.atomic
def conversation_cancel(*, conversation: CoachingConversation, actor: Person) -> None:
    """Take a planned conversation off the agenda; its reminder finds nothing and sends nothing."""
    locked = CoachingConversation.objects.select_for_update().get(pk=conversation.pk)
    _check_actor(actor, Trajectory.objects.get(pk=locked.trajectory_id))
    if locked.held_at is not None:
        raise ValidationError(_("Dit gesprek is al gehouden; het verslag blijft bewaard."))
    locked.delete()


# Record ------------------------------------------------------------------------------------


@transaction.atomic
def conversation_record(
    *,
    conversation: CoachingConversation,
    actor: Person,
    done_and_learned: str,
    trainer_saw: str,
    agreements: str,
    decision: Decision = Decision.NONE,
    step_seen: str = "",
) -> CoachingConversation:
    """Record what was said and decided, mark the conversation held, and link the open questions.

    With a decision the assignment moves (through ``workflow.move``) in the same transaction:
    if its step changed since the screen was opened, nothing at all is saved.
    """
    locked = CoachingConversation.objects.select_for_update().get(pk=conversation.pk)
    trajectory = Trajectory.objects.get(pk=locked.trajectory_id)
    _check_actor(actor, trajectory)
    if locked.held_at is not None:
        raise IllegalMove(_("Dit gesprek is al vastgelegd."))
    if not (done_and_learned.strip() or trainer_saw.strip() or agreements.strip()):
        raise ValidationError(_("Schrijf op wat de deelnemer deed en leerde, wat u zag, of wat u afspraken."))
    now = timezone.now()
    decision_text = ""
    if decision != Decision.NONE:
        if locked.participant_assignment_id is None:
            raise IllegalMove(_("Dit gesprek hoort niet bij een opdracht, dus er valt niets te besluiten."))
        pa = ParticipantAssignment.objects.select_for_update().get(pk=locked.participant_assignment_id)
        if pa.step != Step.LOOKING_BACK or pa.step != step_seen:
            raise IllegalMove(
                _(
                    "De opdracht staat intussen op ‘%(step)s’: iemand anders heeft de stap al gezet. "
                    "Er is niets bewaard. Bekijk het gesprek opnieuw."
                )
                % {"step": pa.get_step_display()}
            )
        with translation.override(settings.LANGUAGE_CODE):
            decision_text = str(decision.label)
        move(pa, DECISION_STEP[decision], actor=actor, note=decision_text, at=now)
    locked.held_at = now
    locked.recorded_by = actor
    locked.done_and_learned = done_and_learned.strip()
    locked.trainer_saw = trainer_saw.strip()
    locked.agreements = agreements.strip()
    locked.decision = decision_text
    locked.save(update_fields=["held_at", "recorded_by", "done_and_learned", "trainer_saw", "agreements", "decision"])
    activity.record(trajectory.pk, now)
    ParticipantQuestion.objects.filter(
        organization_id=locked.organization_id, trajectory=trajectory, discussed_in__isnull=True, asked_at__lte=now
    ).update(discussed_in=locked)
    return locked


# The reminder ------------------------------------------------------------------------------


def reminder_moment(planned_at: datetime, now: datetime) -> datetime | None:
    """The day before at 08:00 local time; None when that moment has passed (then: send soon)."""
    zone = timezone.get_default_timezone()
    day_before = timezone.localtime(planned_at, zone).date() - timedelta(days=1)
    moment = datetime.combine(day_before, REMINDER_TIME, tzinfo=zone)
    return moment if moment > now else None


def enqueue_reminder(conversation: CoachingConversation) -> None:
    """Queue the reminder for this conversation at this time. It carries the time it is for,
    so a reminder left over from before a move recognises itself and does nothing."""
    run_after = reminder_moment(conversation.planned_at, timezone.now())
    reminder = (
        send_conversation_reminder if run_after is None else send_conversation_reminder.using(run_after=run_after)
    )
    reminder.enqueue(conversation.pk, conversation.planned_at.astimezone(UTC).isoformat())


@task
def send_conversation_reminder(conversation_id: int, planned_at: str) -> str:
    """Send the reminder once, if the conversation still exists, is not held and was not moved.

    The row is locked and ``reminder_sent_at`` is set in the same transaction as the send, so a
    second run of this task (a retry, or a second worker) finds it set and sends nothing.
    """
    with transaction.atomic():
        conversation = CoachingConversation.objects.select_for_update().filter(pk=conversation_id).first()
        if conversation is None:
            return "cancelled"
        if conversation.held_at is not None:
            return "held"
        if conversation.planned_at != datetime.fromisoformat(planned_at):
            return "moved"
        if conversation.reminder_sent_at is not None:
            return "already sent"
        with translation.override(settings.LANGUAGE_CODE), timezone.override(timezone.get_default_timezone()):
            message = reminder_message(conversation)
            if message.to:
                message.send()
        conversation.reminder_sent_at = timezone.now()
        conversation.save(update_fields=["reminder_sent_at"])
    return "sent" if message.to else "nobody to send to"


# The calendar feed -------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedFeed:
    """A new feed with its token, which exists in readable form only here."""

    feed: TrainerCalendarFeed
    token: str


@transaction.atomic
def calendar_feed_create(*, person: Person) -> IssuedFeed:
    """A new secret feed address for ``person``; the address they had so far stops working."""
    if not may(person, Ability.WORK_ON_TRAJECTORIES):
        raise ValidationError(_("Alleen een werkplekopleider of coach heeft een agenda met gesprekken."))
    # Two tabs pressing at once wait for each other here instead of hitting the one-active constraint.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    TrainerCalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(24)
    feed = TrainerCalendarFeed(organization_id=person.organization_id, person=person, token_hash=token_hash(token))
    feed.full_clean()
    feed.save()
    return IssuedFeed(feed=feed, token=token)


@transaction.atomic
def calendar_feed_revoke(*, person: Person) -> bool:
    """Stop the person's feed address; True when there was one."""
    return bool(
        TrainerCalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )
