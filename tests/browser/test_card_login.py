"""A trainer makes a login card in a real browser; the participant logs in on a phone with the PIN."""

import re
from typing import Any

from django.contrib.sessions.backends.db import SessionStore

from wpo.accounts import card_print
from wpo.orgs.models import Person

from .conftest import PHONE, axe_violations, screenshot
from .test_role_journeys import demo, log_in  # noqa: F401  (fixture)


def make_card(page: Any, base: str) -> tuple[str, str]:
    """As the demo werkplekopleider, make a card for Sanne; return the login URL and the PIN."""
    sanne = Person.objects.get(user__username="deelnemer")
    log_in(page, base, "werkplekopleider")
    page.goto(f"{base}/accounts/inlogkaarten/{sanne.pk}/")
    assert "Inlogkaart van Sanne de Vries" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "werkplekopleider-inlogkaart-360")

    with page.expect_navigation():
        page.get_by_role("button", name="Maak een inlogkaart").click()
    pin = re.sub(r"\D", "", page.locator(".screen-title").inner_text())
    assert len(pin) == 5
    assert axe_violations(page) == []
    screenshot(page, "werkplekopleider-inlogkaart-gemaakt-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The token is nowhere but in the trainer's print window; the QR code on the PDF holds this URL.
    session_key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    token = SessionStore(session_key=session_key).load()[card_print.SESSION_KEY][str(sanne.pk)]["token"]
    return f"{base}/accounts/kaart/{token}/", pin


def test_a_participant_logs_in_with_the_card_and_the_pin(
    page: Any,
    browser: Any,
    live_server: Any,
    demo: None,  # noqa: F811
) -> None:
    url, pin = make_card(page, live_server.url)

    phone = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    try:
        phone.goto(url)
        # The browser landed on the page without the card's token (tests/attacks/test_card_url_history.py).
        assert phone.url == f"{live_server.url}/accounts/kaart/"
        assert phone.get_by_role("heading", level=1).inner_text() == "Hallo Sanne"
        field = phone.get_by_label("Typ je pincode")
        assert field.get_attribute("inputmode") == "numeric"
        assert field.bounding_box()["height"] >= 44
        assert phone.get_by_role("button", name="Inloggen").bounding_box()["height"] >= 44
        assert axe_violations(phone) == []
        screenshot(phone, "kaart-pincode-360")

        field.fill("00000" if pin != "00000" else "11111")
        with phone.expect_navigation():
            phone.get_by_role("button", name="Inloggen").click()
        assert "Deze pincode klopt niet. Probeer het nog een keer." in phone.content()
        assert axe_violations(phone) == []
        screenshot(phone, "kaart-pincode-fout-360")

        phone.get_by_label("Typ je pincode").fill(pin)
        with phone.expect_navigation():
            phone.get_by_role("button", name="Inloggen").click()
        assert phone.url == f"{live_server.url}/deelnemer/"
        assert phone.locator("body").get_attribute("data-idle-logout-seconds") == "300"
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        phone.context.close()


def test_a_shared_tablet_logs_out_by_itself(
    page: Any,
    browser: Any,
    live_server: Any,
    demo: None,  # noqa: F811
    settings: Any,
) -> None:
    settings.CARD_IDLE_LOGOUT_SECONDS = 2
    url, pin = make_card(page, live_server.url)
    tablet = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    try:
        tablet.goto(url)
        tablet.get_by_label("Typ je pincode").fill(pin)
        tablet.get_by_role("button", name="Inloggen").click()
        tablet.wait_for_url(f"{live_server.url}/deelnemer/")
        # app.js submits the logout form after the idle time, without anyone touching the screen.
        tablet.wait_for_url(f"{live_server.url}/accounts/inloggen/", timeout=10_000)
        tablet.goto(f"{live_server.url}/deelnemer/")
        assert "/accounts/inloggen/" in tablet.url
    finally:
        tablet.context.close()


def test_a_revoked_card_shows_a_friendly_page(
    page: Any,
    browser: Any,
    live_server: Any,
    demo: None,  # noqa: F811
) -> None:
    url, _pin = make_card(page, live_server.url)
    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar de inlogkaart").click()
    assert "Laatst gebruikt" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "werkplekopleider-inlogkaart-actief-360")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Kaart intrekken").click()
    assert "werkt niet meer" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "werkplekopleider-inlogkaart-ingetrokken-360")

    phone = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    try:
        response = phone.goto(url)
        assert response.status == 404
        assert "Deze inlogkaart werkt niet meer" in phone.content()
        assert axe_violations(phone) == []
        screenshot(phone, "kaart-ingetrokken-360")
    finally:
        phone.context.close()
