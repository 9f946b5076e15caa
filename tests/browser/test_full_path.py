"""From the start conversation to an achieved assignment with a second assessor.

Three phones side by side: the werkplekopleider, the participant (card and PIN) and the coach,
each in their own browser context, on the same assignment. axe checks every screen.
"""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from wpo.accounts.services import login_card_issue
from wpo.curriculum.wording import fill_content
from wpo.demo.organization import create_demo_organization
from wpo.orgs.models import Person
from wpo.trajectories.models import Assessment, ParticipantAssignment, Step

from .conftest import PHONE, axe_violations, screenshot
from .test_participant_journey import answer_question
from .test_role_journeys import log_in


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("load_curriculum", verbosity=0)
    create_demo_organization()


def phone(browser: Any) -> Any:
    return browser.new_context(viewport=PHONE, locale="nl-NL").new_page()


def check(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    screenshot(page, f"pad-{name}")


def click_and_wait(page: Any, locator: Any) -> None:
    with page.expect_navigation():
        locator.click()


def test_start_to_achieved_with_a_second_assessor(browser: Any, live_server: Any, demo: None) -> None:
    base = live_server.url
    trainer, participant, coach = phone(browser), phone(browser), phone(browser)

    # The werkplekopleider holds the start conversation with a new employee.
    log_in(trainer, base, "werkplekopleider")
    click_and_wait(trainer, trainer.get_by_role("link", name="WPO-traject starten"))
    trainer.get_by_label("Voornaam nieuwe medewerker").fill("Bram")
    trainer.get_by_label("Achternaam nieuwe medewerker").fill("Visser")
    trainer.get_by_label("Waarin wil jij je ontwikkelen?").fill("Beter om hulp vragen.")
    trainer.get_by_label("Overleggen").check()
    trainer.get_by_label("Eerste WPO-opdracht").select_option(index=0)
    click_and_wait(trainer, trainer.get_by_role("button", name="Traject starten"))
    assert "is gestart" in trainer.content()
    check(trainer, "01-traject-gestart")
    detail_url = trainer.url
    bram = Person.objects.get(user__first_name="Bram")
    pa = ParticipantAssignment.objects.get(trajectory__participant=bram)
    # The text as Bram reads it: his werkplekopleider by first name.
    content = fill_content(pa.version.content, pa.trajectory.trainer.user.first_name)

    # The participant logs in with the card and does the practice part.
    card = login_card_issue(participant=bram, issued_by=Person.objects.get(user__username="werkplekopleider"))
    participant.goto(f"{base}/accounts/kaart/{card.token}/")
    participant.locator("input[name=pin]").fill(card.pin)
    click_and_wait(participant, participant.locator("main form button[type=submit]"))
    click_and_wait(participant, participant.get_by_role("link", name="Begin"))
    participant.get_by_role("button", name="Begin met oefenen").click()
    participant.wait_for_selector("text=Vraag 1 van")
    for number, question in enumerate(content["questions"], start=1):
        answer_question(participant, question, right=True)
        participant.get_by_role("button", name="Verder").click()
        participant.wait_for_selector(
            f"text=Vraag {number + 1} van" if number < len(content["questions"]) else "h2:has-text('Dit is belangrijk')"
        )
    participant.get_by_role("button", name="Verder").click()
    participant.wait_for_selector("text=Dit ga je doen")
    click_and_wait(participant, participant.get_by_role("button", name="Ik ga aan de slag"))

    # Meanwhile the trainer sees the step and notes an observation the participant may see.
    trainer.goto(detail_url)
    assert "Aan de slag" in trainer.content()
    click_and_wait(trainer, trainer.get_by_role("link", name="Observatie").first)
    trainer.locator("input[name=behaviours]").first.check()
    trainer.get_by_label("De deelnemer mag dit zien").check()
    click_and_wait(trainer, trainer.get_by_role("button", name="Bewaren"))

    # The participant sees it, and after the week looks back.
    participant.goto(f"{base}/deelnemer/")
    assert "Dit zag je werkplekopleider" in participant.content()
    participant.goto(f"{base}/deelnemer/opdracht/{pa.pk}/terugkijken/")
    for i in range(len(content["look_back"])):  # one question per screen
        participant.locator(f"input[name='v{i}-feeling'][value='good']").check()
        if i == 0:
            participant.locator("textarea[name='v0-text']").fill("Ik vroeg twee keer om hulp.")
        click_and_wait(participant, participant.locator("form.look-back-screen button[type=submit]"))
    check(participant, "02-deelnemer-na-terugkijken")

    # The trainer plans the coaching conversation and records the decision: goal reached.
    trainer.goto(detail_url)
    click_and_wait(trainer, trainer.get_by_role("link", name="Gesprek plannen"))
    trainer.get_by_label("Datum").fill((date.today() + timedelta(days=1)).isoformat())
    trainer.get_by_label("Tijd").fill("10:00")
    trainer.get_by_label("Waar?").fill("Kantine")
    click_and_wait(trainer, trainer.get_by_role("button", name="Gesprek plannen"))
    check(trainer, "03-gesprek-gepland")
    trainer.goto(detail_url)
    click_and_wait(
        trainer,
        trainer.get_by_role("link", name="Gesprek vastleggen")
        .or_(trainer.get_by_role("link", name="Agenda en verslag"))
        .first,
    )
    assert "Ik vroeg twee keer om hulp." in trainer.content()  # the agenda has the look-back answers
    check(trainer, "04-gesprek-agenda")
    trainer.get_by_label("Wat heeft de deelnemer gedaan en geleerd?").fill("Om hulp gevraagd bij de machine.")
    trainer.locator("input[name=decision][value=goal_reached]").check()
    click_and_wait(trainer, trainer.get_by_role("button", name="Gesprek vastleggen"))
    pa.refresh_from_db()
    assert pa.step == Step.INDEPENDENT

    # After the independence week: ask the coach as second assessor, then assess.
    trainer.goto(detail_url)
    click_and_wait(trainer, trainer.get_by_role("button", name="Vraag de coach als tweede beoordelaar"))
    trainer.goto(detail_url)
    click_and_wait(trainer, trainer.get_by_role("button", name="Beoordelingsgesprek beginnen"))
    trainer.goto(detail_url)
    trainer.get_by_label("Behaald: de deelnemer laat het zelfstandig zien").check()
    click_and_wait(trainer, trainer.get_by_role("button", name="Oordeel vastleggen"))
    # Issue 16, blind second judgement: the first judgement waits for the coach's before the step moves.
    pa.refresh_from_db()
    assert pa.step == Step.ASSESSING
    check(trainer, "05-wacht-op-tweede-oordeel")

    # The coach records an own judgement, blind, beside the trainer's: they agree, so the step moves.
    log_in(coach, base, "coach")
    coach.goto(f"{base}/opleider/tweede-beoordelaar/")
    check(coach, "06-coach-wachtrij")
    click_and_wait(coach, coach.get_by_role("link", name="Geef je oordeel").first)
    coach.locator("input[name=judgement][value=achieved]").check()
    click_and_wait(coach, coach.get_by_role("button", name="Oordeel vastleggen"))
    assessment = Assessment.objects.get(participant_assignment=pa)
    assert (assessment.judgement, assessment.second_judgement) == ("achieved", "achieved")
    assert assessment.second_assessor is not None and assessment.second_assessor.user.username == "coach"
    pa.refresh_from_db()
    assert pa.step == Step.ACHIEVED
    coach.goto(detail_url)
    check(coach, "07-coach-ziet-traject")

    # The participant sees it in plain words.
    participant.goto(f"{base}/deelnemer/opdracht/{pa.pk}/")
    assert "Gehaald!" in participant.content()
    check(participant, "08-deelnemer-gehaald")
    participant.goto(f"{base}/deelnemer/")
    assert "Dit kun je al" in participant.content()
    for page in (trainer, participant, coach):
        page.context.close()
