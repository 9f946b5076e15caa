"""The coach's morning: the overview with its signals, acting on one, and the thresholds."""

import re
from typing import Any

import pytest
from django.core.management import call_command

from wpo.coaching import early_signals
from wpo.demo.organization import create_demo_organization
from wpo.orgs.models import Person

from .conftest import LAPTOP, PHONE, axe_violations, screenshot
from .test_role_journeys import log_in


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_curriculum", verbosity=0)
    create_demo_organization()


def check(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    screenshot(page, f"coach-{name}-{width}")


def test_coach_acts_on_a_signal(page: Any, live_server: Any, demo: None) -> None:
    coach = Person.objects.get(user__username="coach")
    before = early_signals.signals_for(coach)
    assert len(before) > 0, "the demo organisation shows signals"
    log_in(page, live_server.url, "coach")
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        check(page, "overzicht")
    assert "Sanne de Vries" in page.content()

    # Filter the overview to one department: only its participants remain.
    page.get_by_text("Filteren en sorteren").click()
    page.get_by_label("Afdeling", exact=True).select_option(label="Groenvoorziening")
    with page.expect_navigation():
        page.locator(".filter-buttons button").click()
    table = page.locator(".overview-table").inner_text()
    assert "Piotr Nowak" in table and "Sanne de Vries" not in table
    check(page, "overzicht-gefilterd")

    # From the summary to the signals page, each with its reason and a button to act.
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"signalen met de reden en wat je kunt doen")).click()
    check(page, "signalen")
    reasons = page.locator(".signal-reason").all_inner_texts()
    assert len(reasons) == min(len(before), 50)
    assert any("weken" in reason for reason in reasons)

    # Act on the first "long assignment" signal: it leads to the trajectory.
    with page.expect_navigation():
        page.locator(".signal-opdracht-lang .button").first.click()
    assert "/opleider/trajecten/" in page.url

    # The coach tightens a threshold; the signals follow.
    page.goto(f"{live_server.url}/coach/signalen/instellingen/")
    check(page, "grenzen")
    page.get_by_label("opdracht duurt langer dan (weken)").fill("0")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    assert "minstens 1" in page.content()
    page.get_by_label("opdracht duurt langer dan (weken)").fill("52")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    assert "De grenzen voor signalen zijn bewaard." in page.content()
    after = early_signals.signals_for(coach)
    assert not after.of_kind(early_signals.LONG_ASSIGNMENT)
