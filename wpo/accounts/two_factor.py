"""Two-factor authentication for staff: an authenticator app (TOTP) plus one-time backup codes.

Built on django-otp: a ``TOTPDevice`` per person holds the shared secret, encrypted with a key
derived from SECRET_KEY (read through ``SecretTOTPDevice``, see ``crypto``), and the last time step
used (so a code works once); a ``StaticDevice`` holds the backup codes, each stored as an HMAC
of the code keyed with SECRET_KEY and deleted when used. Both survive a rotation of SECRET_KEY while
the old key is in SECRET_KEY_FALLBACKS: the app key is sealed again with the new key at its next
use, and a backup code made with the old key still works (it is used up anyway). Participants do not use this: they log
in with a card and PIN or a password.

Wrong codes are limited per account the way ``lockout`` limits passwords ("claim, then count"):
``MAX_FAILURES`` (5) wrong codes within ``WINDOW`` lock the second step of that account for
``LOCK_DURATION`` (15 minutes) from the last one; while locked no code is checked at all. The
count is kept apart from the password failures on purpose: a right password clears the password
failures of its name, and must not also clear the wrong codes, or someone holding the password
could guess codes without end.
"""

import enum
import hashlib
import hmac
import math
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, may

from . import crypto
from .models import SecretTOTPDevice, SecurityEvent, SecurityPolicy, TwoFactorFailure, User
from .privileged import MANAGED_BY_OPERATORS, has_extra_rights

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
KEEP = timedelta(days=1)
BACKUP_CODE_COUNT = 10
# Ten characters of an alphabet without look-alikes (0/o, 1/l/i): 50 bits per code.
_BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_BACKUP_LENGTH = 10
DEVICE_NAME = "authenticator"


def is_staff(person: Person | None) -> bool:
    """Everyone but a participant works with staff data, and may switch two-factor on."""
    return may(person, Ability.STAFF_SESSION)


def policy_of(person: Person) -> SecurityPolicy | None:
    """The organisation's policy, read from what PersonMiddleware loaded (no query there)."""
    try:
        policy: SecurityPolicy = person.organization.security_policy
        return policy
    except SecurityPolicy.DoesNotExist:
        return None


def required_for(person: Person | None) -> bool:
    """Must this person use two-factor authentication (their organisation says so for their role)?"""
    if person is None or not may(person, Ability.TWO_FACTOR_REQUIRED):
        return False
    policy = policy_of(person)
    return policy is not None and policy.two_factor_required


def confirmed_totp(user: User) -> SecretTOTPDevice | None:
    device: SecretTOTPDevice | None = SecretTOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device


def has_two_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_totp(user: User) -> SecretTOTPDevice:
    """The not yet confirmed device shown as a QR code while setting up; made when there is none."""
    device: SecretTOTPDevice | None = (
        SecretTOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    )
    if device is None:
        key = crypto.seal_totp_key(os.urandom(crypto.TOTP_KEY_BYTES), user_id=user.pk)
        device = SecretTOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False, key=key)
    return device


def secret_in_groups(device: SecretTOTPDevice) -> str:
    """The base32 secret in groups of four for typing it into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def backup_code_digest(code: str, secret_key: str | None = None) -> str:
    """What is stored for a backup code: an HMAC keyed with SECRET_KEY, cut to the 16 characters
    django-otp's token column holds (64 bits; a stolen database alone cannot be searched)."""
    key = (secret_key or settings.SECRET_KEY).encode("utf-8")
    return hmac.new(key, b"wpo-backup-code:" + normalise_code(code).encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def backup_code_digests(code: str) -> list[str]:
    """The digest under SECRET_KEY and under each key of SECRET_KEY_FALLBACKS: codes made before a
    rotation keep working while the old key is kept as a fallback."""
    return [backup_code_digest(code, key) for key in crypto.secret_keys()]


def _new_backup_code() -> str:
    raw = "".join(secrets.choice(_BACKUP_ALPHABET) for _ in range(_BACKUP_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _replace_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [_new_backup_code() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=backup_code_digest(c)) for c in codes])
    return codes


def backup_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def _record(person: Person, actor: Person | None, kind: SecurityEvent.Kind) -> None:
    SecurityEvent.objects.create(organization_id=person.organization_id, person=person, actor=actor, kind=kind)


def verify_device_code(user: User, code: str) -> SecretTOTPDevice | StaticDevice | None:
    """The device that accepts ``code`` (a code from the app, or an unused backup code), or None.

    Rows are locked while checking, so the same code cannot be used twice in parallel; a code from
    the app is refused again after use (django-otp keeps the last time step).
    """
    code = normalise_code(code)
    if not code or len(code) > 20:
        return None
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            for device in SecretTOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                try:
                    verified = device.verify_token(code)
                except crypto.CannotOpen:
                    verified = False  # SECRET_KEY changed without keeping the old one: set the app up again
                if verified:
                    device.reseal_if_stale()
                    return device
            return None
        digests = backup_code_digests(code)
        for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if any(static.verify_token(digest) for digest in digests):
                return static
    return None


def _confirm(user: User, device: TOTPDevice, code: str) -> list[str] | None:
    locked = SecretTOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
    if locked is None or not locked.verify_token(normalise_code(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    return _replace_backup_codes(user)


@transaction.atomic
def two_factor_confirm(*, person: Person, device: TOTPDevice, code: str) -> list[str] | None:
    """Switch two-factor on with the first code from the app; returns the new backup codes (shown once)."""
    codes = _confirm(person.user, device, code)
    if codes is not None:
        _record(person, person, SecurityEvent.Kind.TWO_FACTOR_ON)
    return codes


@transaction.atomic
def operator_two_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """The same for a service operator's account, set up on the server (``manage.py operator_two_factor``);
    an operator need not be a person of any organisation, so there is no organisation's record."""
    return _confirm(user, device, code)


@transaction.atomic
def two_factor_new_backup_codes(*, person: Person) -> list[str]:
    codes = _replace_backup_codes(person.user)
    _record(person, person, SecurityEvent.Kind.BACKUP_CODES)
    return codes


@transaction.atomic
def two_factor_disable(*, person: Person) -> None:
    TOTPDevice.objects.filter(user=person.user).delete()
    StaticDevice.objects.filter(user=person.user).delete()
    _record(person, person, SecurityEvent.Kind.TWO_FACTOR_OFF)


@transaction.atomic
def two_factor_reset(*, person: Person, by: Person) -> bool:
    """The administrator removes a person's app and backup codes (a lost phone). Recorded.

    The person's sessions that were verified with the removed device are no longer verified; where
    the organisation requires two-factor, they must set it up again before anything else. Never for an
    account with extra rights (``privileged``): the service operators manage its second factor.
    """
    if has_extra_rights(person.user):
        raise ValidationError(MANAGED_BY_OPERATORS)
    had = bool(
        TOTPDevice.objects.filter(user=person.user).exists() or StaticDevice.objects.filter(user=person.user).exists()
    )
    TOTPDevice.objects.filter(user=person.user).delete()
    StaticDevice.objects.filter(user=person.user).delete()
    TwoFactorFailure.objects.filter(user=person.user).delete()
    _record(person, by, SecurityEvent.Kind.TWO_FACTOR_RESET)
    return had


@transaction.atomic
def security_policy_update(*, by: Person, two_factor_required: bool) -> SecurityPolicy:
    policy, _created = SecurityPolicy.objects.select_for_update().get_or_create(organization_id=by.organization_id)
    if policy.two_factor_required != two_factor_required:
        policy.two_factor_required = two_factor_required
        policy.save(update_fields=["two_factor_required", "updated_at"])
        _record(by, by, SecurityEvent.Kind.POLICY_CHANGED)
    return policy


# The second login step, limited per account --------------------------------------------------


class CodeCheck(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class CodeResult:
    outcome: CodeCheck
    device: TOTPDevice | StaticDevice | None = None
    locked_until: datetime | None = None
    now: datetime | None = None

    def minutes_left(self) -> int:
        if self.locked_until is None or self.now is None:
            return 0
        return max(1, math.ceil((self.locked_until - self.now).total_seconds() / 60))


def _lock_end(user: User, now: datetime, exclude_pk: int | None = None) -> datetime | None:
    rows = TwoFactorFailure.objects.filter(user=user, at__gte=now - WINDOW - LOCK_DURATION)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    times = list(rows.order_by("-at", "-pk").values_list("at", flat=True)[:MAX_FAILURES])
    if len(times) < MAX_FAILURES or times[0] - times[MAX_FAILURES - 1] > WINDOW:
        return None
    end = times[0] + LOCK_DURATION
    return end if end > now else None


def check_login_code(*, user: User, code: str, client: str, now: datetime | None = None) -> CodeResult:
    """Check a code typed at the second login step, counting it against the account's limit."""
    now = now or timezone.now()
    end = _lock_end(user, now)
    if end is not None:
        return CodeResult(CodeCheck.LOCKED, locked_until=end, now=now)
    with transaction.atomic():
        TwoFactorFailure.objects.filter(at__lt=now - KEEP).delete()
        claim = TwoFactorFailure.objects.create(user=user, client=client, at=now)
    # Committed: a parallel attempt sees this claim (see lockout.py for the reasoning).
    end = _lock_end(user, now, exclude_pk=claim.pk)
    if end is not None:
        TwoFactorFailure.objects.filter(pk=claim.pk).delete()
        return CodeResult(CodeCheck.LOCKED, locked_until=end, now=now)
    device = verify_device_code(user, code)
    if device is not None:
        TwoFactorFailure.objects.filter(user=user, pk__lte=claim.pk).delete()
        return CodeResult(CodeCheck.OK, device=device)
    end = _lock_end(user, now)
    if end is not None:
        return CodeResult(CodeCheck.LOCKED, locked_until=end, now=now)
    return CodeResult(CodeCheck.WRONG)
