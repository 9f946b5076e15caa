"""Plan, change, cancel and record a meeting. Each is one transaction; the invitations go out
after it has committed (``invitations.send_after_commit``)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from wpo.intake import services as intake_services
from wpo.lib.refusals import Refused, checked
from wpo.orgs.models import Department, Person

from . import invitations
from .access import may_plan
from .models import MAX_DURATION, MIN_DURATION, RECORDED_STATUSES, Meeting, MeetingAttendance

# A meeting is planned for the coming months; a date more than a year away is a typing error.
FURTHEST_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class MeetingDetails:
    """What the coach fills in when planning or changing a meeting."""

    title: str
    starts_at: datetime
    duration_minutes: int
    location: str = ""
    agenda: str = ""
    department: Department | None = None
    invitees: list[Person] = field(default_factory=list)


def plan_errors(
    *, starts_at: datetime | None, duration_minutes: int | None, invitee_count: int, now: datetime
) -> dict[str, str]:
    """The problems with a plan, by what they are about: ``starts_at``, ``duration_minutes``, ``invitees``.
    The form shows them at its fields (None: the field itself was already wrong); the services refuse
    the same things."""
    errors: dict[str, str] = {}
    if starts_at is not None and starts_at <= now:
        errors["starts_at"] = _("Dit moment is al voorbij. Kies een dag en tijd in de toekomst.")
    elif starts_at is not None and starts_at > now + FURTHEST_AHEAD:
        errors["starts_at"] = _("Plan de bijeenkomst binnen een jaar.")
    if duration_minutes is not None and not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        errors["duration_minutes"] = _(
            "Een bijeenkomst duurt minstens %(min)s minuten en hoogstens %(max)s minuten (8 uur)."
        ) % {"min": MIN_DURATION, "max": MAX_DURATION}
    if invitee_count == 0:
        errors["invitees"] = _("Nodig minstens één persoon uit.")
    return errors


def _check_actor(actor: Person, organization_id: int) -> None:
    if actor.organization_id != organization_id or not may_plan(actor):
        raise Refused(_("Alleen een coach of projectmanager plant een bijeenkomst."))


def _check_details(details: MeetingDetails, organization_id: int, now: datetime) -> None:
    if not details.title.strip():
        raise Refused(_("Geef de bijeenkomst een titel."))
    errors = plan_errors(
        starts_at=details.starts_at,
        duration_minutes=details.duration_minutes,
        invitee_count=len(details.invitees),
        now=now,
    )
    if errors:
        raise Refused(list(errors.values()))
    if any(p.organization_id != organization_id for p in details.invitees) or (
        details.department is not None and details.department.organization_id != organization_id
    ):
        raise Refused(_("Kies mensen en afdelingen van je eigen organisatie."))


def _unique(people: list[Person]) -> list[Person]:
    by_pk: dict[int, Person] = {}
    for person in people:
        by_pk.setdefault(person.pk, person)
    return list(by_pk.values())


@transaction.atomic
def meeting_plan(*, actor: Person, kind: Meeting.Kind, details: MeetingDetails) -> Meeting:
    """Plan a meeting and invite everyone in ``details.invitees``."""
    _check_actor(actor, actor.organization_id)
    _check_details(details, actor.organization_id, timezone.now())
    meeting = Meeting(
        organization_id=actor.organization_id,
        kind=kind,
        title=details.title.strip(),
        starts_at=details.starts_at,
        duration_minutes=details.duration_minutes,
        location=details.location.strip(),
        agenda=details.agenda.strip(),
        department=details.department,
        organiser=actor,
    )
    checked(meeting)
    meeting.save()
    invitees = _unique(details.invitees)
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(organization_id=meeting.organization_id, meeting=meeting, person=p) for p in invitees
    )
    _invited_from_intake(meeting, actor, [p.pk for p in invitees])
    invitations.send_after_commit(meeting, method=invitations.REQUEST, person_ids=[p.pk for p in invitees])
    return meeting


def _invited_from_intake(meeting: Meeting, actor: Person, person_ids: list[int]) -> None:
    """Invited to the kick-off: their interest in the intake moves to ‘uitgenodigd voor de start’."""
    if meeting.kind != Meeting.Kind.START or not person_ids:
        return
    day = formats.date_format(timezone.localtime(meeting.starts_at), "j F Y")
    intake_services.interests_invited_to_start(
        actor=actor,
        employee_ids=person_ids,
        note=_("Uitgenodigd voor %(title)s op %(day)s.") % {"title": meeting.title, "day": day},
    )


def _lock(meeting: Meeting, actor: Person) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_actor(actor, locked.organization_id)
    if locked.is_cancelled:
        raise Refused(_("Deze bijeenkomst is afgezegd."))
    return locked


EVENT_FIELDS = ("title", "starts_at", "duration_minutes", "location", "agenda")


@transaction.atomic
def meeting_change(*, meeting: Meeting, actor: Person, details: MeetingDetails) -> Meeting:
    """Change a meeting that has not begun. Who stays invited gets the update, who is new the
    invitation, who is no longer invited a cancellation; the calendar sequence goes up."""
    locked = _lock(meeting, actor)
    if locked.has_begun:
        raise Refused(_("Deze bijeenkomst is al begonnen. Je kunt hem niet meer wijzigen."))
    _check_details(details, locked.organization_id, timezone.now())
    new = {
        "title": details.title.strip(),
        "starts_at": details.starts_at,
        "duration_minutes": details.duration_minutes,
        "location": details.location.strip(),
        "agenda": details.agenda.strip(),
        "department": details.department,
    }
    event_changed = any(getattr(locked, name) != new[name] for name in EVENT_FIELDS)
    department_changed = locked.department_id != (details.department.pk if details.department else None)
    before = set(MeetingAttendance.objects.filter(meeting=locked).values_list("person_id", flat=True))
    invitees = _unique(details.invitees)
    after = {p.pk for p in invitees}
    if not (event_changed or department_changed or before != after):
        return locked
    for name, value in new.items():
        setattr(locked, name, value)
    # Calendar apps replace an event only when its sequence goes up.
    locked.ical_sequence += 1
    checked(locked)
    locked.save(update_fields=[*new.keys(), "ical_sequence"])
    removed, added = before - after, after - before
    MeetingAttendance.objects.filter(meeting=locked, person_id__in=removed).delete()
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(organization_id=locked.organization_id, meeting=locked, person=p)
        for p in invitees
        if p.pk in added
    )
    _invited_from_intake(locked, actor, sorted(added))
    invitations.send_after_commit(locked, method=invitations.CANCEL, person_ids=sorted(removed))
    invitations.send_after_commit(locked, method=invitations.REQUEST, person_ids=sorted(added))
    if event_changed:
        invitations.send_after_commit(
            locked, method=invitations.REQUEST, person_ids=sorted(before & after), changed=True
        )
    return locked


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: Person) -> Meeting:
    """Call off a meeting that has not begun; every invitee gets the cancellation."""
    locked = _lock(meeting, actor)
    if locked.has_begun:
        raise Refused(_("Deze bijeenkomst is al begonnen. Leg liever vast wie er was."))
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.ical_sequence += 1
    locked.save(update_fields=["cancelled_at", "cancelled_by", "ical_sequence"])
    invitations.send_after_commit(locked, method=invitations.CANCEL, person_ids=invitations.invited_person_ids(locked))
    return locked


@transaction.atomic
def meeting_record(*, meeting: Meeting, actor: Person, statuses: Mapping[int, str], notes: str) -> Meeting:
    """Record for every invitee whether they came, and the notes. Possible from the start time on;
    recording again corrects what was recorded before."""
    locked = _lock(meeting, actor)
    if not locked.has_begun:
        local = timezone.localtime(locked.starts_at)
        raise Refused(
            _("Je kunt de aanwezigheid vastleggen vanaf het begin van de bijeenkomst: %(day)s om %(time)s.")
            % {"day": formats.date_format(local, "l j F"), "time": formats.time_format(local, "H:i")}
        )
    rows = list(MeetingAttendance.objects.select_for_update().filter(meeting=locked).order_by("pk"))
    invited = {row.person_id for row in rows}
    if set(statuses) - invited:
        raise Refused(_("Je kunt alleen de aanwezigheid vastleggen van wie er uitgenodigd is."))
    if any(statuses.get(row.person_id) not in RECORDED_STATUSES for row in rows):
        raise Refused(_("Kies voor iedereen: aanwezig, afgemeld of niet gekomen."))
    changed = [row for row in rows if row.status != statuses[row.person_id]]
    for row in changed:
        row.status = statuses[row.person_id]
    MeetingAttendance.objects.bulk_update(changed, ["status"])
    locked.notes = notes.strip()
    locked.recorded_at = timezone.now()
    locked.recorded_by = actor
    locked.save(update_fields=["notes", "recorded_at", "recorded_by"])
    return locked
