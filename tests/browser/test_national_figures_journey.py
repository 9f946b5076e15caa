"""The method owner's editor opens Landelijke cijfers from the menu: the national trend as a chart and
a table, the figures too small to show as a dash with its explanation, and the CSV."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from wpo.national.quarters import quarter_of, quarter_start
from wpo.national.services import national_figures_compute
from wpo.orgs.models import Department, Organization, Role
from wpo.orgs.services import person_create
from wpo.trajectories.models import Trajectory

from ..factories import PASSWORD, make_person
from .conftest import PHONE, axe_violations, screenshot


@pytest.fixture
def country(transactional_db: None) -> None:
    """Three organisations with four trajectories each and a fourth with one, all started on the first day
    of this quarter (13 people in 4 organisations: shown); the fourth's closed today (1 person: too few)."""
    first_day = quarter_start(*quarter_of(timezone.localdate()))
    for n in range(4):
        org = Organization.objects.create(name=f"Werkbedrijf {n}", slug=f"wb-{n}")
        dept = Department.objects.create(organization=org, name="Afdeling")
        trainer = make_person(org, [Role.TRAINER], dept)
        for i in range(4 if n < 3 else 1):
            participant = person_create(
                organization=org, first_name=f"P{n}{i}", last_name="X", roles=[Role.PARTICIPANT]
            )
            trajectory = Trajectory.objects.create(
                organization=org,
                participant=participant,
                trainer=trainer,
                department=dept,
                starts_on=first_day,
                ends_on=first_day + timedelta(days=200),
            )
            if n == 3:
                trajectory.status, trajectory.closed_at = Trajectory.Status.CLOSED, timezone.now()
                trajectory.save(update_fields=["status", "closed_at"])
    owner = Organization.objects.create(name="Methode-eigenaar", slug="methode")
    editor = make_person(owner, [Role.CONTENT_EDITOR], username="landelijk")
    editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    national_figures_compute()


def test_the_editor_reads_the_national_figures(page: Any, live_server: Any, country: None) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill("landelijk")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Landelijke cijfers").first.click()
    assert page.url == f"{live_server.url}/landelijk/"
    assert page.get_by_role("heading", level=1).inner_text() == "Landelijke cijfers"
    chart = page.locator("svg[role=img]")
    assert chart.count() == 1
    assert "Landelijke trend" in (chart.locator("title").text_content() or "")
    table = page.get_by_role("table").first
    rows = table.locator("tbody tr")
    assert rows.count() == 8
    this_quarter = rows.last
    cells = this_quarter.locator("td")
    # Organisations, running, started, finished (one person: a dash), stopped.
    assert cells.nth(0).inner_text() == "4"
    assert cells.nth(2).inner_text() == "13"
    assert "te weinig om te tonen" in (cells.nth(3).text_content() or "")
    assert "te weinig om te tonen" in page.locator("#te-weinig").inner_text()

    assert axe_violations(page) == []
    screenshot(page, "national-figures-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "Gestarte trajecten;;13" in text
