"""``Trajectory.last_activity_at`` stays correct after each kind of write that counts as activity.

The coach's "nothing happened for N weeks" signal reads only this denormalised value
(wpo.trajectories.activity); each test puts it far in the past, writes through the service that
the pages use, and checks that the value moved to the moment of that write, and never back.
"""

from datetime import UTC, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from wpo.coaching import early_signals
from wpo.learn import services as learn
from wpo.learn.services import LookBackInput
from wpo.trajectories import services, workflow
from wpo.trajectories.models import (
    CoachingConversation,
    LookBackAnswer,
    Observation,
    PracticeAnswer,
    Step,
    StepChange,
    Trajectory,
)
from wpo.trajectories.services import conversations

from .factories import World

pytestmark = pytest.mark.django_db

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def reset(world: World) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(last_activity_at=LONG_AGO)


def last(world: World) -> datetime | None:
    return Trajectory.objects.values_list("last_activity_at", flat=True).get(pk=world.trajectory.pk)


def test_giving_an_assignment_and_every_step_change_is_activity(world: World) -> None:
    first = StepChange.objects.filter(participant_assignment=world.pa).get()
    assert last(world) == first.at  # give_assignment in the factory wrote the first step change
    reset(world)
    change = workflow.move(world.pa, Step.PRACTISING, actor=world.trainer)
    assert last(world) == change.at


def test_a_practice_answer_is_activity(world: World) -> None:
    workflow.move(world.pa, Step.PRACTISING, actor=world.trainer)
    reset(world)
    world.pa.refresh_from_db()
    learn.practice_answer(world.pa, 1, "0", actor=world.participant)  # right or wrong, it is kept
    answer = PracticeAnswer.objects.filter(participant_assignment=world.pa).latest("answered_at")
    assert last(world) == answer.answered_at


def test_look_back_answers_are_activity(world: World) -> None:
    for step in (Step.PRACTISING, Step.WORKING):
        workflow.move(world.pa, step, actor=world.trainer)
    reset(world)
    world.pa.refresh_from_db()
    n = len(world.pa.version.content.get("look_back", []))
    if n:
        learn.look_back_submit(world.pa, [LookBackInput("good", "Ging goed", None, None)] * n, actor=world.participant)
    else:
        LookBackAnswer.objects.create(organization=world.org, participant_assignment=world.pa, question_index=0)
    answer = LookBackAnswer.objects.filter(participant_assignment=world.pa).latest("answered_at")
    moment = last(world)
    assert moment is not None and moment >= answer.answered_at  # the move to looking back counts too


def test_an_observation_is_activity_and_an_older_one_never_moves_it_back(world: World) -> None:
    reset(world)
    when = timezone.now() - timedelta(days=1)
    services.observation_record(pa=world.pa, author=world.trainer, observed_at=when, behaviours=[], note="Gezien")
    assert last(world) == when
    services.observation_record(
        pa=world.pa, author=world.trainer, observed_at=when - timedelta(days=9), behaviours=[], note="Gezien"
    )
    assert last(world) == when
    assert Observation.objects.filter(participant_assignment=world.pa).count() == 2


def test_a_held_conversation_is_activity_a_planned_one_is_not(world: World) -> None:
    reset(world)
    planned = conversations.conversation_plan(
        trajectory=world.trajectory, actor=world.trainer, planned_at=timezone.now() + timedelta(days=2)
    )
    assert last(world) == LONG_AGO
    CoachingConversation.objects.filter(pk=planned.pk).update(planned_at=timezone.now() - timedelta(hours=1))
    planned.refresh_from_db()
    held = conversations.conversation_record(
        conversation=planned, actor=world.trainer, done_and_learned="Veel", trainer_saw="Goed", agreements="Door"
    )
    assert held.held_at is not None and last(world) == held.held_at


def test_the_signal_follows_the_denormalised_value(world: World) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(
        starts_on=timezone.localdate() - timedelta(weeks=10), last_activity_at=timezone.now() - timedelta(weeks=6)
    )
    [signal] = early_signals.signals_for(world.coach).of_kind(early_signals.INACTIVE)
    assert "6 weken niets gebeurd" in signal.reason
    services.observation_record(
        pa=world.pa, author=world.trainer, observed_at=timezone.now(), behaviours=[], note="Gezien"
    )
    assert not early_signals.signals_for(world.coach).of_kind(early_signals.INACTIVE)


def test_the_migration_backfills_the_newest_moment_of_the_five_sources(world: World, other_world: World) -> None:
    when = timezone.now() - timedelta(days=3)
    Observation.objects.create(
        organization=world.org, participant_assignment=world.pa, author=world.trainer, observed_at=when
    )
    StepChange.objects.filter(participant_assignment=world.pa).update(at=when - timedelta(days=5))
    StepChange.objects.filter(participant_assignment=other_world.pa).delete()
    Trajectory.objects.update(last_activity_at=None)
    migration = import_module("wpo.trajectories.migrations.0007_trajectory_last_activity")
    migration.backfill(apps, None)
    assert last(world) == when
    assert last(other_world) is None  # nothing ever happened there
