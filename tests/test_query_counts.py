"""List pages run a constant number of queries however many participants there are."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wpo.curriculum.models import Assignment
from wpo.orgs.models import Role
from wpo.trajectories.models import Trajectory
from wpo.trajectories.workflow import give_assignment

from .conftest import login
from .factories import World, make_person

pytestmark = pytest.mark.django_db


def add_participants(world: World, n: int) -> None:
    version = Assignment.objects.filter(subskill__skill=world.skill).last().current_version  # type: ignore[union-attr]
    for _ in range(n):
        p = make_person(world.org, [Role.PARTICIPANT], world.department)
        p.trainers.add(world.trainer, through_defaults={"organization": world.org})
        t = Trajectory.objects.create(
            organization=world.org,
            participant=p,
            trainer=world.trainer,
            department=world.department,
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=90),
        )
        give_assignment(t, version, actor=world.trainer)  # type: ignore[arg-type]


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.TRAINER, "/opleider/"),
        (Role.COACH, "/coach/"),
        (Role.PROJECT_MANAGER, "/rapportage/"),
        (Role.ADMINISTRATOR, "/beheer/mensen/"),
        (Role.ADMINISTRATOR, "/beheer/afdelingen/"),
        (Role.PARTICIPANT, "/deelnemer/"),
        (Role.COACH, "/curriculum/"),
    ],
)
def test_query_count_does_not_grow_with_the_data(role: Role, url: str, client: Client, world: World) -> None:
    login(client, world.by_role(role))
    add_participants(world, 2)
    small = count_queries(client, url)
    add_participants(world, 12)
    assert count_queries(client, url) == small
