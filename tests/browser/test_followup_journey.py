"""A problem travels the whole road in a real browser: the werkplekopleider raises it, the coach
picks it up and puts it to the project manager, the project manager answers, the coach closes it.
Then the coach's department visits. Every screen passes axe at 360 px and at laptop width."""

from typing import Any

import pytest

from wpo.demo import followup as followup_demo
from wpo.demo import organization as orgs_demo
from wpo.followup.models import DepartmentVisit, Problem, ProblemStatus
from wpo.trajectories.models import Trajectory

from .conftest import LAPTOP, PHONE, axe_violations, screenshot
from .test_role_journeys import log_in

TITLE = "Sanne schrikt van de nieuwe sealmachine"


@pytest.fixture
def demo(transactional_db: None) -> None:
    followup_demo.populate_demo(orgs_demo.create_demo_people())


def check(page: Any, name: str) -> None:
    """axe finds nothing and nothing sticks out sideways, at laptop width and on a 360 px phone."""
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        width = viewport["width"]
        assert axe_violations(page) == [], f"{name} at {width}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} at {width}"
        screenshot(page, f"followup-{name}-{width}")


def switch_to(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, username)


def open_problem(page: Any, base: str, query: str = "") -> None:
    page.goto(f"{base}/opvolging/problemen/{query}")
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).click()


def test_a_problem_from_trainer_to_coach_to_project_manager_and_back(page: Any, live_server: Any, demo: None) -> None:
    base = live_server.url
    sanne = Trajectory.objects.get(participant__user__username="deelnemer")

    # The werkplekopleider raises it from the link on the participant's page.
    log_in(page, base, "werkplekopleider")
    page.goto(f"{base}/opvolging/problemen/")
    check(page, "trainer-problemen")
    page.goto(f"{base}/opvolging/problemen/melden/?traject={sanne.pk}")
    assert page.get_by_label("Over welke deelnemer?").input_value() == str(sanne.pk)
    with page.expect_navigation():
        page.get_by_role("button", name="Probleem melden").click()
    assert "Geef het probleem een korte titel." in page.content()
    check(page, "melden-fout")
    page.get_by_label("Korte titel").fill(TITLE)
    page.get_by_label("Wat is het probleem?").fill(
        "Sinds de nieuwe sealmachine er staat, schrikt Sanne van het harde geluid. Ze stopt dan met werken."
    )
    page.get_by_label("Dringend: er moet snel iets gebeuren").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Probleem melden").click()
    assert "Het probleem is gemeld." in page.content()
    check(page, "gemeld")
    problem = Problem.objects.get(title=TITLE)
    assert (problem.status, problem.trajectory_id, problem.urgency) == (ProblemStatus.OPEN, sanne.pk, "urgent")

    # The coach picks it up and puts a question to the project manager.
    switch_to(page, base, "coach")
    page.goto(f"{base}/opvolging/problemen/")
    assert "2 problemen wachten op jou" in page.content()
    check(page, "coach-problemen")
    open_problem(page, base)
    with page.expect_navigation():
        page.get_by_role("button", name="Ik pak het op").click()
    assert "Je hebt het probleem opgepakt." in page.content()
    check(page, "coach-opgepakt")
    page.get_by_label("Wat is je vraag aan de projectmanager?").fill(
        "Mogen we gehoorbescherming met muziek kopen voor Sanne? Dat kost ongeveer 60 euro."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Voorleggen aan de projectmanager").click()
    assert "Het probleem ligt nu bij de projectmanager." in page.content()

    # The project manager sees it among what waits for them, and answers.
    switch_to(page, base, "projectmanager")
    page.goto(f"{base}/opvolging/problemen/")
    assert "2 problemen wachten op jou" in page.content()
    check(page, "pm-problemen")
    open_problem(page, base)
    with page.expect_navigation():
        page.get_by_role("button", name="Antwoord sturen").click()
    assert "Schrijf je antwoord op." in page.content()
    check(page, "pm-antwoord-fout")
    page.get_by_label("Je antwoord aan de coach").fill("Ja, bestel ze maar. Het geld komt uit het WPO-budget.")
    with page.expect_navigation():
        page.get_by_role("button", name="Antwoord sturen").click()
    assert "Je antwoord is verstuurd." in page.content()

    # The coach closes it as solved.
    switch_to(page, base, "coach")
    open_problem(page, base)
    page.get_by_label("Hoe is het opgelost?").fill("Oorkappen besteld; Ahmed heeft ze met Sanne uitgeprobeerd.")
    with page.expect_navigation():
        page.get_by_role("button", name="Afsluiten: opgelost").click()
    assert "Het probleem is opgelost en afgesloten." in page.content()
    assert page.locator(".problem-solution").inner_text().endswith("met Sanne uitgeprobeerd.")
    events = page.locator(".problem-timeline > li").all_inner_texts()
    assert len(events) == 5
    assert "meldde het probleem" in events[0] and "sloot het af: opgelost" in events[-1]
    check(page, "opgelost")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SOLVED
    assert list(problem.events.values_list("to_status", flat=True)) == [
        "open",
        "in_progress",
        "escalated",
        "answered",
        "solved",
    ]

    # The werkplekopleider reads how it ended (solved problems are under "Opgelost").
    switch_to(page, base, "werkplekopleider")
    open_problem(page, base, "?status=solved")
    assert "Zo is het opgelost" in page.content()
    assert page.get_by_role("button", name="Afsluiten: opgelost").count() == 0


def test_the_coachs_department_visits(page: Any, live_server: Any, demo: None) -> None:
    base = live_server.url
    log_in(page, base, "coach")
    page.goto(f"{base}/opvolging/bezoeken/")
    assert "Nog nooit bezocht" in page.content() or "Volgend bezoek" in page.content()
    assert page.locator(".action-overdue").count() == 1
    check(page, "bezoeken")

    held = DepartmentVisit.objects.get(status=DepartmentVisit.Status.HELD)
    page.goto(f"{base}/opvolging/bezoeken/{held.pk}/")
    check(page, "bezoek-gehouden")

    planned = DepartmentVisit.objects.get(status=DepartmentVisit.Status.PLANNED)
    page.goto(f"{base}/opvolging/bezoeken/{planned.pk}/vastleggen/")
    page.get_by_label("Wanneer was het bezoek?").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Bezoek vastleggen").click()
    assert "Kies de datum van het bezoek." in page.content()
    check(page, "vastleggen-fout")

    page.goto(f"{base}/opvolging/bezoeken/plannen/?afdeling={planned.department_id}")
    check(page, "plannen")

    # The werkplekopleider of Groenvoorziening sees the planned visit, not the one to Inpak.
    switch_to(page, base, "werkplekopleider2")
    page.goto(f"{base}/opvolging/bezoeken/")
    assert "Groenvoorziening" in page.content() and "Inpak en montage" not in page.content()
    check(page, "bezoeken-opleider")
