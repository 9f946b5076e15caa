"""Secrets kept at rest encrypted with keys derived from SECRET_KEY, readable after a key rotation.

Each kind of secret gets its own key, derived from SECRET_KEY with HKDF and a purpose label, so
one kind never opens another. Reading tries SECRET_KEY first and then every key in
SECRET_KEY_FALLBACKS (Django's way to rotate the key): after a rotation nothing is lost, and the
caller writes the secret again with the current key when it was opened with an old one.

- The SSO client secret (``sso.encrypt_secret``): Fernet, in a text column of its own.
- The authenticator secret of a TOTP device (``seal_totp_key``): AES-GCM, because it has to fit
  django-otp's 80-character ``key`` column (Fernet would need 120): ``wpo1:`` and the base64 of a
  12-byte nonce, the 20-byte key and the 16-byte tag, 69 characters. The owner's user id is bound in
  as associated data, so a sealed key copied to another account's row does not open there.
"""

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOTP_PREFIX = "wpo1:"
_TOTP_PURPOSE = b"wpo totp key"
TOTP_KEY_BYTES = 20
_NONCE_BYTES = 12


class CannotOpen(Exception):
    """No current or fallback key opens this secret (SECRET_KEY changed without a fallback)."""


def secret_keys() -> list[str]:
    """SECRET_KEY, then SECRET_KEY_FALLBACKS: the keys a secret may have been sealed with."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not keys[0]:
        # An empty key would derive a key everyone can compute; Django refuses it for signing too.
        raise ImproperlyConfigured("The SECRET_KEY setting must not be empty.")
    return [key for key in keys if key]


def derive_key(secret_key: str, purpose: bytes) -> bytes:
    """32 bytes for ``purpose``, derived from one SECRET_KEY (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret_key.encode("utf-8"))


def fernet(secret_key: str, purpose: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(secret_key, purpose)))


def _aad(user_id: int) -> bytes:
    return f"user:{user_id}".encode("ascii")


def seal_totp_key(key: bytes, *, user_id: int) -> str:
    """The value for TOTPDevice.key: ``key`` encrypted with the current SECRET_KEY."""
    if len(key) > TOTP_KEY_BYTES:
        raise ValueError("a TOTP key longer than 20 bytes does not fit the column once sealed")
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(derive_key(secret_keys()[0], _TOTP_PURPOSE)).encrypt(nonce, key, _aad(user_id))
    return TOTP_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def is_sealed(stored: str) -> bool:
    return stored.startswith(TOTP_PREFIX)


def open_totp_key(stored: str, *, user_id: int) -> tuple[bytes, bool]:
    """The key in a TOTPDevice.key value and whether it is sealed with the current SECRET_KEY.

    A plain hexadecimal key (a device from before encryption, until the migration sealed it) is
    read as it is and reported as not current, so it is sealed at its next use.
    """
    if not is_sealed(stored):
        try:
            return binascii.unhexlify(stored.encode("ascii")), False
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise CannotOpen("neither sealed nor hexadecimal") from exc
    try:
        raw = base64.urlsafe_b64decode(stored[len(TOTP_PREFIX) :].encode("ascii"))
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise CannotOpen("not base64") from exc
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    for position, secret_key in enumerate(secret_keys()):
        try:
            key = AESGCM(derive_key(secret_key, _TOTP_PURPOSE)).decrypt(nonce, sealed, _aad(user_id))
        except InvalidTag:
            continue
        return key, position == 0
    raise CannotOpen("no current or fallback SECRET_KEY opens this TOTP key")
