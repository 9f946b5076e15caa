"""Finding 7 (LOW): a new username told an administrator which names exist in other organisations.

The attack: usernames are unique across the service. An administrator of organisation A adds
"Piet Bakker" (by hand or in an import) and reads the username in the confirmation: ``piet.bakker``
means nobody anywhere has that name, ``piet.bakker2`` that someone has, and with nobody of that
name in A, that someone works in another organisation. Repeat for any name of interest.

The fix (``wpo.orgs.services.unique_username``): every username the platform makes carries the
organisation's short name (``piet.bakker.<organisation>``) and the number counts only names with
that ending, so only people of the administrator's own organisation can push it up. Suggesting "a
free variant" would not have helped: whether the plain name was free is the leak itself.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wpo.orgs.models import PeopleImport, Person, Role
from wpo.orgs.services import person_create

from ..conftest import login
from ..factories import World, make_person

pytestmark = pytest.mark.django_db


def add_by_hand(client: Client, first: str, last: str, number: str) -> str:
    """Admin A adds a person; the username the confirmation shows."""
    data = {"first_name": first, "last_name": last, "email": "", "employee_number": number, "department": ""}
    data |= {"roles": ["participant"], "trainers": [], "password": ""}
    response = client.post(reverse("orgs:person_new"), data, follow=True)
    match = re.search(r"Gebruikersnaam: ([^\s<]+?)\.?<", response.content.decode())
    assert match, response.content.decode()[:3000]
    return match.group(1)


def test_a_username_says_nothing_about_other_organisations(client: Client, world: World, other_world: World) -> None:
    # Organisation B has a Piet Bakker made by the platform and one with a plain name from before.
    person_create(organization=other_world.org, first_name="Piet", last_name="Bakker", roles=[Role.PARTICIPANT])
    make_person(other_world.org, [Role.COACH], username="piet.bakker", first_name="Piet", last_name="Bakker")

    login(client, world.administrator)
    in_b = add_by_hand(client, "Piet", "Bakker", "8001")
    nowhere = add_by_hand(client, "Kees", "Smit", "8002")
    assert in_b == f"piet.bakker.{world.org.slug}"
    assert nowhere == f"kees.smit.{world.org.slug}"
    # A second one in A's own organisation is numbered: A's administrator sees the first one anyway.
    assert add_by_hand(client, "Piet", "Bakker", "8003") == f"piet.bakker2.{world.org.slug}"


def test_the_import_makes_the_same_names_whatever_other_organisations_hold(
    client: Client, world: World, other_world: World
) -> None:
    person_create(organization=other_world.org, first_name="Fatima", last_name="Yilmaz", roles=[Role.TRAINER])
    make_person(other_world.org, [Role.COACH], username="fatima.yilmaz", first_name="Fatima", last_name="Yilmaz")
    csv = (
        "Personeelsnummer;Voornaam;Tussenvoegsel;Achternaam;E-mail;Afdeling;Rol;Werkplekopleider\n"
        "9001;Fatima;;Yilmaz;;Wasserij;deelnemer;\n"
        "9002;Bram;;Visser;;Wasserij;deelnemer;\n"
    )
    login(client, world.administrator)
    upload = SimpleUploadedFile("export.csv", csv.encode(), content_type="text/csv")
    assert client.post(reverse("orgs:import_upload"), {"file": upload}).status_code == 302
    record = PeopleImport.objects.latest("pk")
    client.post(reverse("orgs:import_confirm", args=[record.pk]))
    names = dict(Person.objects.filter(organization=world.org).values_list("employee_number", "user__username"))
    assert names["9001"] == f"fatima.yilmaz.{world.org.slug}"
    assert names["9002"] == f"bram.visser.{world.org.slug}"
