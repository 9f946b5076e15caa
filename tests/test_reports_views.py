"""The report page and its exports: who may see them, what they hold, and bad filter input."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from wpo.orgs.models import Department, Person, Role

from .conftest import login
from .factories import World, make_person, make_report_trajectory
from .test_reports import CLOSED, Data, ams, build, leak

pytestmark = pytest.mark.django_db

Q3 = "periode=eigen&van=2024-07-01&tot=2024-09-30"
PAGES = ["/rapportage/", "/rapportage/rapportage.xlsx", "/rapportage/rapportage.csv", "/rapportage/rapportage.pdf"]


@pytest.fixture
def data(world: World, other_world: World) -> Data:
    leak(other_world)
    return build(world)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


# Who may read it ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.COACH, Role.ADMINISTRATOR])
@pytest.mark.parametrize("url", PAGES)
def test_project_manager_coach_and_administrator_may_read(client: Client, world: World, role: Role, url: str) -> None:
    login(client, world.by_role(role))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.TRAINER, Role.CONTENT_EDITOR])
@pytest.mark.parametrize("url", PAGES)
def test_other_roles_get_403(client: Client, world: World, role: Role, url: str) -> None:
    login(client, world.by_role(role))
    response = client.get(url)
    assert response.status_code == 403
    assert "Dit mag u niet bekijken" in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_log_in_first(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/inloggen/")


def test_another_organisations_department_cannot_be_chosen(client: Client, data: Data, other_world: World) -> None:
    login(client, data.world.project_manager)
    url = f"/rapportage/?{Q3}&afdeling={other_world.department.pk}"
    body = client.get(url).content.decode()
    assert "Kies een afdeling uit de lijst." in body
    assert other_world.department.name not in body
    response = client.get(f"/rapportage/rapportage.csv?{Q3}&afdeling={other_world.department.pk}")
    assert response.status_code == 400


# The page --------------------------------------------------------------------------------------------


def test_page_shows_the_figures_charts_and_definitions(client: Client, data: Data) -> None:
    login(client, data.world.project_manager)
    body = client.get(f"/rapportage/?{Q3}").content.decode()
    assert "<h1>Rapportage WPO</h1>" in body
    assert "1 juli 2024 t/m 30 september 2024" in body
    assert '<p class="card-figure">8</p><p>trajecten liepen in de periode</p>' in body
    assert "trajecten liepen op 30 september 2024" in body
    # Three charts, each an image with a title and a description in words.
    assert body.count('role="img"') == 3
    assert '<title id="afdelingen-title">Gestart, afgerond en gestopt per afdeling</title>' in body
    assert "Groen: 0 gestart, 1 afgerond, 1 gestopt." in body
    assert "K3 2024: 4 gestart, 2 afgerond, 3 gestopt." in body
    # The same numbers in a table, and how they were counted.
    assert '<td class="num" data-label="Lopend in de periode">5</td>' in body
    assert "Zo tellen we" in body and "Het liep dus minstens één dag in de periode." in body
    # Nothing of the other organisation.
    assert "Werkbedrijf Zuid" not in body
    # Export links for the same filter.
    assert f'href="/rapportage/rapportage.xlsx?{Q3.replace("&", "&amp;")}"' in body


def test_page_filters_by_department(client: Client, data: Data) -> None:
    login(client, data.world.project_manager)
    body = client.get(f"/rapportage/?{Q3}&afdeling={data.groen.pk}").content.decode()
    assert '<p class="card-figure">3</p><p>trajecten liepen in de periode</p>' in body
    assert '<th scope="row">Groen</th>' in body
    assert f'<th scope="row">{data.world.department.name}</th>' not in body
    assert f"afdeling={data.groen.pk}" in body


def test_default_is_this_year(client: Client, world: World) -> None:
    login(client, world.project_manager)
    body = client.get("/rapportage/").content.decode()
    year = timezone.localdate().year
    assert f"1 januari {year} t/m 31 december {year}" in body
    assert '<option value="dit-jaar" selected>' in body
    assert '<p class="card-figure">1</p><p>trajecten gestart</p>' in body  # the world's own trajectory


def test_departments_are_paginated(client: Client, world: World) -> None:
    for i in range(14):
        Department.objects.create(organization=world.org, name=f"Afdeling {i:02d}")
    login(client, world.project_manager)
    first = client.get("/rapportage/").content.decode()
    assert "Pagina 1 van 2" in first
    assert '<th scope="row">Afdeling 00</th>' in first and '<th scope="row">Afdeling 13</th>' not in first
    second = client.get("/rapportage/?periode=dit-jaar&pagina=2").content.decode()
    assert '<th scope="row">Afdeling 13</th>' in second and "Pagina 2 van 2" in second
    # The export lists every department, without pages.
    rows = csv_rows(client.get("/rapportage/rapportage.csv").content)
    assert {r[1] for r in rows if r[0] == "Per afdeling"} >= {"Afdeling 00", "Afdeling 13", world.department.name}


# Bad input ----------------------------------------------------------------------------------------------

BAD = [
    ("periode=eigen&van=2024-09-30&tot=2024-07-01", "De laatste dag ligt vóór de eerste dag"),
    ("periode=eigen&van=gisteren&tot=2024-07-01", "Vul een geldige datum in"),
    ("periode=eigen&van=2024-02-30&tot=2024-07-01", "Vul een geldige datum in"),
    ("van=2024-01-01", "Vul de laatste dag van de periode in."),
    ("periode=eigen&van=0001-01-01&tot=9999-12-31", "Kies een datum tussen het jaar 2000 en 2100."),
    ("periode=morgen", "Kies een periode uit de lijst."),
    ("afdeling=abc", "Kies een afdeling uit de lijst."),
    ("afdeling=999999", "Kies een afdeling uit de lijst."),
]


@pytest.mark.parametrize(("query", "message"), BAD)
def test_bad_filter_on_the_page_is_explained_in_dutch(client: Client, world: World, query: str, message: str) -> None:
    login(client, world.project_manager)
    response = client.get(f"/rapportage/?{query}")
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Er klopt iets niet in de keuze hierboven." in body
    assert 'role="img"' not in body


@pytest.mark.parametrize(("query", "message"), BAD)
@pytest.mark.parametrize("extension", ["xlsx", "csv", "pdf"])
def test_bad_filter_for_an_export_is_400_in_dutch(
    client: Client, world: World, query: str, message: str, extension: str
) -> None:
    login(client, world.project_manager)
    response = client.get(f"/rapportage/rapportage.{extension}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "De rapportage kan zo niet gemaakt worden" in body and message in body


def test_custom_dates_in_dutch_notation(client: Client, data: Data) -> None:
    login(client, data.world.project_manager)
    body = client.get("/rapportage/?periode=eigen&van=01-07-2024&tot=30-09-2024").content.decode()
    assert '<p class="card-figure">8</p><p>trajecten liepen in de periode</p>' in body


# Exports ---------------------------------------------------------------------------------------------


def test_xlsx(client: Client, data: Data) -> None:
    login(client, data.world.project_manager)
    response = client.get(f"/rapportage/rapportage.xlsx?{Q3}")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        'attachment; filename="wpo-rapportage-werkbedrijf-noord-2024-07-01-2024-09-30.xlsx"'
    )
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "Samenvatting",
        "Per afdeling",
        "Redenen van stoppen",
        "Gekozen skills",
        "Behaalde niveaus",
        "Doorlooptijd",
        "Evaluaties en verlengingen",
        "Aanmeldingen",
        "Trend per kwartaal",
        "Zo tellen we",
    ]
    summary = {row[0]: row[1:] for row in wb["Samenvatting"].iter_rows(values_only=True) if row[0]}
    assert summary["Organisatie"][0] == "Werkbedrijf Noord"
    assert summary["Periode van"][0].date() == date(2024, 7, 1)  # a real date, not text
    assert summary["Lopend in de periode"][:2] == (8, "Aantal trajecten")
    assert summary["Duur van een afgerond traject"][0] == 61.5

    sheet = wb["Per afdeling"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "Afdeling" and sheet["A1"].font.b
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Groen"] == (0, 3, 1, 1, 1, 122.0)
    assert rows["Totaal"] == (4, 8, 3, 2, 3, 61.5)
    assert isinstance(rows["Totaal"][0], int)
    assert sheet.column_dimensions["A"].width >= len(data.world.department.name)

    trend = wb["Trend per kwartaal"]
    assert len(trend._charts) == 1  # a native Excel bar chart
    assert trend["A9"].value == "K3 2024" and [c.value for c in trend[9][1:4]] == [4, 2, 3]
    levels = {r[0]: r[1:] for r in wb["Behaalde niveaus"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert levels["Totaal"] == (2, 1, 1, 4, 1, 1, 1)
    # Nothing of the other organisation.
    assert all("Zuid" not in str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row)


def test_csv(client: Client, data: Data) -> None:
    login(client, data.world.project_manager)
    response = client.get(f"/rapportage/rapportage.csv?{Q3}&afdeling={data.groen.pk}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('-groen-2024-07-01-2024-09-30.csv"')
    rows = csv_rows(response.content)
    assert rows[0] == ["Sectie", "Onderwerp", "Kenmerk", "Waarde"]
    assert all(len(r) == 4 for r in rows)
    assert ["Keuze", "Afdeling", "", "Groen"] in rows
    assert ["Keuze", "Periode van", "", "01-07-2024"] in rows
    assert ["Samenvatting", "Lopend in de periode", "Aantal trajecten", "3"] in rows
    assert ["Per afdeling", "Groen", "Gestopt", "1"] in rows
    assert ["Per afdeling", "Groen", "Duur afgerond traject (gemiddeld, dagen)", "122,0"] in rows
    assert ["Trend per kwartaal", "K3 2024", "Afgerond", "1"] in rows
    assert not [r for r in rows if r[1] == data.world.department.name]


def test_pdf(client: Client, data: Data) -> None:
    login(client, data.world.project_manager)
    response = client.get(f"/rapportage/rapportage.pdf?{Q3}")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('2024-07-01-2024-09-30.pdf"')
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    text = pdf_text(response.content)
    for expected in (
        "Rapportage WPO",
        "Werkbedrijf Noord",
        "1 juli 2024 t/m 30 september 2024",
        "Gemaakt op",
        "Trend per kwartaal",
        "Behaalde niveaus",
        "Zo tellen we",
        "Verhuisd",
    ):
        assert expected in text, expected
    assert "Lopend in de periode 8" in " ".join(text.split())
    assert "Werkbedrijf Zuid" not in text


def test_text_that_looks_like_a_formula_stays_text(client: Client, world: World) -> None:
    dept = Department.objects.create(organization=world.org, name='=HYPERLINK("http://x.invalid","klik")')
    make_report_trajectory(world.org, dept, world.trainer, date(2024, 8, 1), status=CLOSED, closed_at=ams(2024, 9, 1))
    login(client, world.project_manager)
    wb = load_workbook(io.BytesIO(client.get(f"/rapportage/rapportage.xlsx?{Q3}").content))
    cell = next(c for row in wb["Per afdeling"].iter_rows() for c in row if str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s"
    rows = csv_rows(client.get(f"/rapportage/rapportage.csv?{Q3}").content)
    assert any(r[1] == "'" + dept.name for r in rows)


def test_a_person_with_several_roles_but_no_report_role(client: Client, world: World) -> None:
    both: Person = make_person(world.org, [Role.TRAINER, Role.PARTICIPANT])
    login(client, both)
    assert client.get("/rapportage/rapportage.csv").status_code == 403
