"""Login cards: a trainer issues a card with a QR code, the participant logs in with a PIN."""

import io
import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from wpo.accounts import card_print
from wpo.accounts.access import token_hash
from wpo.accounts.middleware import LAST_SEEN_KEY, LOGIN_METHOD_KEY
from wpo.accounts.models import LoginCard
from wpo.accounts.services import LOCK_DURATION, MAX_FAILED_ATTEMPTS, PIN_LENGTH, new_pin
from wpo.orgs.models import Person, Role

from .conftest import login
from .factories import PASSWORD, World, make_person

pytestmark = pytest.mark.django_db

WRONG_PIN = "Deze pincode klopt niet. Probeer het nog een keer."
ASK_FOR_HELP = "Vraag je werkplekopleider om hulp."
CARD_GONE = "Deze inlogkaart werkt niet meer"


def card_url(participant: Person) -> str:
    return reverse("accounts:login_card", kwargs={"person_id": participant.pk})


def pdf_url(participant: Person) -> str:
    return reverse("accounts:login_card_pdf", kwargs={"person_id": participant.pk})


def revoke_url(participant: Person) -> str:
    return reverse("accounts:login_card_revoke", kwargs={"person_id": participant.pk})


def login_url(token: str) -> str:
    return reverse("accounts:card_login", kwargs={"token": token})


def issue(client: Client, by: Person, participant: Person) -> tuple[str, str]:
    """Issue a card as ``by`` through the page; return the token (from the print window) and the PIN shown."""
    login(client, by)
    response = client.post(card_url(participant))
    assert response.status_code == 200
    match = re.search(r'class="screen-title">([\d ]+)<', response.content.decode())
    assert match, "the issue page shows the PIN"
    pin = match.group(1).replace(" ", "")
    token = client.session[card_print.SESSION_KEY][str(participant.pk)]["token"]
    client.logout()
    return token, pin


def type_pin(client: Client, token: str, pin: str, **kwargs: bool):  # type: ignore[no-untyped-def]
    return client.post(login_url(token), {"pin": pin}, **kwargs)


def wrong(pin: str) -> str:
    return f"{(int(pin) + 1) % 10**PIN_LENGTH:0{PIN_LENGTH}d}"


# Issuing -------------------------------------------------------------------------------------


def test_issuing_stores_neither_the_pin_nor_the_token(client: Client, world: World) -> None:
    token, pin = issue(client, world.trainer, world.participant)
    card = LoginCard.objects.get(person=world.participant)
    assert len(pin) == PIN_LENGTH and pin.isdigit()
    assert len(token) >= 32
    assert card.token_hash == token_hash(token) != token
    assert pin not in card.pin_hash and token not in card.pin_hash
    assert card.pin_hash.startswith(("pbkdf2", "md5", "argon2", "bcrypt", "scrypt"))
    assert card.created_by == world.trainer and card.organization == world.org


def test_the_pin_is_shown_once_and_never_kept_in_the_session(client: Client, world: World) -> None:
    login(client, world.trainer)
    body = client.post(card_url(world.participant)).content.decode()
    pin = re.search(r'class="screen-title">([\d ]+)<', body).group(1).replace(" ", "")  # type: ignore[union-attr]
    assert pin not in str(dict(client.session.items()))
    assert pin not in client.get(card_url(world.participant)).content.decode()


def test_pins_are_never_the_obvious_ones() -> None:
    pins = {new_pin() for _ in range(2000)}
    assert all(len(p) == PIN_LENGTH and p.isdigit() for p in pins)
    assert not pins & {"00000", "11111", "12345", "23456", "54321", "98765", "01234"}


def test_reissuing_revokes_the_old_card(client: Client, world: World) -> None:
    old_token, old_pin = issue(client, world.trainer, world.participant)
    new_token, new_pin_ = issue(client, world.administrator, world.participant)
    assert LoginCard.objects.filter(person=world.participant, revoked_at__isnull=True).count() == 1
    old = LoginCard.objects.get(token_hash=token_hash(old_token))
    assert old.revoked_at is not None and old.revoked_by == world.administrator

    response = type_pin(client, old_token, old_pin)
    assert response.status_code == 404 and CARD_GONE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert type_pin(client, new_token, new_pin_, follow=True).redirect_chain[-1][0] == "/deelnemer/"


def test_a_revoked_card_no_longer_works(client: Client, world: World) -> None:
    token, pin = issue(client, world.trainer, world.participant)
    login(client, world.trainer)
    response = client.post(revoke_url(world.participant), follow=True)
    assert "werkt niet meer" in response.content.decode()
    client.logout()

    page = client.get(login_url(token))
    assert page.status_code == 404
    body = page.content.decode()
    assert CARD_GONE in body and "Vraag je werkplekopleider om een nieuwe kaart." in body
    assert type_pin(client, token, pin).status_code == 404
    assert "_auth_user_id" not in client.session


def test_revoking_without_a_card_says_so(client: Client, world: World) -> None:
    login(client, world.trainer)
    response = client.post(revoke_url(world.participant), follow=True)
    assert "had geen werkende inlogkaart" in response.content.decode()


# Card login ----------------------------------------------------------------------------------


def test_the_pin_page_is_big_simple_and_shows_only_the_first_name(client: Client, world: World) -> None:
    token, _pin = issue(client, world.trainer, world.participant)
    response = client.get(login_url(token), follow=True)  # on to the same page without the token
    body = response.content.decode()
    assert response.status_code == 200
    assert world.participant.user.first_name in body and "Typ je pincode" in body
    assert world.participant.user.last_name not in body and world.org.name not in body
    field = re.search(r"<input[^>]*name=\"pin\"[^>]*>", body).group(0)  # type: ignore[union-attr]
    assert 'inputmode="numeric"' in field and 'autocomplete="one-time-code"' in field
    assert "<script>" not in body


def test_the_right_pin_logs_in_and_lands_on_the_participant_start_page(client: Client, world: World) -> None:
    token, pin = issue(client, world.trainer, world.participant)
    response = type_pin(client, token, pin, follow=True)
    assert response.redirect_chain[0][0] == "/"
    assert response.redirect_chain[-1][0] == "/deelnemer/"
    assert response.status_code == 200
    assert int(client.session["_auth_user_id"]) == world.participant.user.pk
    assert client.session[LOGIN_METHOD_KEY] == "card"
    card = LoginCard.objects.get(person=world.participant)
    assert card.last_used_at is not None and card.failed_attempts == 0


def test_a_pin_typed_with_spaces_still_works(client: Client, world: World) -> None:
    token, pin = issue(client, world.trainer, world.participant)
    assert type_pin(client, token, f" {pin[:2]} {pin[2:]} ").status_code == 302


def test_a_wrong_pin_gives_a_clear_message(client: Client, world: World) -> None:
    token, pin = issue(client, world.trainer, world.participant)
    response = type_pin(client, token, wrong(pin))
    assert response.status_code == 200
    assert WRONG_PIN in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginCard.objects.get(person=world.participant).failed_attempts == 1


def test_an_empty_pin_is_asked_for_and_not_counted(client: Client, world: World) -> None:
    token, _pin = issue(client, world.trainer, world.participant)
    response = type_pin(client, token, "")
    assert "Typ je pincode." in response.content.decode()
    assert LoginCard.objects.get(person=world.participant).failed_attempts == 0


def test_five_wrong_pins_lock_the_card_even_for_the_right_pin(client: Client, world: World) -> None:
    token, pin = issue(client, world.trainer, world.participant)
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        assert WRONG_PIN in type_pin(client, token, wrong(pin)).content.decode()
    locked = type_pin(client, token, wrong(pin))
    assert locked.status_code == 429
    body = locked.content.decode()
    assert ASK_FOR_HELP in body and WRONG_PIN not in body and 'name="pin"' not in body

    refused = type_pin(client, token, pin)
    assert refused.status_code == 429 and ASK_FOR_HELP in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert ASK_FOR_HELP in client.get(login_url(token), follow=True).content.decode()

    # A quarter of an hour later the right PIN works again.
    card = LoginCard.objects.get(person=world.participant)
    assert card.locked_until is not None
    assert card.locked_until - timezone.now() <= LOCK_DURATION
    card.locked_until = timezone.now() - timedelta(seconds=1)
    card.save()
    assert type_pin(client, token, pin, follow=True).redirect_chain[-1][0] == "/deelnemer/"


def test_the_trainer_sees_that_a_card_is_locked(client: Client, world: World) -> None:
    token, pin = issue(client, world.trainer, world.participant)
    for _ in range(MAX_FAILED_ATTEMPTS):
        type_pin(client, token, wrong(pin))
    login(client, world.trainer)
    assert "te vaak een verkeerde pincode" in client.get(card_url(world.participant)).content.decode()


def test_the_lock_of_one_card_does_not_touch_another(client: Client, world: World) -> None:
    other = make_person(world.org, [Role.PARTICIPANT], world.department)
    other.trainers.add(world.trainer, through_defaults={"organization": world.org})
    token, pin = issue(client, world.trainer, world.participant)
    other_token, other_pin = issue(client, world.trainer, other)
    for _ in range(MAX_FAILED_ATTEMPTS):
        type_pin(client, token, wrong(pin))
    body = client.get(login_url(other_token), follow=True).content.decode()
    assert ASK_FOR_HELP not in body and world.participant.user.first_name not in body
    assert type_pin(client, other_token, other_pin).status_code == 302


def test_an_unknown_token_gets_a_friendly_404(client: Client, world: World) -> None:
    for token in ("bestaat-niet", "x" * 500):
        response = client.get(login_url(token))
        assert response.status_code == 404
        assert CARD_GONE in response.content.decode()


def test_a_card_stops_working_when_the_account_is_switched_off(client: Client, world: World) -> None:
    token, pin = issue(client, world.trainer, world.participant)
    world.participant.user.is_active = False
    world.participant.user.save()
    assert type_pin(client, token, pin).status_code == 404
    assert "_auth_user_id" not in client.session


def test_password_login_still_works_next_to_cards(client: Client, world: World) -> None:
    issue(client, world.trainer, world.participant)
    response = client.post(
        reverse("accounts:login"), {"username": world.participant.user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/deelnemer/"
    assert LOGIN_METHOD_KEY not in client.session


def test_a_card_of_organisation_a_is_only_a_login_page_for_someone_of_organisation_b(
    client: Client, world: World, outsider: Person
) -> None:
    """The card login page is public by design (exempt from the walk in test_tenant_isolation):
    the token is the bearer secret. Someone of another organisation who opens it sees the login
    page of that card with its first name and nothing else, and stays who they are."""
    token, pin = issue(client, world.trainer, world.participant)
    login(client, outsider)
    response = client.get(login_url(token), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert world.participant.user.first_name in body
    for secret in (world.participant.user.last_name, world.department.name, world.org.name, world.trainer.name):
        assert secret not in body
    assert WRONG_PIN in type_pin(client, token, wrong(pin)).content.decode()
    assert int(client.session["_auth_user_id"]) == outsider.user.pk
    # Opening the card gave the outsider nothing of organisation A.
    assert client.get(card_url(world.participant)).status_code == 404


# Who may manage cards ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["trainer", "administrator"])
def test_the_trainer_of_the_participant_and_an_administrator_may_manage_cards(
    who: str, client: Client, world: World
) -> None:
    login(client, getattr(world, who))
    assert client.get(card_url(world.participant)).status_code == 200
    assert client.post(card_url(world.participant)).status_code == 200
    pdf = client.get(pdf_url(world.participant))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.post(revoke_url(world.participant)).status_code == 302


def _requests(client: Client, participant: Person) -> dict[str, int]:
    return {
        "status": client.get(card_url(participant)).status_code,
        "issue": client.post(card_url(participant)).status_code,
        "pdf": client.get(pdf_url(participant)).status_code,
        "revoke": client.post(revoke_url(participant)).status_code,
    }


@pytest.mark.parametrize("role", [Role.COACH, Role.PROJECT_MANAGER, Role.CONTENT_EDITOR, Role.PARTICIPANT])
def test_other_roles_may_not_manage_cards(role: Role, client: Client, world: World) -> None:
    login(client, world.by_role(role))
    assert set(_requests(client, world.participant).values()) == {403}
    assert not LoginCard.objects.exists()


def test_a_trainer_who_does_not_train_the_participant_gets_403(client: Client, world: World) -> None:
    stranger = make_person(world.org, [Role.TRAINER], world.department)
    login(client, stranger)
    assert set(_requests(client, world.participant).values()) == {403}
    assert not LoginCard.objects.exists()


def test_someone_of_another_organisation_gets_404(client: Client, world: World, outsider: Person) -> None:
    issue(client, world.trainer, world.participant)
    login(client, outsider)
    assert set(_requests(client, world.participant).values()) == {404}
    assert LoginCard.objects.get(person=world.participant).revoked_at is None


def test_only_participants_have_cards(client: Client, world: World) -> None:
    login(client, world.administrator)
    assert set(_requests(client, world.coach).values()) == {404}


def test_revoking_needs_post(client: Client, world: World) -> None:
    issue(client, world.trainer, world.participant)
    login(client, world.trainer)
    assert client.get(revoke_url(world.participant)).status_code == 405
    assert LoginCard.objects.get(person=world.participant).revoked_at is None


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, world: World) -> None:
    for url in (card_url(world.participant), pdf_url(world.participant)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/inloggen/")
    assert client.post(revoke_url(world.participant)).status_code == 302


# Printing ------------------------------------------------------------------------------------


def test_the_pdf_is_a_card_with_the_first_name_and_a_qr_code_of_the_login_url(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded: list[str] = []
    real_qr = card_print.qr_data_uri
    monkeypatch.setattr(card_print, "qr_data_uri", lambda url: encoded.append(url) or real_qr(url))
    login(client, world.trainer)
    client.post(card_url(world.participant))
    token = client.session[card_print.SESSION_KEY][str(world.participant.pk)]["token"]

    response = client.get(pdf_url(world.participant))
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert world.participant.user.first_name in text and world.org.name in text
    assert "Scan de code met je" in text and "pincode" in text
    assert world.participant.user.last_name not in text
    assert encoded == [f"http://testserver/accounts/kaart/{token}/"]
    # The PIN is not on the card, and the printed URL is the card's login page.
    assert client.get(encoded[0], follow=True).status_code == 200


def test_a_card_prints_only_right_after_issuing_in_the_same_session(client: Client, world: World) -> None:
    login(client, world.trainer)
    client.post(card_url(world.participant))
    assert client.get(pdf_url(world.participant)).status_code == 200
    assert client.get(pdf_url(world.participant)).status_code == 200, "a jammed printer may try again"

    other_device = Client()
    login(other_device, world.trainer)
    response = other_device.get(pdf_url(world.participant), follow=True)
    assert response.redirect_chain[-1][0] == card_url(world.participant)
    assert "kan niet meer geprint worden" in response.content.decode()

    session = client.session
    session[card_print.SESSION_KEY][str(world.participant.pk)]["until"] = 0
    session.save()
    assert client.get(pdf_url(world.participant)).status_code == 302


def test_a_revoked_card_cannot_be_printed(client: Client, world: World) -> None:
    login(client, world.trainer)
    client.post(card_url(world.participant))
    client.post(revoke_url(world.participant))
    assert client.get(pdf_url(world.participant)).status_code == 302


# Shared tablets ------------------------------------------------------------------------------


def _age_session(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(session.get(LAST_SEEN_KEY, 0) or timezone.now().timestamp()) - seconds
    session.save()


@override_settings(CARD_IDLE_LOGOUT_SECONDS=120)
def test_a_card_session_tells_the_page_when_to_log_out(client: Client, world: World) -> None:
    token, pin = issue(client, world.trainer, world.participant)
    type_pin(client, token, pin)
    assert 'data-idle-logout-seconds="120"' in client.get("/deelnemer/").content.decode()


def test_a_password_session_has_no_idle_logout(client: Client, world: World) -> None:
    login(client, world.participant)
    assert "data-idle-logout-seconds" not in client.get("/deelnemer/").content.decode()


@override_settings(CARD_IDLE_LOGOUT_SECONDS=300)
def test_the_server_logs_out_an_idle_card_session(client: Client, world: World) -> None:
    token, pin = issue(client, world.trainer, world.participant)
    type_pin(client, token, pin)
    _age_session(client, 200)
    assert client.get("/deelnemer/").status_code == 200, "still within the idle time"
    assert time_left(client) >= 290, "every request counts as activity (without it: about 100)"

    _age_session(client, 301)
    response = client.get("/deelnemer/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/inloggen/")
    assert "_auth_user_id" not in client.session
    assert "een tijd niets hebt gedaan" in client.get(response["Location"]).content.decode()


def time_left(client: Client) -> float:
    return 300 - (timezone.now().timestamp() - client.session[LAST_SEEN_KEY])


@override_settings(CARD_IDLE_LOGOUT_SECONDS=300)
def test_a_password_session_is_not_logged_out_when_idle(client: Client, world: World) -> None:
    login(client, world.participant)
    session = client.session
    session[LAST_SEEN_KEY] = int(timezone.now().timestamp()) - 3600
    session.save()
    assert client.get("/deelnemer/").status_code == 200
    assert int(client.session["_auth_user_id"]) == world.participant.user.pk


def test_keep_alive_answers_204_for_a_logged_in_person(client, world) -> None:  # type: ignore[no-untyped-def]
    from .conftest import login

    assert client.get("/accounts/nog-bezig/").status_code == 302
    login(client, world.participant)
    assert client.get("/accounts/nog-bezig/").status_code == 204
