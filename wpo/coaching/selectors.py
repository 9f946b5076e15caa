"""The coach overview's reads: the running trajectories with their open assignment, filtered and
sorted, the filter's options, the capacity per department, and the triage of each row (its most
urgent reason, how many more, what the coach decided); the signals page of one trajectory.

Built on the access layer (``wpo.orgs.access``, ``wpo.trajectories.access``); they return querysets
and run nothing themselves, so the page's query count stays where the view evaluates them.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from wpo.orgs import access
from wpo.orgs.models import Department, Person
from wpo.trajectories.access import visible_trajectories
from wpo.trajectories.models import OPEN_STEPS, ParticipantAssignment, Trajectory

from . import early_signals
from .access import signal_events
from .early_signals import KIND_BY_CODE, Kind, Signal
from .models import SignalEvent

SORTS: dict[str, tuple[str, ...]] = {
    "afdeling": ("department__name", "trainer__user__first_name", "participant__user__first_name", "pk"),
    "naam": ("participant__user__first_name", "participant__user__last_name", "pk"),
    "opleider": ("trainer__user__first_name", "participant__user__first_name", "pk"),
    "fase": ("phase", "department__name", "participant__user__first_name", "pk"),
    # Longest in the current step first; trajectories without an open assignment last.
    "weken": ("current_step_since", "pk"),
    # The most urgent reason first (early_signals.SEVERITY); trajectories without a signal last.
    "aandacht": ("attention_rank", "department__name", "participant__user__first_name", "pk"),
}
DEFAULT_SORT = "afdeling"
# What a row of the overview shows: Person.name of the participant and the werkplekopleider, the
# department, the phase and the open assignment (``with_current_assignment``).
ROW_FIELDS = (
    "pk",
    "phase",
    *(f"{who}__user__{f}" for who in ("participant", "trainer") for f in ("first_name", "last_name", "username")),
    "department__name",
    "current_title",
    "current_step",
    "current_step_since",
)
SEARCH_WORDS = 4


@dataclass(frozen=True)
class OverviewFilters:
    """What the coach asked for; empty fields do not filter."""

    words: Sequence[str] = ()
    department: Department | None = None
    trainer: Person | None = None
    phase: int | None = None
    step: str = ""
    # The condition "has a signal" (signal_cache.summary_for(...).flagged), or "its most urgent
    # reason is this kind" (.triage.top_is(kind)), or None for everyone.
    flagged: Q | None = None
    sort: str = DEFAULT_SORT
    # The severity of each trajectory's most urgent reason (.triage.rank()), for sorting by it.
    urgency: Any = None


def overview_departments(coach: Person) -> QuerySet[Department]:
    """The department filter's options."""
    return access.in_org(coach, Department).order_by("name")


def overview_trainers(coach: Person) -> QuerySet[Person]:
    """The werkplekopleider filter's options: only what the option labels print, since up to 200
    werkplekopleiders are listed on every visit."""
    return (
        access.people(coach)
        .filter(is_trainer=True)
        .select_related(None)
        .select_related("user")
        .only("pk", "user__first_name", "user__last_name", "user__username")
        .order_by("user__first_name", "user__last_name")
    )


def with_current_assignment(trajectories: QuerySet[Trajectory]) -> Any:
    # Any: the annotations (current_step, ...) are not known to the type checker.
    """Annotate each trajectory with its open assignment (the newest one that is not finished)."""
    current = ParticipantAssignment.objects.filter(trajectory=OuterRef("pk"), step__in=OPEN_STEPS).order_by(
        "-created_at", "-pk"
    )
    return trajectories.annotate(
        current_title=Subquery(current.values("version__title")[:1]),
        current_step=Subquery(current.values("step")[:1]),
        current_step_since=Subquery(current.values("step_since")[:1]),
    )


def overview_trajectories(coach: Person, filters: OverviewFilters) -> Any:
    """The running trajectories of the overview with their open assignment (see
    ``with_current_assignment``), sorted; a queryset, evaluated by the page (its rows through
    ``overview_rows``)."""
    # The participants as people of the organisation too: the sort joins their names, and without this
    # PostgreSQL read every person of every organisation to find the 2,000 it needs. A condition on
    # the joined row, not ``participant__in`` a subquery: one relation less to plan and to join.
    active = visible_trajectories(coach).filter(
        status=Trajectory.Status.ACTIVE, participant__organization_id=coach.organization_id
    )
    for word in filters.words[:SEARCH_WORDS]:
        active = active.filter(
            Q(participant__user__first_name__icontains=word) | Q(participant__user__last_name__icontains=word)
        )
    if filters.department:
        active = active.filter(department=filters.department)
    if filters.trainer:
        active = active.filter(trainer=filters.trainer)
    if filters.phase:
        active = active.filter(phase=filters.phase)
    if filters.flagged is not None:
        active = active.filter(filters.flagged)
    trajectories = with_current_assignment(active)
    if filters.step:
        trajectories = trajectories.filter(current_step=filters.step)
    order: list[Any] = list(SORTS[filters.sort])
    if filters.sort == "aandacht":
        if filters.urgency is None:
            order = list(SORTS[DEFAULT_SORT])
        else:
            trajectories = trajectories.annotate(attention_rank=filters.urgency)
            order[0] = F("attention_rank").asc(nulls_last=True)
    return trajectories.order_by(*order)


def kept_order_fields(filters: OverviewFilters) -> tuple[str, ...] | None:
    """The fields the overview sorts by, when its order and its members depend only on each
    trajectory's own row and the names of its people (``signal_cache.overview_order`` keeps such an
    order and patches it after a write); None when a signal or the open assignment decides them."""
    if filters.flagged is not None or filters.step or filters.sort not in ("afdeling", "naam", "opleider", "fase"):
        return None
    return tuple(field for field in SORTS[filters.sort] if field != "pk")


def overview_rows(trajectories: Any) -> Any:
    """Only what a row shows, as values (``ROW_FIELDS``): no model instances to build."""
    return trajectories.values(*ROW_FIELDS)


def department_capacity(coach: Person) -> Any:
    """Every department with ``in_wpo``, its number of running trajectories (one query)."""
    return early_signals.department_capacity(coach)


# Triage ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quiet:
    """A signal the coach snoozed: which kind, until when (inclusive), why and by whom."""

    kind: Kind
    until: date
    reason: str
    by: str
    at: datetime


@dataclass
class RowTriage:
    """What the overview shows of one trajectory's signals: the most urgent one and how many more."""

    reason: Signal | None = None
    others: int = 0
    discussed_at: datetime | None = None  # the reason's kind, last talked over with the werkplekopleider
    quiet: list[Quiet] = field(default_factory=list)


def _quiet_and_discussed(
    events: Sequence[SignalEvent], today: date
) -> tuple[dict[int, list[Quiet]], dict[tuple[int, str], datetime]]:
    """From the history (oldest first): the snoozes still running per trajectory, and when each
    (trajectory, kind) was last discussed. The newest snooze or wake of a signal decides."""
    newest: dict[tuple[int, str], SignalEvent] = {}
    discussed: dict[tuple[int, str], datetime] = {}
    for event in events:
        key = (event.trajectory_id, event.kind)
        if event.action == SignalEvent.Action.DISCUSSED:
            discussed[key] = event.at
        else:
            newest[key] = event
    quiet: dict[int, list[Quiet]] = {}
    for (trajectory_id, code), event in newest.items():
        kind = KIND_BY_CODE.get(code)
        if kind and event.action == SignalEvent.Action.SNOOZED and event.until and event.until >= today:
            quiet.setdefault(trajectory_id, []).append(Quiet(kind, event.until, event.note, event.actor.name, event.at))
    for found in quiet.values():
        found.sort(key=lambda q: early_signals.severity(q.kind))
    return quiet, discussed


def _events_with_actors(coach: Person, trajectory_ids: Collection[int]) -> list[SignalEvent]:
    return list(signal_events(coach, trajectory_ids).select_related("actor__user"))


def overview_triage(
    coach: Person, trajectory_ids: Collection[int], now: datetime | None = None
) -> dict[int, RowTriage]:
    """The triage of the trajectories on one page of the overview: one query per kind of signal,
    restricted to those trajectories, and one for their history; never per row."""
    now = now or timezone.now()
    rows = {pk: RowTriage() for pk in trajectory_ids}
    if not rows:
        return rows
    by_trajectory = early_signals.signals_for(coach, now=now, only=list(rows)).by_trajectory()
    quiet, discussed = _quiet_and_discussed(_events_with_actors(coach, rows), timezone.localdate(now))
    for pk, row in rows.items():
        ranked = early_signals.most_urgent(by_trajectory.get(pk, []))
        if ranked:
            row.reason, row.others = ranked[0], len(ranked) - 1
            row.discussed_at = discussed.get((pk, ranked[0].kind.code))
        row.quiet = quiet.get(pk, [])
    return rows


@dataclass(frozen=True)
class TriagedSignal:
    signal: Signal
    discussed_at: datetime | None


@dataclass(frozen=True)
class TrajectoryTriage:
    """The signals page of one trajectory: every awake signal (the most urgent first), the snoozed
    ones, and the history of what coaches decided (newest first)."""

    signals: list[TriagedSignal]
    quiet: list[Quiet]
    history: list[SignalEvent]


def trajectory_triage(coach: Person, trajectory: Trajectory, now: datetime | None = None) -> TrajectoryTriage:
    now = now or timezone.now()
    found: list[Signal] = []
    if trajectory.status == Trajectory.Status.ACTIVE:
        found = early_signals.signals_for(coach, now=now, only=[trajectory.pk]).signals
    events = _events_with_actors(coach, [trajectory.pk])
    quiet, discussed = _quiet_and_discussed(events, timezone.localdate(now))
    return TrajectoryTriage(
        signals=[
            TriagedSignal(signal, discussed.get((trajectory.pk, signal.kind.code)))
            for signal in early_signals.most_urgent(found)
        ],
        quiet=quiet.get(trajectory.pk, []),
        history=events[::-1],
    )
