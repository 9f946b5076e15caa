"""The organisations' badge signing keys at rest: Fernet with a key derived from SECRET_KEY (HKDF-SHA256,
a purpose label of its own), readable after a rotation of SECRET_KEY through SECRET_KEY_FALLBACKS.

The same scheme as the accounts' secrets (wpo/accounts/crypto.py); it is repeated here, a few lines,
because ``crypto`` is not one of the accounts app's public doors (tests/test_boundaries.py) and
``wpo/lib`` stays small.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PURPOSE = b"wpo badge signing key"


class CannotOpen(Exception):
    """No current or fallback SECRET_KEY opens this key (SECRET_KEY changed without a fallback)."""


def _secret_keys() -> list[str]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not keys[0]:
        raise ImproperlyConfigured("The SECRET_KEY setting must not be empty.")
    return [key for key in keys if key]


def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(value: bytes) -> str:
    """``value`` encrypted with the current SECRET_KEY's key."""
    return _fernet(_secret_keys()[0]).encrypt(value).decode("ascii")


def open_sealed(token: str) -> tuple[bytes, bool]:
    """What ``seal`` sealed, and whether it was the current SECRET_KEY (if not, seal it again)."""
    for position, secret_key in enumerate(_secret_keys()):
        try:
            return _fernet(secret_key).decrypt(token.encode("ascii")), position == 0
        except (InvalidToken, UnicodeEncodeError):
            continue
    raise CannotOpen("no current or fallback SECRET_KEY opens this badge signing key")
