"""Issue 18: Sanne looks back on her week on a 360 px phone, one question per screen, and speaks her
answer into the page while her phone has no internet.

Chromium gets a fake microphone (a test tone) and no permission prompt, so MediaRecorder records for
real. The answer with its voice note waits on the phone (IndexedDB) and reaches the database exactly
once when the connection is back. And the look-back works without JavaScript, with the file field.
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wpo.orgs.models import Person
from wpo.trajectories.models import LookBackAnswer, ParticipantAssignment, Step

from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, axe_violations, screenshot
from .test_offline_journey import QUEUE, demo, until, wait_until_kept
from .test_participant_journey import log_in

__all__ = ["demo"]  # the fixture, used by name

FAKE_MICROPHONE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture
def microphone_browser(browser: Any) -> Iterator[Any]:
    """A Chromium of its own with a fake microphone, launched by the session's Playwright (one per
    process); ``browser`` first, so a missing Chromium skips (or fails in CI) as every journey does."""
    launched = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + FAKE_MICROPHONE)
    yield launched
    launched.close()


def check(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    screenshot(page, f"terugkijken-{name}")


def test_a_spoken_answer_given_offline_is_sent_once(
    microphone_browser: Any, live_server: Any, demo: dict[str, Person], settings: Any
) -> None:
    sanne = demo["deelnemer"]
    pa = ParticipantAssignment.objects.get(trajectory__participant=sanne, step=Step.WORKING)
    questions = pa.version.content["look_back"]
    context = microphone_browser.new_context(viewport=PHONE, locale="nl-NL")
    context.grant_permissions(["microphone"], origin=live_server.url)
    page = context.new_page()
    try:
        # Online: the assignment, then the look-back; the phone keeps every question's screen.
        log_in(page, live_server.url, sanne)
        page.goto(f"{live_server.url}/deelnemer/opdracht/{pa.pk}/")
        with page.expect_navigation():
            page.locator("#screen a[href$='/terugkijken/']").click()
        page.wait_for_selector(f"text=Vraag 1 van {len(questions)}")
        wait_until_kept(page, f"/terugkijken/?vraag={len(questions)}")
        assert page.get_by_role("button", name="Luister").first.is_visible()
        # Luister speaks the question (one tick: the click starts it, before the voice can end).
        listened = page.evaluate(
            "(() => { const b = document.querySelector('button[data-listen]'); b.click();"
            " const now = [b.getAttribute('aria-pressed'), b.innerText.trim()];"
            " speechSynthesis.cancel(); return now; })()"
        )
        assert listened == ["true", "Stop"]
        assert page.locator("[data-voice-file]").is_hidden()  # the recorder stands in for the file field
        check(page, "01-vraag-1")

        # Offline: a face and a spoken answer, recorded in the page.
        context.set_offline(True)
        page.locator("label.feeling-choice", has_text="Het ging goed").click()
        page.get_by_role("button", name="Spreek in").click()
        status = page.locator("[data-record-status]")
        page.wait_for_selector(".recorder.recording")
        assert "Bezig met opnemen" in status.inner_text()
        assert status.get_attribute("aria-live") == "polite"
        screenshot(page, "terugkijken-02-neemt-op")
        time.sleep(1.5)
        page.get_by_role("button", name="Stop").click()
        page.wait_for_selector("[data-recorded]:not([hidden])")
        size = page.evaluate("document.querySelector('input[name=v0-voice_note]').files[0].size")
        assert size > 0
        page.get_by_role("button", name="Houden").click()
        assert "Je opname gaat mee" in status.inner_text()
        check(page, "03-opname-klaar")
        page.get_by_role("button", name="Verder").click()
        page.wait_for_selector("form .message-queued")
        assert "Wordt verstuurd als je weer internet hebt." in page.inner_text("form .message-queued")
        check(page, "04-antwoord-wacht")
        assert len(page.evaluate(QUEUE)) == 1
        assert not LookBackAnswer.objects.filter(participant_assignment=pa).exists()
        with page.expect_navigation():
            page.get_by_role("link", name="Verder").click()
        page.wait_for_selector(f"text=Vraag 2 van {len(questions)}")

        # Online again: the answer and its voice note reach the database once.
        context.set_offline(False)
        until(lambda: LookBackAnswer.objects.filter(participant_assignment=pa).exists())
        until(lambda: page.evaluate(QUEUE) == [])
        page.reload()
        time.sleep(1)
        (answer,) = LookBackAnswer.objects.filter(participant_assignment=pa)
        assert (answer.question_index, answer.feeling, answer.late) == (0, "good", False)
        stored = Path(settings.MEDIA_ROOT) / answer.voice_note.name
        assert answer.voice_note.name.endswith(".webm") and stored.stat().st_size == size
        assert stored.read_bytes()[:4] == b"\x1a\x45\xdf\xa3"
        # She comes back where she was, and can go back to see what she gave.
        assert f"Vraag 2 van {len(questions)}" in page.inner_text("main")
        with page.expect_navigation():
            page.get_by_role("link", name="Terug naar de vorige vraag").click()
        assert page.locator("input[name=v0-feeling][value=good]").is_checked()
        assert page.locator("audio.voice-given").count() == 1
        check(page, "05-terug-naar-vraag-1")
    finally:
        context.close()


def test_the_look_back_works_without_javascript(browser: Any, live_server: Any, demo: dict[str, Person]) -> None:
    sanne = demo["deelnemer"]
    pa = ParticipantAssignment.objects.get(trajectory__participant=sanne, step=Step.WORKING)
    n = len(pa.version.content["look_back"])
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server.url, sanne)
        page.goto(f"{live_server.url}/deelnemer/opdracht/{pa.pk}/terugkijken/")
        assert page.locator("input[name=v0-voice_note]").is_visible()  # the file field records instead
        assert page.get_by_role("button", name="Luister").count() == 0
        for number in range(1, n + 1):
            assert f"Vraag {number} van {n}" in page.inner_text("main")
            page.locator(f"input[name='v{number - 1}-feeling'][value='bit']").check()
            if number == 1:
                screenshot(page, "terugkijken-06-zonder-javascript")
            with page.expect_navigation():
                page.locator("form.look-back-screen button[type=submit]").click()
        assert page.url.endswith("/deelnemer/")
        pa.refresh_from_db()
        assert pa.step == Step.LOOKING_BACK
        assert LookBackAnswer.objects.filter(participant_assignment=pa).count() == n
    finally:
        context.close()
