"""The project manager opens the report, chooses a period and a department, and downloads it for a client."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from wpo.demo.reports import populate_demo
from wpo.orgs.models import Organization

from ..factories import PASSWORD
from ..test_reports_demo import demo_like_org
from .conftest import LAPTOP, OUTPUT, PHONE, axe_violations, screenshot


@pytest.fixture
def demo(transactional_db: None) -> Organization:
    call_command("load_curriculum", verbosity=0)
    org = demo_like_org()
    populate_demo(org)
    return org


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def card_figure(page: Any, label: str) -> str:
    return str(page.locator(".report-cards .card", has_text=label).locator(".card-figure").inner_text())


def test_project_manager_reports_to_a_client(page: Any, live_server: Any, demo: Organization) -> None:
    log_in(page, live_server.url, "projectmanager")
    assert page.url == f"{live_server.url}/rapportage/"
    assert page.get_by_role("heading", level=1).inner_text() == "Rapportage WPO"

    page.get_by_label("Periode", exact=True).select_option("alles")
    page.get_by_label("Afdeling", exact=True).select_option(label="Groenvoorziening")
    with page.expect_navigation():
        page.get_by_role("button", name="Toon cijfers").click()
    assert "afdeling=" in page.url
    assert "Groenvoorziening" in page.locator(".report-for").inner_text()
    started = card_figure(page, "trajecten gestart")
    finished = card_figure(page, "trajecten afgerond")
    assert int(started) > 0
    # Every chart is an image with a name, with the same numbers in a table next to it.
    charts = page.locator("svg[role=img]")
    assert charts.count() == 3
    assert page.locator("svg[role=img] title").first.text_content() == "Gestart, afgerond en gestopt per afdeling"

    assert axe_violations(page) == []
    screenshot(page, "report-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Excel: the figure on the page is the figure in the workbook.
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    download = info.value
    assert download.suggested_filename.startswith("wpo-rapportage-demo-werkbedrijf-groenvoorziening-")
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames[0] == "Samenvatting"
    figures = {row[0]: row[1] for row in workbook["Samenvatting"].iter_rows(values_only=True) if row[0]}
    assert figures["Afdeling"] == "Groenvoorziening"
    assert figures["Gestart"] == int(started)
    assert figures["Afgerond"] == int(finished)

    # PDF: for the client, with the organisation, the department and the same figure.
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF").click()
    pdf = info.value
    assert pdf.suggested_filename.endswith(".pdf")
    content = Path(pdf.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Rapportage WPO" in text and "Demo Werkbedrijf" in text and "Groenvoorziening" in text
    assert "Trend per kwartaal" in text
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "report.pdf").write_bytes(content)

    page.set_viewport_size(LAPTOP)
    assert axe_violations(page) == []
    screenshot(page, "report-1280")
    # Printed: no menu and no filter, the charts stay.
    page.emulate_media(media="print")
    assert page.locator(".main-nav").is_hidden()
    assert page.locator(".report-filter").is_hidden()
    assert page.locator("svg[role=img]").first.is_visible()
    screenshot(page, "report-print")


def test_a_bad_period_is_explained_in_dutch(page: Any, live_server: Any, demo: Organization) -> None:
    log_in(page, live_server.url, "projectmanager")
    page.get_by_label("Periode", exact=True).select_option("eigen")
    page.get_by_label("Van", exact=True).fill("2025-06-30")
    page.get_by_label("Tot en met").fill("2025-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Toon cijfers").click()
    assert "De laatste dag ligt vóór de eerste dag" in page.content()
    assert page.locator("svg[role=img]").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "report-bad-period-360")
