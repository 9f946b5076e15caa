"""The phase of a trajectory moves only through ``workflow.set_phase``, with a ``PhaseChange`` row."""

from datetime import date, timedelta

import pytest

from wpo.trajectories.models import Phase, PhaseChange, Trajectory
from wpo.trajectories.services import signoff
from wpo.trajectories.services.start import ChosenSkill, trajectory_start
from wpo.trajectories.workflow import PHASE_MOVES, IllegalMove, set_phase

from .factories import World, make_person

pytestmark = pytest.mark.django_db


def rows(trajectory: Trajectory) -> list[tuple[int, int]]:
    return list(PhaseChange.objects.filter(trajectory=trajectory).values_list("from_phase", "to_phase"))


def test_the_start_conversation_ends_phase_1(world: World) -> None:
    employee = make_person(world.org, [], world.department)
    trajectory, _pa = trajectory_start(
        trainer=world.trainer,
        participant=employee,
        department=world.department,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=180),
        skills=[ChosenSkill(world.skill, None, None)],
        first_assignment=world.pa.version.assignment,
    )
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.LEARN_WORK
    [change] = PhaseChange.objects.filter(trajectory=trajectory)
    assert (change.from_phase, change.to_phase, change.actor) == (Phase.START, Phase.LEARN_WORK, world.trainer)


@pytest.mark.parametrize(("start", "to"), [(f, t) for f, moves in PHASE_MOVES.items() for t in moves])
def test_every_legal_move_writes_its_row(world: World, start: Phase, to: Phase) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(phase=start)
    world.trajectory.refresh_from_db()
    change = set_phase(world.trajectory, to, actor=world.coach, note=" Na de evaluatie. ")
    assert world.trajectory.phase == to and Trajectory.objects.get(pk=world.trajectory.pk).phase == to
    assert (change.from_phase, change.to_phase, change.actor, change.note) == (
        start,
        to,
        world.coach,
        "Na de evaluatie.",
    )


@pytest.mark.parametrize(("start", "to"), [(f, t) for f in Phase for t in Phase if t not in PHASE_MOVES[f]], ids=str)
def test_every_other_move_is_refused_and_changes_nothing(world: World, start: Phase, to: Phase) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(phase=start)
    with pytest.raises(IllegalMove):
        set_phase(world.trajectory, to, actor=world.trainer)
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == start and rows(world.trajectory) == []


def test_only_who_may_work_on_the_trajectory_moves_its_phase(world: World, other_world: World) -> None:
    colleague = make_person(world.org, [], world.department)
    for person in (world.participant, world.project_manager, world.administrator, colleague, other_world.coach):
        with pytest.raises(IllegalMove):
            set_phase(world.trajectory, Phase.LEARN_WORK, actor=person)
    assert rows(world.trajectory) == []


def test_a_trajectory_that_no_longer_runs_keeps_its_phase(world: World) -> None:
    signoff.trajectory_stop(world.trajectory, actor=world.trainer, reason="Ander werk.")
    with pytest.raises(IllegalMove):
        set_phase(world.trajectory, Phase.CLOSING, actor=world.trainer)
    assert Trajectory.objects.get(pk=world.trajectory.pk).phase == Phase.START and rows(world.trajectory) == []


def test_closing_moves_to_phase_4(world: World) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(
        phase=Phase.EVALUATION, ends_on=date.today() - timedelta(1)
    )
    world.trajectory.refresh_from_db()
    signoff.trajectory_close(world.trajectory, actor=world.coach, stop_reason="Einddatum voorbij.")
    assert world.trajectory.phase == Phase.CLOSING and world.trajectory.status == Trajectory.Status.CLOSED
    assert rows(world.trajectory) == [(Phase.EVALUATION, Phase.CLOSING)]


def test_the_phase_history_is_append_only(world: World) -> None:
    change = set_phase(world.trajectory, Phase.LEARN_WORK, actor=world.trainer)
    change.note = "Anders"
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()
    with pytest.raises(TypeError):
        PhaseChange.objects.filter(pk=change.pk).update(note="Anders")
