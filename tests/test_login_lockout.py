"""Lockout after repeated password failures on the login page (wpo/accounts/lockout.py)."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from wpo.accounts import lockout
from wpo.accounts.models import LoginFailure
from wpo.lib.client_ip import client_ip

from .factories import PASSWORD, World

pytestmark = pytest.mark.django_db

LOCKED = "Er is te vaak een verkeerd wachtwoord ingevuld."
ASK = "of vraag de beheerder van uw organisatie om hulp."
WRONG = "Deze gebruikersnaam of dit wachtwoord klopt niet."


def attempt(client: Client, username: str, password: str, **extra: Any):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def fail_times(client: Client, username: str, times: int, **extra: Any) -> None:
    for _ in range(times):
        response = attempt(client, username, "helemaal-fout", **extra)
        assert response.status_code == 200
        assert WRONG in response.content.decode()


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def age_failures(by: timedelta) -> None:
    """Move time: make every stored failure ``by`` older."""
    for failure in LoginFailure.objects.all():
        failure.at -= by
        failure.save(update_fields=["at"])


def test_five_wrong_passwords_lock_the_name_even_for_the_right_password(client: Client, world: World) -> None:
    username = world.coach.user.username
    fail_times(client, username, lockout.NAME_LIMIT)
    assert LoginFailure.objects.filter(login_name=username.lower()).count() == lockout.NAME_LIMIT

    response = attempt(client, username, PASSWORD)
    body = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in body and ASK in body
    assert "Wacht ongeveer 15 minuten" in body
    assert WRONG not in body
    assert not logged_in(client)
    # A refused attempt is not a failure: it does not make the lock longer.
    assert LoginFailure.objects.filter(login_name=username.lower()).count() == lockout.NAME_LIMIT
    # The name is counted as typed but lower-cased: another spelling is the same name.
    assert attempt(client, username.upper(), PASSWORD).status_code == 429


def test_while_locked_the_password_is_not_even_checked(client: Client, world: World, monkeypatch: Any) -> None:
    username = world.coach.user.username
    fail_times(client, username, lockout.NAME_LIMIT)
    checked: list[str] = []
    monkeypatch.setattr("django.contrib.auth.authenticate", lambda *a, **k: checked.append("x"))
    monkeypatch.setattr("django.contrib.auth.forms.authenticate", lambda *a, **k: checked.append("x"))
    assert attempt(client, username, PASSWORD).status_code == 429
    assert checked == []


def test_an_unknown_name_is_counted_and_locked_the_same_way(client: Client, world: World) -> None:
    known, unknown = world.coach.user.username, "bestaat-niet@example.org"
    fail_times(client, known, lockout.NAME_LIMIT)
    fail_times(client, unknown, lockout.NAME_LIMIT)
    for_known = attempt(client, known, PASSWORD)
    for_unknown = attempt(client, unknown, PASSWORD)
    assert for_known.status_code == for_unknown.status_code == 429

    def message(response: Any) -> str:
        body: str = response.content.decode()
        return body[body.index('role="alert"') : body.index("</div>", body.index('role="alert"'))]

    assert message(for_known) == message(for_unknown)
    assert LOCKED in message(for_unknown)


def test_the_fifth_failure_is_still_checked_and_the_lock_is_per_name(client: Client, world: World) -> None:
    fail_times(client, world.coach.user.username, lockout.NAME_LIMIT - 1)
    response = attempt(client, world.coach.user.username, PASSWORD, follow=True)
    assert logged_in(client) and response.redirect_chain[-1][0] == "/coach/"
    client.logout()

    fail_times(client, world.coach.user.username, lockout.NAME_LIMIT)
    attempt(client, world.trainer.user.username, PASSWORD)
    assert logged_in(client), "another name from the same address is not locked"


def test_the_lock_ends_fifteen_minutes_after_the_last_failure(client: Client, world: World) -> None:
    username = world.coach.user.username
    fail_times(client, username, lockout.NAME_LIMIT)
    age_failures(lockout.LOCK_DURATION - timedelta(minutes=3))
    response = attempt(client, username, PASSWORD)
    assert response.status_code == 429 and "Wacht ongeveer 3 minuten" in response.content.decode()

    age_failures(timedelta(minutes=3, seconds=1))
    response = attempt(client, username, PASSWORD, follow=True)
    assert logged_in(client) and response.redirect_chain[-1][0] == "/coach/"


def test_after_the_lock_the_count_starts_again(client: Client, world: World) -> None:
    username = world.coach.user.username
    fail_times(client, username, lockout.NAME_LIMIT)
    age_failures(lockout.LOCK_DURATION + timedelta(seconds=1))
    fail_times(client, username, lockout.NAME_LIMIT - 1)  # four new chances, all checked
    fail_times(client, username, 1)
    assert attempt(client, username, PASSWORD).status_code == 429


def test_failures_spread_over_more_than_the_window_do_not_lock(client: Client, world: World) -> None:
    username = world.coach.user.username
    fail_times(client, username, 1)
    age_failures(lockout.WINDOW + timedelta(minutes=1))
    fail_times(client, username, lockout.NAME_LIMIT - 1)
    attempt(client, username, PASSWORD)
    assert logged_in(client)


def test_a_successful_login_clears_the_failures_of_that_name(client: Client, world: World) -> None:
    username = world.coach.user.username
    fail_times(client, username, lockout.NAME_LIMIT - 1)
    fail_times(client, "iemand-anders", 2)
    attempt(client, username, PASSWORD)
    assert logged_in(client)
    assert not LoginFailure.objects.filter(login_name=username).exists()
    assert LoginFailure.objects.filter(login_name="iemand-anders").count() == 2
    client.logout()

    fail_times(client, username, lockout.NAME_LIMIT - 1)
    attempt(client, username, PASSWORD)
    assert logged_in(client), "four new failures after a success do not lock"


def test_thirty_failures_from_one_address_lock_that_address_for_every_name(client: Client, world: World) -> None:
    for i in range(lockout.CLIENT_LIMIT):
        fail_times(client, f"gok{i}", 1)
    response = attempt(client, world.coach.user.username, PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not logged_in(client)

    other_address = Client(REMOTE_ADDR="192.0.2.50")
    attempt(other_address, world.coach.user.username, PASSWORD)
    assert logged_in(other_address)

    age_failures(lockout.LOCK_DURATION + timedelta(seconds=1))
    attempt(client, world.coach.user.username, PASSWORD)
    assert logged_in(client)


def test_x_forwarded_for_is_ignored_by_default(client: Client, world: World) -> None:
    for i in range(lockout.CLIENT_LIMIT):
        fail_times(client, f"gok{i}", 1, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert set(LoginFailure.objects.values_list("client", flat=True)) == {"127.0.0.1"}
    response = attempt(client, world.coach.user.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


@override_settings(WPO_TRUSTED_PROXY_COUNT=1)
def test_with_one_trusted_proxy_the_rightmost_forwarded_address_counts(client: Client, world: World) -> None:
    # The client wrote "203.0.113.9" itself; the proxy appended the address it really saw.
    fail_times(client, "gok", 1, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    assert LoginFailure.objects.get().client == "198.51.100.7"


def test_client_ip_rules() -> None:
    def ip(remote: str, forwarded: str | None = None) -> str:
        meta = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(RequestFactory().get("/", **meta))  # type: ignore[arg-type]

    assert ip("10.0.0.1", "1.2.3.4") == "10.0.0.1"
    assert ip("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert ip("::ffff:10.0.0.1") == "10.0.0.1"
    with override_settings(WPO_TRUSTED_PROXY_COUNT=2):
        assert ip("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2") == "1.2.3.4"
        assert ip("10.0.0.1", "10.0.0.2") == "10.0.0.1", "fewer entries than proxies: not trusted"
        assert ip("10.0.0.1", "nonsense, 10.0.0.2") == "10.0.0.1"


def test_old_failures_are_pruned(client: Client, world: World) -> None:
    fail_times(client, "oud", 2)
    age_failures(lockout.KEEP + timedelta(minutes=1))
    fail_times(client, "nieuw", 1)
    assert list(LoginFailure.objects.values_list("login_name", flat=True)) == ["nieuw"]


def test_parallel_claims_cannot_slip_past_the_limit(world: World, monkeypatch: Any) -> None:
    """Five attempts claimed at the same moment (none checked yet): a sixth is refused."""
    now = timezone.now()
    claims = [lockout.begin(login_name="Coach", client="10.0.0.1", now=now) for _ in range(lockout.NAME_LIMIT)]
    assert not any(c.refused for c in claims)
    assert lockout.begin(login_name="coach", client="10.0.0.2", now=now).refused


def test_a_claim_committed_by_a_parallel_attempt_after_the_first_look_still_counts(
    world: World, monkeypatch: Any
) -> None:
    """The race: the first look finds nothing, then five parallel attempts commit their claims."""
    now = timezone.now()
    real_lock_end = lockout._lock_end
    calls: list[int] = []

    def racing_lock_end(**kwargs: Any) -> Any:
        result = real_lock_end(**kwargs)
        if not calls:
            for _ in range(lockout.NAME_LIMIT):
                LoginFailure.objects.create(login_name="coach", client="10.0.0.3", at=now)
        calls.append(1)
        return result

    monkeypatch.setattr(lockout, "_lock_end", racing_lock_end)
    outcome = lockout.begin(login_name="coach", client="10.0.0.4", now=now)
    assert len(calls) == 2 and outcome.refused
    assert LoginFailure.objects.count() == lockout.NAME_LIMIT, "the refused claim was taken back"
