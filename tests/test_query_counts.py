"""List pages run a constant number of queries however many participants there are."""

import io
import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wpo.curriculum.models import Assignment
from wpo.orgs.models import Role
from wpo.packages.models import PackageVersion
from wpo.packages.services import attempt_commit, package_upload
from wpo.trajectories.models import CoachingConversation, LookBackAnswer, Step, Trajectory
from wpo.trajectories.services.watch_requests import watch_request_ask
from wpo.trajectories.workflow import give_assignment, move

from .conftest import login
from .factories import World, make_person
from .packages_helpers import scorm12_zip

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
        pa = give_assignment(t, version, actor=world.trainer)  # type: ignore[arg-type]
        # Each at work on the task and asking "Kijk je mee?": the block at the top of Mijn deelnemers.
        move(pa, Step.PRACTISING, actor=p)
        move(pa, Step.WORKING, actor=p)
        watch_request_ask(pa, actor=p, when="now")


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


def add_assignments(world: World, n: int) -> None:
    """``n`` more assignments on the world's trajectory, each with a planned and a held conversation:
    the first ``n - 1`` achieved (with their assessment), the last in the independence week."""
    from .factories import achieve

    versions = [a.current_version for a in Assignment.objects.filter(subskill__skill=world.skill).order_by("pk")]
    for i in range(n):
        pa = give_assignment(world.trajectory, versions[i % len(versions)], actor=world.trainer)  # type: ignore[arg-type]
        if i < n - 1:
            achieve(world, pa)
        else:
            for step in (Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK):
                move(pa, step, actor=world.participant)
            move(pa, Step.INDEPENDENT, actor=world.trainer)
        now = timezone.now()
        for held_at in (None, now - timedelta(days=1)):
            CoachingConversation.objects.create(
                organization=world.org,
                trajectory=world.trajectory,
                participant_assignment=pa,
                planned_at=held_at or now + timedelta(days=1),
                held_at=held_at,
            )


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COACH, Role.PROJECT_MANAGER])
def test_the_trajectory_page_runs_the_same_queries_with_few_and_many_assignments(
    role: Role, client: Client, world: World
) -> None:
    """Every panel of the page (sign-off, conversations, certificates) is loaded with one query by the
    view (wpo/trajectories/panels.py), never by its template once per assignment."""
    login(client, world.by_role(role))
    url = f"/opleider/trajecten/{world.trajectory.pk}/"
    add_assignments(world, 2)
    small = count_queries(client, url)
    add_assignments(world, 6)
    assert count_queries(client, url) == small


def add_late_answers_and_package_results(world: World, n: int, packages: dict[int, PackageVersion]) -> None:
    """``n`` more assignments, each with a package played and passed, then at work a practice answer
    and a look-back answer that arrived late from a phone that was offline."""
    from wpo.learn.services import practice_answer

    versions = [a.current_version for a in Assignment.objects.filter(subskill__skill=world.skill).order_by("pk")]
    for i in range(n):
        pa = give_assignment(world.trajectory, versions[i % len(versions)], actor=world.trainer)  # type: ignore[arg-type]
        move(pa, Step.PRACTISING, actor=world.participant)
        package = packages[pa.version.assignment_id]
        attempt_commit(
            pa,
            package,
            {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "70"},
            actor=pa.trajectory.participant,
        )
        move(pa, Step.WORKING, actor=world.participant)
        practice_answer(pa, 1, "0", actor=world.participant, key=uuid.uuid4())
        LookBackAnswer.objects.create(
            organization=world.org, participant_assignment=pa, question_index=0, feeling="good", late=True
        )


def test_the_conversation_page_runs_the_same_queries_with_few_and_many_late_answers_and_package_results(
    client: Client,
    world: World,
    settings,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """The late practice answers are read with one query and the package results with one
    (wpo/packages/templatetags/packages.py), whatever their number."""
    settings.MEDIA_ROOT = tmp_path
    packages = {
        assignment.pk: package_upload(
            assignment=assignment,
            upload=io.BytesIO(scorm12_zip()),
            size=len(scorm12_zip()),
            name="module.zip",
            placement="instead",
            actor=world.content_editor,
        )
        for assignment in Assignment.objects.filter(subskill__skill=world.skill)
    }
    conversation = CoachingConversation.objects.create(
        organization=world.org, trajectory=world.trajectory, planned_at=timezone.now() + timedelta(days=1)
    )
    login(client, world.trainer)
    pages = [
        reverse("trajectories:conversation", args=[conversation.pk]),
        reverse("trajectories:trajectory_detail", args=[world.trajectory.pk]),
    ]
    add_late_answers_and_package_results(world, 2, packages)
    small = [count_queries(client, url) for url in pages]
    add_late_answers_and_package_results(world, 6, packages)
    assert [count_queries(client, url) for url in pages] == small
    body = client.get(pages[0]).content.decode()
    assert body.count("Binnengekomen op") == 8 and body.count("afgerond, gehaald, score 70") == 8
