"""Finding 1 (HIGH): one address locked out everyone behind the documented proxy.

The attack: behind nginx every request reaches the app from 127.0.0.1. ``WPO_TRUSTED_PROXY_COUNT``
was read by wpo/accounts/lockout.py but never set from the environment, so the lock-outs counted
every visitor as 127.0.0.1: thirty wrong passwords from one person locked all password logins,
thirty wrong PINs all card logins, and 61 certificate look-ups switched off the public check.

The fix: config/settings.py reads ``WPO_TRUSTED_PROXY_COUNT`` from the environment (README,
docs/production.md), and ``manage.py check --deploy`` fails (accounts.E001, wpo/accounts/checks.py)
when ``SECURE_PROXY_SSL_HEADER`` says a proxy is there and the count is 0. These tests perform the
attacks through the proxy (REMOTE_ADDR 127.0.0.1, the address nginx appends last in
X-Forwarded-For) and check that only the attacker is stopped, also when the attacker writes
X-Forwarded-For entries of their own.
"""

import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from wpo.accounts import lockout
from wpo.accounts.services import login_card_issue
from wpo.certificates import throttle
from wpo.orgs.models import Role

from ..factories import PASSWORD, World, make_certificate, make_person
from ..test_hardening import production_env, run

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"
ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.20"
LOCKED = "Er is te vaak een verkeerd wachtwoord ingevuld."


def behind_proxy(client_address: str, written_by_client: str = "") -> dict[str, str]:
    """The request as gunicorn sees it: from nginx, which appended the address it saw."""
    forwarded = f"{written_by_client}, {client_address}" if written_by_client else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def password_login(client: Client, username: str, password: str, **meta: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **meta)


@override_settings(WPO_TRUSTED_PROXY_COUNT=1)
def test_wrong_passwords_from_one_client_do_not_lock_out_another(world: World) -> None:
    attacker = Client()
    for i in range(lockout.CLIENT_LIMIT):
        assert password_login(attacker, f"gok{i}", "fout", **behind_proxy(ATTACKER)).status_code == 200
    refused = password_login(attacker, world.coach.user.username, PASSWORD, **behind_proxy(ATTACKER))
    assert refused.status_code == 429 and LOCKED in refused.content.decode()

    victim = Client()
    response = password_login(victim, world.coach.user.username, PASSWORD, **behind_proxy(VICTIM))
    assert response.status_code == 302 and "_auth_user_id" in victim.session


@override_settings(WPO_TRUSTED_PROXY_COUNT=1)
def test_a_spoofed_forwarded_entry_does_not_escape_the_attackers_own_lock(world: World) -> None:
    """Entries left of the one nginx appended are the client's own writing: they change nothing."""
    attacker = Client()
    for i in range(lockout.CLIENT_LIMIT):
        password_login(attacker, f"gok{i}", "fout", **behind_proxy(ATTACKER, written_by_client=f"10.9.8.{i}"))
    for spoofed in ("192.0.2.1", VICTIM, "127.0.0.1", "1.1.1.1, 8.8.8.8", "onzin"):
        response = password_login(
            attacker, world.coach.user.username, PASSWORD, **behind_proxy(ATTACKER, written_by_client=spoofed)
        )
        assert response.status_code == 429, spoofed
        assert "_auth_user_id" not in attacker.session


@override_settings(WPO_TRUSTED_PROXY_COUNT=1)
def test_wrong_pins_from_one_client_do_not_lock_card_logins_of_another(world: World) -> None:
    # The attacker walks a stack of cards, a few wrong PINs on each, staying under every card's own limit.
    cards = []
    for _ in range(lockout.CARD_CLIENT_LIMIT // 4 + 1):
        participant = make_person(world.org, [Role.PARTICIPANT], world.department)
        cards.append(login_card_issue(participant=participant, issued_by=world.administrator))
    attacker = Client()
    tries = 0
    for issued in cards:
        wrong_pin = f"{(int(issued.pin) + 1) % 100000:05d}"
        for _ in range(4):
            if tries == lockout.CARD_CLIENT_LIMIT:
                break
            url = reverse("accounts:card_login", kwargs={"token": issued.token})
            attacker.post(url, {"pin": wrong_pin}, **behind_proxy(ATTACKER))
            tries += 1
    last = cards[-1]
    url = reverse("accounts:card_login", kwargs={"token": last.token})
    assert attacker.post(url, {"pin": last.pin}, **behind_proxy(ATTACKER)).status_code == 429

    victim_card = login_card_issue(participant=world.participant, issued_by=world.administrator)
    tablet = Client()
    url = reverse("accounts:card_login", kwargs={"token": victim_card.token})
    response = tablet.post(url, {"pin": victim_card.pin}, **behind_proxy(VICTIM))
    assert response.status_code == 302 and "_auth_user_id" in tablet.session


@override_settings(WPO_TRUSTED_PROXY_COUNT=1)
def test_certificate_lookups_from_one_client_do_not_switch_the_check_off_for_another(world: World) -> None:
    cache.clear()
    certificate = make_certificate(world)
    url = reverse("certificates:verify", kwargs={"code": certificate.display_code})
    attacker = Client()
    for _ in range(throttle.LIMIT):
        assert attacker.get(url, **behind_proxy(ATTACKER)).status_code == 200
    assert attacker.get(url, **behind_proxy(ATTACKER)).status_code == 429
    assert attacker.get(url, **behind_proxy(ATTACKER, written_by_client=VICTIM)).status_code == 429

    employer = Client()
    assert employer.get(url, **behind_proxy(VICTIM)).status_code == 200


SETTING_PROBE = "import json; from config import settings as s; print(json.dumps(s.WPO_TRUSTED_PROXY_COUNT))"


def test_the_proxy_count_comes_from_the_environment(tmp_path: Path) -> None:
    result = run(["-c", SETTING_PROBE], production_env(tmp_path, WPO_TRUSTED_PROXY_COUNT="1"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 1


def test_check_deploy_refuses_a_proxy_header_without_a_proxy_count(tmp_path: Path) -> None:
    check = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    without = run(check, production_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"))
    assert without.returncode != 0
    assert "accounts.E001" in without.stdout + without.stderr

    with_count = run(
        check, production_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", WPO_TRUSTED_PROXY_COUNT="1")
    )
    assert with_count.returncode == 0, with_count.stdout + with_count.stderr
