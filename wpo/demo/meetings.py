"""Demo meetings for the demo organisation: a start meeting that was held, an intervision and a
closing that are planned. Written directly (not through the services), since the start meeting
lies in the past and a demo sends no e-mail."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from wpo.meetings.kinds import BY_KIND
from wpo.meetings.models import Meeting, MeetingAttendance
from wpo.orgs.models import Organization, Person

PARTICIPANTS = ("deelnemer", "mohamed", "joyce", "piotr", "fatma")

USERNAMES = ("coach", "projectmanager", "werkplekopleider", "werkplekopleider2", *PARTICIPANTS)
START_NOTES = (
    "Iedereen heeft kennisgemaakt. Ahmed en Ingrid vertelden hoe een WPO-opdracht werkt; "
    "Richard vertelde waarom het bedrijf WPO belangrijk vindt.\n"
    "Vragen: hoe lang duurt een opdracht (gemiddeld 1 tot 6 weken) en mag je zelf een skill kiezen (ja).\n"
    "Afspraak: iedereen heeft binnen twee weken het eerste gesprek met de werkplekopleider."
)


def _at(weeks: int, hour: int, minute: int = 0) -> datetime:
    """That many weeks from today, on a working day: a weekend moves to the Friday before (in the
    past) or the Monday after (in the future)."""
    day = timezone.localdate() + timedelta(weeks=weeks)
    while day.weekday() >= 5:
        day += timedelta(days=-1 if weeks < 0 else 1)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _meeting(
    org: Organization, kind: Meeting.Kind, organiser: Person | None, starts_at: datetime, location: str
) -> Meeting:
    defaults = BY_KIND[kind]
    return Meeting.objects.create(
        organization=org,
        kind=kind,
        title=str(defaults.title),
        starts_at=starts_at,
        duration_minutes=defaults.duration_minutes,
        location=location,
        agenda=str(defaults.agenda),
        organiser=organiser,
    )


def _invite(meeting: Meeting, people: list[Person], status: str = MeetingAttendance.Status.INVITED) -> None:
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(organization=meeting.organization, meeting=meeting, person=p, status=status) for p in people
    )


def populate_demo(org: Organization) -> None:
    people = Person.objects.filter(organization=org, user__username__in=USERNAMES).select_related("user")
    found = {p.user.username: p for p in people}
    coach = found.get("coach")
    trainers = [found[u] for u in ("werkplekopleider", "werkplekopleider2") if u in found]
    participants = [found[u] for u in PARTICIPANTS if u in found]
    manager = [found["projectmanager"]] if "projectmanager" in found else []

    # Eight weeks ago, when the demo trajectories began: everyone came but one, who called in sick.
    start = _meeting(org, Meeting.Kind.START, coach, _at(-8, 10), "Kantine")
    start.notes = START_NOTES
    start.recorded_at = start.ends_at
    start.recorded_by = coach
    start.save(update_fields=["notes", "recorded_at", "recorded_by"])
    _invite(start, [*trainers, *participants[:4], *manager], MeetingAttendance.Status.PRESENT)
    _invite(start, participants[4:], MeetingAttendance.Status.EXCUSED)

    intervision = _meeting(org, Meeting.Kind.INTERVISION, coach, _at(3, 13, 30), "Vergaderruimte 2")
    _invite(intervision, trainers)

    closing = _meeting(org, Meeting.Kind.CLOSING, coach, _at(5, 15), "Kantine")
    _invite(closing, [*participants, *trainers, *manager])
