"""Issue 19's journey for a new organisation, after the service desk added it: its first administrator
opens the one-time link, chooses a password, sets up the second factor and imports the people from a
CSV export; then the method owner publishes edition 2026.1 with one changed assignment, and the new
organisation's coach sees what changed while the assignment a participant is working on keeps its
version. (Adding and suspending through the service desk's pages: test_service_desk_journey.py.)"""

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from wpo.accounts.models import SecretTOTPDevice
from wpo.curriculum.models import Assignment
from wpo.curriculum.services import assignment_save, edition_draft_update, edition_publish
from wpo.orgs.models import Organization, Person, Role
from wpo.orgs.services import person_create
from wpo.service.services import NewOrganization, operator_create, organization_add
from wpo.trajectories.models import Trajectory
from wpo.trajectories.workflow import give_assignment

from ..test_two_factor import code_for
from .conftest import PHONE, axe_violations, screenshot

PASSWORD = "Werkplek-Oost-2026!"
PEOPLE = (
    "Personeelsnummer;Voornaam;Tussenvoegsel;Achternaam;E-mail;Afdeling;Rol;Werkplekopleider\n"
    "7001;Karin;van;Dijk;karin@oost.example;Wasserij;werkplekopleider;\n"
    "7002;Özlem;;Kaya;;Wasserij;deelnemer;7001\n"
    "7003;Fatima;;El Amrani;fatima@oost.example;Wasserij;coach;\n"
)


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"])


def test_a_new_organisation_gets_going_and_sees_the_next_edition(
    page: Any, live_server: Any, transactional_db: None, tmp_path: Any
) -> None:
    call_command("load_curriculum", str(settings.CONTENT_DIR), verbosity=0)
    operator = operator_create(username="servicebeheer", email="", password=PASSWORD)
    added = organization_add(
        operator=operator,
        data=NewOrganization(
            name="Werkbedrijf Oost",
            slug="werkbedrijf-oost",
            sector_details="Wasserij en groen",
            starts_on=date(2026, 1, 1),
            ends_on=None,
            places=40,
            admin_first_name="Ilse",
            admin_last_name="de Boer",
            admin_email="ilse@oost.example",
        ),
    )
    org = added.organization
    base = live_server.url

    # The administrator opens the link from the e-mail and chooses a password.
    page.goto(base + urlsplit(added.link).path)
    assert added.administrator.user.username in page.content()
    assert axe_violations(page) == []
    assert fits(page)
    page.locator("input[name=new_password1]").fill(PASSWORD)
    page.locator("input[name=new_password2]").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Wachtwoord opslaan").click()
    # Then the second factor, before anything else.
    assert "/accounts/tweestaps/" in page.url, page.locator("main").inner_text()
    assert "Stel nu de tweestapsverificatie in" in page.content()
    device = SecretTOTPDevice.objects.get(user=added.administrator.user, confirmed=False)
    page.get_by_role("textbox", name="Code").fill(code_for(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Tweestapsverificatie aanzetten").click()
    assert page.locator(".backup-codes li").count() == 10
    with page.expect_navigation():
        page.get_by_role("link", name="Ik heb de codes bewaard").click()
    assert SecretTOTPDevice.objects.filter(user=added.administrator.user, confirmed=True).exists()

    # The people come from the HR system's export: a preview first, then the import.
    export = tmp_path / "medewerkers.csv"
    export.write_text(PEOPLE, encoding="utf-8")
    page.goto(base + reverse("orgs:import_upload"))
    assert axe_violations(page) == []
    page.get_by_label("CSV-bestand").set_input_files(str(export))
    with page.expect_navigation():
        page.get_by_role("button", name="Voorbeeld bekijken").click()
    assert "3 nieuwe mensen" in page.content()
    assert Person.objects.filter(organization=org).count() == 1  # the preview wrote nobody
    assert axe_violations(page) == []
    assert fits(page)
    screenshot(page, "nieuwe-organisatie-import-360")
    with page.expect_navigation():
        page.get_by_role("button", name="Importeren").click()
    assert "3 mensen zijn geïmporteerd" in page.content()
    people = {p.employee_number: p for p in Person.objects.filter(organization=org).select_related("user")}
    assert people["7003"].roles == [Role.COACH] and people["7002"].roles == [Role.PARTICIPANT]
    assert [t.employee_number for t in people["7002"].trainers.all()] == ["7001"]

    # Özlem works on Overleggen 1A when the method owner renews that assignment.
    assignment = Assignment.objects.select_related("current_version").get(
        subskill__skill__code="overleggen", subskill__number=1, level="A"
    )
    old = assignment.current_version
    assert old is not None
    trajectory = Trajectory.objects.create(
        organization=org,
        participant=people["7002"],
        trainer=people["7001"],
        department=people["7002"].department,
        starts_on=date(2026, 2, 1),
        ends_on=date(2027, 1, 31),
    )
    running = give_assignment(trajectory, old, actor=people["7001"])
    redactie = Organization.objects.create(name="Methode-eigenaar", slug="methode-eigenaar")
    editor = person_create(
        organization=redactie,
        first_name="Els",
        last_name="Redacteur",
        username="redacteur",
        password=PASSWORD,
        roles=[Role.CONTENT_EDITOR],
    )
    editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    editor = Person.objects.select_related("user").get(pk=editor.pk)
    assignment_save(
        assignment=assignment,
        content={**old.content, "title": "Ik vraag om hulp als ik iets niet weet"},
        actor=editor,
    )
    draft = edition_draft_update(
        actor=editor, number="2026.1", notes="Overleggen 1A zegt nu in gewone taal wat je doet."
    )
    edition = edition_publish(edition=draft, actor=editor)

    # The coach of the new organisation (password set by the administrator here) sees the notice.
    coach = people["7003"]
    coach.user.set_password(PASSWORD)
    coach.user.save(update_fields=["password"])
    page.context.clear_cookies()
    page.goto(f"{base}/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(coach.user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    assert "Nieuwe editie van de WPO-opdrachten" in page.content()
    page.goto(base + reverse("curriculum:edition_detail", args=[edition.pk]))
    content = page.content()
    assert "Editie 2026.1" in content and "Ik vraag om hulp als ik iets niet weet" in content
    assert "1 veranderde opdracht" in content
    assert axe_violations(page) == []
    assert fits(page)
    screenshot(page, "nieuwe-organisatie-coach-editie-360")
    # Özlem's running assignment keeps the version she started with.
    running.refresh_from_db()
    assignment.refresh_from_db()
    assert running.version_id == old.pk and assignment.current_version_id != old.pk
