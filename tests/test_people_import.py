"""Bulk import of people from an HR export: preview, a message per bad row, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wpo.orgs.models import Department, PeopleImport, Person, Role

from .conftest import login
from .factories import World

pytestmark = pytest.mark.django_db

GOOD = (
    "Personeelsnummer;Voornaam;Tussenvoegsel;Achternaam;E-mail;Afdeling;Rol;Werkplekopleider\n"
    "5001;Karin;van;Dijk;karin@example.org;Wasserij;werkplekopleider;\n"
    "5002;Özlem;;Kaya;;Wasserij;deelnemer;5001\n"
    "5003;Dirk;;Mulder;;Wasserij;deelnemer/werkplekopleider;5001\n"
    ";;;;;;;\n"
)


def upload(client: Client, text: str, encoding: str = "utf-8") -> PeopleImport:
    f = SimpleUploadedFile("export.csv", text.encode(encoding), content_type="text/csv")
    response = client.post(reverse("orgs:import_upload"), {"file": f})
    assert response.status_code == 302, response.content.decode()[:2000]
    return PeopleImport.objects.latest("pk")


def test_preview_writes_nothing_then_confirm_imports_everyone(client: Client, world: World) -> None:
    login(client, world.administrator)
    record = upload(client, GOOD)
    body = client.get(reverse("orgs:import_preview", args=[record.pk])).content.decode()
    assert "3 nieuwe mensen" in body and "Nieuwe afdelingen: Wasserij" in body
    assert not Person.objects.filter(employee_number__startswith="50").exists()
    response = client.post(reverse("orgs:import_confirm", args=[record.pk]), follow=True)
    assert "3 mensen zijn geïmporteerd" in response.content.decode()
    ozlem = Person.objects.get(organization=world.org, employee_number="5002")
    assert ozlem.user.first_name == "Özlem" and ozlem.user.username == f"ozlem.kaya.{world.org.slug}"
    assert ozlem.department == Department.objects.get(organization=world.org, name="Wasserij")
    assert [t.employee_number for t in ozlem.trainers.all()] == ["5001"]
    karin = Person.objects.get(employee_number="5001")
    assert karin.user.last_name == "van Dijk" and karin.roles == [Role.TRAINER]
    assert Person.objects.get(employee_number="5003").roles == [Role.PARTICIPANT, Role.TRAINER]


def test_confirming_twice_imports_once(client: Client, world: World) -> None:
    login(client, world.administrator)
    record = upload(client, GOOD)
    client.post(reverse("orgs:import_confirm", args=[record.pk]))
    response = client.post(reverse("orgs:import_confirm", args=[record.pk]), follow=True)
    assert "al geïmporteerd" in response.content.decode()
    assert Person.objects.filter(employee_number="5001").count() == 1


def test_each_bad_row_gets_its_own_dutch_message_and_nothing_is_imported(client: Client, world: World) -> None:
    login(client, world.administrator)
    bad = (
        "personeelsnummer,voornaam,achternaam,e-mail,afdeling,rol,werkplekopleider\n"
        "6001,Ali,Demir,ali@example,Inpak,deelnemer,\n"
        "6002,,Jansen,,Inpak,deelnemer,\n"
        "6003,Bram,Visser,,Inpak,stagiair,\n"
        "6001,Eva,Smit,,Inpak,deelnemer,9999\n"
        "6005,Lisa,Bos,,Inpak,deelnemer,\n"
    )
    record = upload(client, bad)
    body = client.get(reverse("orgs:import_preview", args=[record.pk])).content.decode()
    assert "4 regels hebben een fout" in body
    assert "Regel 2</strong>: ‘ali@example’ is geen geldig e-mailadres." in body
    assert "Regel 3</strong>: Voornaam is leeg." in body
    assert "Onbekende rol ‘stagiair’" in body
    assert "Personeelsnummer 6001 staat ook op regel 2." in body
    assert "Werkplekopleider 9999 is niet gevonden" in body
    assert "Importeren</button>" not in body
    response = client.post(reverse("orgs:import_confirm", args=[record.pk]), follow=True)
    assert "Er is niets geïmporteerd" in response.content.decode()
    assert not Person.objects.filter(employee_number__startswith="600").exists()


def test_missing_columns_are_named(client: Client, world: World) -> None:
    login(client, world.administrator)
    record = upload(client, "naam;afdeling\nJan;Inpak\n")
    body = client.get(reverse("orgs:import_preview", args=[record.pk])).content.decode()
    assert "Deze kolommen ontbreken: personeelsnummer, voornaam, achternaam, rol." in body


def test_windows_1252_export_from_excel_is_read(client: Client, world: World) -> None:
    login(client, world.administrator)
    record = upload(
        client, "personeelsnummer;voornaam;achternaam;afdeling;rol\n7001;Zoë;Brouwer;Inpak;deelnemer\n", "cp1252"
    )
    client.post(reverse("orgs:import_confirm", args=[record.pk]))
    assert Person.objects.get(employee_number="7001").user.first_name == "Zoë"


def test_existing_employee_is_updated_not_duplicated(client: Client, world: World) -> None:
    world.participant.employee_number = "8001"
    world.participant.save()
    login(client, world.administrator)
    record = upload(
        client, f"personeelsnummer;voornaam;achternaam;afdeling;rol\n8001;Anna;Nieuw;{world.department.name};coach\n"
    )
    assert "1 mensen worden bijgewerkt" in client.get(reverse("orgs:import_preview", args=[record.pk])).content.decode()
    client.post(reverse("orgs:import_confirm", args=[record.pk]))
    world.participant.refresh_from_db()
    assert world.participant.user.last_name == "Nieuw"
    assert world.participant.roles == [Role.PARTICIPANT, Role.COACH]  # roles are added, never silently removed


def test_a_binary_file_is_refused(client: Client, world: World) -> None:
    login(client, world.administrator)
    f = SimpleUploadedFile("export.xlsx", b"PK\x03\x04\x00\x00binary", content_type="application/octet-stream")
    response = client.post(reverse("orgs:import_upload"), {"file": f})
    assert "Dit is geen CSV-bestand" in response.content.decode()
    assert not PeopleImport.objects.exists()


def test_a_failure_halfway_rolls_everything_back(client: Client, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    login(client, world.administrator)
    record = upload(client, GOOD)
    from wpo.orgs import people_import

    real = people_import.person_create
    calls = {"n": 0}

    def failing(**kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(people_import, "person_create", failing)
    with pytest.raises(RuntimeError):
        people_import.people_import_confirm(people_import=record)
    assert not Person.objects.filter(employee_number__startswith="50").exists()
    assert not Department.objects.filter(name="Wasserij").exists()
    record.refresh_from_db()
    assert record.status == PeopleImport.Status.PREVIEW


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COACH, Role.PROJECT_MANAGER, Role.PARTICIPANT])
def test_import_requires_the_administrator_role(role: Role, client: Client, world: World) -> None:
    record = PeopleImport.objects.create(organization=world.org, file_name="a.csv", content=GOOD)
    login(client, world.by_role(role))
    f = SimpleUploadedFile("export.csv", GOOD.encode(), content_type="text/csv")
    assert client.post(reverse("orgs:import_upload"), {"file": f}).status_code == 403
    assert client.post(reverse("orgs:import_confirm", args=[record.pk])).status_code == 403
    assert not Person.objects.filter(employee_number="5001").exists()


def test_confirm_rejects_get(client: Client, world: World) -> None:
    record = PeopleImport.objects.create(organization=world.org, file_name="a.csv", content=GOOD)
    login(client, world.administrator)
    assert client.get(reverse("orgs:import_confirm", args=[record.pk])).status_code == 405
