"""The main menu fits one line of a 360 px phone for every demo role, and its groups open a small
submenu by mouse, by keyboard and without JavaScript (issue 16, item 5)."""

from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from wpo.demo.organization import DEMO_PASSWORD, create_demo_organization

from .conftest import LAPTOP, PHONE, axe_violations, screenshot
from .test_role_journeys import START_PAGES


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_curriculum", str(settings.CONTENT_DIR), verbosity=0)
    create_demo_organization()


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/inloggen/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def boxes(page: Any, selector: str) -> list[dict[str, float]]:
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect(); return {top: r.top, left: r.left, "
        "right: r.right, bottom: r.bottom, height: r.height}; })",
    )


def assert_one_line(page: Any, name: str) -> None:
    """Every top entry of the menu on the same line, inside the screen; the bar above it too."""
    width = page.viewport_size["width"]
    entries = boxes(page, ".nav-groups > li")
    assert entries, f"{name}: no menu"
    assert len({round(box["top"]) for box in entries}) == 1, f"{name}: the menu wraps: {entries}"
    assert max(box["right"] for box in entries) <= width, f"{name}: the menu sticks out: {entries}"
    assert min(box["left"] for box in entries) >= 0
    [nav] = boxes(page, ".main-nav")
    assert nav["height"] <= 56, f"{name}: the menu is {nav['height']} px high"
    bar = [box for box in boxes(page, ".site-header .bar > *") if box["height"]]  # not the hidden ones
    assert len({round(box["top"] + box["height"] / 2) for box in bar}) == 1, f"{name}: the bar wraps: {bar}"
    assert max(box["right"] for box in bar) <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["360", "1280"])
def test_every_demo_roles_menu_fits_one_line(browser: Any, live_server: Any, demo: None, viewport: Any) -> None:
    # The participant has a header of their own, one line with a menu that opens on demand:
    # tests/browser/test_offline_journey.py (issue 18).
    for username in [u for u in START_PAGES if u != "deelnemer"]:
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        page = context.new_page()
        log_in(page, live_server.url, username)
        assert_one_line(page, username)
        assert axe_violations(page) == [], username
        # Every submenu opened in turn stays on the screen, and axe finds nothing in it either.
        summaries = page.locator(".nav-groups summary")
        for i in range(summaries.count()):
            summaries.nth(i).click()
            panel = page.locator(".nav-groups details[open] .nav-panel")
            assert panel.is_visible()
            [box] = boxes(page, ".nav-groups details[open] .nav-panel")
            assert box["left"] >= 0 and box["right"] <= viewport["width"], f"{username}: submenu {i} sticks out"
            assert page.locator(".nav-groups details[open]").count() == 1, "one submenu open at a time"
            if i == 0:
                assert axe_violations(page) == [], f"{username}: with a submenu open"
                screenshot(page, f"menu-{username}-open-{viewport['width']}")
        page.keyboard.press("Escape")
        assert page.locator(".nav-groups details[open]").count() == 0
        screenshot(page, f"menu-{username}-{viewport['width']}")
        context.close()


def test_the_coach_opens_a_group_with_the_keyboard_and_logs_out(page: Any, live_server: Any, demo: None) -> None:
    log_in(page, live_server.url, "coach")
    organiseren = page.locator(".nav-groups summary", has_text="Organiseren")
    organiseren.focus()
    page.keyboard.press("Enter")
    problems = page.get_by_role("link", name="Problemen", exact=True)
    assert problems.is_visible()
    page.keyboard.press("Tab")  # into the submenu, in reading order
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aanmeldingen"
    page.keyboard.press("Escape")
    assert not problems.is_visible()
    assert page.evaluate("document.activeElement.textContent.trim()").startswith("Organiseren")
    # The group of the page you are on is marked; the page itself is aria-current in its submenu.
    page.locator(".nav-groups summary", has_text="Vandaag").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Signalen", exact=True).click()
    assert "nav-current" in (page.locator(".nav-groups summary", has_text="Vandaag").get_attribute("class") or "")
    assert page.locator('.nav-panel a[aria-current="page"]').text_content() == "Signalen"
    # Logging out lives in the account menu beside Hulp.
    page.locator(".account-menu summary").click()
    assert "Marloes Verbeek" in page.locator(".account-who").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()
    assert "/accounts/inloggen/" in page.url


def test_the_menu_works_without_javascript(browser: Any, live_server: Any, demo: None) -> None:
    context = browser.new_context(viewport=PHONE, locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, "werkplekopleider")
    assert_one_line(page, "werkplekopleider without JavaScript")
    page.locator(".nav-groups summary", has_text="Organiseren").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Problemen", exact=True).click()
    assert page.url.endswith("/opvolging/problemen/")
    context.close()
