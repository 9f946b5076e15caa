"""Finding 6 (LOW): authenticator secrets were stored in plaintext; backup codes died with SECRET_KEY.

The attacks: (a) someone with a copy of the database (a backup, a dump on a laptop) read each
person's TOTP secret from django-otp's ``key`` column and could make their codes for ever; (b) the
operators rotated SECRET_KEY and every backup code stopped working without a word, locking out
whoever had lost their phone.

The fix: the secret is sealed with AES-GCM under a key derived from SECRET_KEY
(wpo/accounts/crypto.py, the derivation the SSO client secret already used) and the owner's user id;
``SecretTOTPDevice`` reads it; migration 0007 seals existing devices. Reading tries SECRET_KEY and then
SECRET_KEY_FALLBACKS, and a key opened with an old one is sealed again with the current key at its
next use. Backup codes are checked against the HMAC under every key in the same order.
"""

import base64
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from wpo.accounts import crypto, two_factor
from wpo.accounts.models import SecretTOTPDevice

from ..conftest import login
from ..factories import World
from ..test_two_factor import WRONG, code_for, enable, logged_in, password_step

pytestmark = pytest.mark.django_db

NEW_KEY = "de-nieuwe-geheime-sleutel-" + "n" * 40


def stored_key(device: Any) -> str:
    """What a copy of the database holds for the device: the raw column, read with SQL."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice WHERE id = %s", [device.pk])
        return str(cursor.fetchone()[0])


def codes_from_the_column(device: Any) -> str:
    """The attacker's try: the column as django-otp stored it before, a hexadecimal key."""
    raw = bytes.fromhex(stored_key(device))
    totp = TOTP(raw, device.step, device.t0, device.digits, 0)
    return f"{totp.token():0{device.digits}d}"


def test_a_copy_of_the_database_does_not_hold_the_authenticator_secret(client: Client, world: World) -> None:
    login(client, world.coach)
    page = client.get(reverse("accounts:two_factor")).content.decode()  # the setup page shows the secret once
    device = SecretTOTPDevice.objects.get(user=world.coach.user, confirmed=False)
    shown = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(shown[i : i + 4] for i in range(0, len(shown), 4)) in page
    response = client.post(reverse("accounts:two_factor"), {"action": "confirm", "code": code_for(device)})
    assert response.status_code == 200 and "reservecodes" in response.content.decode().lower()

    column = stored_key(device)
    assert column.startswith(crypto.TOTP_PREFIX) and len(column) <= 80
    assert device.bin_key.hex() not in column.lower() and shown not in column.upper()
    with pytest.raises(ValueError):
        codes_from_the_column(device)
    # Nor does the row open under another account (a sealed key copied to someone else's row).
    with pytest.raises(crypto.CannotOpen):
        crypto.open_totp_key(column, user_id=world.administrator.user.pk)

    client.logout()
    password_step(client, world.coach)
    assert client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)}).status_code == 302
    assert logged_in(client)


def test_after_a_key_rotation_the_app_works_and_is_sealed_again_with_the_new_key(client: Client, world: World) -> None:
    device, _codes = enable(world.coach)
    before = stored_key(device)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
        password_step(client, world.coach)
        response = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)})
        assert response.status_code == 302 and logged_in(client)
        assert stored_key(device) != before, "sealed again at its use"
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        # The old key is gone from the settings now; the app still works.
        assert crypto.open_totp_key(stored_key(device), user_id=world.coach.user.pk)[1] is True
        client.logout()
        password_step(client, world.coach)
        assert client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 2)}).status_code == 302


def test_backup_codes_made_before_a_key_rotation_still_work(client: Client, world: World) -> None:
    _device, codes = enable(world.project_manager)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
        password_step(client, world.project_manager)
        response = client.post(reverse("accounts:two_factor_code"), {"code": codes[0]}, follow=True)
        assert logged_in(client)
        assert "U hebt er nog 9 over" in response.content.decode()
        client.logout()
        password_step(client, world.project_manager)
        assert WRONG in client.post(reverse("accounts:two_factor_code"), {"code": codes[0]}).content.decode()


def test_without_the_old_key_a_code_is_refused_with_a_message_not_an_error(client: Client, world: World) -> None:
    device, codes = enable(world.administrator)
    app_code = code_for(device, 1)  # what the phone shows; the server can no longer open its copy
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        password_step(client, world.administrator)
        for code in (app_code, codes[0]):
            response = client.post(reverse("accounts:two_factor_code"), {"code": code})
            assert response.status_code == 200 and WRONG in response.content.decode()
        assert not logged_in(client)


def test_the_migration_seals_devices_stored_in_plaintext(world: World) -> None:
    legacy = TOTPDevice.objects.create(user=world.trainer.user, name="oud", confirmed=True)  # django-otp's hex key
    secret = bytes.fromhex(legacy.key)
    migration = importlib.import_module("wpo.accounts.migrations.0007_totp_keys_encrypted")
    migration.seal_keys(apps, None)
    sealed = SecretTOTPDevice.objects.get(pk=legacy.pk)
    assert sealed.key.startswith(crypto.TOTP_PREFIX) and secret.hex() not in sealed.key
    assert sealed.bin_key == secret
    migration.seal_keys(apps, None)  # twice changes nothing
    assert SecretTOTPDevice.objects.get(pk=legacy.pk).key == sealed.key
    assert two_factor.verify_device_code(world.trainer.user, code_for(sealed, 1)) is not None


def test_the_fallback_keys_come_from_the_environment(tmp_path: Any) -> None:
    from ..test_hardening import production_env, run

    probe = "import json; from config import settings as s; print(json.dumps(s.SECRET_KEY_FALLBACKS))"
    result = run(["-c", probe], production_env(tmp_path, SECRET_KEY_FALLBACKS="oude-sleutel-1, oude-sleutel-2"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == '["oude-sleutel-1", "oude-sleutel-2"]'
