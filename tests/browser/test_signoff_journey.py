"""A fair sign-off on two phones at 360 px (issue 16): the werkplekopleider ticks a day of the
independence week and records the assessment; the coach, as second assessor, judges blind and
differently; they plan a short talk with the participant and record the agreed outcome. axe checks
every screen."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from time_machine import TimeMachineFixture

from wpo.demo.organization import create_demo_organization
from wpo.trajectories.models import Assessment, ParticipantAssignment, Step

from .conftest import PHONE, axe_violations, screenshot
from .test_role_journeys import log_in


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_curriculum", verbosity=0)
    create_demo_organization()


def phone(browser: Any) -> Any:
    return browser.new_context(viewport=PHONE, locale="nl-NL").new_page()


def check(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361)"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (name, wide)
    screenshot(page, f"beoordelen-{name}")


def click_and_wait(page: Any, locator: Any) -> None:
    with page.expect_navigation():
        locator.click()


def test_independence_week_blind_second_judgement_and_agreed_outcome(
    browser: Any, live_server: Any, demo: None, time_machine: TimeMachineFixture
) -> None:
    base = live_server.url
    pa = ParticipantAssignment.objects.get(trajectory__participant__user__username="piotr", step=Step.INDEPENDENT)
    detail = f"{base}/opleider/trajecten/{pa.trajectory_id}/"
    trainer, coach = phone(browser), phone(browser)

    # Ingrid ticks today: Piotr showed it on his own.
    log_in(trainer, base, "werkplekopleider2")
    trainer.goto(detail)
    panel = trainer.locator(f"#opdracht-{pa.pk}")
    assert "Zelf laten zien op 2 van de 4 dagen." in panel.inner_text()
    check(trainer, "01-zelfstandigheidsweek")
    panel.get_by_label("Ja, zelf laten zien").check()
    panel.get_by_label("Korte notitie").fill("Hielp een collega rustig verder.")
    click_and_wait(trainer, panel.get_by_role("button", name="Dag afvinken"))
    panel = trainer.locator(f"#opdracht-{pa.pk}")
    assert "Zelf laten zien op 3 van de 4 dagen." in panel.inner_text()
    check(trainer, "02-dag-afgevinkt")

    # She asks the coach as second assessor and holds the assessment: the days and the criterion are there.
    click_and_wait(trainer, panel.get_by_role("button", name="Vraag de coach als tweede beoordelaar"))
    click_and_wait(
        trainer, trainer.locator(f"#opdracht-{pa.pk}").get_by_role("button", name="Beoordelingsgesprek beginnen")
    )
    content = trainer.content()
    assert "Gehaald als de deelnemer dit laat zien:" in content and "Zelf laten zien op 3 van de 4 dagen." in content
    check(trainer, "03-beoordelingsgesprek")
    trainer.get_by_label("Behaald: de deelnemer laat het zelfstandig zien").check()
    trainer.get_by_label("Toelichting").fill("Piotr bleef de hele week positief, ook bij tegenslag.")
    click_and_wait(trainer, trainer.get_by_role("button", name="Oordeel vastleggen"))
    assert "geeft een eigen oordeel zonder het jouwe te zien" in trainer.content()
    pa.refresh_from_db()
    assert pa.step == Step.ASSESSING
    check(trainer, "04-wacht-op-tweede-oordeel")

    # Marloes judges blind: Ingrid's judgement is not on her page, and she sees it differently.
    log_in(coach, base, "coach")
    coach.goto(f"{base}/opleider/tweede-beoordelaar/")
    check(coach, "05-coach-wachtrij")
    click_and_wait(coach, coach.get_by_role("link", name="Geef je oordeel").first)
    assert "Piotr bleef de hele week positief" not in coach.content()
    assert "Zelf laten zien op 3 van de 4 dagen." in coach.content()
    check(coach, "06-coach-blind")
    coach.get_by_label("Nog niet: nog even oefenen").check()
    coach.get_by_label("Toelichting").fill("Bij regen mopperde hij nog; dat zag ik maandag.")
    click_and_wait(coach, coach.get_by_role("button", name="Oordeel vastleggen"))
    assert "Jullie oordelen verschillen" in coach.content()
    assert "Piotr bleef de hele week positief" in coach.content()  # both are in: both are shown
    check(coach, "07-gesprek-plannen")

    # They plan a short talk with Piotr, in a few minutes.
    soon = timezone.localtime() + timedelta(minutes=5)
    coach.get_by_label("Datum").fill(soon.date().isoformat())
    coach.get_by_label("Tijd").fill(soon.strftime("%H:%M"))
    coach.get_by_label("Waar?").fill("Keet Groenvoorziening")
    click_and_wait(coach, coach.get_by_role("button", name="Gesprek plannen"))
    assert "Het gesprek is gepland op" in coach.content()
    pa.refresh_from_db()
    assert pa.step == Step.ASSESSING  # no judgement wins

    # After the talk the agreed outcome is recorded; only that moves the step.
    time_machine.move_to(timezone.now() + timedelta(minutes=20))
    coach.goto(detail)
    click_and_wait(coach, coach.locator(f"#opdracht-{pa.pk}").get_by_role("link", name="Uitkomst vastleggen"))
    check(coach, "08-uitkomst")
    coach.get_by_label("Behaald: de deelnemer laat het zelfstandig zien").check()
    coach.get_by_label("Waarom?").fill("Piotr gaf twee voorbeelden van regenachtige dagen waarop het wel lukte.")
    click_and_wait(coach, coach.get_by_role("button", name="Uitkomst vastleggen"))
    assert "Gehaald!" in coach.content()
    pa.refresh_from_db()
    assert pa.step == Step.ACHIEVED
    last = pa.history.last()
    assert last is not None and last.note.startswith("Na het gesprek over de oordelen: behaald.")
    assessment = Assessment.objects.get(participant_assignment=pa, settled_at__isnull=False, outcome="achieved")
    assert (assessment.judgement, assessment.second_judgement) == ("achieved", "not_yet")
    assert assessment.outcome_present.count() == 3
    check(coach, "09-uitkomst-vastgelegd")
    trainer.goto(detail)
    assert "Uitkomst van het gesprek met z'n drieën" in trainer.content()
    check(trainer, "10-werkplekopleider-ziet-uitkomst")

    # The coach's calibration: figures beside the organisation's average, drawn and in tables.
    coach.goto(f"{base}/coach/kalibratie/")
    assert "Hele organisatie" in coach.content() and coach.locator("svg[role=img]").count() == 1
    check(coach, "11-kalibratie")
    for page in (trainer, coach):
        page.context.close()
