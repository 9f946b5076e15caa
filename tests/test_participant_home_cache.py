"""The participant's home page is kept in the cache, and every change on it shows at the next visit.

wpo/learn/home_cache.py keeps the page's main part per participant and language. These tests switch
that cache on (the rest of the suite runs without it) and perform each write the page is made of,
then look at the page as the participant does.
"""

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from wpo.evaluations.models import InterimEvaluation
from wpo.learn import home_cache
from wpo.orgs.models import Role
from wpo.trajectories.models import CoachingConversation, Observation, Step, TrajectorySkill

from .conftest import login
from .factories import World, make_person, make_skill

pytestmark = pytest.mark.django_db
HOME = reverse("learn:home")


@pytest.fixture(autouse=True)
def home_cached(settings: Any) -> Iterator[None]:
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    # A request in English leaves this thread's language at English; the next test in it reads Dutch.
    translation.activate(django_settings.LANGUAGE_CODE)


def _observation(world: World, note: str, *, shared: bool) -> Observation:
    return Observation.objects.create(
        organization=world.org,
        participant_assignment=world.pa,
        author=world.trainer,
        observed_at=timezone.now(),
        note=note,
        shared_with_participant=shared,
    )


def _visit(client: Client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


@pytest.fixture
def home(client: Client, world: World) -> Callable[[], str]:
    login(client, world.participant)
    first, _n = _visit(client)
    assert "Begin met je nieuwe opdracht." in first

    def visit() -> str:
        return _visit(client)[0]

    return visit


def test_the_second_visit_runs_only_the_login_queries_and_shows_the_same_page(client: Client, world: World) -> None:
    login(client, world.participant)
    first, cold = _visit(client)
    again, warm = _visit(client)
    # The same page, apart from the form's CSRF token, which is the request's own.
    strip = lambda body: "".join(line for line in body.splitlines() if "csrfmiddlewaretoken" not in line)  # noqa: E731
    assert strip(again) == strip(first)
    assert warm < cold
    assert warm <= 2, warm  # the session's user with the person; nothing of the page itself


def test_without_the_cache_every_visit_reads_the_page_again(settings: Any, client: Client, world: World) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    login(client, world.participant)
    _body, cold = _visit(client)
    _body, warm = _visit(client)
    assert warm == cold > 2


def test_the_trainer_moving_the_step_shows_at_once(home: Callable[[], str], world: World) -> None:
    world.pa.step = Step.WORKING
    world.pa.step_since = timezone.now()
    world.pa.save()
    assert "Doe deze week je opdracht op het werk." in home()


def test_a_practice_answer_keeps_the_page_and_finishing_the_practice_moves_it(
    client: Client, home: Callable[[], str], world: World
) -> None:
    from .test_participant_app import answer_all, url

    client.post(url("start", world))
    assert "Ga verder met oefenen." in home()
    generation = home_cache.key_for(world.participant.pk, "nl")
    client.post(url("answer", world, 1), {"answer": "0"})
    assert home_cache.key_for(world.participant.pk, "nl") == generation  # only the position moved
    answer_all(client, world)
    client.post(url("next", world))  # past the summary, to the work task
    assert "Ga verder met oefenen." in home()
    client.post(url("work_task_start", world))
    world.pa.refresh_from_db()
    assert world.pa.step == Step.WORKING
    assert "Doe deze week je opdracht op het werk." in home()


def test_a_planned_conversation_shows_and_a_cancelled_one_goes(home: Callable[[], str], world: World) -> None:
    conversation = CoachingConversation.objects.create(
        organization=world.org,
        trajectory=world.trajectory,
        planned_at=timezone.now() + timedelta(days=2),
        location="Kantine",
    )
    assert "Kantine" in home()
    conversation.delete()
    assert "Kantine" not in home()


def test_a_shared_observation_shows_at_once(home: Callable[[], str], world: World) -> None:
    observation = _observation(world, "Je vroeg heel duidelijk om hulp.", shared=False)
    assert "Je vroeg heel duidelijk om hulp." not in home()
    observation.shared_with_participant = True
    observation.save()
    assert "Je vroeg heel duidelijk om hulp." in home()


def test_a_planned_evaluation_shows_at_once(home: Callable[[], str], world: World) -> None:
    assert "Samen terugkijken op je traject" not in home()
    InterimEvaluation.objects.create(
        organization=world.org, trajectory=world.trajectory, planned_at=timezone.now() + timedelta(days=9)
    )
    assert "Samen terugkijken op je traject" in home()


def test_a_new_skill_and_a_new_name_show_at_once(home: Callable[[], str], world: World) -> None:
    skill = make_skill(world.org, code="Z")
    TrajectorySkill.objects.create(organization=world.org, trajectory=world.trajectory, skill=skill)
    assert skill.name in home()
    user = world.participant.user
    user.first_name = "Noor"
    user.save()
    assert "Hallo Noor" in home()


def test_a_changed_skill_name_in_the_curriculum_shows_for_every_participant(
    home: Callable[[], str], world: World
) -> None:
    world.skill.name = "Samenwerken met anderen"
    world.skill.save()
    assert "Samenwerken met anderen" in home()


def test_a_login_does_not_throw_the_page_away(client: Client, home: Callable[[], str], world: World) -> None:
    before = home_cache.key_for(world.participant.pk, "nl")
    client.logout()
    login(client, world.participant)  # stamps last_login
    assert home_cache.key_for(world.participant.pk, "nl") == before


def test_each_participant_and_each_language_has_their_own_page(client: Client, world: World) -> None:
    other = make_person(world.org, [Role.PARTICIPANT], world.department)
    _observation(world, "Alleen voor de eerste deelnemer.", shared=True)
    login(client, world.participant)
    assert "Alleen voor de eerste deelnemer." in _visit(client)[0]
    client.logout()
    login(client, other)
    body, _n = _visit(client)
    assert "Alleen voor de eerste deelnemer." not in body
    assert f"Hallo {other.user.first_name}" in body
    client.logout()
    login(client, world.participant)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english, _n = _visit(client)
    assert "Begin met je nieuwe opdracht." not in english
    assert "Alleen voor de eerste deelnemer." in english


def test_the_number_moves_again_at_the_commit(world: World, django_capture_on_commit_callbacks: Any) -> None:
    """A page rendered from the old rows between the save and the commit is not kept under the new number."""
    start = home_cache.key_for(world.participant.pk, "nl")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world.pa.step = Step.WORKING
        world.pa.save()
        at_save = home_cache.key_for(world.participant.pk, "nl")
    assert at_save != start
    for callback in callbacks:
        callback()
    assert home_cache.key_for(world.participant.pk, "nl") not in (start, at_save)


def test_a_bulk_delete_looks_no_participant_up_and_forgets_every_page_once(world: World) -> None:
    """Closing an organisation deletes row by row; the pages are forgotten once, not looked up per row."""
    for n in range(3):
        _observation(world, f"Notitie {n}", shared=False)
    before = home_cache.key_for(world.participant.pk, "nl")
    with home_cache.suspended(), CaptureQueriesContext(connection) as ctx:
        Observation.objects.filter(participant_assignment=world.pa).delete()
    assert not [q for q in ctx.captured_queries if "trajectory" in q["sql"] and q["sql"].startswith("SELECT")]
    assert home_cache.key_for(world.participant.pk, "nl") != before  # the epoch moved
