"""The help box and the help pages in a real browser: keyboard, axe, a 360 px phone, read-aloud."""

from typing import Any

import pytest

from tests.factories import PASSWORD, World, make_world
from wpo.orgs.models import Person

from .conftest import LAPTOP, PHONE, axe_violations, screenshot

# What app.js's read-aloud button reads: a copy of the region without hidden parts, as text.
READ_ALOUD_TEXT = """(selector) => {
  const clone = document.querySelector(selector).cloneNode(true);
  clone.querySelectorAll("[aria-hidden='true'], .read-aloud-bar, script, style, [hidden]").forEach((el) => el.remove());
  return clone.innerText.replace(/\\s+/g, " ").trim();
}"""


@pytest.fixture
def world(transactional_db: None) -> World:
    return make_world("Werkbedrijf Hulp")


def log_in(page: Any, base: str, person: Person) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(person.user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def check(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} sticks out at {width} px"
    screenshot(page, f"guidance-{name}-{width}")


def test_trainer_opens_the_box_with_the_keyboard_and_follows_it_to_the_help(
    page: Any, live_server: Any, world: World
) -> None:
    log_in(page, live_server.url, world.trainer)
    check(page, "mijn-deelnemers")
    page.goto(f"{live_server.url}/opleider/trajecten/{world.trajectory.pk}/")
    box = page.locator("details.guidance").first
    summary = box.locator("summary")
    assert summary.inner_text().startswith("Wat doe je nu?")
    assert not box.evaluate("el => el.open")
    assert not box.get_by_text("Meer hulp bij deze stap").is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert box.evaluate("el => el.open"), "Enter on the summary opens the box"
    assert box.get_by_text("Meer hulp bij deze stap").is_visible()
    check(page, "traject-open")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/hulp/werkplekopleider/#stap-klaargezet")
    assert page.locator("#stap-klaargezet").evaluate("el => el.matches(':target')")
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        check(page, "werkplekopleider")


def test_coach_sees_the_phase_box(page: Any, live_server: Any, world: World) -> None:
    log_in(page, live_server.url, world.coach)
    page.goto(f"{live_server.url}/opleider/trajecten/{world.trajectory.pk}/")
    summaries = page.locator("details.guidance summary").all_inner_texts()
    assert summaries[0].startswith("Wat doe je nu als coach?") and "Fase 1" in summaries[0]
    assert summaries[1].startswith("Wat doet de werkplekopleider nu?")
    page.locator("details.guidance summary").first.click()
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        check(page, "traject-coach")
    page.goto(f"{live_server.url}/hulp/")
    check(page, "index-coach")
    with page.expect_navigation():
        page.get_by_role("link", name="Hulp voor de coach").click()
    check(page, "coach")


def test_participant_hears_the_box_and_reads_simple_help(page: Any, live_server: Any, world: World) -> None:
    log_in(page, live_server.url, world.participant)
    box = page.locator("details.guidance")
    assert box.locator("summary").inner_text().strip() == "Wat doe je nu?"
    # The page's read-aloud button reads the box too, folded or not; the box's own button only the box.
    page_text = page.evaluate(READ_ALOUD_TEXT, "#inhoud")
    assert "Wat doe je nu? Je hebt een nieuwe opdracht. Tik op Begin." in page_text
    assert page_text.count("Lees voor") == 0, "the buttons themselves are not read"
    box_id = box.locator(".guidance-body").get_attribute("id")
    assert page.evaluate(READ_ALOUD_TEXT, f"#{box_id}").startswith("Je hebt een nieuwe opdracht. Tik op Begin.")
    box.locator("summary").click()
    if page.evaluate("'speechSynthesis' in window"):
        assert box.get_by_role("button", name="Lees voor wat je nu doet").is_visible()
    check(page, "deelnemer-thuis")
    with page.expect_navigation():
        box.get_by_role("link", name="Bekijk alle stappen").click()
    assert page.url.endswith("/hulp/deelnemer/#stap-klaargezet")
    assert "Hier ben je nu" in page.locator("#stap-klaargezet").inner_text()
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        check(page, "deelnemer")
