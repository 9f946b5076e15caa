"""The life of one assignment: legal moves happen and leave history; illegal ones are refused."""

import pytest

from wpo.lib.refusals import Refused
from wpo.orgs.models import Role
from wpo.trajectories.models import Step, StepChange
from wpo.trajectories.workflow import allowed_moves, move

from .factories import World, make_person

pytestmark = pytest.mark.django_db


def steps_of(world: World) -> list[tuple[str, str]]:
    return list(world.pa.history.values_list("from_step", "to_step"))


def test_the_full_road_to_achieved_writes_one_history_row_per_step(world: World) -> None:
    p, t = world.participant, world.trainer
    move(world.pa, Step.PRACTISING, actor=p)
    move(world.pa, Step.WORKING, actor=p)
    move(world.pa, Step.LOOKING_BACK, actor=p)
    move(world.pa, Step.WORKING, actor=t, note="Nog een week oefenen.")  # repeating is a normal path
    move(world.pa, Step.LOOKING_BACK, actor=p)
    move(world.pa, Step.INDEPENDENT, actor=t, note="Leerdoel gehaald.")
    move(world.pa, Step.ASSESSING, actor=t)
    move(world.pa, Step.ACHIEVED, actor=t)
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ACHIEVED and world.pa.achieved_at is not None
    assert steps_of(world) == [
        ("", "introduced"),
        ("introduced", "practising"),
        ("practising", "working"),
        ("working", "looking_back"),
        ("looking_back", "working"),
        ("working", "looking_back"),
        ("looking_back", "independent"),
        ("independent", "assessing"),
        ("assessing", "achieved"),
    ]
    repeat = StepChange.objects.get(participant_assignment=world.pa, from_step="looking_back", to_step="working")
    assert repeat.actor == t and repeat.note == "Nog een week oefenen."


def test_a_step_cannot_be_skipped(world: World) -> None:
    with pytest.raises(Refused, match="niet naar"):
        move(world.pa, Step.ACHIEVED, actor=world.trainer)
    world.pa.refresh_from_db()
    assert world.pa.step == Step.INTRODUCED
    assert len(steps_of(world)) == 1


def test_a_participant_cannot_judge_their_own_goal(world: World) -> None:
    for step in (Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK):
        move(world.pa, step, actor=world.participant)
    with pytest.raises(Refused, match="mag u niet"):
        move(world.pa, Step.INDEPENDENT, actor=world.participant)


def test_another_participant_cannot_move_my_assignment(world: World) -> None:
    someone_else = make_person(world.org, [Role.PARTICIPANT])
    with pytest.raises(Refused):
        move(world.pa, Step.PRACTISING, actor=someone_else)


def test_staff_of_another_organisation_cannot_move_it(world: World, other_world: World) -> None:
    with pytest.raises(Refused):
        move(world.pa, Step.PRACTISING, actor=other_world.trainer)


def test_stopping_needs_a_reason_and_is_final(world: World) -> None:
    with pytest.raises(Refused, match="waarom"):
        move(world.pa, Step.STOPPED, actor=world.trainer, note="  ")
    move(world.pa, Step.STOPPED, actor=world.trainer, note="Deelnemer is van afdeling gewisseld.")
    assert allowed_moves(Step.STOPPED) == ()
    with pytest.raises(Refused):
        move(world.pa, Step.PRACTISING, actor=world.trainer)


def test_not_yet_at_assessment_goes_back_to_work(world: World) -> None:
    for step, actor in [
        (Step.PRACTISING, world.participant),
        (Step.WORKING, world.participant),
        (Step.LOOKING_BACK, world.participant),
        (Step.INDEPENDENT, world.trainer),
        (Step.ASSESSING, world.coach),
    ]:
        move(world.pa, step, actor=actor)
    move(world.pa, Step.WORKING, actor=world.trainer, note="Nog niet zelfstandig.")
    world.pa.refresh_from_db()
    assert world.pa.step == Step.WORKING and world.pa.achieved_at is None
