"""Department visits: plan, change, cancel and record one; its follow-ups; its invitation.

Every write is one transaction; a visit or follow-up two people might change at once is locked
first. Errors are ``ValidationError`` with a Dutch message, fit to show at the form.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.lib import ical
from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, may

from .models import DepartmentVisit, VisitAction

DURATIONS = (30, 60, 90, 120, 180, 240)
# A visit is planned for the coming weeks or months; a date more than a year away is a typing error.
FURTHEST_AHEAD = timedelta(days=366)
# A visit is recorded soon after it was held; older than this is a typing error.
FURTHEST_BACK = timedelta(days=366)
TEXT_MAX = 5000

Status = DepartmentVisit.Status


@dataclass(frozen=True)
class ActionData:
    """One follow-up as typed on the record form or the add form."""

    description: str
    owner: Person
    due_on: date


def _check_coach(actor: Person, organization_id: int) -> None:
    if actor.organization_id != organization_id or not may(actor, Ability.PLAN_VISITS):
        raise ValidationError(_("Alleen een coach plant en verslaat een afdelingsbezoek."))


def _check_plan(
    *,
    department: Department,
    planned_at: datetime,
    duration_minutes: int,
    purpose: str,
    trainers: list[Person],
    now: datetime,
) -> None:
    if planned_at <= now:
        raise ValidationError(_("Dit moment is al voorbij. Kies een dag en tijd in de toekomst."))
    if planned_at > now + FURTHEST_AHEAD:
        raise ValidationError(_("Plan het bezoek binnen een jaar."))
    if duration_minutes not in DURATIONS:
        raise ValidationError(_("Kies hoe lang het bezoek duurt."))
    if not purpose.strip():
        raise ValidationError(_("Schrijf kort op waarom je langskomt."))
    if len(purpose) > TEXT_MAX:
        raise ValidationError(_("Maak de tekst korter: hoogstens %(max)s tekens.") % {"max": TEXT_MAX})
    if any(t.organization_id != department.organization_id or t.department_id != department.pk for t in trainers):
        raise ValidationError(_("Kies werkplekopleiders van deze afdeling."))
    if any(not t.is_trainer for t in trainers):
        raise ValidationError(_("Kies werkplekopleiders van deze afdeling."))


@transaction.atomic
def visit_plan(
    *,
    actor: Person,
    department: Department,
    planned_at: datetime,
    duration_minutes: int,
    purpose: str,
    trainers: list[Person],
) -> DepartmentVisit:
    _check_coach(actor, department.organization_id)
    _check_plan(
        department=department,
        planned_at=planned_at,
        duration_minutes=duration_minutes,
        purpose=purpose,
        trainers=trainers,
        now=timezone.now(),
    )
    visit = DepartmentVisit.objects.create(
        organization_id=department.organization_id,
        department=department,
        coach=actor,
        planned_at=planned_at,
        duration_minutes=duration_minutes,
        purpose=purpose.strip(),
    )
    visit.trainers.set(trainers)
    return visit


def _lock(visit: DepartmentVisit) -> DepartmentVisit:
    return DepartmentVisit.objects.select_for_update().select_related("department").get(pk=visit.pk)


def _refuse_unless_planned(locked: DepartmentVisit) -> None:
    if locked.status == Status.HELD:
        raise ValidationError(_("Dit bezoek is al gehouden. Het verslag blijft bewaard."))
    if locked.status == Status.CANCELLED:
        raise ValidationError(_("Dit bezoek is afgezegd. Plan een nieuw bezoek."))


@transaction.atomic
def visit_reschedule(
    *,
    visit: DepartmentVisit,
    actor: Person,
    planned_at: datetime,
    duration_minutes: int,
    purpose: str,
    trainers: list[Person],
) -> DepartmentVisit:
    """Change the time, length, purpose or company of a visit that is still planned."""
    locked = _lock(visit)
    _check_coach(actor, locked.organization_id)
    _refuse_unless_planned(locked)
    _check_plan(
        department=locked.department,
        planned_at=planned_at,
        duration_minutes=duration_minutes,
        purpose=purpose,
        trainers=trainers,
        now=timezone.now(),
    )
    if planned_at != locked.planned_at or duration_minutes != locked.duration_minutes:
        # Calendar apps replace an event only when its sequence goes up.
        locked.ical_sequence += 1
    locked.planned_at = planned_at
    locked.duration_minutes = duration_minutes
    locked.purpose = purpose.strip()
    locked.save(update_fields=["planned_at", "duration_minutes", "purpose", "ical_sequence"])
    locked.trainers.set(trainers)
    return locked


@transaction.atomic
def visit_cancel(*, visit: DepartmentVisit, actor: Person) -> DepartmentVisit:
    """Call off a planned visit. It stays on record as cancelled."""
    locked = _lock(visit)
    _check_coach(actor, locked.organization_id)
    _refuse_unless_planned(locked)
    locked.status = Status.CANCELLED
    locked.cancelled_by = actor
    locked.cancelled_at = timezone.now()
    locked.ical_sequence += 1
    locked.save(update_fields=["status", "cancelled_by", "cancelled_at", "ical_sequence"])
    return locked


def _check_action(action: ActionData, *, organization_id: int, held_on: date) -> None:
    if not action.description.strip():
        raise ValidationError(_("Schrijf op wat er moet gebeuren."))
    if action.owner.organization_id != organization_id:
        raise ValidationError(_("Kies iemand van je eigen organisatie."))
    if action.due_on < held_on:
        raise ValidationError(_("De datum ligt vóór het bezoek. Kies een latere datum."))
    if action.due_on > held_on + FURTHEST_AHEAD:
        raise ValidationError(_("Kies een datum binnen een jaar na het bezoek."))


def _create_action(visit: DepartmentVisit, action: ActionData, actor: Person) -> VisitAction:
    return VisitAction.objects.create(
        organization_id=visit.organization_id,
        visit=visit,
        description=action.description.strip(),
        owner=action.owner,
        due_on=action.due_on,
        created_by=actor,
    )


@transaction.atomic
def visit_record(
    *,
    visit: DepartmentVisit,
    actor: Person,
    held_on: date,
    notes_seen: str,
    notes_participants: str,
    notes_trainers: str,
    actions: list[ActionData],
) -> DepartmentVisit:
    """Record a planned visit as held, with its notes and follow-ups, all or nothing."""
    locked = _lock(visit)
    _check_coach(actor, locked.organization_id)
    _refuse_unless_planned(locked)
    today = timezone.localdate()
    if held_on > today:
        raise ValidationError(_("Deze datum is nog niet geweest. Leg het bezoek vast als het geweest is."))
    if held_on < today - FURTHEST_BACK:
        raise ValidationError(_("Deze datum is meer dan een jaar geleden. Kijk de datum na."))
    notes = [notes_seen.strip(), notes_participants.strip(), notes_trainers.strip()]
    if not any(notes):
        raise ValidationError(_("Schrijf op wat je zag, of hoe het gaat met de deelnemers of de werkplekopleiders."))
    if any(len(n) > TEXT_MAX for n in notes):
        raise ValidationError(_("Maak de tekst korter: hoogstens %(max)s tekens.") % {"max": TEXT_MAX})
    for action in actions:
        _check_action(action, organization_id=locked.organization_id, held_on=held_on)
    locked.status = Status.HELD
    locked.held_on = held_on
    locked.notes_seen, locked.notes_participants, locked.notes_trainers = notes
    locked.recorded_by = actor
    locked.recorded_at = timezone.now()
    locked.save(
        update_fields=[
            "status",
            "held_on",
            "notes_seen",
            "notes_participants",
            "notes_trainers",
            "recorded_by",
            "recorded_at",
        ]
    )
    for action in actions:
        _create_action(locked, action, actor)
    return locked


@transaction.atomic
def action_add(*, visit: DepartmentVisit, actor: Person, action: ActionData) -> VisitAction:
    """Add a follow-up to a visit that was held."""
    locked = _lock(visit)
    _check_coach(actor, locked.organization_id)
    if locked.status != Status.HELD or locked.held_on is None:
        raise ValidationError(_("Een vervolgactie hoort bij een bezoek dat geweest is. Leg het bezoek eerst vast."))
    _check_action(action, organization_id=locked.organization_id, held_on=locked.held_on)
    return _create_action(locked, action, actor)


@transaction.atomic
def action_set_done(*, action: VisitAction, actor: Person, done: bool) -> VisitAction:
    """Tick a follow-up off (or on again). Only the one who does it, or a coach."""
    locked = VisitAction.objects.select_for_update().get(pk=action.pk)
    if actor.organization_id != locked.organization_id or not (
        may(actor, Ability.PLAN_VISITS) or locked.owner_id == actor.pk
    ):
        raise ValidationError(_("Alleen wie de actie doet, of een coach, kan hem afvinken."))
    if done and locked.done_at is None:
        locked.done_at, locked.done_by = timezone.now(), actor
    elif not done and locked.done_at is not None:
        locked.done_at, locked.done_by = None, None
    locked.save(update_fields=["done_at", "done_by"])
    return locked


# The invitation ----------------------------------------------------------------------------


def _attendee(person: Person | None) -> ical.Attendee | None:
    if person is None or not person.user.email:
        return None
    return ical.Attendee(name=person.name, email=person.user.email)


def visit_event(visit: DepartmentVisit, *, url: str = "") -> ical.Event:
    trainers = list(visit.trainers.all())
    lines = [_("Afdelingsbezoek van de coach aan %(department)s.") % {"department": visit.department.name}]
    lines.append(_("Waarom: %(purpose)s") % {"purpose": visit.purpose})
    if trainers:
        lines.append(_("Met: %(names)s") % {"names": ", ".join(t.name for t in trainers)})
    if url:
        lines.append(url)
    return ical.Event(
        uid=f"{visit.ical_uid}@wpo-platform",
        start=visit.planned_at,
        end=visit.ends_at,
        stamp=timezone.now(),
        summary=_("Afdelingsbezoek %(department)s") % {"department": visit.department.name},
        location=visit.department.name,
        description="\n".join(lines),
        sequence=visit.ical_sequence,
        organizer=_attendee(visit.coach),
        attendees=tuple(a for a in (_attendee(t) for t in trainers) if a is not None),
        url=url,
    )


def visit_ics(visit: DepartmentVisit, *, url: str = "") -> str:
    return ical.calendar([visit_event(visit, url=url)])


def visit_ics_filename(visit: DepartmentVisit) -> str:
    return f"afdelingsbezoek-{timezone.localtime(visit.planned_at):%Y-%m-%d-%H%M}.ics"
