"""Visits and problems: the list and detail pages run the same number of queries with little and
with much data, and the demo organisation gets realistic visits and problems."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wpo.demo import followup as demo
from wpo.demo import organization as orgs_demo
from wpo.followup import access as followup_access
from wpo.followup import workflow
from wpo.followup.models import DepartmentVisit, Problem, ProblemStatus, VisitAction
from wpo.orgs.models import Department, Organization, Person, Role

from .conftest import login
from .factories import World, make_person, make_problem, make_visit

pytestmark = pytest.mark.django_db

S = ProblemStatus


def add_visits(world: World, n: int) -> DepartmentVisit:
    """``n`` held visits with two follow-ups each (one to the trainer), and ``n`` planned ones,
    each in a department of its own with a werkplekopleider to speak."""
    last = None
    for i in range(n):
        department = Department.objects.create(organization=world.org, name=f"Afdeling {Department.objects.count()}")
        trainer = make_person(world.org, [Role.TRAINER], department)
        planned = make_visit(world.org, world.coach, department, days_from_now=2 + i, trainers=[trainer, world.trainer])
        held = make_visit(world.org, world.coach, world.department, days_from_now=-1 - i, held=True, trainers=[trainer])
        for owner in (world.trainer, world.project_manager):
            VisitAction.objects.create(
                organization=world.org,
                visit=held,
                description=f"Actie {i}",
                owner=owner,
                due_on=timezone.localdate() + timedelta(days=i - 3),
                created_by=world.coach,
            )
        last = planned
    assert last is not None
    return last


def add_problems(world: World, n: int) -> Problem:
    last = None
    for i in range(n):
        trainer = make_person(world.org, [Role.TRAINER], world.department)
        problem = make_problem(trainer if i % 2 else world.trainer, title=f"Probleem {i}", trajectory=world.trajectory)
        if i % 3 == 1:
            workflow.change_status(problem, S.IN_PROGRESS, actor=world.coach, expected_status=S.OPEN)
            workflow.change_status(problem, S.ESCALATED, actor=world.coach, expected_status=S.IN_PROGRESS, text="?")
        workflow.comment(problem, actor=world.trainer, text="Nog iets")
        last = problem
    assert last is not None
    return last


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", [Role.COACH, Role.PROJECT_MANAGER, Role.TRAINER])
@pytest.mark.parametrize("query", ["", "?wie=alle"])
def test_the_visits_list_does_not_grow_with_the_visits(client: Client, world: World, role: Role, query: str) -> None:
    login(client, world.by_role(role))
    url = reverse("followup:visits") + query
    add_visits(world, 2)
    small = count_queries(client, url)
    add_visits(world, 12)
    assert count_queries(client, url) == small


@pytest.mark.parametrize("role", [Role.COACH, Role.PROJECT_MANAGER, Role.TRAINER])
@pytest.mark.parametrize("query", ["", "?status=alle", "?status=wacht&q=probleem"])
def test_the_problem_list_does_not_grow_with_the_problems(client: Client, world: World, role: Role, query: str) -> None:
    login(client, world.by_role(role))
    url = reverse("followup:problems") + query
    add_problems(world, 3)
    small = count_queries(client, url)
    add_problems(world, 15)
    assert count_queries(client, url) == small


def test_a_visit_page_does_not_grow_with_its_follow_ups(client: Client, world: World) -> None:
    visit = make_visit(world.org, world.coach, world.department, days_from_now=-1, held=True, trainers=[world.trainer])

    def add(n: int) -> None:
        for i in range(n):
            VisitAction.objects.create(
                organization=world.org,
                visit=visit,
                description=f"Actie {i}",
                owner=make_person(world.org, [Role.TRAINER]),
                due_on=timezone.localdate(),
                created_by=world.coach,
            )
            visit.trainers.add(make_person(world.org, [Role.TRAINER], world.department))

    login(client, world.coach)
    url = reverse("followup:visit_detail", args=[visit.pk])
    add(2)
    small = count_queries(client, url)
    add(10)
    assert count_queries(client, url) == small


def test_a_problem_page_does_not_grow_with_its_history(client: Client, world: World) -> None:
    problem = make_problem(world.trainer, trajectory=world.trajectory)
    people = [world.trainer, world.coach, world.project_manager]
    login(client, world.coach)
    url = reverse("followup:problem_detail", args=[problem.pk])
    for i in range(3):
        workflow.comment(problem, actor=people[i % 3], text="x")
    small = count_queries(client, url)
    for i in range(15):
        workflow.comment(problem, actor=make_person(world.org, [Role.TRAINER]) if i % 2 else people[i % 3], text="y")
    assert count_queries(client, url) == small


# The demo --------------------------------------------------------------------------------------


@pytest.fixture
def demo_org() -> Organization:
    """The demo organisation without the other parts of the demo, then ours on top (as load_demo does)."""
    org = orgs_demo.create_demo_people()
    demo.populate_demo(org)
    return org


def person(org: Organization, username: str) -> Person:
    return Person.objects.get(organization=org, user__username=username)


def test_the_demo_has_a_held_and_a_planned_visit(demo_org: Organization) -> None:
    visits = list(DepartmentVisit.objects.filter(organization=demo_org).order_by("planned_at"))
    held, planned = visits
    assert (held.status, held.department.name) == (DepartmentVisit.Status.HELD, "Inpak en montage")
    assert held.notes_seen and held.notes_participants and held.notes_trainers
    assert held.actions.count() == 3 and held.actions.filter(done_at__isnull=False).count() == 1
    assert sum(a.overdue for a in held.actions.all()) == 1
    assert (planned.status, planned.department.name) == (DepartmentVisit.Status.PLANNED, "Groenvoorziening")
    days_ahead = (timezone.localtime(planned.planned_at).date() - timezone.localdate()).days
    assert 7 <= days_ahead <= 9
    coach = person(demo_org, "coach")
    last = followup_access.last_visit_per_department(coach)
    assert last[held.department_id] == held.held_on and last[planned.department_id] is None


def test_the_demo_has_three_problems_one_waiting_for_the_project_manager(demo_org: Organization) -> None:
    problems = Problem.objects.filter(organization=demo_org)
    assert sorted(problems.values_list("status", flat=True)) == sorted([S.SOLVED, S.ESCALATED, S.OPEN])
    manager = person(demo_org, "projectmanager")
    coach = person(demo_org, "coach")
    [waiting] = followup_access.problems_waiting_for(manager)
    assert waiting.status == S.ESCALATED and waiting.events.count() == 4
    assert [p.status for p in followup_access.problems_waiting_for(coach)] == [S.OPEN]
    # The trainer of Inpak en montage sees his own two, not the one of Groenvoorziening.
    ahmed = person(demo_org, "werkplekopleider")
    assert set(followup_access.visible_problems(ahmed).values_list("status", flat=True)) == {S.SOLVED, S.OPEN}


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("coach", "/opvolging/bezoeken/"),
        ("coach", "/opvolging/problemen/"),
        ("projectmanager", "/opvolging/problemen/"),
        ("projectmanager", "/opvolging/bezoeken/"),
        ("werkplekopleider", "/opvolging/problemen/"),
        ("werkplekopleider", "/opvolging/bezoeken/"),
        ("werkplekopleider2", "/opvolging/problemen/melden/"),
    ],
)
def test_the_demo_pages_open_for_each_role(client: Client, demo_org: Organization, username: str, path: str) -> None:
    client.force_login(person(demo_org, username).user)
    assert client.get(path).status_code == 200


def test_the_demo_loads_with_the_curriculum_too() -> None:
    """The fixture above has no curriculum (trajectories without assignments); with it, the same."""
    call_command("load_curriculum", verbosity=0)
    org = orgs_demo.create_demo_people()
    demo.populate_demo(org)
    assert Problem.objects.filter(organization=org).count() == 3
    assert Problem.objects.filter(organization=org, trajectory__participant__user__username="mohamed").exists()


def test_the_demo_adds_nothing_to_an_organisation_it_does_not_know(db: None) -> None:
    org = Organization.objects.create(name="Leeg", slug="leeg")
    demo.populate_demo(org)
    assert not DepartmentVisit.objects.exists() and not Problem.objects.exists()
