"""“Kijk je mee?” reaches only the werkplekopleider who trains the participant.

Another werkplekopleider of the same organisation neither sees nor answers it (404, as if it did not
exist), a coach (who works on every trajectory but is not who was asked) is the wrong role (403),
another organisation gets 404, and a participant asks only for their own assignment.
"""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wpo.orgs.models import Person, Role
from wpo.trajectories.models import Step, Trajectory, WatchRequest
from wpo.trajectories.services.watch_requests import watch_request_ask
from wpo.trajectories.workflow import give_assignment, move

from ..conftest import login
from ..factories import World, make_person

pytestmark = pytest.mark.django_db


def asked(world: World) -> WatchRequest:
    move(world.pa, Step.PRACTISING, actor=world.participant)
    move(world.pa, Step.WORKING, actor=world.participant)
    return watch_request_ask(world.pa, actor=world.participant, when="now")


def answer_url(watch: WatchRequest) -> str:
    return reverse("trajectories:watch_request_answer", args=[watch.pk])


def my_list(client: Client, person: Person) -> str:
    login(client, person)
    return client.get(reverse("trajectories:my_participants")).content.decode()


def test_another_trainer_of_the_organisation_neither_sees_nor_answers_it(client: Client, world: World) -> None:
    watch = asked(world)
    colleague = make_person(world.org, [Role.TRAINER], world.department)
    # The colleague trains someone else, who also asked: that one they see, not this one.
    theirs = make_person(world.org, [Role.PARTICIPANT], world.department)
    theirs.trainers.add(colleague, through_defaults={"organization": world.org})
    body = my_list(client, colleague)
    assert world.participant.name not in body and answer_url(watch) not in body
    assert client.post(answer_url(watch), {"answer": "coming"}).status_code == 404
    watch.refresh_from_db()
    assert watch.status == "open" and watch.answered_by is None


def test_a_coach_is_the_wrong_role_to_answer(client: Client, world: World) -> None:
    watch = asked(world)
    login(client, world.coach)
    assert client.post(answer_url(watch), {"answer": "coming"}).status_code == 403
    assert WatchRequest.objects.get().status == "open"


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.PROJECT_MANAGER, Role.ADMINISTRATOR, Role.CONTENT_EDITOR])
def test_other_roles_cannot_answer(client: Client, world: World, role: Role) -> None:
    watch = asked(world)
    login(client, world.by_role(role))
    assert client.post(answer_url(watch), {"answer": "coming"}).status_code == 403
    assert WatchRequest.objects.get().status == "open"


def test_another_organisation_gets_404_both_ways(client: Client, world: World, other_world: World) -> None:
    watch = asked(world)
    login(client, other_world.trainer)
    assert client.post(answer_url(watch), {"answer": "coming"}).status_code == 404
    client.logout()
    login(client, other_world.participant)
    response = client.post(reverse("learn:watch_request", args=[world.pa.pk]), {"when": "now"})
    assert response.status_code == 404
    assert WatchRequest.objects.get().status == "open"


def test_a_participant_cannot_ask_for_someone_elses_assignment(client: Client, world: World) -> None:
    asked(world)
    other = make_person(world.org, [Role.PARTICIPANT], world.department)
    other.trainers.add(world.trainer, through_defaults={"organization": world.org})
    trajectory = Trajectory.objects.create(
        organization=world.org,
        participant=other,
        trainer=world.trainer,
        department=world.department,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    pa = give_assignment(trajectory, world.pa.version, actor=world.trainer)
    move(pa, Step.PRACTISING, actor=other)
    move(pa, Step.WORKING, actor=other)
    login(client, other)
    response = client.post(
        reverse("learn:watch_request", args=[world.pa.pk]), {"when": "now", "idempotency_key": str(uuid.uuid4())}
    )
    assert response.status_code == 404
    assert WatchRequest.objects.count() == 1


def test_staff_cannot_ask_in_a_participants_name(client: Client, world: World) -> None:
    asked(world)
    WatchRequest.objects.all().delete()
    for person in (world.trainer, world.coach):
        client.logout()
        login(client, person)
        assert client.post(reverse("learn:watch_request", args=[world.pa.pk]), {"when": "now"}).status_code == 403
    assert not WatchRequest.objects.exists()


def test_both_urls_take_only_a_post(client: Client, world: World) -> None:
    watch = asked(world)
    login(client, world.trainer)
    assert client.get(answer_url(watch)).status_code == 405
    client.logout()
    login(client, world.participant)
    assert client.get(reverse("learn:watch_request", args=[world.pa.pk])).status_code == 405
