"""A coach whose organisation requires two-factor sets up an authenticator app on a phone-sized screen."""

import base64
from typing import Any

from wpo.accounts.models import SecretTOTPDevice, SecurityPolicy
from wpo.orgs.models import Organization, Role
from wpo.orgs.services import person_create

from ..test_two_factor import code_for
from .conftest import PHONE, axe_violations, screenshot

PASSWORD = "Werkplek-2026!"


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"])


def test_a_coach_sets_up_two_factor_and_logs_in_with_a_code(
    page: Any, live_server: Any, transactional_db: None
) -> None:
    org = Organization.objects.create(name="Werkbedrijf Noord", slug="werkbedrijf-noord")
    SecurityPolicy.objects.create(organization=org, two_factor_required=True)
    coach = person_create(
        organization=org,
        first_name="Fatima",
        last_name="El Amrani",
        username="coach",
        email="coach@noord.example",
        password=PASSWORD,
        department=None,
        roles=[Role.COACH],
    )
    base = live_server.url

    # After the password the organisation's rule sends her to set it up before anything else.
    log_in(page, base, "coach")
    assert "/accounts/tweestaps/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Tweestapsverificatie"
    assert "Uw organisatie vraagt dat u tweestapsverificatie gebruikt" in page.content()
    qr = page.get_by_role("img", name="QR-code om te scannen met de app")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.bounding_box()["width"] <= PHONE["width"]
    assert axe_violations(page) == []
    assert fits(page)
    screenshot(page, "tweestaps-instellen-360")

    # "Scanning": the key the phone would read is the device's; the grouped key on the page is the same.
    device = SecretTOTPDevice.objects.get(user=coach.user, confirmed=False)  # the key is stored encrypted
    shown = page.locator("#sleutel").inner_text().replace(" ", "")
    assert shown == base64.b32encode(device.bin_key).decode().rstrip("=")
    page.get_by_role("textbox", name="Code").fill(code_for(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Tweestapsverificatie aanzetten").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Uw reservecodes"
    assert page.locator(".backup-codes li").count() == 10
    assert axe_violations(page) == []
    assert fits(page)
    screenshot(page, "tweestaps-reservecodes-360")
    with page.expect_navigation():
        page.get_by_role("link", name="Ik heb de codes bewaard").click()
    assert page.url.endswith("/coach/")

    # Next time: password, then the code from the app.
    page.context.clear_cookies()
    log_in(page, base, "coach")
    assert page.url.endswith("/accounts/inloggen/code/")
    field = page.get_by_role("textbox", name="Code")
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.bounding_box()["height"] >= 44
    assert axe_violations(page) == []
    assert fits(page)
    screenshot(page, "tweestaps-code-360")
    field.fill(code_for(device, 1))
    with page.expect_navigation():
        page.get_by_role("button", name="Verder").click()
    assert page.url.endswith("/coach/")
