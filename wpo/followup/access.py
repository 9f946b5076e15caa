"""Access to department visits, follow-ups and problems, built on ``wpo.orgs.access``.

Who sees what:

- visits: every coach and project manager of the organisation; a werkplekopleider the visits to
  their own department and the visits they were asked to join;
- follow-ups: of the visits one may see, plus the follow-ups assigned to oneself;
- problems: every coach and project manager of the organisation; a werkplekopleider the
  problems they raised and the problems about participants they train, and no others.

Anything else of the organisation is a 404 (its existence does not leak); a wrong role is a 403.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from wpo.orgs.access import get_in_org, in_org
from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, OnTrajectory, holders_of, may
from wpo.trajectories.access import trajectories_for
from wpo.trajectories.models import Trajectory

from .models import DepartmentVisit, Problem, ProblemEvent, ProblemStatus, VisitAction
from .workflow import statuses_at_turn


def follows_all_visits(person: Person) -> bool:
    """Coach and project manager read every visit of the organisation; a werkplekopleider only some."""
    return may(person, Ability.READ_ALL_VISITS)


def follows_all_problems(person: Person) -> bool:
    return may(person, Ability.READ_ALL_PROBLEMS)


def may_change_problems(person: Person) -> bool:
    """The coach handles problems, the project manager answers the ones put to them."""
    return may(person, Ability.HANDLE_PROBLEMS) or may(person, Ability.ANSWER_ESCALATIONS)


def _people() -> QuerySet[Person]:
    return Person.objects.select_related("user")


# Visits ---------------------------------------------------------------------------------------


def visible_visits(person: Person) -> QuerySet[DepartmentVisit]:
    qs = in_org(person, DepartmentVisit)
    if follows_all_visits(person):
        return qs
    if may(person, Ability.READ_VISITS):
        invited = DepartmentVisit.trainers.through.objects.filter(person_id=person.pk).values("departmentvisit_id")
        mine = Q(pk__in=invited)
        if person.department_id is not None:
            mine |= Q(department_id=person.department_id)
        return qs.filter(mine)
    return qs.none()


def visible_departments(person: Person) -> QuerySet[Department]:
    """The departments whose visits ``person`` follows: all for coach and project manager,
    the own department for a werkplekopleider."""
    qs = in_org(person, Department)
    if follows_all_visits(person):
        return qs
    if may(person, Ability.READ_VISITS) and person.department_id is not None:
        return qs.filter(pk=person.department_id)
    return qs.none()


def access_visit(person: Person, visit_id: int) -> DepartmentVisit:
    """A visit ``person`` may read, with what its page shows."""
    if not may(person, Ability.READ_VISITS):
        raise PermissionDenied
    qs = (
        visible_visits(person)
        .select_related("department", "coach__user", "recorded_by__user", "cancelled_by__user")
        .prefetch_related(
            Prefetch("trainers", queryset=_people().order_by("user__first_name", "user__last_name")),
            Prefetch(
                "actions",
                queryset=VisitAction.objects.select_related("owner__user", "done_by__user").order_by("due_on", "pk"),
            ),
        )
    )
    return get_in_org(qs, pk=visit_id)


def access_visit_for_coach(person: Person, visit_id: int) -> DepartmentVisit:
    """A visit a coach plans, changes, cancels or records: 403 for other roles, 404 outside the organisation."""
    if not may(person, Ability.PLAN_VISITS):
        raise PermissionDenied
    return access_visit(person, visit_id)


def access_department_for_visit(person: Person, department_id: int) -> Department:
    if not may(person, Ability.PLAN_VISITS):
        raise PermissionDenied
    return get_in_org(in_org(person, Department), pk=department_id)


def trainers_of(department: Department) -> QuerySet[Person]:
    """The werkplekopleiders of a department, whom the coach can ask to speak."""
    return (
        Person.objects.filter(organization_id=department.organization_id, department=department)
        .filter(holders_of(Ability.GUIDE_PARTICIPANTS))
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name")
    )


def action_owner_choices(person: Person) -> QuerySet[Person]:
    """Who can be given a follow-up: werkplekopleiders, coaches and project managers, who all
    see their follow-ups here (participants and administrators do not use this part)."""
    return (
        in_org(person, Person)
        .filter(holders_of(Ability.READ_VISITS))
        .filter(user__is_active=True)
        .select_related("user", "department")
        .order_by("user__first_name", "user__last_name")
    )


def visible_actions(person: Person) -> QuerySet[VisitAction]:
    """Follow-ups of held visits ``person`` may see, and those assigned to them."""
    qs = in_org(person, VisitAction).filter(visit__status=DepartmentVisit.Status.HELD)
    if follows_all_visits(person):
        return qs
    return qs.filter(Q(owner=person) | Q(visit__in=visible_visits(person)))


def my_open_actions(person: Person) -> QuerySet[VisitAction]:
    return (
        in_org(person, VisitAction)
        .filter(owner=person, done_at__isnull=True, visit__status=DepartmentVisit.Status.HELD)
        .select_related("visit__department", "owner__user")
        .order_by("due_on", "pk")
    )


def may_tick_off(person: Person, action: VisitAction) -> bool:
    return person.organization_id == action.organization_id and (
        may(person, Ability.PLAN_VISITS) or action.owner_id == person.pk
    )


def access_action_to_tick(person: Person, action_id: int) -> VisitAction:
    """A follow-up ``person`` may tick off: the one who does it, or a coach. Someone who may see
    it but not tick it off gets 403; anyone else 404."""
    qs = visible_actions(person).select_related("visit", "owner__user")
    action = get_in_org(qs, pk=action_id)
    if not may_tick_off(person, action):
        raise PermissionDenied
    return action


def last_visit_per_department(person: Person) -> dict[int, date | None]:
    """For each department ``person`` follows, the day of its most recent held visit (None: never).

    One query: the departments, each with the maximum over its held visits.
    """
    rows = visible_departments(person).annotate(
        last=Max("visits__held_on", filter=Q(visits__status=DepartmentVisit.Status.HELD))
    )
    return {pk: last for pk, last in rows.values_list("pk", "last")}


def departments_with_visits(person: Person) -> QuerySet[Department]:
    """Departments with their last held visit, next planned visit and number of running
    trajectories, for the coach's list (one query)."""
    held = DepartmentVisit.objects.filter(department=OuterRef("pk"), status=DepartmentVisit.Status.HELD)
    planned = DepartmentVisit.objects.filter(department=OuterRef("pk"), status=DepartmentVisit.Status.PLANNED)
    running = Trajectory.objects.filter(department=OuterRef("pk"), status=Trajectory.Status.ACTIVE)
    return (
        visible_departments(person)
        .annotate(
            last_visit=Subquery(held.order_by("-held_on").values("held_on")[:1]),
            next_visit=Subquery(planned.order_by("planned_at").values("planned_at")[:1]),
            in_wpo=Coalesce(
                Subquery(
                    running.order_by().values("department").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .order_by("name")
    )


# Problems -------------------------------------------------------------------------------------


def visible_problems(person: Person) -> QuerySet[Problem]:
    """Coach and project manager: every problem of the organisation. A werkplekopleider: the
    problems they raised and those about the participants they train. Nobody else: none."""
    qs = in_org(person, Problem)
    if follows_all_problems(person):
        return qs
    if may(person, Ability.READ_PROBLEMS):
        # About participants they guide: the trajectories they work on, not every one they may view.
        theirs = trajectories_for(person, OnTrajectory.WORK).values("pk")
        return qs.filter(Q(raised_by=person) | Q(trajectory__in=theirs))
    return qs.none()


def problem_list(person: Person) -> QuerySet[Problem]:
    return visible_problems(person).select_related(
        "raised_by__user", "handled_by__user", "trajectory__participant__user", "department"
    )


def access_problem(person: Person, problem_id: int) -> Problem:
    """A problem ``person`` may read and comment on, with its history."""
    if not may(person, Ability.READ_PROBLEMS):
        raise PermissionDenied
    qs = problem_list(person).prefetch_related(
        Prefetch("events", queryset=ProblemEvent.objects.select_related("actor__user").order_by("at", "pk"))
    )
    return get_in_org(qs, pk=problem_id)


def access_problem_to_change(person: Person, problem_id: int) -> Problem:
    """A problem whose status a coach or project manager changes (403 for other roles)."""
    if not may_change_problems(person):
        raise PermissionDenied
    return access_problem(person, problem_id)


def raisable_trajectories(person: Person) -> QuerySet[Trajectory]:
    """Running trajectories a problem can be about: a trainer's own participants; all for a coach."""
    if not may(person, Ability.RAISE_PROBLEMS):
        return in_org(person, Trajectory).none()
    qs = trajectories_for(person, OnTrajectory.WORK).filter(status=Trajectory.Status.ACTIVE)
    return qs.select_related("participant__user", "department").order_by(
        "participant__user__first_name", "participant__user__last_name", "pk"
    )


def raisable_departments(person: Person) -> QuerySet[Department]:
    """Departments a problem can be about: a trainer's own department and those of their
    participants; every department for a coach."""
    qs = in_org(person, Department)
    if may(person, Ability.HANDLE_PROBLEMS):
        return qs.order_by("name")
    if not may(person, Ability.RAISE_PROBLEMS):
        return qs.none()
    theirs = raisable_trajectories(person).values("department_id")
    return qs.filter(Q(pk=person.department_id) | Q(pk__in=theirs)).order_by("name")


def problems_waiting_for(person: Person) -> QuerySet[Problem]:
    """Problems at this person's turn: for a coach the new and the answered ones, for the
    project manager the ones put to them. Nobody else waits for anything."""
    statuses = statuses_at_turn(person)
    if not statuses:
        return in_org(person, Problem).none()
    return visible_problems(person).filter(status__in=statuses)


def open_problem_count(person: Person) -> int:
    """How many problems ``person`` can see that are not solved yet."""
    return visible_problems(person).exclude(status=ProblemStatus.SOLVED).count()
