"""Limits per client address (login cards, the public certificate check) and the administrator's unlock."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from wpo.accounts import lockout
from wpo.accounts.models import LoginCard, LoginFailure
from wpo.accounts.services import MAX_FAILED_ATTEMPTS, PIN_LENGTH, login_card_issue
from wpo.certificates import throttle
from wpo.orgs.models import Person, Role

from .conftest import login
from .factories import PASSWORD, World, make_certificate, make_person

ADDRESS_LOCKED = "Op dit apparaat zijn te vaak verkeerde pincodes getypt."
WRONG_PIN = "Deze pincode klopt niet."
PASSWORD_LOCKED = "Er is te vaak een verkeerd wachtwoord ingevuld."
TOO_MANY_CHECKS = "Vanaf uw adres zijn in korte tijd te veel certificaten gecontroleerd."


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def wrong(pin: str) -> str:
    return f"{(int(pin) + 1) % 10**PIN_LENGTH:0{PIN_LENGTH}d}"


def type_pin(client: Client, token: str, pin: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:card_login", kwargs={"token": token}), {"pin": pin})


def cards(world: World, n: int) -> list[tuple[str, str]]:
    """``n`` participants of organisation A with a fresh card each: (token, PIN)."""
    issued = []
    for _ in range(n):
        participant = make_person(world.org, [Role.PARTICIPANT], world.department)
        card = login_card_issue(participant=participant, issued_by=world.administrator)
        issued.append((card.token, card.pin))
    return issued


def age_failures(by: timedelta) -> None:
    for failure in LoginFailure.objects.all():
        failure.at -= by
        failure.save(update_fields=["at"])


# Login cards: a limit per address across cards ---------------------------------------------------


def guess_across_cards(client: Client, world: World, guesses: int) -> list[tuple[str, str]]:
    """``guesses`` wrong PINs from the client's address, a few per card, never enough to lock a card."""
    per_card = MAX_FAILED_ATTEMPTS - 1
    stack = cards(world, -(-guesses // per_card) + 1)
    done = 0
    for token, pin in stack[:-1]:
        for _ in range(min(per_card, guesses - done)):
            response = type_pin(client, token, wrong(pin))
            assert response.status_code == 200 and WRONG_PIN in response.content.decode()
            done += 1
    return stack


def test_thirty_wrong_pins_across_cards_lock_the_address_for_card_logins(client: Client, world: World) -> None:
    stack = guess_across_cards(client, world, lockout.CARD_CLIENT_LIMIT)
    assert not LoginCard.objects.filter(locked_until__isnull=False).exists(), "no card reached its own limit"
    token, pin = stack[-1]

    refused = type_pin(client, token, pin)  # the right PIN of an untouched card
    assert refused.status_code == 429
    body = refused.content.decode()
    assert ADDRESS_LOCKED in body and 'name="pin"' not in body
    assert "_auth_user_id" not in client.session
    # Refused before the PIN was compared: the card counted nothing.
    assert LoginCard.objects.get(pk=card_pk(token)).failed_attempts == 0


def card_pk(token: str) -> int:
    from wpo.accounts.access import token_hash

    return LoginCard.objects.get(token_hash=token_hash(token)).pk


def test_another_address_and_the_password_login_are_not_touched(client: Client, world: World) -> None:
    stack = guess_across_cards(client, world, lockout.CARD_CLIENT_LIMIT)
    token, pin = stack[-1]
    elsewhere = Client(REMOTE_ADDR="192.0.2.77")
    assert type_pin(elsewhere, token, pin).status_code == 302
    assert "_auth_user_id" in elsewhere.session
    # Wrong PINs are not wrong passwords: the same address still logs in with a password.
    response = client.post(reverse("accounts:login"), {"username": world.coach.user.username, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_address_lock_ends_after_a_quarter_of_an_hour(client: Client, world: World) -> None:
    stack = guess_across_cards(client, world, lockout.CARD_CLIENT_LIMIT)
    token, pin = stack[-1]
    assert type_pin(client, token, pin).status_code == 429
    age_failures(lockout.LOCK_DURATION + timedelta(seconds=1))
    assert type_pin(client, token, pin).status_code == 302


def test_twenty_nine_wrong_pins_and_right_ones_do_not_lock(client: Client, world: World) -> None:
    stack = guess_across_cards(client, world, lockout.CARD_CLIENT_LIMIT - 1)
    token, pin = stack[-1]
    # Right PINs are not counted: a classroom logging in on one tablet is never locked out.
    for _ in range(3):
        fresh = Client()
        assert type_pin(fresh, token, pin).status_code == 302
    assert LoginFailure.objects.count() == lockout.CARD_CLIENT_LIMIT - 1
    assert set(LoginFailure.objects.values_list("client", flat=True)) == {"card:127.0.0.1"}


def test_wrong_passwords_do_not_lock_card_logins(client: Client, world: World) -> None:
    for i in range(lockout.CLIENT_LIMIT):
        client.post(reverse("accounts:login"), {"username": f"gok{i}", "password": "fout"})
    (token, pin), *_ = cards(world, 1)
    assert type_pin(client, token, pin).status_code == 302


# The administrator lifts a password lockout --------------------------------------------------------


def lock_password_login(person: Person, *, by_email: bool = False) -> None:
    typed = person.user.email if by_email else person.user.username
    anyone = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(lockout.NAME_LIMIT):
        anyone.post(reverse("accounts:login"), {"username": typed, "password": "helemaal-fout"})
    refused = anyone.post(reverse("accounts:login"), {"username": typed, "password": PASSWORD})
    assert refused.status_code == 429 and PASSWORD_LOCKED in refused.content.decode()


def unlock_url(person: Person) -> str:
    return reverse("accounts:person_unlock", kwargs={"person_id": person.pk})


@pytest.mark.parametrize("by_email", [False, True], ids=["username", "email"])
def test_the_administrator_sees_the_lock_and_lifts_it(client: Client, world: World, by_email: bool) -> None:
    lock_password_login(world.trainer, by_email=by_email)
    login(client, world.administrator)
    page = client.get(reverse("orgs:person_edit", kwargs={"person_id": world.trainer.pk})).content.decode()
    assert "Blokkade opheffen" in page and unlock_url(world.trainer) in page

    response = client.post(unlock_url(world.trainer), follow=True)
    assert response.redirect_chain[-1][0] == reverse("orgs:person_edit", kwargs={"person_id": world.trainer.pk})
    assert "kan weer inloggen" in response.content.decode()
    assert "Blokkade opheffen" not in response.content.decode()
    assert not LoginFailure.objects.exists()

    trainer = Client(REMOTE_ADDR="198.51.100.20")
    typed = world.trainer.user.email if by_email else world.trainer.user.username
    trainer.post(reverse("accounts:login"), {"username": typed, "password": PASSWORD})
    assert "_auth_user_id" in trainer.session


def test_no_button_without_a_lock_and_other_names_stay_locked(client: Client, world: World) -> None:
    lock_password_login(world.coach)
    login(client, world.administrator)
    page = client.get(reverse("orgs:person_edit", kwargs={"person_id": world.trainer.pk})).content.decode()
    assert "Blokkade opheffen" not in page
    client.post(unlock_url(world.trainer))
    assert LoginFailure.objects.filter(login_name=world.coach.user.username.lower()).count() == lockout.NAME_LIMIT


def test_unlocking_needs_post(client: Client, world: World) -> None:
    login(client, world.administrator)
    assert client.get(unlock_url(world.trainer)).status_code == 405


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMINISTRATOR])
def test_only_the_administrator_may_unlock(client: Client, world: World, role: Role) -> None:
    lock_password_login(world.trainer)
    login(client, make_person(world.org, [role]))
    assert client.post(unlock_url(world.trainer)).status_code == 403
    assert LoginFailure.objects.count() == lockout.NAME_LIMIT


def test_an_administrator_of_another_organisation_gets_404(client: Client, world: World, outsider: Person) -> None:
    lock_password_login(world.trainer)
    login(client, outsider)
    assert client.post(unlock_url(world.trainer)).status_code == 404
    assert LoginFailure.objects.count() == lockout.NAME_LIMIT


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, world: World) -> None:
    response = client.post(unlock_url(world.trainer))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# The public certificate check: a limit per address --------------------------------------------------


def test_sixty_checks_per_address_then_429(client: Client, world: World) -> None:
    url = reverse("certificates:verify", kwargs={"code": make_certificate(world).display_code})
    for _ in range(throttle.LIMIT):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429 and TOO_MANY_CHECKS in refused.content.decode()
    assert refused["X-Robots-Tag"] == "noindex, nofollow"
    # The form counts against the same limit: it is the same lookup.
    assert client.get(reverse("certificates:verify_form"), {"code": "WPO-AAAA-BBBB-CCCC"}).status_code == 429
    # The empty form costs nothing and still shows.
    assert client.get(reverse("certificates:verify_form")).status_code == 200
    # Another address is not touched.
    assert Client(REMOTE_ADDR="192.0.2.9").get(url).status_code == 200


def test_unknown_codes_count_too(client: Client, world: World) -> None:
    for i in range(throttle.LIMIT):
        assert client.get(reverse("certificates:verify", kwargs={"code": f"WPO-AAAA-BBBB-{i:04d}"})).status_code == 404
    assert client.get(reverse("certificates:verify", kwargs={"code": "WPO-AAAA-BBBB-9999"})).status_code == 429


def test_the_limit_starts_again_in_the_next_window(rf, world: World) -> None:  # type: ignore[no-untyped-def]
    request = rf.get("/", REMOTE_ADDR="192.0.2.10")
    start = 1_000_000 * throttle.WINDOW_SECONDS
    assert all(throttle.lookup_allowed(request, now=start) for _ in range(throttle.LIMIT))
    assert not throttle.lookup_allowed(request, now=start + 1)
    assert throttle.lookup_allowed(request, now=start + throttle.WINDOW_SECONDS)


def test_a_broken_cache_lets_the_check_through(rf, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("redis is away")

    monkeypatch.setattr(cache, "add", broken)
    assert throttle.lookup_allowed(rf.get("/"))
