"""A content editor of the method owner previews a national assignment as the participant will see it,
puts it in the draft edition, and publishes that edition with its release notes (issue 19)."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command

from wpo.curriculum.models import Assignment
from wpo.orgs.models import Organization, Role
from wpo.orgs.services import person_create

from .conftest import axe_violations, screenshot
from .test_role_journeys import log_in


def test_preview_then_publish(page: Any, live_server: Any, transactional_db: None) -> None:
    call_command("load_curriculum", str(settings.CONTENT_DIR), verbosity=0)
    org = Organization.objects.create(name="Redactie", slug="redactie")
    editor = person_create(
        organization=org,
        first_name="Els",
        last_name="Redacteur",
        username="redacteur",
        password="wpo-demo",
        roles=[Role.CONTENT_EDITOR],
    )
    editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    assignment = Assignment.objects.get(subskill__skill__code="overleggen", subskill__number=1, level="A")

    log_in(page, live_server.url, "redacteur")
    assert page.url.endswith("/curriculum/")
    page.goto(f"{live_server.url}/curriculum/opdrachten/{assignment.pk}/bewerken/")
    page.get_by_label("Titel").fill("Ik vraag om hulp als ik iets niet weet")
    with page.expect_navigation():
        page.get_by_role("button", name="Voorbeeld bekijken").click()
    assert page.get_by_role("heading", name="Zo ziet de deelnemer het").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "redacteur-voorbeeld-360")
    # A national assignment goes into the draft edition; everyone gets it when the edition is published.
    with page.expect_navigation():
        page.get_by_role("button", name="In de concept-editie zetten").click()
    page.goto(f"{live_server.url}/curriculum/edities/concept/")
    assert axe_violations(page) == []
    page.get_by_label("Nummer van de editie").fill("2026.1")
    page.get_by_label("Wat is er nieuw").fill("De titel van Overleggen 1A zegt nu in gewone taal wat je doet.")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaren").click()
    screenshot(page, "redacteur-concept-editie")
    with page.expect_navigation():
        page.get_by_role("button", name="Editie 2026.1 publiceren").click()
    assert "Editie 2026.1 van de WPO-opdrachten" in page.content()
    assert "Ik vraag om hulp als ik iets niet weet" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "redacteur-editie-gepubliceerd")
    assignment.refresh_from_db()
    assert assignment.current_version is not None and assignment.current_version.number == 2
