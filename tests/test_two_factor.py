"""Two-factor authentication for staff (wpo/accounts/two_factor.py, security_views.py, middleware.py)."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wpo.accounts import two_factor
from wpo.accounts.middleware import STAFF_LAST_SEEN_KEY
from wpo.accounts.models import SecretTOTPDevice, SecurityEvent, SecurityPolicy, TwoFactorFailure
from wpo.orgs.models import Person

from .conftest import login
from .factories import PASSWORD, World

pytestmark = pytest.mark.django_db

WRONG = "Deze code klopt niet."
LOCKED = "Er is te vaak een verkeerde code ingevuld."


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the app on the phone shows now (or ``steps_ahead`` time steps later)."""
    key = SecretTOTPDevice.objects.get(pk=device.pk).bin_key  # stored encrypted (wpo/accounts/crypto.py)
    totp = TOTP(key, device.step, device.t0, device.digits, 0)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enable(person: Person) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.pending_totp(person.user)
    # This time step's code is now spent; the tests log in with the next one (within django-otp's tolerance).
    codes = two_factor.two_factor_confirm(person=person, device=device, code=code_for(device))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def password_step(client: Client, person: Person, next_url: str = ""):  # type: ignore[no-untyped-def]
    data = {"username": person.user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def require_two_factor(world: World) -> None:
    SecurityPolicy.objects.create(organization=world.org, two_factor_required=True)


# Setting up ----------------------------------------------------------------------------------


def test_staff_sets_up_an_app_and_gets_backup_codes_once(client: Client, world: World) -> None:
    login(client, world.coach)
    page = client.get(reverse("accounts:two_factor"))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in body
    device = SecretTOTPDevice.objects.get(user=world.coach.user, confirmed=False)
    assert two_factor.secret_in_groups(device) in body
    # Reloading shows the same secret: the unconfirmed device is reused, not multiplied.
    client.get(reverse("accounts:two_factor"))
    assert TOTPDevice.objects.filter(user=world.coach.user).count() == 1

    wrong = client.post(reverse("accounts:two_factor"), {"action": "confirm", "code": "000000"})
    assert WRONG in wrong.content.decode()
    assert not two_factor.has_two_factor(world.coach.user)

    done = client.post(reverse("accounts:two_factor"), {"action": "confirm", "code": code_for(device)})
    body = done.content.decode()
    assert done.status_code == 200 and "Bewaar deze codes goed" in body
    assert two_factor.has_two_factor(world.coach.user)
    assert two_factor.backup_codes_left(world.coach.user) == two_factor.BACKUP_CODE_COUNT
    # The codes are on the page once and stored only as keyed hashes.
    stored = set(StaticToken.objects.filter(device__user=world.coach.user).values_list("token", flat=True))
    shown = [c for c in stored if c in body]
    assert not shown
    assert body.count("<code") == two_factor.BACKUP_CODE_COUNT
    assert client.session.get(DEVICE_ID_SESSION_KEY)  # this session counts as verified now
    assert SecurityEvent.objects.filter(person=world.coach, kind=SecurityEvent.Kind.TWO_FACTOR_ON).exists()
    # Afterwards the page says it is on and shows no codes.
    again = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Staat aan" in again and "Bewaar deze codes goed" not in again


@pytest.mark.parametrize("role", ["trainer", "coach", "project_manager", "administrator", "content_editor"])
def test_every_staff_role_may_set_it_up(client: Client, world: World, role: str) -> None:
    login(client, getattr(world, role))
    assert client.get(reverse("accounts:two_factor")).status_code == 200


def test_participants_do_not_use_it(client: Client, world: World) -> None:
    login(client, world.participant)
    assert client.get(reverse("accounts:two_factor")).status_code == 403
    assert client.post(reverse("accounts:two_factor"), {"action": "confirm", "code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=world.participant.user).exists()


def test_disable_needs_a_current_code(client: Client, world: World) -> None:
    device, _codes = enable(world.trainer)
    login(client, world.trainer)
    wrong = client.post(reverse("accounts:two_factor"), {"action": "disable", "code": "000000"})
    assert WRONG in wrong.content.decode()
    assert two_factor.has_two_factor(world.trainer.user)
    response = client.post(reverse("accounts:two_factor"), {"action": "disable", "code": code_for(device, 1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.trainer.user).exists()
    assert not StaticDevice.objects.filter(user=world.trainer.user).exists()
    assert SecurityEvent.objects.filter(person=world.trainer, kind=SecurityEvent.Kind.TWO_FACTOR_OFF).exists()


def test_disable_is_refused_where_the_organisation_requires_it(client: Client, world: World) -> None:
    device, _codes = enable(world.coach)
    require_two_factor(world)
    login(client, world.coach)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = client.post(reverse("accounts:two_factor"), {"action": "disable", "code": code_for(device, 1)})
    assert "U kunt die niet uitzetten" in response.content.decode()
    assert two_factor.has_two_factor(world.coach.user)


def test_new_backup_codes_replace_the_old_ones(client: Client, world: World) -> None:
    device, old = enable(world.trainer)
    login(client, world.trainer)
    response = client.post(reverse("accounts:two_factor"), {"action": "new_codes", "code": code_for(device, 1)})
    assert "Uw oude reservecodes werken niet meer" in response.content.decode()
    assert two_factor.verify_device_code(world.trainer.user, old[0]) is None
    assert two_factor.backup_codes_left(world.trainer.user) == two_factor.BACKUP_CODE_COUNT


# Logging in ----------------------------------------------------------------------------------


def test_a_person_with_an_app_logs_in_in_two_steps(client: Client, world: World) -> None:
    device, _codes = enable(world.coach)
    step1 = password_step(client, world.coach, next_url=reverse("coaching:signals"))
    assert step1.status_code == 302 and step1["Location"] == reverse("accounts:two_factor_code")
    assert not logged_in(client)  # held in the session, not logged in
    assert client.get(reverse("coaching:overview")).status_code == 302

    page = client.get(reverse("accounts:two_factor_code"))
    assert page.status_code == 200 and "Code uit de app" in page.content.decode()
    wrong = client.post(reverse("accounts:two_factor_code"), {"code": "000000"})
    assert wrong.status_code == 200 and WRONG in wrong.content.decode()
    assert not logged_in(client)

    right = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)})
    assert right.status_code == 302 and right["Location"] == reverse("coaching:signals")
    assert logged_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("coaching:overview")).status_code == 200
    # A right code clears the wrong one from the count.
    assert not TwoFactorFailure.objects.filter(user=world.coach.user).exists()


def test_a_code_works_only_once(client: Client, world: World) -> None:
    device = two_factor.pending_totp(world.coach.user)
    code = code_for(device)
    assert two_factor.two_factor_confirm(person=world.coach, device=device, code=code) is not None
    password_step(client, world.coach)
    # The code used to switch it on is spent; so is any earlier one.
    response = client.post(reverse("accounts:two_factor_code"), {"code": code})
    assert WRONG in response.content.decode()
    assert not logged_in(client)
    assert client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)}).status_code == 302
    client.logout()
    password_step(client, world.coach)
    again = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)})
    assert WRONG in again.content.decode()


def test_a_backup_code_works_once(client: Client, world: World) -> None:
    _device, codes = enable(world.project_manager)
    password_step(client, world.project_manager)
    typed = codes[0].upper().replace("-", " ")  # typed loosely
    response = client.post(reverse("accounts:two_factor_code"), {"code": typed}, follow=True)
    assert logged_in(client)
    assert "U hebt er nog 9 over" in response.content.decode()
    client.logout()
    password_step(client, world.project_manager)
    assert WRONG in client.post(reverse("accounts:two_factor_code"), {"code": codes[0]}).content.decode()
    assert not logged_in(client)


def test_five_wrong_codes_lock_the_second_step(client: Client, world: World) -> None:
    device, _codes = enable(world.administrator)
    password_step(client, world.administrator)
    for _ in range(two_factor.MAX_FAILURES - 1):
        assert WRONG in client.post(reverse("accounts:two_factor_code"), {"code": "000000"}).content.decode()
    fifth = client.post(reverse("accounts:two_factor_code"), {"code": "000000"})
    assert fifth.status_code == 429 and LOCKED in fifth.content.decode()
    assert "Wacht ongeveer 15 minuten" in fifth.content.decode()
    # Locked: even the right code is not checked (and not spent).
    right = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)})
    assert right.status_code == 429 and not logged_in(client)
    # A right password does not clear wrong codes (or guessing could go on for ever).
    client.logout()
    password_step(client, world.administrator)
    assert client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)}).status_code == 429
    # After the lock the right code works.
    for failure in TwoFactorFailure.objects.all():
        failure.at -= timedelta(minutes=16)
        failure.save(update_fields=["at"])
    assert client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)}).status_code == 302
    assert logged_in(client)


def test_the_second_step_needs_a_fresh_first_step(client: Client, world: World) -> None:
    device, _codes = enable(world.coach)
    response = client.get(reverse("accounts:two_factor_code"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    password_step(client, world.coach)
    session = client.session
    session["two_factor_pending"]["since"] -= 11 * 60
    session.save()
    late = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)})
    assert late.status_code == 302 and late["Location"] == reverse("accounts:login")
    assert not logged_in(client)


def test_a_password_change_between_the_steps_ends_the_pending_login(client: Client, world: World) -> None:
    device, _codes = enable(world.coach)
    password_step(client, world.coach)
    world.coach.user.set_password("Een-heel-ander-wachtwoord-1")
    world.coach.user.save()
    response = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)})
    assert response.status_code == 302 and not logged_in(client)


def test_people_without_an_app_log_in_in_one_step(client: Client, world: World) -> None:
    response = password_step(client, world.coach)
    assert response.status_code == 302 and logged_in(client)


# The organisation's requirement -------------------------------------------------------------


def test_required_sends_coach_pm_and_admin_to_set_it_up_first(client: Client, world: World) -> None:
    require_two_factor(world)
    for person, page in (
        (world.coach, "coaching:overview"),
        (world.project_manager, "reports:report"),
        (world.administrator, "orgs:people"),
    ):
        client.logout()
        login(client, person)
        response = client.get(reverse(page))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:two_factor") + "?next=")
        # Setup, help and logout stay open.
        assert client.get(reverse("accounts:two_factor")).status_code == 200
        assert client.get(reverse("guidance:index")).status_code == 200
    device = SecretTOTPDevice.objects.get(user=world.administrator.user, confirmed=False)
    client.post(reverse("accounts:two_factor"), {"action": "confirm", "code": code_for(device)})
    assert client.get(reverse("orgs:people")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not logged_in(client)


def test_required_with_an_app_but_unverified_session_asks_for_a_code(client: Client, world: World) -> None:
    device, _codes = enable(world.coach)
    require_two_factor(world)
    login(client, world.coach)  # a session that never saw a code (here: the test client)
    response = client.get(reverse("coaching:overview"))
    assert response["Location"].startswith(reverse("accounts:two_factor_code"))
    done = client.post(
        reverse("accounts:two_factor_code"), {"code": code_for(device, 1), "next": reverse("coaching:overview")}
    )
    assert done["Location"] == reverse("coaching:overview")
    assert client.get(reverse("coaching:overview")).status_code == 200


def test_required_does_not_touch_trainers_participants_or_other_organisations(
    client: Client, world: World, other_world: World
) -> None:
    require_two_factor(world)
    login(client, world.trainer)
    assert client.get(reverse("trajectories:my_participants")).status_code == 200
    client.logout()
    login(client, world.participant)
    assert client.get(reverse("learn:home")).status_code == 200
    client.logout()
    login(client, other_world.coach)
    assert client.get(reverse("coaching:overview")).status_code == 200


def test_the_policy_rides_along_with_the_person_without_a_query(
    world: World, django_assert_num_queries: object
) -> None:
    from wpo.orgs.middleware import _person_for

    require_two_factor(world)

    class FakeRequest:
        user = world.coach.user

    person = _person_for(FakeRequest())  # type: ignore[arg-type]
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert two_factor.required_for(person)


def test_the_administrator_sets_the_policy(client: Client, world: World, other_world: World) -> None:
    login(client, world.administrator)
    page = client.get(reverse("accounts:security_settings"))
    assert page.status_code == 200
    assert "Tweestapsverificatie verplicht voor coach, projectmanager en beheerder" in page.content.decode()
    response = client.post(reverse("accounts:security_settings"), {"two_factor_required": "on"})
    assert response.status_code == 302
    assert SecurityPolicy.objects.get(organization=world.org).two_factor_required
    assert not SecurityPolicy.objects.filter(organization=other_world.org).exists()
    assert SecurityEvent.objects.filter(person=world.administrator, kind=SecurityEvent.Kind.POLICY_CHANGED).exists()
    # From now on the administrator too must set it up.
    assert client.get(reverse("orgs:people"))["Location"].startswith(reverse("accounts:two_factor"))


@pytest.mark.parametrize("role", ["coach", "project_manager", "trainer", "participant"])
def test_only_the_administrator_sets_the_policy(client: Client, world: World, role: str) -> None:
    login(client, getattr(world, role))
    assert client.get(reverse("accounts:security_settings")).status_code == 403
    assert client.post(reverse("accounts:security_settings"), {"two_factor_required": "on"}).status_code == 403
    assert not SecurityPolicy.objects.exists()


# The administrator's reset -------------------------------------------------------------------


def test_the_administrator_resets_a_lost_phone(client: Client, world: World) -> None:
    enable(world.coach)
    login(client, world.administrator)
    edit = client.get(reverse("orgs:person_edit", kwargs={"person_id": world.coach.pk})).content.decode()
    assert reverse("accounts:two_factor_reset", kwargs={"person_id": world.coach.pk}) in edit
    response = client.post(reverse("accounts:two_factor_reset", kwargs={"person_id": world.coach.pk}), follow=True)
    assert "is weggehaald" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.coach.user).exists()
    assert not StaticDevice.objects.filter(user=world.coach.user).exists()
    event = SecurityEvent.objects.get(person=world.coach, kind=SecurityEvent.Kind.TWO_FACTOR_RESET)
    assert event.actor == world.administrator and event.organization == world.org
    # Recorded where the administrator can see it.
    settings_page = client.get(reverse("accounts:security_settings")).content.decode()
    assert "tweestapsverificatie hersteld door beheerder" in settings_page


def test_the_reset_requires_post_the_administrator_and_the_same_organisation(
    client: Client, world: World, outsider: Person
) -> None:
    enable(world.coach)
    url = reverse("accounts:two_factor_reset", kwargs={"person_id": world.coach.pk})
    login(client, world.administrator)
    assert client.get(url).status_code == 405
    client.logout()
    login(client, world.coach)
    assert client.post(url).status_code == 403
    client.logout()
    login(client, outsider)
    assert client.post(url).status_code == 404
    assert two_factor.has_two_factor(world.coach.user)
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TWO_FACTOR_RESET).exists()


def test_a_reset_unverifies_the_persons_sessions(client: Client, world: World) -> None:
    device, _codes = enable(world.coach)
    require_two_factor(world)
    login(client, world.coach)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get(reverse("coaching:overview")).status_code == 200
    two_factor.two_factor_reset(person=world.coach, by=world.administrator)
    response = client.get(reverse("coaching:overview"))
    assert response["Location"].startswith(reverse("accounts:two_factor"))


# Idle staff sessions -------------------------------------------------------------------------


def test_a_staff_session_ends_after_two_idle_hours(client: Client, world: World) -> None:
    login(client, world.coach)
    assert client.get(reverse("coaching:overview")).status_code == 200
    session = client.session
    session[STAFF_LAST_SEEN_KEY] = int(time.time()) - 2 * 60 * 60 + 60  # active 1 h 59 min ago
    session.save()
    assert client.get(reverse("coaching:overview")).status_code == 200
    session = client.session
    session[STAFF_LAST_SEEN_KEY] = int(time.time()) - 2 * 60 * 60 - 1
    session.save()
    response = client.get(reverse("coaching:overview"), follow=True)
    assert not logged_in(client)
    assert "U bent uitgelogd" in response.content.decode()


def test_participants_with_a_password_have_no_idle_limit(client: Client, world: World) -> None:
    login(client, world.participant)
    session = client.session
    session[STAFF_LAST_SEEN_KEY] = int(time.time()) - 5 * 60 * 60
    session.save()
    assert client.get(reverse("learn:home")).status_code == 200


def test_a_busy_page_writes_the_idle_clock_at_most_once_a_minute(client: Client, world: World) -> None:
    login(client, world.coach)
    first = client.session[STAFF_LAST_SEEN_KEY]
    client.get(reverse("coaching:overview"))
    assert client.session[STAFF_LAST_SEEN_KEY] == first
