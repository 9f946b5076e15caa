"""Landelijke cijfers as Excel (.xlsx) and PDF: the figures of the CSV, the same suppression, the
same door (the method owner's national editors only), and a fixed number of queries."""

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from time_machine import TimeMachineFixture

from wpo.national.services import national_figures_compute
from wpo.orgs.models import Organization, Role

from .conftest import login
from .factories import World
from .test_national_figures import Country, at, national_editor, queries_with_more_data

pytestmark = pytest.mark.django_db

HIDDEN = "te weinig om te tonen"
EXPORTS = ["national:export_xlsx", "national:export_pdf"]


@pytest.fixture
def country(time_machine: TimeMachineFixture) -> Country:
    """test_national_figures' known country in May 2026 (Q3 2024 up to Q2 2026), its figures computed."""
    time_machine.move_to(at(date(2026, 5, 15), 12), tick=False)
    known = Country()
    national_figures_compute()
    return known


def editor_client(client: Client) -> Client:
    login(client, national_editor(Organization.objects.create(name="Methode-eigenaar", slug="methode")))
    return client


def csv_figures(client: Client) -> dict[tuple[str, str, str], str]:
    text = client.get(reverse("national:export_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Kwartaal", "Cijfer", "Onderdeel", "Waarde"]
    return {(quarter, measure, part): value for quarter, measure, part, value in rows[1:]}


def as_csv_text(cell: Any) -> str:
    """A workbook cell written the way the CSV writes a figure (Excel keeps 25.0 as 25: the format says 25,0)."""
    if isinstance(cell.value, int | float) and cell.number_format == "0.0":
        return f"{cell.value:.1f}".replace(".", ",")
    return str(cell.value)


def xlsx_figures(content: bytes) -> dict[tuple[str, str, str], str]:
    """The workbook's figures, keyed as the CSV's lines: (quarter, figure, part)."""
    book = load_workbook(io.BytesIO(content))
    found: dict[tuple[str, str, str], str] = {}
    trend = list(book["Trend per kwartaal"].iter_rows())
    for row in trend[1:]:
        for heading, cell in zip(trend[0][1:], row[1:], strict=True):
            found[(str(row[0].value), str(heading.value), "")] = as_csv_text(cell)
    for sheet in ("Gekozen skills", "Behaalde opdrachten", "Weken per opdracht (mediaan)"):
        rows = [r for r in book[sheet].iter_rows() if len(r) > 1 and r[1].value is not None]
        for row in rows[1:]:
            part = str(row[0].value).removeprefix("Niveau ")
            for heading, cell in zip(rows[0][1:], row[1:], strict=True):
                found[(str(heading.value), sheet, part)] = as_csv_text(cell)
    return found


def test_the_workbook_holds_the_figures_of_the_csv(country: Country, client: Client) -> None:
    editor_client(client)
    response = client.get(reverse("national:export_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="wpo-landelijke-cijfers-2026-05-15.xlsx"'
    in_csv = csv_figures(client)
    in_xlsx = xlsx_figures(response.content)
    assert in_xlsx == in_csv
    assert in_xlsx[("K1 2026", "Gestarte trajecten", "")] == "18"
    assert in_xlsx[("K1 2026", "Gekozen skills", country.s1.name)] == "18"
    assert in_xlsx[("K1 2026", "Weken per opdracht (mediaan)", "A")] == "4,0"
    # Three people in two organisations finished in Q2: hidden, in words, as in the CSV.
    assert in_xlsx[("K2 2026", "Afgeronde trajecten", "")] == HIDDEN
    # Numbers are numbers, to count with.
    trend = list(load_workbook(io.BytesIO(response.content))["Trend per kwartaal"].iter_rows(values_only=True))
    k1 = next(r for r in trend if r[0] == "K1 2026")
    assert k1[trend[0].index("Gestarte trajecten")] == 18


def test_an_editor_who_reads_their_own_report_gets_the_hidden_figure_hidden_in_both(
    country: Country, client: Client
) -> None:
    # A has 10 of the 18 who started: the other 8 are too few, so the national 18 is hidden beside A's.
    editor = national_editor(country.orgs["A"])
    editor.is_project_manager = True
    editor.save(update_fields=["is_project_manager"])
    login(client, editor)
    in_xlsx = xlsx_figures(client.get(reverse("national:export_xlsx")).content)
    assert in_xlsx == csv_figures(client)
    assert in_xlsx[("K1 2026", "Gestarte trajecten", "")] == HIDDEN
    pdf = PdfReader(io.BytesIO(client.get(reverse("national:export_pdf")).content))
    k1 = next(line for p in pdf.pages for line in p.extract_text().splitlines() if line.startswith("K1 2026"))
    # Organisations 4, running 18 (other organisations: 8), started hidden: the row's figures are dashes.
    assert "18" not in k1 and "—" in k1


def test_the_pdf_is_a_real_pdf_with_the_title_and_the_figures(country: Country, client: Client) -> None:
    editor_client(client)
    response = client.get(reverse("national:export_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="wpo-landelijke-cijfers-2026-05-15.pdf"'
    assert response.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Landelijke cijfers" in text and "Trend per kwartaal" in text and "Zo tellen we" in text
    k1 = next(line for line in text.splitlines() if line.startswith("K1 2026"))
    assert "18" in k1.split()  # started in Q1
    k2 = next(line for line in text.splitlines() if line.startswith("K2 2026"))
    assert "—" in k2  # finished in Q2: too few to show
    assert "te weinig om te tonen" in text  # the dash explained
    for org in country.orgs.values():
        assert org.name not in text


def test_the_national_page_links_to_all_three_exports(country: Country, client: Client) -> None:
    editor_client(client)
    body = client.get(reverse("national:figures")).content.decode()
    for name in ("national:export_xlsx", "national:export_pdf", "national:export_csv"):
        assert f'href="{reverse(name)}"' in body
    assert "Excel (.xlsx)" in body and ">PDF<" in body


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("role", list(Role))
def test_every_organisation_role_without_the_national_permission_is_refused(
    name: str, role: Role, world: World, client: Client
) -> None:
    login(client, world.by_role(role))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", EXPORTS)
def test_someone_not_logged_in_is_sent_to_the_login_page(name: str, client: Client, db: None) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


@pytest.mark.parametrize("name", EXPORTS)
def test_the_exports_read_a_fixed_number_of_queries(name: str, country: Country, client: Client) -> None:
    editor_client(client)
    before, after = queries_with_more_data(client, reverse(name))
    assert after == before <= 8
