"""Coaching conversations (begeleidingsgesprekken): plan, move, cancel and record one; the agenda
that prepares it; its invitation as iCalendar; and the reminder e-mail the day before.

Every write is one transaction. The reminder is a task of Django's tasks framework, stored in
the database (django-tasks-db) in the same transaction as the conversation, so a conversation
that is rolled back leaves no reminder behind and a planned one never lacks it.
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Max
from django.tasks import task
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wpo.accounts.access import token_hash
from wpo.lib import ical
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may, may_on

from .models import (
    CoachingConversation,
    LookBackAnswer,
    Observation,
    ParticipantAssignment,
    ParticipantQuestion,
    Step,
    TrainerCalendarFeed,
    Trajectory,
)
from .workflow import IllegalMove, move

DURATIONS = (15, 30, 45, 60, 90)
# A conversation is planned for the coming weeks; a date a year away is a typing error.
FURTHEST_AHEAD = timedelta(days=366)
# The reminder goes out the day before at this local time (settings.TIME_ZONE, Europe/Amsterdam).
REMINDER_TIME = time(8, 0)
# How often a subscribed calendar app should fetch the feed again (Outlook and Apple honour it;
# Google decides for itself, typically every few hours).
FEED_REFRESH_MINUTES = 60


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
    ParticipantQuestion.objects.filter(
        organization_id=locked.organization_id, trajectory=trajectory, discussed_in__isnull=True, asked_at__lte=now
    ).update(discussed_in=locked)
    return locked


# The agenda --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaAnswer:
    question: str
    answer: LookBackAnswer


@dataclass(frozen=True)
class AgendaLookBack:
    pa: ParticipantAssignment
    answers: list[AgendaAnswer]


@dataclass(frozen=True)
class Agenda:
    since: datetime | None
    look_back: list[AgendaLookBack] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    questions: list[ParticipantQuestion] = field(default_factory=list)


def _between[M: models.Model](
    qs: models.QuerySet[M], at: str, since: datetime | None, until: datetime | None
) -> models.QuerySet[M]:
    if since is not None:
        qs = qs.filter(**{f"{at}__gt": since})
    if until is not None:
        qs = qs.filter(**{f"{at}__lte": until})
    return qs


def conversation_agenda(conversation: CoachingConversation) -> Agenda:
    """What to talk about: look-back answers and observations since the previous held
    conversation, and the participant's questions. A held conversation shows what it had."""
    scope = {"organization_id": conversation.organization_id}
    previous = CoachingConversation.objects.filter(
        **scope, trajectory_id=conversation.trajectory_id, held_at__isnull=False
    ).exclude(pk=conversation.pk)
    if conversation.held_at is not None:
        previous = previous.filter(held_at__lt=conversation.held_at)
    since: datetime | None = previous.aggregate(last=Max("held_at"))["last"]

    answers = LookBackAnswer.objects.filter(**scope, participant_assignment__trajectory_id=conversation.trajectory_id)
    if conversation.participant_assignment_id is not None:
        answers = answers.filter(participant_assignment_id=conversation.participant_assignment_id)
    until = conversation.held_at
    answers = _between(answers, "answered_at", since, until).select_related("participant_assignment__version")
    grouped: dict[int, AgendaLookBack] = {}
    for answer in answers.order_by("participant_assignment_id", "question_index", "answered_at"):
        pa = answer.participant_assignment
        questions = pa.version.content.get("look_back", [])
        text = questions[answer.question_index] if answer.question_index < len(questions) else ""
        grouped.setdefault(pa.pk, AgendaLookBack(pa=pa, answers=[])).answers.append(AgendaAnswer(text, answer))

    observations = _between(
        Observation.objects.filter(**scope, participant_assignment__trajectory_id=conversation.trajectory_id),
        "observed_at",
        since,
        until,
    ).select_related("author__user", "participant_assignment__version")

    if conversation.held_at is not None:
        questions_qs = ParticipantQuestion.objects.filter(**scope, discussed_in=conversation)
    else:
        questions_qs = ParticipantQuestion.objects.filter(
            **scope, trajectory_id=conversation.trajectory_id, discussed_in__isnull=True
        )
    return Agenda(
        since=since,
        look_back=list(grouped.values()),
        observations=list(observations.order_by("-observed_at")),
        questions=list(questions_qs.order_by("asked_at")),
    )


# The invitation ----------------------------------------------------------------------------


def _attendee(person: Person | None) -> ical.Attendee | None:
    if person is None or not person.user.email:
        return None
    return ical.Attendee(name=person.name, email=person.user.email)


def invited_people(conversation: CoachingConversation) -> list[Person]:
    """Everyone who takes part: the participant, the werkplekopleider, who planned it and who joins."""
    trajectory = conversation.trajectory
    people = [trajectory.participant, trajectory.trainer, conversation.planned_by, *conversation.attendees.all()]
    seen: set[int] = set()
    unique: list[Person] = []
    for person in people:
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique


def invitation_event(conversation: CoachingConversation, *, url: str = "") -> ical.Event:
    trajectory = conversation.trajectory
    participant = trajectory.participant
    others = [p for p in invited_people(conversation) if p.pk != participant.pk]
    lines = [_("Begeleidingsgesprek met %(name)s.") % {"name": participant.name}]
    if conversation.participant_assignment is not None:
        lines.append(_("Opdracht: %(title)s") % {"title": conversation.participant_assignment.version.title})
    lines.append(_("Met: %(names)s") % {"names": ", ".join(p.name for p in others)})
    if url:
        lines.append(_("Agenda en verslag: %(url)s") % {"url": url})
    organizer = _attendee(trajectory.trainer)
    attendees = tuple(
        a
        for a in (_attendee(p) for p in invited_people(conversation) if p.pk != trajectory.trainer_id)
        if a is not None
    )
    return ical.Event(
        uid=f"{conversation.ical_uid}@wpo-platform",
        start=conversation.planned_at,
        end=conversation.ends_at,
        stamp=timezone.now(),
        summary=_("Begeleidingsgesprek %(name)s") % {"name": participant.first_name},
        location=conversation.location,
        description="\n".join(lines),
        sequence=conversation.ical_sequence,
        organizer=organizer,
        attendees=attendees,
        url=url,
    )


def invitation_ics(conversation: CoachingConversation, *, url: str = "") -> str:
    return ical.calendar([invitation_event(conversation, url=url)])


def invitation_filename(conversation: CoachingConversation) -> str:
    local = timezone.localtime(conversation.planned_at)
    return f"begeleidingsgesprek-{local:%Y-%m-%d-%H%M}.ics"


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


def reminder_message(conversation: CoachingConversation) -> EmailMessage:
    participant = conversation.trajectory.participant
    local = timezone.localtime(conversation.planned_at)
    when = _("%(day)s om %(time)s") % {
        "day": formats.date_format(local, "l j F"),
        "time": formats.time_format(local, "H:i"),
    }
    people = invited_people(conversation)
    body = [
        _("Hallo,"),
        "",
        _("Dit is een herinnering aan het begeleidingsgesprek van %(name)s.") % {"name": participant.first_name},
        "",
        _("Wanneer: %(when)s (%(minutes)s minuten)") % {"when": when, "minutes": conversation.duration_minutes},
        _("Waar: %(place)s") % {"place": conversation.location or _("dat hoor je van je werkplekopleider")},
        _("Wie: %(names)s") % {"names": ", ".join(p.name for p in people)},
    ]
    if conversation.participant_assignment is not None:
        body.append(_("Opdracht: %(title)s") % {"title": conversation.participant_assignment.version.title})
    body += [
        "",
        _("Denk alvast na: wat heb je gedaan, wat heb je geleerd, en wat wil je vragen?"),
        _("In de bijlage staat het gesprek voor je agenda."),
        "",
        _("Groet van het WPO-platform"),
    ]
    message = EmailMessage(
        subject=_("Herinnering: begeleidingsgesprek %(name)s, %(when)s")
        % {"name": participant.first_name, "when": when},
        body="\n".join(body) + "\n",
        to=sorted({p.user.email for p in people if p.user.email}),
    )
    message.attach(invitation_filename(conversation), invitation_ics(conversation), "text/calendar")
    return message


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


def calendar_feed_ics(feed: TrainerCalendarFeed, conversations: list[CoachingConversation], *, urls: list[str]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        events = [invitation_event(c, url=url) for c, url in zip(conversations, urls, strict=True)]
        return ical.calendar(events, name=_("Begeleidingsgesprekken WPO"), refresh_minutes=FEED_REFRESH_MINUTES)
