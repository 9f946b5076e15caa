"""The administrator imports people from a CSV file in a real browser, and adds a department."""

from pathlib import Path
from typing import Any

from wpo.orgs.models import Person

from .conftest import axe_violations, screenshot
from .test_role_journeys import demo, log_in  # noqa: F401  (fixture)

CSV = (
    "Personeelsnummer;Voornaam;Achternaam;Afdeling;Rol;Werkplekopleider\n"
    "9001;Karin;Dijkstra;Wasserij;werkplekopleider;\n"
    "9002;Sem;Jansen;Wasserij;deelnemer;9001\n"
)


def test_import_people_with_preview_then_confirm(page: Any, live_server: Any, demo: None, tmp_path: Path) -> None:  # noqa: F811
    log_in(page, live_server.url, "beheerder")
    with page.expect_navigation():
        page.get_by_role("link", name="Mensen importeren").click()
    assert axe_violations(page) == []
    csv = tmp_path / "export.csv"
    csv.write_text(CSV, encoding="utf-8")
    page.get_by_label("CSV-bestand").set_input_files(str(csv))
    with page.expect_navigation():
        page.get_by_role("button", name="Voorbeeld bekijken").click()
    assert "2 nieuwe mensen" in page.content()
    assert not Person.objects.filter(employee_number__in=["9001", "9002"]).exists()
    assert axe_violations(page) == []
    screenshot(page, "beheerder-import-preview-360")
    with page.expect_navigation():
        page.get_by_role("button", name="Importeren").click()
    assert "2 mensen zijn geïmporteerd" in page.content()
    sem = Person.objects.get(employee_number="9002")
    assert [t.employee_number for t in sem.trainers.all()] == ["9001"]


def test_add_a_person_form_is_usable_on_a_phone(page: Any, live_server: Any, demo: None) -> None:  # noqa: F811
    log_in(page, live_server.url, "beheerder")
    with page.expect_navigation():
        page.get_by_role("link", name="Persoon toevoegen").click()
    with page.expect_navigation():  # empty form: clear Dutch messages, nothing saved
        page.get_by_role("button", name="Opslaan").click()
    assert "Dit veld is verplicht" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "beheerder-persoon-fouten-360")
    page.get_by_label("Voornaam").fill("Noor")
    page.get_by_label("Achternaam").fill("Bakker")
    page.get_by_label("Deelnemer", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()
    assert "Noor Bakker is toegevoegd" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
