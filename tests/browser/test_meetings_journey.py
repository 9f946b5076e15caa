"""The coach plans this quarter's intervision for all werkplekopleiders, opens it, and after it
has begun records who came and what was agreed; a werkplekopleider finds it in their own list."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from wpo.meetings.models import Meeting
from wpo.orgs.models import Role

from ..factories import PASSWORD, World, make_person, make_world
from .conftest import LAPTOP, PHONE, axe_violations, screenshot


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
    """No axe findings and no sideways scrolling, at phone and laptop width; a screenshot of each."""
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        assert axe_violations(page) == [], f"{name} at {viewport['width']}"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
        screenshot(page, f"meetings-{name}-{viewport['width']}")


def test_coach_plans_an_intervision_and_records_attendance(page: Any, live_server: Any, world: World) -> None:
    trainer2 = make_person(world.org, [Role.TRAINER], world.department, first_name="Ingrid", last_name="de Boer")
    trainer3 = make_person(world.org, [Role.TRAINER], first_name="Kees", last_name="Jansen", email="")
    log_in(page, live_server.url, world.coach.user.username)

    page.goto(f"{live_server.url}/bijeenkomsten/")
    assert page.get_by_text("Er is nog geen intervisie geweest.").is_visible()
    check(page, "lijst-leeg")
    with page.expect_navigation():
        page.get_by_role("link", name="Plan de intervisie voor dit kwartaal").click()

    # Kind, title, agenda and all werkplekopleiders are filled in already.
    assert page.get_by_label("Titel").input_value() == "Intervisie werkplekopleiders"
    assert "Casus inbrengen" in page.get_by_label("Agenda").input_value()
    for trainer in (world.trainer, trainer2, trainer3):
        assert page.get_by_label(trainer.name, exact=False).first.is_checked()
    check(page, "plannen")
    page.get_by_label("Waar?").fill("Vergaderruimte 2")
    with page.expect_navigation():
        page.get_by_role("button", name="Bijeenkomst plannen").click()

    meeting = Meeting.objects.get()
    assert page.url.endswith(f"/bijeenkomsten/{meeting.pk}/")
    assert page.get_by_text("De bijeenkomst is gepland.").is_visible()
    assert meeting.kind == Meeting.Kind.INTERVISION and set(meeting.invitees.all()) == {
        world.trainer,
        trainer2,
        trainer3,
    }
    # Invitations went out after the commit, to everyone with an e-mail address.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.trainer.user.email, trainer2.user.email])
    assert "Kees Jansen" in page.locator(".invitee-list").inner_text()
    assert page.get_by_text("Geen e-mailadres, dus geen uitnodiging per mail:").is_visible()
    check(page, "detail-gepland")

    # The list now says this quarter's intervision is planned.
    page.goto(f"{live_server.url}/bijeenkomsten/")
    assert page.get_by_text("De intervisie van dit kwartaal:").is_visible()
    assert page.get_by_role("link", name="Plan de intervisie voor dit kwartaal").count() == 0

    # The meeting has begun: the coach records attendance and notes.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=90))
    page.goto(f"{live_server.url}/bijeenkomsten/{meeting.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Aanwezigheid en verslag vastleggen").click()
    check(page, "aanwezigheid")
    page.get_by_role("group", name="Kees Jansen").get_by_label("Niet gekomen").check()
    page.get_by_role("group", name=f"{trainer2.name} ({world.department.name})").get_by_label("Afgemeld").check()
    page.get_by_label("Verslag en afspraken").fill("Casus van Ahmed besproken. Afspraak: iedereen probeert de tip uit.")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()

    assert page.get_by_text("De aanwezigheid en het verslag zijn bewaard.").is_visible()
    assert page.get_by_text("1 aanwezig · 1 afgemeld · 1 niet gekomen").is_visible()
    assert page.get_by_text("Casus van Ahmed besproken.").is_visible()
    statuses = dict(meeting.attendances.values_list("person_id", "status"))
    assert statuses == {world.trainer.pk: "present", trainer2.pk: "excused", trainer3.pk: "absent"}
    check(page, "detail-vastgelegd")

    page.goto(f"{live_server.url}/bijeenkomsten/")
    assert "1 van 3" in page.locator(".meetings-table").inner_text()
    check(page, "lijst")

    # A werkplekopleider sees the meetings they are invited to.
    page.context.clear_cookies()
    upcoming = Meeting.objects.create(
        organization=world.org,
        kind=Meeting.Kind.CLOSING,
        title="Afsluiting en viering WPO",
        starts_at=timezone.now() + timedelta(days=20),
        duration_minutes=90,
        location="Kantine",
        organiser=world.coach,
    )
    upcoming.attendances.create(organization=world.org, person=world.trainer)
    log_in(page, live_server.url, world.trainer.user.username)
    page.goto(f"{live_server.url}/bijeenkomsten/mijn/")
    assert page.get_by_text("Kantine").is_visible()
    assert page.get_by_role("link", name="Zet in je agenda: Afsluiting en viering WPO").is_visible()
    check(page, "mijn")
