"""Lockout after repeated password failures on the login page.

Rules: ``NAME_LIMIT`` (5) failures for one login name within ``WINDOW`` (15 minutes) lock that
name for ``LOCK_DURATION`` (15 minutes) counted from the last failure; ``CLIENT_LIMIT`` (30)
failures from one IP address (for IPv6: one /64 network) within ``WINDOW`` lock that address the
same way. While locked the login form refuses without checking the password: no hashing cost,
and no way to learn whether the password was right. The name is counted as typed (lower-cased),
whether or not an account has it, so the lock says nothing about which accounts exist. A
successful login deletes the failures of its name.

Concurrency ("claim, then count"): every attempt first writes its ``LoginFailure`` row and commits
it in a transaction of its own, and only then counts the rows of its name and address,
committed ones of parallel attempts included. Whichever attempt commits later always sees the
earlier one, so of any number of parallel guesses at most the limit get through; in a tight
race one more may be refused than strictly needed, never one more allowed. This needs no
lock and works the same on PostgreSQL and SQLite. The row stays as the failure record (kept even
when the request fails later), is deleted when the password was right, and is deleted when the
attempt was refused (a refused attempt checked no password and does not make the lock longer).

Login cards have a limit per card (``services.login_card_check_pin``) and, here, one per address
across cards: ``CARD_CLIENT_LIMIT`` (30) wrong PINs from one address within ``WINDOW`` lock that
address for card logins for ``LOCK_DURATION``. Someone walking a stack of found cards, or guessing
a few PINs on each of many cards to stay under every card's own limit, is stopped after 30 tries
from their address. The failures share the ``LoginFailure`` table, claimed and counted the same
way, under a client key of their own (``card:`` and the address) and an empty login name, which the
password form never sends: card failures never lock a password login, nor the other way round.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .models import LoginFailure

NAME_LIMIT = 5
CLIENT_LIMIT = 30
CARD_CLIENT_LIMIT = 30
CARD_LOGIN_NAME = ""
WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
KEEP = timedelta(days=1)
# The lock from the last failure can reach back WINDOW + LOCK_DURATION; older rows never matter.
_LOOK_BACK = WINDOW + LOCK_DURATION


def normalise(login_name: str) -> str:
    return login_name.strip().lower()[:254]


def _locked_until(times: list[datetime], limit: int) -> datetime | None:
    """Given failure times newest first: the end of the lock they cause, or None."""
    if len(times) < limit or times[0] - times[limit - 1] > WINDOW:
        return None
    return times[0] + LOCK_DURATION


def _lock_end(*, login_name: str, client: str, now: datetime, exclude_pk: int | None = None) -> datetime | None:
    checks = (("login_name", login_name, NAME_LIMIT), ("client", client, CLIENT_LIMIT))
    return _lock_end_of(checks, now=now, exclude_pk=exclude_pk)


def _lock_end_of(
    checks: tuple[tuple[str, str, int], ...], *, now: datetime, exclude_pk: int | None = None
) -> datetime | None:
    since = now - _LOOK_BACK
    ends = []
    for field, value, limit in checks:
        rows = LoginFailure.objects.filter(**{field: value}, at__gte=since)
        if exclude_pk is not None:
            rows = rows.exclude(pk=exclude_pk)
        times = list(rows.order_by("-at", "-pk").values_list("at", flat=True)[:limit])
        end = _locked_until(times, limit)
        if end is not None and end > now:
            ends.append(end)
    return max(ends, default=None)


@dataclass(frozen=True)
class Attempt:
    """The outcome of ``begin``: either a claimed failure row (check the password) or a lock."""

    failure_pk: int | None
    locked_until: datetime | None
    now: datetime

    @property
    def refused(self) -> bool:
        return self.locked_until is not None

    def minutes_left(self) -> int:
        if self.locked_until is None:
            return 0
        return max(1, math.ceil((self.locked_until - self.now).total_seconds() / 60))


def begin(*, login_name: str, client: str, now: datetime | None = None) -> Attempt:
    """Before a password is checked: refuse when locked, otherwise record the attempt as a failure."""
    now = now or timezone.now()
    name = normalise(login_name)
    # Cheap path while locked: no write at all.
    end = _lock_end(login_name=name, client=client, now=now)
    if end is not None:
        return Attempt(failure_pk=None, locked_until=end, now=now)
    with transaction.atomic():
        LoginFailure.objects.filter(at__lt=now - KEEP).delete()
        failure = LoginFailure.objects.create(login_name=name, client=client, at=now)
    # Committed: parallel attempts see this row from here on (see the module docstring).
    with transaction.atomic():
        end = _lock_end(login_name=name, client=client, now=now, exclude_pk=failure.pk)
        if end is not None:
            LoginFailure.objects.filter(pk=failure.pk).delete()
            return Attempt(failure_pk=None, locked_until=end, now=now)
    return Attempt(failure_pk=failure.pk, locked_until=None, now=now)


@transaction.atomic
def succeeded(attempt: Attempt, *, login_name: str) -> None:
    """The password was right: forget the failures of this name up to and including this attempt.

    Rows of parallel attempts claimed after this one (higher pk) stay: they are still being checked.
    """
    if attempt.failure_pk is None:
        return
    LoginFailure.objects.filter(login_name=normalise(login_name), pk__lte=attempt.failure_pk).delete()


def name_locked_until(login_names: list[str], now: datetime | None = None) -> datetime | None:
    """When the lock on any of these login names ends (None: none is locked); addresses left out."""
    now = now or timezone.now()
    checks = tuple(("login_name", normalise(name), NAME_LIMIT) for name in login_names if name.strip())
    return _lock_end_of(checks, now=now)


def forget_names(login_names: list[str]) -> int:
    """Delete the failures of these login names, which lifts their lock; how many rows went."""
    names = {normalise(name) for name in login_names if name.strip()}
    deleted, _ = LoginFailure.objects.filter(login_name__in=names).delete()
    return deleted


# Login cards: one limit per address across all cards --------------------------------------------


def card_client_key(client: str) -> str:
    return f"card:{client}"


def _card_lock_end(key: str, now: datetime, exclude_pk: int | None = None) -> datetime | None:
    return _lock_end_of((("client", key, CARD_CLIENT_LIMIT),), now=now, exclude_pk=exclude_pk)


def card_begin(*, client: str, now: datetime | None = None) -> Attempt:
    """Before a card's PIN is checked: refuse when the address is locked, otherwise claim a failure row."""
    now = now or timezone.now()
    key = card_client_key(client)
    end = _card_lock_end(key, now)
    if end is not None:
        return Attempt(failure_pk=None, locked_until=end, now=now)
    with transaction.atomic():
        LoginFailure.objects.filter(at__lt=now - KEEP).delete()
        failure = LoginFailure.objects.create(login_name=CARD_LOGIN_NAME, client=key, at=now)
    with transaction.atomic():
        end = _card_lock_end(key, now, exclude_pk=failure.pk)
        if end is not None:
            LoginFailure.objects.filter(pk=failure.pk).delete()
            return Attempt(failure_pk=None, locked_until=end, now=now)
    return Attempt(failure_pk=failure.pk, locked_until=None, now=now)


def card_not_a_guess(attempt: Attempt) -> None:
    """The PIN was right, or was not compared at all (the card turned out unusable): drop the claim.

    Only this attempt's row goes: a right PIN for one card says nothing about the wrong ones
    typed for other cards from the same address.
    """
    if attempt.failure_pk is not None:
        LoginFailure.objects.filter(pk=attempt.failure_pk).delete()
