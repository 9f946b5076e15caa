"""A participant on a 360 px phone does a whole assignment: practice, work task, look-back.

axe checks every screen and a screenshot of each step lands in test-output/screenshots/.
"""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from wpo.curriculum.wording import fill_content
from wpo.demo.organization import create_demo_organization
from wpo.orgs.models import Person
from wpo.trajectories.models import ParticipantAssignment, Step

from .conftest import PHONE, axe_violations, screenshot

PNG = (  # a real 2×2 PNG: photos are decoded and stored afresh without their metadata
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9as\x00\x00\x00\x16IDATx"
    b"\x9cc\xd4\x9a\xdb\xcf\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0\xc0\x00\x00\x0f\xcd\x01Z,5CQ\x00\x00\x00\x00IEND\xaeB`\x82"
)


def check(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    screenshot(page, f"deelnemer-{name}")


@pytest.fixture
def mohamed(transactional_db: None, settings: Any, tmp_path: Path) -> Person:
    """Mohamed of the demo organisation has an assignment that is 'klaargezet'."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_curriculum", verbosity=0)
    create_demo_organization()
    return Person.objects.get(user__username="mohamed")


def log_in(page: Any, base: str, person: Person) -> None:
    from wpo.demo.organization import DEMO_PASSWORD

    page.goto(f"{base}/accounts/inloggen/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(person.user.username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def answer_question(page: Any, question: dict[str, Any], right: bool) -> None:
    if question["kind"] == "order":
        selects = page.locator("select[name=position]")
        labels = [
            page.locator(f"label[for='{selects.nth(i).get_attribute('id')}']").inner_text()
            for i in range(selects.count())
        ]
        for i, text in enumerate(labels):
            position = question["steps"].index(text) + 1
            if not right:
                position = len(labels) - position + 1
            selects.nth(i).select_option(str(position))
    else:
        option = next(o for o in question["options"] if o["correct"] is right)
        page.get_by_label(option["text"], exact=True).check()
    page.locator("#screen form button[type=submit]").first.click()
    page.wait_for_selector(".feedback")


def page_weight(page: Any, url: str) -> int:
    """Bytes of the page and all it loads, in a new browser context (cold cache, same login)."""
    context = page.context.browser.new_context(storage_state=page.context.storage_state(), viewport=PHONE)
    fresh = context.new_page()
    sizes: list[int] = []
    fresh.on("response", lambda response: sizes.append(len(response.body())) if response.ok else None)
    fresh.goto(url)
    fresh.wait_for_load_state("networkidle")
    context.close()
    print(f"page weight {url}: {sum(sizes)} bytes in {len(sizes)} responses")
    return sum(sizes)


def card_log_in(page: Any, base: str, person: Person) -> None:
    """The way a participant logs in: scan the card's QR code (its URL), type the PIN."""
    from wpo.accounts.services import login_card_issue

    trainer = person.trainers.get()
    issued = login_card_issue(participant=person, issued_by=trainer)
    page.goto(f"{base}/accounts/kaart/{issued.token}/")
    check(page, "00-kaart-pincode")
    page.locator("input[name=pin]").fill(issued.pin)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_a_whole_assignment_on_a_phone(page: Any, live_server: Any, mohamed: Person, tmp_path: Path) -> None:
    pa = ParticipantAssignment.objects.get(trajectory__participant=mohamed)
    # The text as Mohamed reads it: his werkplekopleider by first name.
    content = fill_content(pa.version.content, pa.trajectory.trainer.user.first_name)
    card_log_in(page, live_server.url, mohamed)
    assert page.url.endswith("/deelnemer/")
    check(page, "01-home")

    with page.expect_navigation():
        page.get_by_role("link", name="Begin").click()
    assert page.get_by_role("heading", name=content["title"]).is_visible()
    check(page, "02-doel-en-verhaal")
    page.get_by_role("button", name="Begin met oefenen").click()
    page.wait_for_selector("text=Vraag 1 van")

    for number, question in enumerate(content["questions"], start=1):
        if number == 1:
            page.evaluate("window.wpoMarker = 1")  # gone if the page reloads instead of swapping the screen
            answer_question(page, question, right=False)
            assert page.evaluate("window.wpoMarker") == 1
            page.wait_for_selector(".feedback-try")
            assert "Nog niet goed." in page.inner_text(".feedback")
            check(page, "03-vraag-1-nog-niet-goed")
        answer_question(page, question, right=True)
        page.wait_for_selector(".feedback-right")
        if number == 1:
            check(page, "04-vraag-1-goed")
        page.get_by_role("button", name="Verder").click()
        if number < len(content["questions"]):
            page.wait_for_selector(f"text=Vraag {number + 1} van")

    page.wait_for_selector("h2:has-text('Dit is belangrijk')")
    check(page, "05-samenvatting")
    page.get_by_role("button", name="Verder").click()
    page.wait_for_selector("text=Dit ga je doen")
    check(page, "06-dit-ga-je-doen")
    with page.expect_navigation():
        page.get_by_role("button", name="Ik ga aan de slag").click()
    assert "Nu ga je deze week aan de slag" in page.content()
    pa.refresh_from_db()
    assert pa.step == Step.WORKING

    # Page weight of every participant page type, everything the browser fetches, cold cache.
    for path in ("/deelnemer/", f"/deelnemer/opdracht/{pa.pk}/", f"/deelnemer/opdracht/{pa.pk}/terugkijken/"):
        assert page_weight(page, f"{live_server.url}{path}") < 100 * 1024, path

    # After the week: look back, one answer typed, one with a photo, the rest by choosing.
    page.goto(f"{live_server.url}/deelnemer/opdracht/{pa.pk}/terugkijken/")
    check(page, "07-terugkijken")
    photo = tmp_path / "foto.png"
    photo.write_bytes(PNG)
    n = len(content["look_back"])
    for i in range(n):  # one question per screen
        assert f"Vraag {i + 1} van {n}" in page.inner_text("main")
        page.locator(f"input[name='v{i}-feeling'][value='good']").check()
        if i == 0:
            page.locator("textarea[name='v0-text']").fill("Ik heb twee keer om hulp gevraagd.")
        if i == 1:
            page.locator("input[name='v1-photo']").set_input_files(str(photo))
        with page.expect_navigation():
            page.locator("form.look-back-screen button[type=submit]").click()
    assert page.url.endswith("/deelnemer/")
    assert "Praat met je werkplekopleider over hoe het ging." in page.content()
    check(page, "08-home-volgende-stap")
    pa.refresh_from_db()
    assert pa.step == Step.LOOKING_BACK
    assert pa.look_back_answers.filter(text__startswith="Ik heb twee keer").exists()
    assert pa.look_back_answers.exclude(photo="").count() == 1


def test_every_step_works_without_javascript(browser: Any, live_server: Any, mohamed: Person) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server.url, mohamed)
        with page.expect_navigation():
            page.get_by_role("link", name="Begin").click()
        page.get_by_role("button", name="Begin met oefenen").click()
        pa = ParticipantAssignment.objects.get(trajectory__participant=mohamed)
        with page.expect_navigation():
            answer_question(page, pa.version.content["questions"][0], right=True)
        assert "Goed zo!" in page.content()
        with page.expect_navigation():
            page.get_by_role("button", name="Verder").click()
        assert "Vraag 2 van" in page.content()
    finally:
        context.close()
