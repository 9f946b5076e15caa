"""Finding 5 (LOW): SSO e-mail domains were neither verified nor unique, and matching trusted changeable claims.

The attacks: (a) an organisation's administrator lists another organisation's e-mail domain (or
one nobody checked) for their own provider, so people who type their work address are sent to the
attacker's identity provider; (b) the platform matched every login on a claim the provider lets
change, such as the e-mail address, and took a token without ``email_verified`` as verified: whoever
can set an address at the provider (an account of their own, a renamed mailbox) logs in as the
person with that address.

The fix: ``OidcDomain`` rows, unique across organisations (a case-insensitive constraint and a
Dutch form error); a domain routes a login only after the service operators marked it verified in
the Django admin. At the first single sign-on a person is linked to the token's ``sub``
(``OidcIdentity``); from then on only that subject logs them in, whatever the other claims say, and
a person linked once is never matched by a claim again. Matching by e-mail needs
``email_verified: true``; missing counts as not verified.
"""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from wpo.accounts.models import OidcDomain, OidcIdentity, OidcProvider

from ..conftest import login
from ..factories import World
from ..test_sso import FakeIdP, logged_in_as, sso_login

pytestmark = pytest.mark.django_db

NOT_HERE = "kun je hier niet inloggen via je organisatie"


def settings_form(**changes: str) -> dict[str, str]:
    data = {
        "display_name": "Zuid",
        "issuer": "https://login.microsoftonline.com/zuid/v2.0",
        "client_id": "zuid-app",
        "client_secret": "geheim",
        "claim": "email",
        "match_field": "email",
        "email_domains": "",
        "enabled": "on",
    }
    data.update(changes)
    return data


# Domains -----------------------------------------------------------------------------------------


def test_an_administrator_cannot_claim_another_organisations_domain(
    client: Client, world: World, other_world: World, provider: OidcProvider
) -> None:
    login(client, other_world.administrator)
    for typed in ("noord.example", "Noord.Example", "@noord.example", "zuid.example, WERKBEDRIJF-NOORD.nl"):
        response = client.post(reverse("accounts:sso_settings"), settings_form(email_domains=typed))
        assert response.status_code == 200, typed
        assert "hoort al bij een andere organisatie" in response.content.decode(), typed
    assert not OidcProvider.objects.filter(organization=other_world.org).exists()
    assert set(OidcDomain.objects.values_list("organization_id", flat=True)) == {world.org.pk}


def test_the_database_keeps_a_domain_unique_whatever_its_case(world: World, provider: OidcProvider) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        OidcDomain.objects.create(organization=world.org, provider=provider, domain="NOORD.example")


def test_an_unverified_domain_routes_no_login_until_the_operators_verify_it(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    login(client, world.administrator)
    response = client.post(
        reverse("accounts:sso_settings"),
        settings_form(
            issuer="https://login.microsoftonline.com/noord/v2.0", email_domains="noord.example, nieuw.example"
        ),
    )
    assert response.status_code == 302
    added = OidcDomain.objects.get(domain="nieuw.example")
    assert not added.verified and added.organization == world.org
    page = client.get(reverse("accounts:sso_settings")).content.decode()
    assert "wacht op controle door de beheerders van de dienst" in page
    client.logout()

    OidcProvider.objects.filter(pk=provider.pk).update(issuer=idp.base)
    refused = client.post(reverse("accounts:sso_start"), {"organization": "iemand@nieuw.example"})
    assert refused.status_code == 200 and NOT_HERE in refused.content.decode()
    OidcDomain.objects.filter(pk=added.pk).update(verified=True)  # what the operators' Django admin does
    routed = client.post(reverse("accounts:sso_start"), {"organization": "iemand@nieuw.example"})
    assert routed.status_code == 302 and routed["Location"].startswith(idp.base + "/authorize?")


# Matching on the subject -------------------------------------------------------------------------


def test_the_first_login_links_the_subject_and_later_claims_cannot_move_it(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"sub": "coach-sub", "email": world.coach.user.email}
    sso_login(client)
    assert logged_in_as(client) == world.coach.user.pk
    assert OidcIdentity.objects.get(provider=provider).person == world.coach
    client.logout()

    # The coach's account at the provider now carries the administrator's address: still the coach.
    idp.claims = {"sub": "coach-sub", "email": world.administrator.user.email}
    sso_login(client)
    assert logged_in_as(client) == world.coach.user.pk
    client.logout()

    # Another account at the provider with the coach's address: the coach is linked already, no match.
    idp.claims = {"sub": "someone-else", "email": world.coach.user.email}
    response = sso_login(client)
    assert response.status_code == 403 and logged_in_as(client) is None
    assert not OidcIdentity.objects.filter(subject="someone-else").exists()


def test_a_linked_person_still_logs_in_after_their_address_changed_here(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"sub": "trainer-sub", "email": world.trainer.user.email}
    sso_login(client)
    client.logout()
    world.trainer.user.email = "nieuw-adres@noord.example"
    world.trainer.user.save()
    sso_login(client)
    assert logged_in_as(client) == world.trainer.user.pk


@pytest.mark.parametrize(
    "verified", [FakeIdP.LEAVE_OUT, None, "true", 1, False], ids=["missing", "null", "string", "number", "false"]
)
def test_an_address_not_marked_verified_matches_nobody(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider, verified: object
) -> None:
    idp.claims = {"sub": "new-sub", "email": world.coach.user.email, "email_verified": verified}
    response = sso_login(client)
    assert response.status_code == 403 and logged_in_as(client) is None
    assert not OidcIdentity.objects.exists()


def test_a_linked_but_deactivated_person_is_not_logged_in(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"sub": "coach-sub", "email": world.coach.user.email}
    sso_login(client)
    client.logout()
    world.coach.user.is_active = False
    world.coach.user.save()
    assert sso_login(client).status_code == 403 and logged_in_as(client) is None
