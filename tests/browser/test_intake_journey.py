"""Phase 1 on a phone (360 px): the coach puts a new employee forward, invites them to the kick-off
from the waiting list, and marks them started; the trainer then finds them waiting for the start
conversation, and the close page of a trajectory says who is next. Each screen: axe and a screenshot."""

from typing import Any

import pytest

from wpo.intake.models import Interest
from wpo.meetings.models import Meeting
from wpo.trajectories.models import Phase, Trajectory

from ..factories import PASSWORD, World, make_world
from .conftest import PHONE, axe_violations, screenshot


@pytest.fixture
def world(transactional_db: None) -> World:
    return make_world("Werkbedrijf Noord")


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/inloggen/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def check(page: Any, name: str) -> None:
    assert page.viewport_size == PHONE
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    screenshot(page, f"aanmeldingen-{name}")


def test_coach_puts_forward_invites_to_the_kick_off_and_starts(page: Any, live_server: Any, world: World) -> None:
    base = live_server.url
    log_in(page, base, world.coach.user.username)
    page.goto(f"{base}/aanmeldingen/")
    assert page.get_by_text("Niemand op de wachtlijst.").first.is_visible()
    check(page, "afdelingen")

    # Put forward: a new employee by name, to be guided by the department's trainer.
    with page.expect_navigation():
        page.get_by_role("link", name="Iemand aanmelden").click()
    check(page, "aanmelden")
    page.get_by_label("Voornaam nieuwe medewerker").fill("Rosa")
    page.get_by_label("Achternaam nieuwe medewerker").fill("Lima")
    page.get_by_label("Afdeling").select_option(label=world.department.name)
    page.get_by_label("Werkplekopleider die de medewerker gaat begeleiden").select_option(label=world.trainer.name)
    page.get_by_label("De medewerker zelf, via de werkplekopleider").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Aanmelden").click()
    assert page.get_by_text("Rosa Lima staat op de wachtlijst").is_visible()
    assert page.locator(".intake-next").get_by_text("Rosa Lima").is_visible()
    check(page, "wachtlijst")
    interest = Interest.objects.get()
    assert interest.status == Interest.Status.INTERESTED and interest.source == "employee"

    # The kick-off: planned from Bijeenkomsten, the waiting list is ticked already, with the trainer.
    page.goto(f"{base}/bijeenkomsten/plannen/?soort=start")
    rosa = page.get_by_label("Rosa Lima", exact=False).first
    assert rosa.is_checked()
    check(page, "startbijeenkomst-plannen")
    page.get_by_label("Waar?").fill("Kantine")
    with page.expect_navigation():
        page.get_by_role("button", name="Bijeenkomst plannen").click()
    meeting = Meeting.objects.get()
    assert {p.pk for p in meeting.invitees.all()} == {interest.employee_id, world.trainer.pk}
    interest.refresh_from_db()
    assert interest.status == Interest.Status.INVITED

    # Started: the trajectory opens in phase 1 with the trainer.
    page.goto(f"{base}/aanmeldingen/afdeling/{world.department.pk}/")
    assert page.get_by_text("Uitgenodigd voor de start").first.is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Gestart — Rosa Lima").click()
    check(page, "gestart")
    with page.expect_navigation():
        page.get_by_role("button", name="Gestart: traject openen").click()
    assert page.get_by_text("Rosa Lima is gestart.").is_visible()
    check(page, "na-start")
    trajectory = Trajectory.objects.get(participant_id=interest.employee_id)
    assert trajectory.phase == Phase.START and trajectory.trainer == world.trainer

    # The close page of another trajectory of the department says who is next (nobody now).
    page.goto(f"{base}/opleider/trajecten/{world.trajectory.pk}/afsluiten/")
    assert page.get_by_text("Wie is de volgende op").is_visible()
    check(page, "afsluiten-wie-is-de-volgende")

    # The trainer finds Rosa waiting for the start conversation.
    page.context.clear_cookies()
    log_in(page, base, world.trainer.user.username)
    assert page.get_by_text("Wacht op het startgesprek.").is_visible()
    check(page, "werkplekopleider-wacht-op-startgesprek")
