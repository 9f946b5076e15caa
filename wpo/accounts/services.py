"""Writes for login cards: issue, revoke, and checking a PIN. Each runs in one transaction."""

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused, checked
from wpo.orgs.models import Person
from wpo.orgs.permissions import may_issue_card

from . import lockout
from .access import token_hash
from .models import LoginCard

# The service desk (wpo/service) sets up the second factor of its operators, who are no person of any
# organisation, with the same machinery as ``manage.py operator_two_factor``.
from .two_factor import has_two_factor as has_two_factor
from .two_factor import operator_two_factor_confirm as operator_two_factor_confirm
from .two_factor import pending_totp as pending_totp
from .two_factor import secret_in_groups as secret_in_groups

# The PIN is made by the system, never chosen by the trainer, and is shown once on the
# trainer's screen and never printed. On a shop floor a chosen PIN tends to be 1234, a birth
# year, or the same number for a whole team; a PIN on the card would make a lost card a
# working login. Five digits: ten times the guessing work of a bank card's four, still a short
# number to remember. With the lock below someone holding a lost card gets at most 480 tries a
# day, so guessing takes months, while a trainer revokes a lost card the same day.
# Guessing tokens instead is hopeless (192 random bits). Someone guessing a few PINs on each of
# many cards meets the limit per address across cards (``lockout.card_begin``).
# Not done: an alert or a lasting block after repeated locks, and keeping card URLs out of proxy
# access logs.
PIN_LENGTH = 5
MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)
_RUNS = "01234567890", "98765432109"


def new_pin() -> str:
    """A random PIN that is not one of the few everybody tries first (11111, 12345, 54321)."""
    while True:
        pin = f"{secrets.randbelow(10**PIN_LENGTH):0{PIN_LENGTH}d}"
        if len(set(pin)) > 1 and not any(pin in run for run in _RUNS):
            return pin


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class IssuedCard:
    """A new card with its two secrets, which exist in readable form only here."""

    card: LoginCard
    token: str
    pin: str


@transaction.atomic
def login_card_issue(*, participant: Person, issued_by: Person) -> IssuedCard:
    """Make a new card for ``participant``; the card they had so far stops working."""
    if not may_issue_card(issued_by, participant):
        raise Refused(_("Een inlogkaart is alleen voor een deelnemer die je begeleidt en die geen andere rol heeft."))
    now = timezone.now()
    # Two trainers issuing at the same moment wait for each other here instead of one of them
    # running into the one-active-card constraint.
    Person.objects.select_for_update().filter(pk=participant.pk).first()
    LoginCard.objects.filter(person=participant, revoked_at__isnull=True).update(revoked_at=now, revoked_by=issued_by)
    token, pin = new_token(), new_pin()
    card = LoginCard(
        organization_id=participant.organization_id,
        person=participant,
        token_hash=token_hash(token),
        pin_hash=make_password(pin),
        created_by=issued_by,
    )
    checked(card)
    card.save()
    return IssuedCard(card=card, token=token, pin=pin)


@transaction.atomic
def login_card_revoke(*, card: LoginCard, revoked_by: Person) -> None:
    if card.revoked_at is not None:
        return
    card.revoked_at = timezone.now()
    card.revoked_by = revoked_by
    card.save(update_fields=["revoked_at", "revoked_by"])


class PinCheck(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    UNUSABLE = "unusable"


@transaction.atomic
def login_card_check_pin(*, card: LoginCard, pin: str, now: datetime | None = None) -> PinCheck:
    """Check a PIN typed for ``card`` and count it.

    The card's row is locked for the check, so parallel guesses wait for each other and cannot
    slip past the limit. While a card is locked even the right PIN is refused, without being
    compared. The fifth wrong PIN in a row locks the card for ``LOCK_DURATION``; after that the
    count starts again, and the right PIN resets it.
    """
    now = now or timezone.now()
    locked = LoginCard.objects.select_for_update().filter(pk=card.pk).first()
    if locked is None or locked.revoked_at is not None:
        return PinCheck.UNUSABLE
    if locked.is_locked(now):
        return PinCheck.LOCKED
    if check_password(pin, locked.pin_hash):
        locked.failed_attempts, locked.locked_until, locked.last_used_at = 0, None, now
        locked.save(update_fields=["failed_attempts", "locked_until", "last_used_at"])
        return PinCheck.OK
    locked.failed_attempts += 1
    result = PinCheck.WRONG
    if locked.failed_attempts >= MAX_FAILED_ATTEMPTS:
        locked.failed_attempts, locked.locked_until = 0, now + LOCK_DURATION
        result = PinCheck.LOCKED
    locked.save(update_fields=["failed_attempts", "locked_until"])
    return result


# Password lockout, lifted by the administrator ----------------------------------------------------


def login_names(person: Person) -> list[str]:
    """The names someone can type on the login page: the username and the e-mail address."""
    return [name for name in (person.user.username, person.user.email) if name]


def login_locked_until(person: Person) -> datetime | None:
    return lockout.name_locked_until(login_names(person))


@transaction.atomic
def login_unlock(*, person: Person) -> int:
    """Lift a password lockout on the person's names (see ``lockout``); the address limit stays.

    The failures of the person's username and e-mail address are deleted, locked or not, so the
    person gets all five tries again. How many failures were deleted.
    """
    return lockout.forget_names(login_names(person))
