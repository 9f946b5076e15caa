import pytest
from django.test import Client

from wpo.orgs.models import Organization, Person

from .factories import PASSWORD, World, all_roles, make_world


@pytest.fixture
def world(db: None) -> World:
    return make_world("Werkbedrijf Noord")


@pytest.fixture
def other_world(db: None) -> World:
    return make_world("Werkbedrijf Zuid")


@pytest.fixture
def outsider(other_world: World) -> Person:
    """Someone of another organisation who holds every role there."""
    return all_roles(other_world.org)


def login(client: Client, person: Person) -> Client:
    assert client.login(username=person.user.username, password=PASSWORD)
    return client


@pytest.fixture
def as_person(client: Client):  # type: ignore[no-untyped-def]
    def _as(person: Person) -> Client:
        client.logout()
        return login(client, person)

    return _as


@pytest.fixture
def second_org(db: None) -> Organization:
    return Organization.objects.create(name="Leeg", slug="leeg")


@pytest.fixture(autouse=True)
def _fresh_content_type_cache() -> None:
    """Transactional tests flush the database and recreate content types with new ids; a cache
    filled by an earlier test would then point permissions at rows that no longer exist."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
