"""The service desk (servicebeheer, wpo/service): operators add, suspend and reactivate organisations.

The attacks are here too: a person of an organisation (any role, also with Django's staff flag) opens
no service-desk page; an operator without a verified second factor reaches none but the set-up; an
invitation's token is stored as a hash, works once and not after it expired, and a forged one changes
nothing; a suspended organisation's people cannot log in and their open sessions end.
"""

import io
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wpo.orgs.models import Organization, Person, Role
from wpo.service.models import Contract, Invitation, ServiceEvent, ServiceOperator, token_hash
from wpo.service.services import NewOrganization, organization_add, organization_suspend

from .conftest import login
from .factories import PASSWORD, World, all_roles, login_operator, make_invitation, make_operator, make_world
from .test_two_factor import code_for

pytestmark = pytest.mark.django_db

SUSPENDED_TEXT = "Uw organisatie is tijdelijk geschorst. Neem contact op met servicebeheer."
NEW_PASSWORD = "Fietsbel-Tulp-2026"


def service_urls(world: World) -> list[tuple[str, str]]:
    """(method, url) of every page under /servicebeheer/."""
    from .test_tenant_isolation import closed_receipt_event

    org = world.org.pk
    receipt = closed_receipt_event(world)
    return [
        ("get", reverse("service:organization_close", args=[org])),
        ("post", reverse("service:organization_close", args=[org])),
        ("post", reverse("service:export_start", args=[org])),
        ("get", reverse("service:export_status", args=[org])),
        ("get", reverse("service:export_download", args=[org])),
        ("get", reverse("service:receipt", args=[receipt])),
        ("get", reverse("service:receipt_json", args=[receipt])),
        ("get", reverse("service:receipt_pdf", args=[receipt])),
        ("get", reverse("service:organizations")),
        ("get", reverse("service:organization_new")),
        ("post", reverse("service:organization_new")),
        ("get", reverse("service:organization_suspend", args=[org])),
        ("post", reverse("service:organization_suspend", args=[org])),
        ("post", reverse("service:organization_reactivate", args=[org])),
        ("post", reverse("service:invitation_resend", args=[org])),
        ("get", reverse("service:log")),
        ("get", reverse("service:two_factor")),
        ("post", reverse("service:two_factor")),
    ]


def new_org_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Werkbedrijf Oost",
        "slug": "werkbedrijf-oost",
        "sector_details": "Sociaal ontwikkelbedrijf, regio Twente",
        "starts_on": "2027-01-01",
        "ends_on": "2028-12-31",
        "places": "40",
        "admin_first_name": "Ilse",
        "admin_last_name": "de Boer",
        "admin_email": "ilse@oost.example",
    }
    data.update(changes)
    return data


def add_org(operator: ServiceOperator, slug: str = "werkbedrijf-oost") -> Organization:
    added = organization_add(
        operator=operator,
        data=NewOrganization(
            name=f"Organisatie {slug}",
            slug=slug,
            sector_details="",
            starts_on=date(2027, 1, 1),
            ends_on=None,
            places=10,
            admin_first_name="Ilse",
            admin_last_name="de Boer",
            admin_email=f"beheer@{slug}.example",
        ),
    )
    return added.organization


@pytest.fixture
def operator() -> ServiceOperator:
    return make_operator("desk")


@pytest.fixture
def desk(client: Client, operator: ServiceOperator) -> Client:
    return login_operator(client, operator)


# Who may open the service desk ----------------------------------------------------------------


def test_anonymous_goes_to_the_login_page(client: Client, world: World) -> None:
    for method, url in service_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url


@pytest.mark.parametrize("role", list(Role))
def test_a_person_of_an_organisation_gets_404_on_every_service_page(client: Client, world: World, role: Role) -> None:
    login(client, world.by_role(role))
    for method, url in service_urls(world):
        assert getattr(client, method)(url).status_code == 404, (role, method, url)
    assert not ServiceEvent.objects.exclude(kind=ServiceEvent.Kind.CLOSED).exists()  # only the receipt made above


def test_an_administrator_with_every_role_and_djangos_staff_flag_gets_404(
    client: Client, world: World, other_world: World
) -> None:
    person = all_roles(world.org)
    person.user.is_staff = True
    person.user.save()
    # Even as an operator row: a person of an organisation is never an operator.
    ServiceOperator.objects.create(user=person.user, created_at=timezone.now())
    login(client, person)
    for method, url in service_urls(other_world):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert Organization.objects.filter(suspended_at__isnull=False).count() == 0


def test_an_operator_without_an_app_is_sent_to_set_it_up_first(client: Client, world: World) -> None:
    operator = make_operator("nieuw", with_app=False)
    login_operator(client, operator, verified=False)
    for method, url in service_urls(world):
        if "tweestaps" in url:
            continue
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("service:two_factor")), url
    assert Organization.objects.filter(suspended_at__isnull=False).count() == 0
    assert not Organization.objects.filter(slug="werkbedrijf-oost").exists()


def test_an_operator_with_an_app_but_an_unverified_session_types_a_code_first(client: Client, world: World) -> None:
    operator = make_operator("halverwege")
    login_operator(client, operator, verified=False)
    response = client.get(reverse("service:organizations"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_code"))


def test_an_operator_sets_up_the_app_and_then_reaches_the_desk(client: Client) -> None:
    operator = make_operator("opzet", with_app=False)
    login_operator(client, operator, verified=False)
    page = client.get(reverse("service:two_factor"))
    assert page.status_code == 200 and "QR-code" in page.content.decode()
    from wpo.accounts.two_factor import pending_totp

    device = pending_totp(operator.user)
    wrong = client.post(reverse("service:two_factor"), {"code": "000000"})
    assert "Deze code klopt niet" in wrong.content.decode()
    done = client.post(reverse("service:two_factor"), {"code": code_for(device)})
    assert done.status_code == 200 and "reservecodes" in done.content.decode()
    assert client.get(reverse("service:organizations")).status_code == 200
    assert ServiceEvent.objects.filter(kind=ServiceEvent.Kind.OPERATOR_TWO_FACTOR, operator=operator).exists()


def test_the_password_login_of_an_operator_with_an_app_asks_the_code_and_lands_on_the_desk(
    client: Client,
) -> None:
    operator = make_operator("inlog", with_app=False)
    login_operator(client, operator, verified=False)
    from wpo.accounts.two_factor import pending_totp

    device = pending_totp(operator.user)
    client.post(reverse("service:two_factor"), {"code": code_for(device)})
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "inlog", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:two_factor_code")
    response = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device, steps_ahead=1)})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("service:organizations")
    assert client.get(reverse("service:organizations")).status_code == 200


def test_an_operator_opens_no_page_of_an_organisation(desk: Client, world: World) -> None:
    for name in ("orgs:people", "coaching:overview", "reports:report", "learn:home", "audit:log"):
        assert desk.get(reverse(name)).status_code in (403, 404), name
    detail = reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])
    assert desk.get(detail).status_code in (403, 404)


def test_an_operator_cannot_also_be_a_person(world: World) -> None:
    from wpo.lib.refusals import Refused
    from wpo.service.services import operator_create

    with pytest.raises(Refused):
        operator_create(username=world.coach.user.username, email="")


# The organisations and their use ------------------------------------------------------------


def test_the_list_shows_status_and_counts_never_names(desk: Client, world: World) -> None:
    organization_suspend(operator=ServiceOperator.objects.get(), organization_id=world.org.pk, reason="betaling")
    body = desk.get(reverse("service:organizations")).content.decode()
    assert world.org.name in body and "geschorst" in body
    for person in (world.participant, world.trainer, world.coach, world.administrator):
        assert person.user.last_name not in body and person.user.username not in body
    assert world.department.name not in body


def test_the_list_counts_people_per_role_and_running_trajectories(world: World) -> None:
    from wpo.service.selectors import organization_rows

    [row] = [r for r in organization_rows() if r.pk == world.org.pk]
    per_role = dict(row.per_role)
    assert per_role["Deelnemer"] == 1 and per_role["Werkplekopleider"] == 1 and per_role["Coach"] == 1
    assert row.people == Person.objects.filter(organization=world.org).count()
    assert row.running_trajectories == 1
    assert not row.is_suspended


def test_the_list_costs_the_same_queries_for_2_and_6_organisations(desk: Client) -> None:
    make_world("Een")
    make_world("Twee")
    desk.get(reverse("service:organizations"))  # the session's idle clock starts: written once
    with CaptureQueriesContext(connection) as two:
        assert desk.get(reverse("service:organizations")).status_code == 200
    for name in ("Drie", "Vier", "Vijf", "Zes"):
        make_world(name)
    assert Organization.objects.count() == 6
    with CaptureQueriesContext(connection) as six:
        response = desk.get(reverse("service:organizations"))
    assert response.status_code == 200 and "Zes" in response.content.decode()
    assert len(six.captured_queries) == len(two.captured_queries)


# Adding an organisation and its first administrator ----------------------------------------------


def test_adding_an_organisation_invites_its_first_administrator(
    desk: Client, operator: ServiceOperator, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(reverse("service:organization_new"), new_org_data())
    assert response.status_code == 302
    org = Organization.objects.get(slug="werkbedrijf-oost")
    contract = Contract.objects.get(organization=org)
    assert contract.places == 40 and contract.ends_on == date(2028, 12, 31)
    admin = Person.objects.select_related("user").get(organization=org)
    assert admin.roles == [Role.ADMINISTRATOR] and not admin.user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["ilse@oost.example"] and admin.user.username in message.body
    token = re.search(r"/uitnodiging/([^/\s]+)/", message.body).group(1)  # type: ignore[union-attr]
    invitation = Invitation.objects.get(user=admin.user)
    # Only the hash is stored: no column of any invitation holds the token.
    assert invitation.token_hash == token_hash(token)
    assert all(token not in str(value) for value in Invitation.objects.values_list().get())
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    kinds = set(ServiceEvent.objects.filter(organization=org, operator=operator).values_list("kind", flat=True))
    assert kinds == {ServiceEvent.Kind.ORGANIZATION_ADDED, ServiceEvent.Kind.INVITATION_SENT}


def test_bad_input_gives_dutch_errors_and_adds_nothing(desk: Client, world: World) -> None:
    before = (Organization.objects.count(), Person.objects.count(), Invitation.objects.count())
    cases = [
        new_org_data(slug=world.org.slug),  # taken
        new_org_data(ends_on="2026-01-01"),  # before the start
        new_org_data(admin_email="geen-adres"),
        new_org_data(places="0"),
        new_org_data(name=""),
    ]
    expected = [
        "Deze korte naam is al in gebruik",
        "Het contract kan niet eindigen voordat het begint",
        "e-mailadres",
        "Vul een aantal van 1 of meer in",
        "Dit veld is verplicht",
    ]
    for data, text in zip(cases, expected, strict=True):
        response = desk.post(reverse("service:organization_new"), data)
        assert response.status_code == 200
        assert text in response.content.decode(), text
    assert (Organization.objects.count(), Person.objects.count(), Invitation.objects.count()) == before
    assert not mail.outbox and not ServiceEvent.objects.filter(kind=ServiceEvent.Kind.ORGANIZATION_ADDED).exists()


# The invitation's link ----------------------------------------------------------------------------


def test_the_link_sets_the_password_once_and_continues_to_the_second_factor(
    client: Client, operator: ServiceOperator
) -> None:
    org = add_org(operator)
    admin = Person.objects.select_related("user").get(organization=org)
    token = make_invitation(admin.user, org)
    url = reverse("service:invitation", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and admin.user.username in page.content.decode()
    weak = client.post(url, {"new_password1": "1234", "new_password2": "1234"})
    assert weak.status_code == 200 and "Dit wachtwoord is te kort" in weak.content.decode()
    admin.user.refresh_from_db()
    assert not admin.user.has_usable_password()
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:two_factor")
    admin.user.refresh_from_db()
    assert admin.user.check_password(NEW_PASSWORD)
    assert int(client.session[SESSION_KEY]) == admin.user.pk
    assert client.get(reverse("accounts:two_factor")).status_code == 200  # the existing set-up page
    # Used: a second time changes nothing.
    again = Client().post(url, {"new_password1": "Ander-Wachtwoord-99", "new_password2": "Ander-Wachtwoord-99"})
    assert again.status_code == 404 and "al gebruikt" in again.content.decode()
    admin.user.refresh_from_db()
    assert admin.user.check_password(NEW_PASSWORD)


def test_an_expired_or_forged_link_changes_nothing(client: Client, operator: ServiceOperator) -> None:
    org = add_org(operator)
    admin = Person.objects.select_related("user").get(organization=org)
    expired = make_invitation(admin.user, org, days=-1)
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(reverse("service:invitation", args=[expired]), data)
    assert response.status_code == 404 and "verlopen" in response.content.decode()
    forged = expired[:-4] + "AAAA"
    response = client.post(reverse("service:invitation", args=[forged]), data)
    assert response.status_code == 404 and "klopt niet" in response.content.decode()
    # The stored hash itself is no token either.
    hashed = Invitation.objects.filter(user=admin.user).first().token_hash  # type: ignore[union-attr]
    assert client.post(reverse("service:invitation", args=[hashed]), data).status_code == 404
    admin.user.refresh_from_db()
    assert not admin.user.has_usable_password()
    assert SESSION_KEY not in client.session
    assert not ServiceEvent.objects.filter(kind=ServiceEvent.Kind.INVITATION_USED).exists()


def test_a_new_link_for_an_administrator_without_a_password_ends_the_old_one(
    desk: Client, operator: ServiceOperator, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(reverse("service:organization_new"), new_org_data())
    org = Organization.objects.get(slug="werkbedrijf-oost")
    assert "nog geen wachtwoord gekozen" in desk.get(reverse("service:organizations")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(reverse("service:invitation_resend", args=[org.pk]))
    assert response.status_code == 302
    first, second = (re.search(r"/uitnodiging/([^/\s]+)/", m.body).group(1) for m in mail.outbox)  # type: ignore[union-attr]
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert Client().post(reverse("service:invitation", args=[first]), data).status_code == 404
    assert Client().post(reverse("service:invitation", args=[second]), data).status_code == 302
    # Chosen: nothing to send again.
    desk.post(reverse("service:invitation_resend", args=[org.pk]))
    assert len(mail.outbox) == 2
    assert "nog geen wachtwoord gekozen" not in desk.get(reverse("service:organizations")).content.decode()
    sent = ServiceEvent.objects.filter(organization=org, kind=ServiceEvent.Kind.INVITATION_SENT).count()
    assert sent == 2


# Suspending -------------------------------------------------------------------------------------


def test_a_suspended_organisations_people_cannot_log_in_and_their_sessions_end(
    desk: Client, world: World, other_world: World
) -> None:
    people_before = Person.objects.filter(organization=world.org).count()
    coach = Client()
    login(coach, world.coach)
    assert coach.get(reverse("coaching:overview")).status_code == 200
    response = desk.post(reverse("service:organization_suspend", args=[world.org.pk]), {"reason": "Contract voorbij"})
    assert response.status_code == 302
    # The open session ends at its next request, with the message.
    cut = coach.get(reverse("coaching:overview"), follow=True)
    assert SUSPENDED_TEXT in cut.content.decode()
    assert SESSION_KEY not in coach.session
    # A new login is refused with the message, also with the right password.
    refused = Client().post(reverse("accounts:login"), {"username": world.trainer.user.username, "password": PASSWORD})
    assert refused.status_code == 200 and SUSPENDED_TEXT in refused.content.decode()
    # Another organisation goes on; the data is kept.
    other = Client()
    assert other.login(username=other_world.coach.user.username, password=PASSWORD)
    assert other.get(reverse("coaching:overview")).status_code == 200
    assert Person.objects.filter(organization=world.org).count() == people_before
    # Reactivated: logging in works again.
    desk.post(reverse("service:organization_reactivate", args=[world.org.pk]))
    again = Client().post(reverse("accounts:login"), {"username": world.trainer.user.username, "password": PASSWORD})
    assert again.status_code == 302
    kinds = list(ServiceEvent.objects.filter(organization=world.org).order_by("pk").values_list("kind", "detail"))
    assert kinds == [(ServiceEvent.Kind.SUSPENDED, "Contract voorbij"), (ServiceEvent.Kind.REACTIVATED, "")]


def test_a_wrong_password_for_a_suspended_organisation_says_nothing_about_the_suspension(world: World) -> None:
    organization_suspend(operator=make_operator(), organization_id=world.org.pk, reason="x")
    response = Client().post(reverse("accounts:login"), {"username": world.trainer.user.username, "password": "nee"})
    assert SUSPENDED_TEXT not in response.content.decode()


def test_suspending_twice_or_without_a_reason_is_refused(desk: Client, world: World) -> None:
    empty = desk.post(reverse("service:organization_suspend", args=[world.org.pk]), {"reason": ""})
    assert empty.status_code == 200 and "Dit veld is verplicht" in empty.content.decode()
    desk.post(reverse("service:organization_suspend", args=[world.org.pk]), {"reason": "a"})
    twice = desk.post(reverse("service:organization_suspend", args=[world.org.pk]), {"reason": "b"})
    assert "al geschorst" in twice.content.decode()
    assert ServiceEvent.objects.filter(kind=ServiceEvent.Kind.SUSPENDED).count() == 1
    assert desk.get(reverse("service:organization_suspend", args=[999999])).status_code == 404


def test_the_log_page_shows_every_action(desk: Client, world: World, operator: ServiceOperator) -> None:
    add_org(operator, "logboek-test")
    organization_suspend(operator=operator, organization_id=world.org.pk, reason="Factuur niet betaald")
    body = desk.get(reverse("service:log")).content.decode()
    assert "organisatie toegevoegd" in body and "organisatie geschorst" in body
    assert "Factuur niet betaald" in body and "desk" in body


# The command and the demo -----------------------------------------------------------------------


def test_create_service_operator_prints_a_one_time_link(client: Client) -> None:
    out = io.StringIO()
    call_command("create_service_operator", "eerste", "eerste@dienst.example", stdout=out)
    operator = ServiceOperator.objects.get(user__username="eerste")
    assert not operator.user.has_usable_password()
    token = re.search(r"/uitnodiging/([^/\s]+)/", out.getvalue()).group(1)  # type: ignore[union-attr]
    response = client.post(
        reverse("service:invitation", args=[token]), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("service:two_factor")
    assert client.get(reverse("service:two_factor")).status_code == 200


def test_create_service_operator_takes_the_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WPO_OPERATOR_PASSWORD", NEW_PASSWORD)
    out = io.StringIO()
    call_command(
        "create_service_operator", "tweede", "t@dienst.example", password_from_env="WPO_OPERATOR_PASSWORD", stdout=out
    )
    assert ServiceOperator.objects.get(user__username="tweede").user.check_password(NEW_PASSWORD)
    assert NEW_PASSWORD not in out.getvalue() and "uitnodiging" not in out.getvalue()


def test_the_demo_operator_is_no_person() -> None:
    from wpo.demo.service import DEMO_OPERATOR, create_demo_operator

    operator = create_demo_operator("wpo-demo")
    assert create_demo_operator("wpo-demo") == operator
    assert operator.user.username == DEMO_OPERATOR and operator.user.check_password("wpo-demo")
    assert not Person.objects.filter(user=operator.user).exists()


def test_an_idle_operator_session_ends(desk: Client, settings) -> None:  # type: ignore[no-untyped-def]
    from wpo.service.access import LAST_SEEN_KEY

    assert desk.get(reverse("service:organizations")).status_code == 200
    session = desk.session
    session[LAST_SEEN_KEY] = int(timezone.now().timestamp()) - settings.STAFF_IDLE_LOGOUT_SECONDS - 1
    session.save()
    response = desk.get(reverse("service:organizations"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert SESSION_KEY not in desk.session


def test_a_django_superuser_who_is_no_operator_gets_404(client: Client, world: World) -> None:
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@dienst.example", PASSWORD)
    client.force_login(admin)
    for method, url in service_urls(world):
        assert getattr(client, method)(url).status_code == 404, (method, url)


def test_a_card_login_of_a_suspended_organisation_ends_at_once(client: Client, world: World) -> None:
    from wpo.accounts.services import login_card_issue

    issued = login_card_issue(participant=world.participant, issued_by=world.trainer)
    organization_suspend(operator=make_operator(), organization_id=world.org.pk, reason="x")
    client.get(reverse("accounts:card_login", kwargs={"token": issued.token}))
    response = client.post(reverse("accounts:card_login"), {"pin": issued.pin}, follow=True)
    assert SUSPENDED_TEXT in response.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get(reverse("learn:home")).status_code == 302
