"""The coach's pages at the size of a large organisation: 2,000 participants, generated in bulk."""

import random
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wpo.curriculum.models import Assignment
from wpo.orgs.models import Department, Person, Role, TrainerLink
from wpo.trajectories.models import Assessment, ParticipantAssignment, Phase, Step, StepChange, Trajectory

from .conftest import login
from .factories import World, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

STEPS = [Step.INTRODUCED, Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK, Step.INDEPENDENT, Step.ASSESSING]


def generate(world: World, n: int, seed: int = 7) -> None:
    """``n`` participants over four departments and twenty trainers, each with a running trajectory
    and an assignment at some step, a step change, and now and then an assessment waiting for the coach."""
    rng = random.Random(seed)
    org = world.org
    departments = [world.department] + [
        Department.objects.get_or_create(organization=org, name=f"Afdeling {i}", defaults={"agreed_capacity": 50})[0]
        for i in range(3)
    ]
    trainers = [world.trainer] + [
        Person.objects.get_or_create(
            organization=org,
            user=get_user_model().objects.get_or_create(
                username=f"opleider-{org.pk}-{i}", defaults={"first_name": f"Opleider {i}"}
            )[0],
            defaults={"is_trainer": True, "department": departments[i % 4]},
        )[0]
        for i in range(19)
    ]
    start = Person.objects.filter(organization=org).count()
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"gen-{org.pk}-{start + i}", first_name=f"Deelnemer{start + i}", last_name="Test")
            for i in range(n)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(organization=org, user=u, is_participant=True, department=departments[i % 4])
            for i, u in enumerate(users)
        ]
    )
    TrainerLink.objects.bulk_create(
        [TrainerLink(organization=org, participant=p, trainer=trainers[i % 20]) for i, p in enumerate(people)]
    )
    now = timezone.now()
    trajectories = Trajectory.objects.bulk_create(
        [
            Trajectory(
                organization=org,
                participant=p,
                trainer=trainers[i % 20],
                department=departments[i % 4],
                starts_on=date.today() - timedelta(days=rng.randint(0, 500)),
                ends_on=date.today() + timedelta(days=rng.randint(-30, 200)),
                phase=rng.choice(list(Phase)),
            )
            for i, p in enumerate(people)
        ]
    )
    version = Assignment.objects.filter(subskill__skill=world.skill).first().current_version  # type: ignore[union-attr]
    pas = ParticipantAssignment.objects.bulk_create(
        [
            ParticipantAssignment(
                organization=org,
                trajectory=t,
                version=version,
                step=rng.choice(STEPS),
                step_since=now - timedelta(days=rng.randint(0, 60)),
            )
            for t in trajectories
        ]
    )
    ParticipantAssignment.objects.filter(pk__in=[pa.pk for pa in pas[::3]]).update(created_at=now - timedelta(weeks=9))
    StepChange.objects.bulk_create(
        [
            StepChange(
                organization=org,
                participant_assignment=pa,
                from_step="",
                to_step=pa.step,
                actor=world.trainer,
                at=pa.step_since,
            )
            for pa in pas
        ]
    )
    # bulk_create sends no signals: keep the denormalised last activity as the services would.
    for t, pa in zip(trajectories, pas, strict=True):
        t.last_activity_at = pa.step_since
    Trajectory.objects.bulk_update(trajectories, ["last_activity_at"])
    Assessment.objects.bulk_create(
        [
            Assessment(
                organization=org,
                participant_assignment=pa,
                assessor=world.trainer,
                judgement="achieved",
                assessed_at=now - timedelta(days=3),
                second_assessor=world.coach,
            )
            for pa in pas[::50]
        ]
    )


def queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/coach/", "/coach/?sorteer=weken", "/coach/?signaal=ja&sorteer=naam", "/coach/signalen/", "/coach/?pagina=3"],
)
def test_coach_pages_run_the_same_queries_for_20_and_2000_participants(client: Client, world: World, url: str) -> None:
    make_person(world.org, [Role.COACH])  # a second coach: signals are per organisation, not per coach
    login(client, world.coach)
    generate(world, 20)
    queries(client, url)  # first request creates the organisation's signal settings
    small, _html = queries(client, url)
    generate(world, 1980, seed=8)
    large, html = queries(client, url)
    if url.startswith("/coach/signalen/"):
        # The signals page fetches one slice per kind of signal on the page shown: at most one query
        # per kind, whatever the size; a small organisation's first page may span more kinds.
        assert large <= small, f"{url}: {small} queries with 21 participants, {large} with 2001"
    else:
        assert large == small, f"{url}: {small} queries with 21 participants, {large} with 2001"
    assert "Pagina " in html and " van " in html  # paginated, not one endless table
    if url == "/coach/":
        assert "2001 trajecten" in html
        assert html.count('<th scope="row">') == 50
