"""Rules written once: what an open assignment is, the levels in their order, the highest level achieved."""

import pytest

from wpo.certificates.services import achieved_skills
from wpo.curriculum.content_format import LEVELS
from wpo.curriculum.models import Assignment, Level
from wpo.trajectories import access, selectors
from wpo.trajectories.models import OPEN_STEPS, ParticipantAssignment, Step, Trajectory
from wpo.trajectories.workflow import give_assignment

from .factories import World, achieve

pytestmark = pytest.mark.django_db


def test_the_levels_are_listed_once_in_their_order() -> None:
    assert tuple(Level.values) == LEVELS == ("A", "B", "C")


@pytest.mark.parametrize("step", list(Step), ids=str)
def test_an_assignment_is_open_in_the_same_steps_in_python_and_in_the_query(world: World, step: Step) -> None:
    ParticipantAssignment.objects.filter(pk=world.pa.pk).update(step=step)
    world.pa.refresh_from_db()
    listed = access.open_assignments_in(world.coach).filter(pk=world.pa.pk).exists()
    assert world.pa.is_open == listed == (step in OPEN_STEPS) == (step not in (Step.ACHIEVED, Step.STOPPED))


def test_an_open_step_of_a_trajectory_that_no_longer_runs_is_not_listed(world: World) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Trajectory.Status.STOPPED)
    assert not access.open_assignments_in(world.coach).exists()
    assert not access.open_assignments(world.trainer).exists()
    assert not access.own_open_assignments(world.participant).exists()


def test_what_next_closing_and_the_certificate_agree_on_the_levels_achieved(world: World) -> None:
    subskill = world.pa.version.assignment.subskill
    for level in ("B", "A"):
        assignment = Assignment.objects.get(subskill=subskill, level=level)
        achieve(world, give_assignment(world.trajectory, assignment.current_version, actor=world.trainer))  # type: ignore[arg-type]
    assignments = list(world.trajectory.assignments.select_related("version__assignment__subskill"))
    assert selectors.achieved_levels(assignments) == {subskill.pk: ["A", "B"]}
    assert selectors.highest_levels(assignments) == {subskill.pk: "B"}
    assert selectors.achieved_levels_of(world.trajectory.chosen_skills.get()) == ["A", "B"]
    [skill] = achieved_skills(world.trajectory, list(world.trajectory.chosen_skills.all()))
    assert [(s["number"], s["level"]) for s in skill["subskills"]] == [(subskill.number, "B")]
