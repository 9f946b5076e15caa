"""Finding 8 (LOW): login-card tokens stayed in a shared tablet's browser history.

The attack: the QR code on a login card holds ``/accounts/kaart/<token>/`` and the PIN page lived
at that address, so the tablet's history (and its address bar's suggestions) kept a working card's
address. The next person on the tablet opens it from the history and guesses that participant's
PIN, without ever holding the card.

The fix (wpo/accounts/views.py ``card_login``): a GET of the card's address keeps the token in the
server-side session and answers 303 See Other to ``/accounts/kaart/``, the same page without the
token; the PIN is posted there. The remembered token lasts as long as an idle card session
(``CARD_IDLE_LOGOUT_SECONDS``) and is dropped at login. What the browser shows and keeps in its
history is only the address without the token.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wpo.accounts.services import login_card_issue
from wpo.accounts.views import CARD_TOKEN_KEY

from ..factories import World

pytestmark = pytest.mark.django_db

PIN_PAGE = "/accounts/kaart/"


def test_the_tablet_only_ever_shows_and_keeps_the_address_without_the_token(world: World) -> None:
    card = login_card_issue(participant=world.participant, issued_by=world.administrator)
    tablet = Client()
    scanned = tablet.get(reverse("accounts:card_login", kwargs={"token": card.token}), follow=True)
    # The card's address answered "see other": a browser keeps only the address it landed on.
    assert scanned.redirect_chain == [(PIN_PAGE, 303)]
    assert scanned.request["PATH_INFO"] == PIN_PAGE and card.token not in scanned.request["PATH_INFO"]
    body = scanned.content.decode()
    assert "Typ je pincode" in body and card.token not in body

    wrong = tablet.post(PIN_PAGE, {"pin": f"{(int(card.pin) + 1) % 100000:05d}"})
    assert wrong.status_code == 200 and "Deze pincode klopt niet" in wrong.content.decode()
    assert card.token not in wrong.content.decode()

    right = tablet.post(PIN_PAGE, {"pin": card.pin}, follow=True)
    assert right.redirect_chain[-1][0] == "/deelnemer/"
    assert int(tablet.session["_auth_user_id"]) == world.participant.user.pk
    assert CARD_TOKEN_KEY not in tablet.session, "the token is dropped at login"
    visited = [PIN_PAGE, *(url for url, _status in right.redirect_chain)]
    assert not any(card.token in url for url in visited)


def test_the_next_person_on_the_tablet_gets_no_card_from_the_history(world: World, time_machine: Any) -> None:
    card = login_card_issue(participant=world.participant, issued_by=world.administrator)
    time_machine.move_to(timezone.now(), tick=False)
    tablet = Client()
    tablet.get(reverse("accounts:card_login", kwargs={"token": card.token}))
    # Someone else opens the page from the history a while later: the scan has run out.
    time_machine.move_to(timezone.now() + timedelta(minutes=6), tick=False)
    later = tablet.get(PIN_PAGE)
    assert later.status_code == 400 and "Scan je kaart opnieuw" in later.content.decode()
    assert world.participant.user.first_name not in later.content.decode()
    assert tablet.post(PIN_PAGE, {"pin": card.pin}).status_code == 400
    assert "_auth_user_id" not in tablet.session

    # Another browser never had a scan at all.
    assert Client().get(PIN_PAGE).status_code == 400


def test_a_revoked_card_is_forgotten_by_the_pin_page(world: World) -> None:
    card = login_card_issue(participant=world.participant, issued_by=world.administrator)
    tablet = Client()
    tablet.get(reverse("accounts:card_login", kwargs={"token": card.token}))
    login_card_issue(participant=world.participant, issued_by=world.administrator)  # the old card is revoked
    response = tablet.post(PIN_PAGE, {"pin": card.pin})
    assert response.status_code == 404 and "Deze inlogkaart werkt niet meer" in response.content.decode()
    assert CARD_TOKEN_KEY not in tablet.session
