"""The coach overview's reads: the running trajectories with their open assignment, filtered and
sorted, the filter's options, and the capacity per department.

Built on the access layer (``wpo.orgs.access``, ``wpo.trajectories.access``); they return querysets
and run nothing themselves, so the page's query count stays where the view evaluates them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from wpo.orgs import access
from wpo.orgs.models import Department, Person
from wpo.trajectories.access import visible_trajectories
from wpo.trajectories.models import OPEN_STEPS, ParticipantAssignment, Trajectory

SORTS: dict[str, tuple[str, ...]] = {
    "afdeling": ("department__name", "trainer__user__first_name", "participant__user__first_name", "pk"),
    "naam": ("participant__user__first_name", "participant__user__last_name", "pk"),
    "opleider": ("trainer__user__first_name", "participant__user__first_name", "pk"),
    "fase": ("phase", "department__name", "participant__user__first_name", "pk"),
    # Longest in the current step first; trajectories without an open assignment last.
    "weken": ("current_step_since", "pk"),
}
DEFAULT_SORT = "afdeling"
SEARCH_WORDS = 4


@dataclass(frozen=True)
class OverviewFilters:
    """What the coach asked for; empty fields do not filter."""

    words: Sequence[str] = ()
    department: Department | None = None
    trainer: Person | None = None
    phase: int | None = None
    step: str = ""
    # The condition "has a signal" (signal_cache.summary_for(...).flagged), or None for everyone.
    flagged: Q | None = None
    sort: str = DEFAULT_SORT


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
        current_pa_id=Subquery(current.values("pk")[:1]),
        current_title=Subquery(current.values("version__title")[:1]),
        current_step=Subquery(current.values("step")[:1]),
        current_step_since=Subquery(current.values("step_since")[:1]),
    )


def overview_trajectories(coach: Person, filters: OverviewFilters) -> Any:
    """The running trajectories of the overview, annotated with their open assignment (see
    ``with_current_assignment``) and sorted; a queryset, evaluated by the page."""
    # The participants as rows of the organisation too: the sort joins their names, and without this
    # PostgreSQL read every person of every organisation to find the 2,000 it needs.
    active = visible_trajectories(coach).filter(status=Trajectory.Status.ACTIVE, participant__in=access.people(coach))
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
    return trajectories.select_related("participant__user", "trainer__user", "department").order_by(
        *SORTS[filters.sort]
    )


def department_capacity(coach: Person) -> Any:
    # Any: the annotation (in_wpo) is not known to the type checker.
    """Every department with ``in_wpo``, its number of running trajectories (one query)."""
    return (
        access.in_org(coach, Department)
        .annotate(in_wpo=Count("trajectory", filter=Q(trajectory__status=Trajectory.Status.ACTIVE)))
        .order_by("name")
    )
