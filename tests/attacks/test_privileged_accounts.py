"""Finding 4 (MEDIUM): privileged accounts were not protected from an organisation's administrator.

The attacks: a person of an organisation can hold rights beyond it (a Django permission such as
``curriculum.edit_national_curriculum``, or ``is_staff``/``is_superuser``). The organisation's
administrator could (a) set that person's password, (b) remove their authenticator app, or (c)
change what they log in with, or point the organisation's single sign-on at them, which counted as
the second factor; so the administrator could take over the national curriculum or the Django admin.
And ``/django-admin/login/`` was a second password form without the app's lock-out or second step.

The fix: wpo/accounts/privileged.py says who has extra rights; ``person_update`` and
``two_factor_reset`` refuse in Dutch to change their password, e-mail address, employee number or
second factor; after single sign-on such a person still types a code from their own app (and without
an app single sign-on does not log them in at all). The Django admin (config/admin.py) has no
password form of its own: it sends the browser to the app's login (same lock-out, same second step)
and opens only for a superuser whose session is verified with a code.
"""

import io
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from wpo.accounts import lockout, two_factor
from wpo.accounts.models import LoginFailure, OidcProvider, SecretTOTPDevice, User
from wpo.orgs.models import Person, Role

from ..conftest import login
from ..factories import PASSWORD, World, make_person
from ..test_sso import FakeIdP, logged_in_as, sso_login
from ..test_two_factor import code_for, enable

pytestmark = pytest.mark.django_db

OPERATORS = "Dit account heeft extra rechten buiten uw organisatie."
ADMIN = "/django-admin/"


@pytest.fixture
def national_editor(world: World) -> Person:
    """A content editor of the organisation who may also edit the national curriculum."""
    editor = make_person(world.org, [Role.CONTENT_EDITOR], email="redacteur@noord.example")
    editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    return editor


def person_form(person: Person, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": person.user.first_name,
        "last_name": person.user.last_name,
        "email": person.user.email,
        "employee_number": person.employee_number,
        "department": "",
        "roles": [str(r) for r in person.roles],
        "trainers": [],
        "password": "",
    }
    data.update(changes)
    return data


# The organisation's administrator -------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"password": "Een-nieuw-wachtwoord-2026"},
        {"email": "aanvaller@noord.example"},
        {"employee_number": "E-666"},
    ],
    ids=["password", "email", "employee-number"],
)
def test_the_administrator_cannot_change_how_a_privileged_person_logs_in(
    client: Client, world: World, national_editor: Person, change: dict[str, str]
) -> None:
    login(client, world.administrator)
    url = reverse("orgs:person_edit", kwargs={"person_id": national_editor.pk})
    response = client.post(url, person_form(national_editor, **change))
    assert response.status_code == 200 and OPERATORS in response.content.decode()
    national_editor.user.refresh_from_db()
    national_editor.refresh_from_db()
    assert national_editor.user.check_password(PASSWORD)
    assert national_editor.user.email == "redacteur@noord.example" and national_editor.employee_number == ""


def test_other_details_of_a_privileged_person_can_still_be_changed(
    client: Client, world: World, national_editor: Person
) -> None:
    login(client, world.administrator)
    url = reverse("orgs:person_edit", kwargs={"person_id": national_editor.pk})
    assert client.post(url, person_form(national_editor, first_name="Els")).status_code == 302
    national_editor.user.refresh_from_db()
    assert national_editor.user.first_name == "Els"


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_staff_and_superusers_are_protected_too(client: Client, world: World, flag: str) -> None:
    operator = make_person(world.org, [Role.COACH])
    User.objects.filter(pk=operator.user.pk).update(**{flag: True})
    login(client, world.administrator)
    url = reverse("orgs:person_edit", kwargs={"person_id": operator.pk})
    response = client.post(url, person_form(operator, password="Een-nieuw-wachtwoord-2026"))
    assert OPERATORS in response.content.decode()


def test_the_administrator_cannot_remove_a_privileged_persons_second_factor(
    client: Client, world: World, national_editor: Person
) -> None:
    enable(national_editor)
    login(client, world.administrator)
    response = client.post(reverse("accounts:two_factor_reset", kwargs={"person_id": national_editor.pk}), follow=True)
    assert OPERATORS in response.content.decode()
    assert two_factor.has_two_factor(national_editor.user)
    # An ordinary colleague's lost phone is still the administrator's to fix.
    enable(world.coach)
    client.post(reverse("accounts:two_factor_reset", kwargs={"person_id": world.coach.pk}))
    assert not two_factor.has_two_factor(world.coach.user)


# Single sign-on is not their second factor -------------------------------------------------------


def test_single_sign_on_does_not_log_in_a_privileged_person_without_their_app(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider, national_editor: Person
) -> None:
    """The administrator's identity provider names the national editor: no session at all."""
    idp.claims = {"sub": "gemaakt-door-beheerder", "email": national_editor.user.email}
    response = sso_login(client)
    assert response.status_code == 403
    assert "Inloggen via je organisatie is daarvoor niet genoeg" in response.content.decode()
    assert logged_in_as(client) is None


def test_after_single_sign_on_a_privileged_person_types_their_own_code(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider, national_editor: Person
) -> None:
    device, _codes = enable(national_editor)
    idp.claims = {"sub": "redacteur-sub", "email": national_editor.user.email}
    response = sso_login(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor_code")
    assert logged_in_as(client) is None, "not logged in before the code"
    wrong = client.post(reverse("accounts:two_factor_code"), {"code": "000000"})
    assert wrong.status_code == 200 and logged_in_as(client) is None
    right = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)})
    assert right.status_code == 302 and logged_in_as(client) == national_editor.user.pk


def test_an_ordinary_persons_single_sign_on_still_counts_as_two_factor(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"sub": "coach-sub", "email": world.coach.user.email}
    assert sso_login(client).status_code == 302
    assert logged_in_as(client) == world.coach.user.pk


# The Django admin ---------------------------------------------------------------------------------


@pytest.fixture
def operator(db: None) -> User:
    return User.objects.create_superuser("beheer", "beheer@dienst.example", PASSWORD)


def app_login(client: Client, username: str, password: str = PASSWORD, next_url: str = ADMIN) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password, "next": next_url})


def test_the_admin_login_form_checks_no_password_and_sends_to_the_app_login(client: Client, operator: User) -> None:
    response = client.post(f"{ADMIN}login/?next={ADMIN}", {"username": "beheer", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert not LoginFailure.objects.exists(), "no password was even looked at"
    assert client.get(ADMIN).status_code == 302


def test_the_app_lock_out_holds_for_the_admin_too(client: Client, operator: User) -> None:
    for _ in range(lockout.NAME_LIMIT):
        app_login(client, "beheer", "fout")
    assert app_login(client, "beheer").status_code == 429
    assert client.get(ADMIN, follow=True).redirect_chain[-1][0].startswith(reverse("accounts:login"))


def test_a_password_alone_does_not_open_the_admin(client: Client, operator: User) -> None:
    assert app_login(client, "beheer").status_code == 302
    assert "_auth_user_id" in client.session
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 403
    assert "Eerst tweestapsverificatie" in response.content.decode()
    assert "manage.py operator_two_factor beheer" in response.content.decode()


def test_a_superuser_with_a_verified_code_gets_in(client: Client, operator: User) -> None:
    out = io.StringIO()
    call_command("operator_two_factor", "beheer", stdout=out)
    device = SecretTOTPDevice.objects.get(user=operator, confirmed=False)
    assert two_factor.secret_in_groups(device) in out.getvalue()
    with pytest.raises(CommandError):
        call_command("operator_two_factor", "beheer", "--code", "000000", stdout=io.StringIO())
    call_command("operator_two_factor", "beheer", "--code", code_for(device), stdout=out)
    assert "reservecodes" in out.getvalue() and two_factor.has_two_factor(operator)

    step1 = app_login(client, "beheer")
    assert step1["Location"] == reverse("accounts:two_factor_code")
    assert client.get(ADMIN).status_code == 302
    step2 = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)})
    assert step2.status_code == 302 and step2["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_logged_in_superuser_without_a_verified_session_is_asked_for_the_code(client: Client, world: World) -> None:
    """A superuser who is also a coach and logged in before their app existed: the admin asks for a code."""
    coach = world.coach
    User.objects.filter(pk=coach.user.pk).update(is_superuser=True, is_staff=True)
    login(client, coach)
    device, _codes = enable(coach)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor_code"))
    done = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1), "next": ADMIN})
    assert done.status_code == 302 and client.get(ADMIN).status_code == 200


def test_staff_without_superuser_does_not_get_in(client: Client, world: World) -> None:
    User.objects.filter(pk=world.coach.user.pk).update(is_staff=True)
    device, _codes = enable(world.coach)
    client.post(reverse("accounts:login"), {"username": world.coach.user.username, "password": PASSWORD})
    client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)})
    assert client.get(ADMIN, follow=True).status_code == 403


def test_the_operators_verify_an_organisations_domain_in_the_admin(
    client: Client, world: World, provider: OidcProvider, operator: User
) -> None:
    """What finding 5 leaves to the operators: an unverified domain is marked verified here."""
    from wpo.accounts.models import OidcDomain

    added = OidcDomain.objects.create(organization=world.org, provider=provider, domain="nieuw.example")
    device = two_factor.pending_totp(operator)
    two_factor.operator_two_factor_confirm(user=operator, device=device, code=code_for(device))
    app_login(client, "beheer")
    client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, 1)})
    page = client.get(f"{ADMIN}accounts/oidcdomain/")
    assert page.status_code == 200 and "nieuw.example" in page.content.decode()
    response = client.post(f"{ADMIN}accounts/oidcdomain/{added.pk}/change/", {"verified": "on"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.verified and added.domain == "nieuw.example" and added.organization == world.org
    assert client.get(f"{ADMIN}accounts/oidcdomain/add/").status_code == 403


def test_an_import_cannot_change_a_privileged_persons_address_either(
    client: Client, world: World, national_editor: Person
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wpo.orgs.models import PeopleImport

    Person.objects.filter(pk=national_editor.pk).update(employee_number="7777")
    csv = (
        "Personeelsnummer;Voornaam;Tussenvoegsel;Achternaam;E-mail;Afdeling;Rol;Werkplekopleider\n"
        "7777;Els;;Redacteur;aanvaller@noord.example;Wasserij;werkplekopleider;\n"
    )
    login(client, world.administrator)
    upload = SimpleUploadedFile("export.csv", csv.encode(), content_type="text/csv")
    client.post(reverse("orgs:import_upload"), {"file": upload})
    record = PeopleImport.objects.latest("pk")
    response = client.post(reverse("orgs:import_confirm", args=[record.pk]), follow=True)
    assert OPERATORS in response.content.decode()
    national_editor.user.refresh_from_db()
    assert national_editor.user.email == "redacteur@noord.example"
