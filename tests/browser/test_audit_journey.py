"""The administrator gives someone a role, then reads that change in the log on a phone."""

from typing import Any

from wpo.orgs.models import Person

from .conftest import axe_violations, screenshot
from .test_role_journeys import demo, log_in  # noqa: F401  (fixture)


def test_a_role_change_shows_in_the_log_at_360px(page: Any, live_server: Any, demo: None) -> None:  # noqa: F811
    coach = Person.objects.get(user__username="coach")
    log_in(page, live_server.url, "beheerder")
    page.goto(f"{live_server.url}/beheer/mensen/{coach.pk}/")
    page.get_by_label("Projectmanager", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()

    # The log is in the menu's group "Beheer" (a disclosure).
    page.locator("nav summary", has_text="Beheer").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Logboek").click()
    assert page.get_by_role("heading", name="Logboek").is_visible()
    newest = page.locator("tbody tr").first.inner_text()
    assert "Rollen" in newest and coach.name in newest and "Projectmanager" in newest
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "beheerder-logboek-360")

    # From the person's page to only their changes.
    page.goto(f"{live_server.url}/beheer/mensen/{coach.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Wijzigingen bekijken").click()
    assert page.get_by_role("heading", name=f"Logboek: wijzigingen over {coach.name}").is_visible()
    rows = page.locator("tbody tr")
    assert rows.count() >= 2 and all(coach.name in rows.nth(i).inner_text() for i in range(rows.count()))
    assert axe_violations(page) == []
    screenshot(page, "beheerder-logboek-persoon-360")
