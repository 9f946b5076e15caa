"""The intake's named reads: the departments with their places and queues, one department's queue,
who is next, the kick-off's candidates, and the report's counts. Built on ``access.py``; they
return rows or querysets and never write. Each runs a fixed number of queries, whatever the number
of departments or interests.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from wpo.lib import clock
from wpo.orgs.access import in_org
from wpo.orgs.models import Department, Organization, Person
from wpo.orgs.permissions import Ability, holders_of, may, only_participants_filter
from wpo.trajectories.models import Trajectory

from . import access
from .models import WAITING, Interest, InterestChange

Status = Interest.Status


def _rows(qs: QuerySet[Interest]) -> QuerySet[Interest]:
    return qs.select_related("employee__user", "trainer__user", "department", "put_forward_by__user")


def queue_of(person: Person, department: Department) -> QuerySet[Interest]:
    """The department's queue as ``person`` may see it: waiting, in order; the first is next."""
    return _rows(
        access.visible_interests(person).filter(department=department, status__in=WAITING).order_by("position", "pk")
    )


@dataclass
class DepartmentRow:
    """One department on the intake's first page: its places, who is in WPO now, the queue."""

    department: Department
    agreed: int
    in_wpo: int
    waiting: int
    next_up: Interest | None = None
    ask_again: int = 0  # niet nu, and the day to ask again has come

    @property
    def free(self) -> int:
        return max(self.agreed - self.in_wpo, 0)

    @property
    def over(self) -> bool:
        return self.in_wpo > self.agreed


def department_rows(person: Person) -> list[DepartmentRow]:
    """Every department ``person`` may follow, with its agreed places, its running trajectories,
    the length of its queue and who is next (three queries)."""
    today = clock.today()
    departments = list(
        access.visible_departments(person).annotate(
            in_wpo=Count("trajectory", filter=Q(trajectory__status=Trajectory.Status.ACTIVE), distinct=True)
        )
    )
    visible = access.visible_interests(person).filter(department__in=departments)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        visible.filter(Q(status__in=WAITING) | Q(status=Status.NOT_NOW, ask_again_on__lte=today))
        .values("department_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[row["department_id"]][row["status"]] = row["n"]
    # The first of each department's queue: one query, the head found in Python.
    heads: dict[int, Interest] = {}
    for interest in _rows(visible.filter(status__in=WAITING)).order_by("department_id", "position", "pk"):
        heads.setdefault(interest.department_id, interest)
    return [
        DepartmentRow(
            department=d,
            agreed=d.agreed_capacity,
            in_wpo=d.in_wpo,
            waiting=sum(counts[d.pk].get(s, 0) for s in WAITING),
            next_up=heads.get(d.pk),
            ask_again=counts[d.pk].get(Status.NOT_NOW, 0),
        )
        for d in departments
    ]


@dataclass
class DepartmentPage:
    """One department's intake: places, in WPO now, the queue, not now, and who started lately."""

    department: Department
    in_wpo: int
    queue: list[Interest]
    not_now: list[Interest]
    started: list[Interest]
    today: date = field(default_factory=clock.today)

    @property
    def agreed(self) -> int:
        return self.department.agreed_capacity

    @property
    def free(self) -> int:
        return max(self.agreed - self.in_wpo, 0)

    @property
    def next_up(self) -> Interest | None:
        return self.queue[0] if self.queue else None


STARTED_SHOWN = 10


def department_page(person: Person, department: Department) -> DepartmentPage:
    in_wpo = in_org(person, Trajectory).filter(department=department, status=Trajectory.Status.ACTIVE).count()
    mine = access.visible_interests(person).filter(department=department)
    return DepartmentPage(
        department=department,
        in_wpo=in_wpo,
        queue=list(queue_of(person, department)),
        not_now=list(_rows(mine.filter(status=Status.NOT_NOW)).order_by("ask_again_on", "-status_since", "pk")),
        started=list(_rows(mine.filter(status=Status.STARTED)).order_by("-status_since", "-pk")[:STARTED_SHOWN]),
    )


def next_in_line(person: Person, department_id: int) -> Interest | None:
    """Who is next in the department's queue, as ``person`` may see it (one query)."""
    return (
        _rows(access.visible_interests(person).filter(department_id=department_id, status__in=WAITING))
        .order_by("position", "pk")
        .first()
    )


def kickoff_candidates(person: Person) -> QuerySet[Interest]:
    """Whom to invite to a kick-off meeting: the interests in the queue (uitgenodigd voor de start
    first, then belangstelling), in department and queue order, with their trainers."""
    return _rows(access.visible_interests(person).filter(status__in=WAITING)).order_by(
        "-status", "department__name", "position", "pk"
    )


# The project manager's report ---------------------------------------------------------------------


@dataclass
class IntakeCounts:
    """The intake of a period, for the report: put forward (belangstelling), invited to the start,
    started and niet nu in the period, and waiting in the queue on the reference day."""

    interested: int = 0
    invited: int = 0
    started: int = 0
    not_now: int = 0
    waiting: int = 0

    def add(self, other: "IntakeCounts") -> None:
        for name in ("interested", "invited", "started", "not_now", "waiting"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


MOVES_COUNTED: dict[str, str] = {Status.INVITED: "invited", Status.STARTED: "started", Status.NOT_NOW: "not_now"}


def intake_counts(
    organization: Organization,
    *,
    first_day: date,
    last_day: date,
    since: datetime,
    until: datetime,
    reference_end: datetime,
    department: Department | None = None,
) -> dict[int, IntakeCounts]:
    """The report's intake figures per department id (three aggregate queries, whatever the data):

    - *belangstelling*: interests put forward (``put_forward_on``) from ``first_day`` to ``last_day``;
    - *uitgenodigd*, *gestart*, *niet nu*: interests that moved to that status in [``since``, ``until``);
    - *wachtend*: interests in the queue (belangstelling or uitgenodigd) at ``reference_end``, read
      from their history (the last change before that moment).
    """
    interests = Interest.objects.filter(organization=organization)
    changes = InterestChange.objects.filter(organization=organization)
    if department is not None:
        interests = interests.filter(department=department)
        changes = changes.filter(interest__department=department)
    result: dict[int, IntakeCounts] = defaultdict(IntakeCounts)
    put_forward = (
        interests.filter(put_forward_on__gte=first_day, put_forward_on__lte=last_day)
        .values("department_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in put_forward:
        result[row["department_id"]].interested = row["n"]
    moved = (
        changes.filter(at__gte=since, at__lt=until, to_status__in=list(MOVES_COUNTED))
        .values("interest__department_id", "to_status")
        .annotate(n=Count("interest_id", distinct=True))
        .order_by()
    )
    for change in moved:
        setattr(result[change["interest__department_id"]], MOVES_COUNTED[change["to_status"]], change["n"])
    status_then = Subquery(
        InterestChange.objects.filter(interest=OuterRef("pk"), at__lt=reference_end)
        .order_by("-at", "-pk")
        .values("to_status")[:1]
    )
    waiting = (
        interests.annotate(status_then=status_then)
        .filter(status_then__in=list(WAITING))
        .values("department_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for still in waiting:
        result[still["department_id"]].waiting = still["n"]
    return dict(result)


# Putting someone forward --------------------------------------------------------------------------


def employees_to_put_forward(person: Person) -> QuerySet[Person]:
    """Whom ``person`` can put forward: the organisation's people who are nothing but a participant
    (or have no role yet), without a running trajectory or an open interest, not themself. A
    werkplekopleider chooses from their own department and their own participants."""
    running = in_org(person, Trajectory).filter(status=Trajectory.Status.ACTIVE).values("participant_id")
    listed = in_org(person, Interest).exclude(status=Status.STARTED).values("employee_id")
    qs = (
        in_org(person, Person)
        .filter(only_participants_filter(), user__is_active=True)
        .exclude(pk=person.pk)
        .exclude(pk__in=running)
        .exclude(pk__in=listed)
    )
    if not may(person, Ability.MANAGE_INTAKE):
        mine = Q(trainer_links__trainer=person)
        if person.department_id is not None:
            mine |= Q(department_id=person.department_id)
        qs = qs.filter(pk__in=in_org(person, Person).filter(mine).values("pk"))
    return qs.select_related("user", "department").order_by("user__first_name", "user__last_name", "pk")


def departments_to_put_forward(person: Person) -> QuerySet[Department]:
    """All departments for the coach; a werkplekopleider's own."""
    qs = in_org(person, Department).order_by("name")
    if may(person, Ability.MANAGE_INTAKE):
        return qs
    return qs.filter(pk=person.department_id) if person.department_id is not None else qs.none()


def trainers_to_choose(person: Person) -> QuerySet[Person]:
    """Who can guide the employee: any werkplekopleider for the coach; a werkplekopleider themself."""
    qs = in_org(person, Person).filter(holders_of(Ability.GUIDE_PARTICIPANTS), user__is_active=True)
    if not may(person, Ability.MANAGE_INTAKE):
        qs = qs.filter(pk=person.pk)
    return qs.select_related("user").order_by("user__first_name", "user__last_name", "pk")
