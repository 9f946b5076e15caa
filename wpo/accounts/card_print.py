"""Printing a login card: the short window in which it can be printed, and the PDF itself.

The token in the QR code is kept nowhere in readable form, so a card can only be printed right
after it is issued. For ``PRINT_WINDOW`` the token waits in the issuing person's own session,
so that the PDF link on the issue page works, also a second time when the printer jams. After
that, from another device, or once the card is revoked or replaced, nobody can print the card
again: a new card is issued instead, which also revokes the old one.

Storing the token encrypted would allow reprinting at any time, but then anyone who has a copy
of the database and the server's secret key can print working cards, and a trainer would
print old cards again rather than make a new one with a new PIN. The PIN never goes into the
session: it is shown in the issue response only, so the database never holds both factors of
a card in readable form, not even for the print window.
"""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.template.loader import render_to_string

from wpo.lib import clock
from wpo.lib.pdf import html_to_pdf

from .access import token_hash
from .models import LoginCard

PRINT_WINDOW = timedelta(minutes=30)
SESSION_KEY = "login_card_print"
PRINT_CSS = Path(__file__).resolve().parent / "static" / "accounts" / "login_card_print.css"


def remember_for_printing(session: SessionBase, card: LoginCard, token: str) -> None:
    now = clock.epoch_seconds()
    waiting: dict[str, dict[str, Any]] = {
        participant_id: entry
        for participant_id, entry in session.get(SESSION_KEY, {}).items()
        if entry.get("until", 0) > now
    }
    waiting[str(card.person_id)] = {
        "card": card.pk,
        "token": token,
        "until": now + int(PRINT_WINDOW.total_seconds()),
    }
    session[SESSION_KEY] = waiting


def forget_for_printing(session: SessionBase, participant_id: int) -> None:
    waiting = dict(session.get(SESSION_KEY, {}))
    if waiting.pop(str(participant_id), None) is not None:
        session[SESSION_KEY] = waiting


def token_for_printing(session: SessionBase, card: LoginCard | None) -> str | None:
    """The token of ``card`` when this session issued it less than ``PRINT_WINDOW`` ago."""
    if card is None:
        return None
    entry = session.get(SESSION_KEY, {}).get(str(card.person_id))
    if not entry or entry.get("card") != card.pk or entry.get("until", 0) <= clock.epoch_seconds():
        return None
    token = str(entry.get("token", ""))
    return token if token_hash(token) == card.token_hash else None


def qr_data_uri(url: str) -> str:
    import segno

    # Level M survives a crease or a smudge on a card that lives in a pocket.
    qr = segno.make(url, error="m")
    return str(qr.svg_data_uri(scale=10, border=4, dark="#000", light="#fff"))


def render_card(*, first_name: str, organization_name: str, login_url: str, issued_at: datetime) -> bytes:
    """The card as a PDF: one A4 page with the card at twice bank-card size, to cut out."""
    html = render_to_string(
        "accounts/print/login_card.html",
        {
            "first_name": first_name,
            "organization_name": organization_name,
            "qr": qr_data_uri(login_url),
            "issued_at": issued_at,
        },
    )
    return html_to_pdf(html, PRINT_CSS)
