"""The coach's signal "geen-tussenevaluatie" (issue 16): a running trajectory without an interim evaluation
for N weeks (``SignalSettings.interim_weeks``, per organisation), counted in SQL with one query however many
trajectories there are, and gone at once (the counts cache) when an evaluation is planned."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wpo.coaching import early_signals, signal_cache
from wpo.coaching.models import SignalSettings
from wpo.evaluations import services
from wpo.evaluations.models import InterimEvaluation
from wpo.orgs.models import Role
from wpo.trajectories.models import Phase, Trajectory

from .factories import World, make_person

pytestmark = pytest.mark.django_db
KIND = early_signals.NO_INTERIM_EVALUATION


def running_for(world: World, weeks: int, phase: Phase = Phase.LEARN_WORK) -> Trajectory:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(
        starts_on=timezone.localdate() - timedelta(weeks=weeks), phase=phase
    )
    world.trajectory.refresh_from_db()
    return world.trajectory


def found(world: World) -> list[early_signals.Signal]:
    return early_signals.signals_for(world.coach).of_kind(KIND)


def held(world: World, weeks_ago: int) -> InterimEvaluation:
    return InterimEvaluation.objects.create(
        organization=world.org,
        trajectory=world.trajectory,
        planned_at=timezone.now() - timedelta(weeks=weeks_ago),
        held_at=timezone.now() - timedelta(weeks=weeks_ago),
        feeling="good",
        achieved="x",
    )


def test_the_signal_goes_up_after_the_threshold_and_not_before(world: World) -> None:
    assert KIND.code == "geen-tussenevaluatie"
    running_for(world, 11)
    assert found(world) == []
    running_for(world, 13)
    [signal] = found(world)
    assert "13 weken" in signal.reason and "nog geen tussentijdse evaluatie" in signal.reason
    assert signal.url == reverse("evaluations:plan", args=[world.trajectory.pk])
    assert signal.trajectory_id == world.trajectory.pk


def test_an_evaluation_held_recently_or_planned_keeps_it_down(world: World) -> None:
    running_for(world, 30)
    held(world, 4)
    assert found(world) == []
    InterimEvaluation.objects.all().delete()
    held(world, 14)
    [signal] = found(world)
    assert "14 weken geleden" in signal.reason
    InterimEvaluation.objects.create(
        organization=world.org, trajectory=world.trajectory, planned_at=timezone.now() + timedelta(days=5)
    )
    assert found(world) == []


@pytest.mark.parametrize("phase", [Phase.START, Phase.CLOSING])
def test_only_trajectories_after_their_start_conversation_and_still_running(world: World, phase: Phase) -> None:
    running_for(world, 20, phase)
    assert found(world) == []
    running_for(world, 20, Phase.EVALUATION)
    assert len(found(world)) == 1
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Trajectory.Status.STOPPED)
    assert found(world) == []


def test_the_threshold_is_set_per_organisation(world: World, other_world: World) -> None:
    running_for(world, 13)
    running_for(other_world, 13)
    SignalSettings.objects.create(organization=other_world.org, interim_weeks=20)
    assert len(found(world)) == 1 and found(other_world) == []
    SignalSettings.objects.create(organization=world.org, interim_weeks=14)
    assert found(world) == []
    # Nothing of another organisation.
    assert all(s.trajectory_id != other_world.trajectory.pk for s in early_signals.signals_for(world.coach).signals)


def add_trajectories(world: World, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        participant = make_person(world.org, [Role.PARTICIPANT], world.department)
        ids.append(
            Trajectory.objects.create(
                organization=world.org,
                participant=participant,
                trainer=world.trainer,
                department=world.department,
                starts_on=timezone.localdate() - timedelta(weeks=20),
                ends_on=timezone.localdate() + timedelta(weeks=20),
                phase=Phase.LEARN_WORK,
            ).pk
        )
    return ids


def test_counted_in_sql_and_the_same_queries_for_few_and_many(world: World) -> None:
    config = early_signals.settings_for(world.org)
    now = timezone.now()

    def measure(only: list[int]) -> tuple[int, int, int]:
        snoozed = early_signals.snoozed_now(world.coach, now)  # read once for every kind
        with CaptureQueriesContext(connection) as count_ctx:
            counted = early_signals._no_interim_evaluation(world.coach, config, now, snoozed).count()
        with CaptureQueriesContext(connection) as page_ctx:
            built = list(early_signals.no_interim_evaluation(world.coach, config, now, only=only, snoozed=snoozed))
        assert len(built) == len(only)
        return counted, len(count_ctx.captured_queries), len(page_ctx.captured_queries)

    few = add_trajectories(world, 3)
    counted, count_queries, page_queries = measure(few)
    assert (counted, count_queries, page_queries) == (3, 1, 1)
    many = add_trajectories(world, 40)
    counted, count_queries, page_queries = measure(many[:25])
    assert (counted, count_queries, page_queries) == (43, 1, 1)
    summary = dict(early_signals.summary_for(world.coach).counts)
    assert summary[KIND] == 43


def test_planning_an_evaluation_shows_in_the_cached_counts_at_once(world: World, settings: Any) -> None:
    settings.SIGNAL_COUNTS_CACHE_SECONDS = 60
    cache.clear()
    running_for(world, 13)

    def counts() -> int:
        return dict(signal_cache.summary_for(world.coach).counts)[KIND]

    assert counts() == 1
    services.evaluation_plan(
        trajectory=world.trajectory, actor=world.trainer, planned_at=timezone.now() + timedelta(days=2)
    )
    assert counts() == 0


def test_the_coach_sets_the_threshold(client: Any, world: World) -> None:
    from .conftest import login

    login(client, world.coach)
    page = client.get(reverse("coaching:signal_settings")).content.decode()
    assert "Geen tussentijdse evaluatie in (weken)" in page and 'name="interim_weeks"' in page
