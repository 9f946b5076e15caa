"""A person with two roles gets, for each trajectory, what the role that relates them to it allows.

Before: roles were checked one at a time ("is a werkplekopleider", "is a coach"), so a person with
two roles got the union of both applied to every object: a werkplekopleider who was also a
participant could judge their own assignment "behaald", a coach who was a participant could open
their own trajectory as staff and be their own second assessor, and an administrator who was also a
werkplekopleider read every trainer-scoped problem of the organisation.

The fix: wpo/orgs/permissions.py relates a person to a trajectory (``relations``): for their own
trajectory they are only its participant, whatever else they are. tests/test_permission_matrix.py
tries every pair of roles on every URL; these tests try the own-trajectory attacks directly.
"""

import pytest
from django.test import Client
from django.urls import reverse

from wpo.followup.workflow import raise_problem
from wpo.orgs.models import Person, Role
from wpo.trajectories.models import Assessment, Judgement, Step, Trajectory
from wpo.trajectories.services import signoff
from wpo.trajectories.workflow import IllegalMove, move

from ..conftest import login
from ..factories import World, make_person
from ..test_signoff import bring


def also(person: Person, role: Role) -> Person:
    setattr(person, f"is_{role.value}", True)
    person.save()
    return person


@pytest.mark.parametrize("second_role", [Role.TRAINER, Role.COACH])
def test_nobody_signs_off_their_own_assignment(client: Client, world: World, second_role: Role) -> None:
    me = also(world.participant, second_role)
    bring(world, world.pa, Step.LOOKING_BACK)
    # The participant's own moves still work; the staff's moves on their own assignment do not.
    with pytest.raises(IllegalMove):
        move(world.pa, Step.INDEPENDENT, actor=me)
    bring(world, world.pa, Step.ASSESSING)
    login(client, me)
    response = client.post(reverse("trajectories:assessment_record", args=[world.pa.pk]), {"judgement": "achieved"})
    assert response.status_code in (403, 404)
    with pytest.raises(IllegalMove):
        signoff.assessment_record(world.pa, assessor=me, judgement=Judgement.ACHIEVED)
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ASSESSING
    assert not Assessment.objects.filter(participant_assignment=world.pa).exists()


@pytest.mark.parametrize("second_role", [Role.TRAINER, Role.COACH, Role.PROJECT_MANAGER, Role.ADMINISTRATOR])
def test_ones_own_trajectory_is_not_opened_as_staff(client: Client, world: World, second_role: Role) -> None:
    me = also(world.participant, second_role)
    login(client, me)
    own = world.trajectory
    for name, args in (
        ("trajectories:trajectory_detail", [own.pk]),
        ("trajectories:conversation_plan", [own.pk]),
        ("trajectories:observe", [world.pa.pk]),
        ("trajectories:introduce", [world.pa.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code in (403, 404), name
    # Their own app still works.
    assert client.get(reverse("learn:assignment", args=[world.pa.pk])).status_code == 200


def test_a_coach_who_is_a_participant_is_not_their_own_second_assessor(client: Client, world: World) -> None:
    me = also(world.participant, Role.COACH)
    bring(world, world.pa, Step.INDEPENDENT)
    login(client, world.trainer)
    client.post(reverse("trajectories:second_assessor_request", args=[world.pa.pk]), {"coach": me.pk})
    assert not world.pa.second_assessor_requests.filter(coach=me).exists()
    with pytest.raises(IllegalMove):
        signoff.second_assessor_request(world.pa, actor=world.trainer, coach=me)


def test_a_coach_who_is_a_participant_does_not_see_their_own_trajectory_in_the_overview(
    client: Client, world: World
) -> None:
    me = also(world.participant, Role.COACH)
    colleague = make_person(world.org, [Role.PARTICIPANT], world.department)
    Trajectory.objects.create(
        organization=world.org,
        participant=colleague,
        trainer=world.trainer,
        department=world.department,
        starts_on=world.trajectory.starts_on,
        ends_on=world.trajectory.ends_on,
    )
    page = login(client, me).get(reverse("coaching:overview")).content.decode()
    assert colleague.name in page
    assert f"/opleider/trajecten/{world.trajectory.pk}/" not in page


def test_an_administrator_who_trains_reads_only_the_problems_of_their_own_participants(
    client: Client, world: World
) -> None:
    admin_trainer = also(make_person(world.org, [Role.ADMINISTRATOR], world.department), Role.TRAINER)
    problem = raise_problem(
        actor=world.trainer,
        title="Geen tijd voor het gesprek",
        description="Er is geen ruimte vrij.",
        trajectory=world.trajectory,
        department=world.department,
    )
    login(client, admin_trainer)
    assert client.get(reverse("followup:problem_detail", args=[problem.pk])).status_code in (403, 404)
    assert "Geen tijd voor het gesprek" not in client.get(reverse("followup:problems")).content.decode()
