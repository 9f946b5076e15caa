"""The administrator manages people and departments in the app itself."""

import pytest
from django.test import Client
from django.urls import reverse

from wpo.orgs.models import Department, Person, Role

from .conftest import login
from .factories import World

pytestmark = pytest.mark.django_db


def person_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Noor",
        "last_name": "Bakker",
        "email": "",
        "employee_number": "7001",
        "department": "",
        "roles": ["participant"],
        "trainers": [],
        "password": "",
    }
    data.update(overrides)
    return data


def test_it_creates_a_participant_with_a_trainer(client: Client, world: World) -> None:
    login(client, world.administrator)
    response = client.post(
        reverse("orgs:person_new"),
        person_data(department=world.department.pk, trainers=[world.trainer.pk]),
        follow=True,
    )
    assert "Noor Bakker is toegevoegd" in response.content.decode()
    noor = Person.objects.get(employee_number="7001")
    assert noor.organization == world.org and noor.is_participant and not noor.is_trainer
    assert list(noor.trainers.all()) == [world.trainer]
    assert noor.user.username == f"noor.bakker.{world.org.slug}" and not noor.user.has_usable_password()


def test_one_person_can_hold_several_roles(client: Client, world: World) -> None:
    login(client, world.administrator)
    client.post(reverse("orgs:person_new"), person_data(roles=["trainer", "coach"]))
    both = Person.objects.get(employee_number="7001")
    assert both.roles == [Role.TRAINER, Role.COACH]


def test_bad_input_gets_dutch_messages_and_writes_nothing(client: Client, world: World) -> None:
    login(client, world.administrator)
    before = Person.objects.count()
    response = client.post(
        reverse("orgs:person_new"),
        person_data(first_name="", email="geen-adres", roles=[], employee_number=world.trainer.employee_number or "x"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dit veld is verplicht" in body and "geldig e-mailadres" in body
    assert Person.objects.count() == before


def test_a_trainer_from_another_organisation_cannot_be_linked(client: Client, world: World, other_world: World) -> None:
    login(client, world.administrator)
    response = client.post(reverse("orgs:person_new"), person_data(trainers=[other_world.trainer.pk]))
    assert response.status_code == 200
    assert not Person.objects.filter(employee_number="7001").exists()


def test_it_edits_a_person(client: Client, world: World) -> None:
    login(client, world.administrator)
    url = reverse("orgs:person_edit", args=[world.participant.pk])
    assert client.get(url).status_code == 200
    client.post(
        url,
        person_data(first_name="Nieuw", last_name="Naam", employee_number="9", roles=["participant", "trainer"]),
    )
    world.participant.refresh_from_db()
    assert world.participant.user.first_name == "Nieuw" and world.participant.is_trainer
    assert list(world.participant.trainers.all()) == []


def test_an_administrator_cannot_remove_their_own_admin_role(client: Client, world: World) -> None:
    login(client, world.administrator)
    client.post(reverse("orgs:person_edit", args=[world.administrator.pk]), person_data(roles=["coach"]))
    world.administrator.refresh_from_db()
    assert world.administrator.is_administrator


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.TRAINER, Role.COACH, Role.PROJECT_MANAGER])
def test_people_pages_require_the_administrator_role(role: Role, client: Client, world: World) -> None:
    login(client, world.by_role(role))
    assert client.get(reverse("orgs:people")).status_code == 403
    assert client.post(reverse("orgs:person_new"), person_data()).status_code == 403
    assert client.post(reverse("orgs:person_edit", args=[world.participant.pk]), person_data()).status_code == 403
    assert not Person.objects.filter(employee_number="7001").exists()


def test_people_list_searches_and_paginates(client: Client, world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    login(client, world.administrator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("orgs:people"), {"q": world.trainer.user.last_name})
    body = response.content.decode()
    assert world.trainer.user.last_name in body and world.coach.user.last_name not in body


def test_department_create_edit_and_delete(client: Client, world: World) -> None:
    login(client, world.administrator)
    client.post(reverse("orgs:department_new"), {"name": "Wasserij", "agreed_capacity": 2})
    wasserij = Department.objects.get(organization=world.org, name="Wasserij")
    response = client.post(reverse("orgs:department_new"), {"name": "wasserij", "agreed_capacity": 2})
    assert "Er is al een afdeling met deze naam" in response.content.decode()
    client.post(reverse("orgs:department_edit", args=[wasserij.pk]), {"name": "Wasserij Oost", "agreed_capacity": 5})
    wasserij.refresh_from_db()
    assert (wasserij.name, wasserij.agreed_capacity) == ("Wasserij Oost", 5)
    client.post(reverse("orgs:department_remove", args=[wasserij.pk]))
    assert not Department.objects.filter(pk=wasserij.pk).exists()


def test_a_department_with_people_is_not_deleted(client: Client, world: World) -> None:
    login(client, world.administrator)
    response = client.post(reverse("orgs:department_remove", args=[world.department.pk]), follow=True)
    assert "Verplaats hen eerst" in response.content.decode()
    assert Department.objects.filter(pk=world.department.pk).exists()


def test_a_department_with_a_visit_on_record_is_not_deleted(client: Client, world: World) -> None:
    from .factories import make_visit

    empty = Department.objects.create(organization=world.org, name="Wasserij")
    make_visit(world.org, world.coach, empty, days_from_now=-3, held=True)
    login(client, world.administrator)
    response = client.post(reverse("orgs:department_remove", args=[empty.pk]), follow=True)
    assert response.status_code == 200
    assert "afdelingsbezoeken" in response.content.decode()
    assert Department.objects.filter(pk=empty.pk).exists()


def test_delete_rejects_get(client: Client, world: World) -> None:
    login(client, world.administrator)
    assert client.get(reverse("orgs:department_remove", args=[world.department.pk])).status_code == 405


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COACH])
def test_department_changes_require_the_administrator_role(role: Role, client: Client, world: World) -> None:
    login(client, world.by_role(role))
    assert client.post(reverse("orgs:department_new"), {"name": "X", "agreed_capacity": 1}).status_code == 403
    assert client.post(reverse("orgs:department_remove", args=[world.department.pk])).status_code == 403
    assert Department.objects.filter(pk=world.department.pk).exists()
