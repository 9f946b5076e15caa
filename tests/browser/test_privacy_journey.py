"""Privacy on a phone: a participant downloads their own data and reads the privacy page; the
administrator removes a participant's data after typing the name, and sets the retention period."""

from pathlib import Path
from typing import Any

import pytest

from wpo.privacy.models import Anonymisation
from wpo.trajectories.models import Trajectory

from ..factories import PASSWORD, World, make_world
from .conftest import PHONE, axe_violations, screenshot


@pytest.fixture
def world(transactional_db: None, settings: Any, tmp_path: Path) -> World:
    settings.MEDIA_ROOT = tmp_path
    world = make_world("Werkbedrijf Privacy")
    # The participant's trajectory has been stopped; a running one must be stopped before erasure.
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Trajectory.Status.STOPPED)
    return world


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def check(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    screenshot(page, f"privacy-{name}-360")


def test_privacy_on_a_phone(page: Any, live_server: Any, world: World, tmp_path: Path) -> None:
    base = live_server.url
    # Anyone can read the privacy page from the footer.
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Privacy").click()
    assert page.get_by_role("heading", name="Wat zijn je rechten?").is_visible()
    check(page, "pagina")

    # The participant finds ‘Mijn gegevens’ on their own page and downloads the document.
    log_in(page, base, world.participant.user.username)
    with page.expect_navigation():
        page.get_by_role("link", name="Mijn gegevens").click()
    check(page, "mijn-gegevens")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download als document (PDF)").click()
    saved = tmp_path / "gegevens.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    page.context.clear_cookies()

    # The administrator removes the data of the participant, typing the name to confirm.
    name = world.participant.name
    log_in(page, base, world.administrator.user.username)
    page.goto(f"{base}/beheer/mensen/{world.participant.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Gegevens verwijderen").click()
    check(page, "verwijderen")
    page.get_by_label("Typ de naam van de deelnemer").fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="Gegevens definitief verwijderen").click()
    assert page.get_by_text("In overzichten heet deze deelnemer nu Verwijderde deelnemer 1.").is_visible()
    assert Anonymisation.objects.filter(person=world.participant).exists()

    page.goto(f"{base}/privacy/bewaartermijn/")
    check(page, "bewaartermijn")
