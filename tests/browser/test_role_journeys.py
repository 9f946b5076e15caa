"""Each demo role logs in with a real browser, lands on its start page, and axe finds nothing."""

from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from wpo.demo.organization import DEMO_PASSWORD, create_demo_organization

from .conftest import LAPTOP, PHONE, axe_violations, screenshot

START_PAGES = {
    "deelnemer": ("/deelnemer/", "Hier werk je nu aan"),
    "werkplekopleider": ("/opleider/", "Mijn deelnemers"),
    "coach": ("/coach/", "Overzicht WPO-trajecten"),
    "projectmanager": ("/rapportage/", "Rapportage WPO"),
    "beheerder": ("/beheer/mensen/", "Mensen"),
    "redacteur": ("/curriculum/", "WPO-opdrachten"),
}


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_curriculum", str(settings.CONTENT_DIR), verbosity=0)
    create_demo_organization()


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def test_login_page_is_accessible(page: Any, live_server: Any, transactional_db: None) -> None:
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/accounts/inloggen/?next=/")
    assert axe_violations(page) == []
    screenshot(page, "login-360")


@pytest.mark.parametrize("username", list(START_PAGES))
def test_each_demo_role_lands_on_its_start_page(page: Any, live_server: Any, demo: None, username: str) -> None:
    path, heading = START_PAGES[username]
    log_in(page, live_server.url, username)
    assert page.url == f"{live_server.url}{path}"
    assert page.get_by_role("heading", level=1).first.inner_text().startswith(heading) or heading in page.content()
    assert axe_violations(page) == []
    screenshot(page, f"{username}-360")
    # Nothing may stick out sideways on a 360 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(LAPTOP)
    assert axe_violations(page) == []
    screenshot(page, f"{username}-1280")


def test_skip_link_moves_focus_to_the_content(page: Any, live_server: Any, demo: None) -> None:
    log_in(page, live_server.url, "werkplekopleider")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
