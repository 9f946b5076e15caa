"""A service-desk operator on a phone-sized screen: sets up the app, adds an organisation, suspends it."""

from typing import Any

from wpo.accounts.models import SecretTOTPDevice
from wpo.orgs.models import Organization
from wpo.service.models import OrganizationExport
from wpo.service.services import operator_create
from wpo.service.tasks import build_organization_export

from ..test_two_factor import code_for
from .conftest import PHONE, axe_violations, screenshot

PASSWORD = "Werkplek-2026!"


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"])


def test_an_operator_adds_suspends_and_closes_an_organisation(
    page: Any, live_server: Any, transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    operator = operator_create(username="servicebeheer", email="", password=PASSWORD)
    base = live_server.url

    page.goto(f"{base}/servicebeheer/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill("servicebeheer")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    # No app yet: the set-up comes before any page of the service desk.
    assert "/servicebeheer/tweestaps/" in page.url
    assert axe_violations(page) == []
    assert fits(page)
    device = SecretTOTPDevice.objects.get(user=operator.user, confirmed=False)
    page.get_by_role("textbox", name="Code").fill(code_for(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Tweestapsverificatie aanzetten").click()
    assert page.locator(".backup-codes li").count() == 10
    with page.expect_navigation():
        page.get_by_role("link", name="Ik heb de codes bewaard").click()
    assert page.url.endswith("/servicebeheer/")

    with page.expect_navigation():
        page.get_by_role("link", name="Organisatie toevoegen").click()
    assert axe_violations(page) == []
    assert fits(page)
    page.get_by_label("Naam van de organisatie").fill("Werkbedrijf Oost")
    page.get_by_label("Korte naam").fill("werkbedrijf-oost")
    page.get_by_label("Contract vanaf").fill("2027-01-01")
    page.get_by_label("Aantal plaatsen").fill("40")
    page.get_by_label("Voornaam van de beheerder").fill("Ilse")
    page.get_by_label("Achternaam van de beheerder").fill("de Boer")
    page.get_by_label("E-mailadres van de beheerder").fill("ilse@oost.example")
    button = page.get_by_role("button", name="Organisatie toevoegen en uitnodiging sturen")
    assert button.bounding_box()["height"] >= 44
    with page.expect_navigation():
        button.click()
    assert "Werkbedrijf Oost is toegevoegd" in page.content()
    assert axe_violations(page) == []
    assert fits(page)
    screenshot(page, "servicebeheer-organisaties-360")

    with page.expect_navigation():
        page.get_by_role("link", name="Schors Werkbedrijf Oost").click()
    page.get_by_label("Waarom schorst u deze organisatie?").fill("Contract nog niet getekend")
    with page.expect_navigation():
        page.get_by_role("button", name="Schors Werkbedrijf Oost").click()
    assert "Werkbedrijf Oost is geschorst" in page.content()
    assert Organization.objects.get(slug="werkbedrijf-oost").suspended_at is not None
    with page.expect_navigation():
        page.get_by_role("link", name="Logboek").click()
    assert "organisatie geschorst" in page.content()
    assert axe_violations(page) == []
    assert fits(page)

    # Closing it: the export first, made on the worker while the page follows its progress.
    with page.expect_navigation():
        page.get_by_role("link", name="Organisaties").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Sluit Werkbedrijf Oost").click()
    assert axe_violations(page) == []
    assert fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Export maken").click()
    assert "De export wordt gemaakt" in page.content()
    job = OrganizationExport.objects.get(organization__slug="werkbedrijf-oost")
    # Before the download, closing is refused.
    page.get_by_label("Typ de korte naam van de organisatie").fill("werkbedrijf-oost")
    with page.expect_navigation():
        page.get_by_role("button", name="Sluit Werkbedrijf Oost en verwijder alles").click()
    assert "Download eerst de export" in page.content() or "Maak eerst de export" in page.content()
    assert build_organization_export.call(job.pk) == "done"
    # The page polls the export's status and reloads itself when it is ready.
    download_link = page.get_by_role("link", name="Download de export")
    download_link.wait_for(state="visible", timeout=15000)
    assert axe_violations(page) == []
    assert fits(page)
    screenshot(page, "servicebeheer-sluiten-360")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.startswith("wpo-export-werkbedrijf-oost-")
    page.goto(f"{base}/servicebeheer/{job.organization_id}/sluiten/")
    assert "Gedownload op" in page.content()
    page.get_by_label("Typ de korte naam van de organisatie").fill("werkbedrijf-oost")
    with page.expect_navigation():
        page.get_by_role("button", name="Sluit Werkbedrijf Oost en verwijder alles").click()
    assert "Werkbedrijf Oost is gesloten" in page.content()
    assert "De handtekening klopt" in page.content()
    assert not Organization.objects.filter(slug="werkbedrijf-oost").exists()
    assert axe_violations(page) == []
    assert fits(page)
    screenshot(page, "servicebeheer-bewijs-360")
