"""Access to meetings, built on ``wpo.orgs.access``.

A coach or project manager plans meetings and sees all of them in the organisation. Anyone else
sees only the meetings they are invited to, and of those only date, place and the invitation.
"""

from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from wpo.orgs.access import get_in_org, in_org
from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, may
from wpo.trajectories.models import Trajectory

from .models import Meeting, MeetingAttendance

# Participants whose trajectory closed this recently still belong at a closing meeting.
RECENTLY_CLOSED = timedelta(days=90)


def may_plan(person: Person) -> bool:
    return may(person, Ability.PLAN_MEETINGS)


def _require_planner(person: Person) -> None:
    if not may_plan(person):
        raise PermissionDenied


def meetings_for_planner(person: Person) -> QuerySet[Meeting]:
    """Every meeting of the organisation, with the figures the list shows."""
    _require_planner(person)
    status = MeetingAttendance.Status
    return in_org(person, Meeting).annotate(
        invited_count=Count("attendances"),
        present_count=Count("attendances", filter=Q(attendances__status=status.PRESENT)),
        excused_count=Count("attendances", filter=Q(attendances__status=status.EXCUSED)),
        absent_count=Count("attendances", filter=Q(attendances__status=status.ABSENT)),
    )


def _attendance_rows() -> QuerySet[MeetingAttendance]:
    return MeetingAttendance.objects.select_related("person__user", "person__department").order_by(
        "person__user__first_name", "person__user__last_name", "pk"
    )


def access_meeting_for_planner(person: Person, meeting_id: int) -> Meeting:
    """A meeting to see, change, cancel or record: 403 for other roles, 404 outside the organisation."""
    _require_planner(person)
    qs = (
        in_org(person, Meeting)
        .select_related("department", "organiser__user", "cancelled_by__user", "recorded_by__user")
        .prefetch_related(Prefetch("attendances", queryset=_attendance_rows()))
    )
    return get_in_org(qs, pk=meeting_id)


def my_meetings(person: Person) -> QuerySet[Meeting]:
    """The meetings this person is invited to, whatever their role."""
    mine = in_org(person, MeetingAttendance).filter(person=person).values("meeting_id")
    return in_org(person, Meeting).filter(pk__in=mine).select_related("department")


def access_meeting_invitation(person: Person, meeting_id: int) -> Meeting:
    """A meeting whose invitation ``person`` may download: a planner any, anyone else only their own."""
    qs = in_org(person, Meeting) if may_plan(person) else my_meetings(person)
    qs = qs.select_related("organiser__user").prefetch_related(Prefetch("attendances", queryset=_attendance_rows()))
    return get_in_org(qs, pk=meeting_id)


# Whom to invite ----------------------------------------------------------------------------------


def _active_people(person: Person, keep: list[int] | None = None) -> QuerySet[Person]:
    """People with a working account; ``keep`` adds people already invited, so that changing a
    meeting never drops someone silently."""
    return (
        in_org(person, Person)
        .filter(Q(user__is_active=True) | Q(pk__in=keep or []))
        .select_related("user", "department")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def invitable_trainers(person: Person, *, keep: list[int] | None = None) -> QuerySet[Person]:
    return _active_people(person, keep).filter(is_trainer=True)


def invitable_participants(person: Person, *, keep: list[int] | None = None) -> QuerySet[Person]:
    """Participants who are in WPO now: not started yet, with a running trajectory, or one that
    closed in the last months, and those already invited (``keep``)."""
    cutoff = timezone.now() - RECENTLY_CLOSED
    current = in_org(person, Trajectory).filter(
        Q(status=Trajectory.Status.ACTIVE) | Q(status=Trajectory.Status.CLOSED, closed_at__gte=cutoff)
    )
    with_any = in_org(person, Trajectory).values("participant_id")
    return _active_people(person, keep).filter(
        Q(is_participant=True)
        & (~Q(pk__in=with_any) | Q(pk__in=current.values("participant_id")) | Q(pk__in=keep or []))
    )


def invitable_staff(person: Person, *, keep: list[int] | None = None) -> QuerySet[Person]:
    """Coaches and project managers who are not also werkplekopleider (they are listed there)."""
    return _active_people(person, keep).filter(Q(is_coach=True) | Q(is_project_manager=True)).exclude(is_trainer=True)


def departments(person: Person) -> QuerySet[Department]:
    return in_org(person, Department).order_by("name")


def participants_of_departments(person: Person, chosen: list[Department]) -> list[Person]:
    """The participants of these departments who are in WPO now, and their werkplekopleiders."""
    if not chosen:
        return []
    cutoff = timezone.now() - RECENTLY_CLOSED
    trajectories = (
        in_org(person, Trajectory)
        .filter(department__in=chosen)
        .filter(Q(status=Trajectory.Status.ACTIVE) | Q(status=Trajectory.Status.CLOSED, closed_at__gte=cutoff))
    )
    ids: set[int] = set()
    for participant_id, trainer_id in trajectories.values_list("participant_id", "trainer_id"):
        ids.update((participant_id, trainer_id))
    return list(_active_people(person).filter(pk__in=ids))


# The quarterly intervision -----------------------------------------------------------------------


def quarter_of(moment: datetime) -> tuple[datetime, datetime]:
    """The start of the quarter that holds ``moment`` and of the next, in the local time zone."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(moment, zone)
    first_month = 3 * ((local.month - 1) // 3) + 1
    start = datetime(local.year, first_month, 1, tzinfo=zone)
    if first_month == 10:
        end = datetime(local.year + 1, 1, 1, tzinfo=zone)
    else:
        end = datetime(local.year, first_month + 3, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def intervisions(person: Person) -> QuerySet[Meeting]:
    """The organisation's intervisions that were not cancelled."""
    return in_org(person, Meeting).filter(kind=Meeting.Kind.INTERVISION, cancelled_at__isnull=True)


def intervision_due(person: Person, now: datetime | None = None) -> bool:
    """True when the person's organisation has no intervision held or planned in the current quarter."""
    start, end = quarter_of(now or timezone.now())
    return not intervisions(person).filter(starts_at__gte=start, starts_at__lt=end).exists()
