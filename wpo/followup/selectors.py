"""The reads of the visits list and the problem log: which visits, follow-ups and problems a page
lists, in which order, and the departments with their last and next visit.

Built on ``access.py`` (who sees what); they return querysets the page evaluates, or rows it shows.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, may

from . import access
from .models import DepartmentVisit, Problem, ProblemStatus, Urgency, VisitAction

UPCOMING_LIMIT = 50
OPEN_ACTIONS_LIMIT = 100
# A department with participants in WPO that the coach has not visited for this long is marked.
VISIT_DUE_AFTER = timedelta(weeks=6)
SEARCH_WORDS = 4


# Visits ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitScope:
    """What the visits list shows: one department or all; a coach sees their own visits and
    follow-ups unless they ask for every coach's."""

    department: Department | None = None
    all_coaches: bool = False


def _scoped(person: Person, scope: VisitScope) -> tuple[QuerySet[DepartmentVisit], QuerySet[VisitAction]]:
    visits = access.visible_visits(person)
    actions = access.visible_actions(person)
    if scope.department:
        visits = visits.filter(department=scope.department)
        actions = actions.filter(visit__department=scope.department)
    if may(person, Ability.PLAN_VISITS) and not scope.all_coaches:
        visits = visits.filter(coach=person)
        actions = actions.filter(Q(visit__coach=person) | Q(owner=person))
    return visits, actions


def upcoming_visits(person: Person, scope: VisitScope) -> QuerySet[DepartmentVisit]:
    """The planned visits, soonest first, with the werkplekopleiders asked to join (at most UPCOMING_LIMIT)."""
    trainers = Person.objects.select_related("user").order_by("user__first_name")
    return (
        _scoped(person, scope)[0]
        .filter(status=DepartmentVisit.Status.PLANNED)
        .select_related("department", "coach__user")
        .prefetch_related(Prefetch("trainers", queryset=trainers))
        .order_by("planned_at", "pk")[:UPCOMING_LIMIT]
    )


def held_visits(person: Person, scope: VisitScope) -> QuerySet[DepartmentVisit]:
    """The held visits, newest first, each with ``action_count`` and ``open_action_count``."""
    return (
        _scoped(person, scope)[0]
        .filter(status=DepartmentVisit.Status.HELD)
        .select_related("department", "coach__user")
        .annotate(
            action_count=Count("actions"),
            open_action_count=Count("actions", filter=Q(actions__done_at__isnull=True)),
        )
        .order_by("-held_on", "-pk")
    )


def open_actions(person: Person, scope: VisitScope) -> QuerySet[VisitAction]:
    """The follow-ups not done yet, the first due first (at most OPEN_ACTIONS_LIMIT)."""
    return (
        _scoped(person, scope)[1]
        .filter(done_at__isnull=True)
        .select_related("visit__department", "owner__user")
        .order_by("due_on", "pk")[:OPEN_ACTIONS_LIMIT]
    )


@dataclass(frozen=True)
class DepartmentRow:
    department: Department
    last: date | None  # the last held visit
    days: int | None  # since then
    next: datetime | None  # the next planned visit
    in_wpo: int  # running trajectories
    due: bool  # participants in WPO and no visit for VISIT_DUE_AFTER


def department_rows(person: Person, today: date) -> list[DepartmentRow]:
    """Every department with its last and next visit, never visited first, then the longest ago
    (one query). Only for those who follow every visit (coach, project manager); empty for others."""
    if not access.follows_all_visits(person):
        return []
    rows = []
    for department in access.departments_with_visits(person):
        last: date | None = department.last_visit  # type: ignore[attr-defined]
        in_wpo: int = department.in_wpo  # type: ignore[attr-defined]
        rows.append(
            DepartmentRow(
                department=department,
                last=last,
                days=(today - last).days if last else None,
                next=department.next_visit,  # type: ignore[attr-defined]
                in_wpo=in_wpo,
                due=in_wpo > 0 and (last is None or today - last > VISIT_DUE_AFTER),
            )
        )
    rows.sort(key=lambda r: (r.last is not None, r.last or date.min, r.department.name))
    return rows


# Problems -------------------------------------------------------------------------------------


def problem_list_page(
    person: Person, *, words: Sequence[str] = (), status: str = "", at_turn: Collection[str]
) -> QuerySet[Problem]:
    """The problems of the log, those at ``person``'s turn first, then the urgent ones, then the latest
    changed. ``status``: "alle", "wacht" (at their turn), one status, or "" for every unsolved one."""
    qs = access.problem_list(person)
    for word in words[:SEARCH_WORDS]:
        qs = qs.filter(title__icontains=word)
    if status == "alle":
        pass
    elif status == "wacht":
        qs = qs.filter(status__in=at_turn)
    elif status in ProblemStatus.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=ProblemStatus.SOLVED)
    return qs.annotate(
        my_turn=Case(When(status__in=at_turn, then=Value(1)), default=Value(0), output_field=IntegerField()),
        urgent=Case(When(urgency=Urgency.URGENT, then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).order_by("-my_turn", "-urgent", "-changed_at", "-pk")
