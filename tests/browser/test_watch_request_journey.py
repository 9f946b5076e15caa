"""“Kijk je mee?” on two phones: Sanne asks her werkplekopleider to come and watch now, Ahmed sees it
at the top of Mijn deelnemers, taps "Ik kom eraan", Sanne's page says so, and the observation Ahmed
then records is linked to her request. axe checks every page; screenshots at 360×740."""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from wpo.demo.organization import create_demo_organization
from wpo.orgs.models import Person
from wpo.trajectories.models import Observation, ParticipantAssignment, Step, WatchRequest

from .conftest import PHONE, axe_violations, screenshot
from .test_offline_journey import QUEUE, until
from .test_participant_journey import log_in


def check(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    screenshot(page, f"kijk-je-mee-{name}")


@pytest.fixture
def sanne(transactional_db: None, settings: Any, tmp_path: Path) -> Person:
    """Sanne of the demo organisation, at work on her task, without the request the demo gives her."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_curriculum", verbosity=0)
    create_demo_organization()
    WatchRequest.objects.all().delete()
    return Person.objects.get(user__username="deelnemer")


def test_kijk_je_mee_from_the_work_task_to_a_linked_observation(browser: Any, live_server: Any, sanne: Person) -> None:
    pa = ParticipantAssignment.objects.get(trajectory__participant=sanne, step=Step.WORKING)
    trainer = Person.objects.get(user__username="werkplekopleider")
    assignment_url = f"{live_server.url}{reverse('learn:assignment', args=[pa.pk])}"
    participant = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    werkplekopleider = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    try:
        # Sanne, on her phone, at her work task.
        log_in(participant, live_server.url, sanne)
        participant.goto(assignment_url)
        participant.get_by_role("heading", name="Kijk je mee?").scroll_into_view_if_needed()
        check(participant, "deelnemer-vraagt")
        participant.get_by_role("button", name="Nu", exact=True).click()
        participant.get_by_text("Je vraag is verstuurd.").wait_for()
        assert participant.get_by_role("button", name="Nu", exact=True).count() == 0
        check(participant, "deelnemer-verstuurd")
        watch = WatchRequest.objects.get()
        assert (watch.participant_assignment_id, watch.when, watch.status) == (pa.pk, "now", "open")

        # Ahmed logs in on his own phone: the request is the first thing on Mijn deelnemers.
        log_in(werkplekopleider, live_server.url, trainer)
        werkplekopleider.goto(f"{live_server.url}{reverse('trajectories:my_participants')}")
        first_heading = werkplekopleider.locator("main h2").first
        assert first_heading.inner_text() == "Kijk je mee?"
        card = werkplekopleider.locator(".watch-requests .card").first
        assert "Sanne de Vries" in card.inner_text() and "kijk je nu mee?" in card.inner_text()
        check(werkplekopleider, "werkplekopleider-ziet-vraag")
        with werkplekopleider.expect_navigation():
            werkplekopleider.get_by_role("button", name="Ik kom eraan — Sanne de Vries").click()
        assert "Sanne ziet nu: je komt eraan." in werkplekopleider.content()
        check(werkplekopleider, "werkplekopleider-komt-eraan")

        # Sanne's page says he is coming.
        participant.reload()
        participant.get_by_text("Je werkplekopleider komt eraan.").wait_for()
        check(participant, "deelnemer-komt-eraan")

        # Ahmed records what he saw, from the request.
        with werkplekopleider.expect_navigation():
            werkplekopleider.get_by_role("link", name="Observatie vastleggen — Sanne de Vries").click()
        assert "Op verzoek van Sanne de Vries" in werkplekopleider.content()
        check(werkplekopleider, "observatie-op-verzoek")
        werkplekopleider.locator("input[name=behaviours]").first.check()
        werkplekopleider.get_by_label("Dit ging goed").check()
        with werkplekopleider.expect_navigation():
            werkplekopleider.get_by_role("button", name="Bewaren").click()
        assert "Observatie bewaard. Op verzoek van Sanne de Vries." in werkplekopleider.content()
        assert werkplekopleider.locator(".watch-requests").count() == 0
        check(werkplekopleider, "werkplekopleider-na-observatie")
        watch.refresh_from_db()
        assert watch.status == "done" and watch.observation == Observation.objects.get(participant_assignment=pa)

        participant.reload()
        participant.get_by_text("Je werkplekopleider heeft meegekeken.").wait_for()
        check(participant, "deelnemer-meegekeken")
    finally:
        participant.context.close()
        werkplekopleider.context.close()


def test_asked_without_internet_it_waits_on_the_phone_and_is_sent_once(
    page: Any, live_server: Any, sanne: Person
) -> None:
    pa = ParticipantAssignment.objects.get(trajectory__participant=sanne, step=Step.WORKING)
    log_in(page, live_server.url, sanne)
    page.goto(f"{live_server.url}{reverse('learn:assignment', args=[pa.pk])}")
    page.context.set_offline(True)
    page.get_by_role("button", name="Vandaag", exact=True).click()
    page.wait_for_selector("#screen .message-queued")
    assert "Wordt verstuurd als je weer internet hebt." in page.inner_text("#screen .message-queued")
    check(page, "offline-wacht")
    assert not WatchRequest.objects.exists() and len(page.evaluate(QUEUE)) == 1
    page.context.set_offline(False)
    until(lambda: WatchRequest.objects.exists())
    until(lambda: page.evaluate(QUEUE) == [])
    page.reload()
    page.get_by_text("Je vraag is verstuurd.").wait_for()
    watch = WatchRequest.objects.get()
    assert (watch.when, watch.status) == ("today", "open") and watch.idempotency_key is not None
