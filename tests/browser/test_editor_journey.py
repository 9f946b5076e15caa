"""A content editor previews an assignment as the participant will see it, then publishes it."""

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
    with page.expect_navigation():
        page.get_by_role("button", name="Publiceren als nieuwe versie").click()
    assert "Versie 2 van" in page.content()
    assert axe_violations(page) == []
    assignment.refresh_from_db()
    assert assignment.current_version is not None and assignment.current_version.number == 2
