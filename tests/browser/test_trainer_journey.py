"""The werkplekopleider on a phone: start a trajectory with the choice card, then observe in a few taps."""

import time
from typing import Any

import pytest
from django.core.management import call_command

from wpo.demo.organization import create_demo_organization
from wpo.orgs.models import Department, Person, Role
from wpo.orgs.services import person_create
from wpo.trajectories.models import Observation, Trajectory

from .conftest import axe_violations, screenshot
from .test_role_journeys import log_in


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_curriculum", verbosity=0)
    create_demo_organization()


def check(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    screenshot(page, f"werkplekopleider-{name}")


def test_start_conversation_on_a_phone(page: Any, live_server: Any, demo: None) -> None:
    org = Department.objects.get(name="Inpak en montage")
    person_create(organization=org.organization, first_name="Bram", last_name="Visser", department=org, roles=[])
    log_in(page, live_server.url, "werkplekopleider")
    check(page, "mijn-deelnemers")
    with page.expect_navigation():
        page.get_by_role("link", name="WPO-traject starten").click()
    check(page, "starten")
    page.get_by_label("Kies de medewerker").select_option(label="Bram Visser")
    page.get_by_label("Waarin wil jij je ontwikkelen?").fill("Beter samenwerken met collega's.")
    page.get_by_label("Overleggen").check()
    page.locator("select[name^=self_]").first.select_option("2")
    page.locator("select[name^=trainer_]").first.select_option("3")
    page.get_by_label("Eerste WPO-opdracht").select_option(index=0)
    with page.expect_navigation():
        page.get_by_role("button", name="Traject starten").click()
    assert "is gestart" in page.content(), page.locator(".errorlist").all_inner_texts()
    check(page, "traject-gestart")
    bram = Person.objects.get(user__first_name="Bram")
    assert Trajectory.objects.get(participant=bram).chosen_skills.get().self_rating == 2


def test_an_observation_takes_a_few_taps(page: Any, live_server: Any, demo: None) -> None:
    log_in(page, live_server.url, "werkplekopleider")
    with page.expect_navigation():
        page.get_by_role("link", name="Observatie — Sanne de Vries").click()
    check(page, "observatie")
    started = time.monotonic()
    page.locator("input[name=behaviours]").first.check()
    page.get_by_label("Dit ging goed").check()
    page.get_by_label("De deelnemer mag dit zien").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    assert "Observatie bewaard." in page.content()
    # Four taps; the machine's part of it is well under the 20 seconds a trainer has.
    assert time.monotonic() - started < 20
    observation = Observation.objects.get(shared_with_participant=True)
    assert observation.went_well and len(observation.behaviours) == 1
    assert observation.author.has_role(Role.TRAINER)
