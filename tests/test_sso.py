"""Single sign-on per organisation through OpenID Connect (wpo/accounts/sso.py).

A small OpenID provider runs inside the test process (``FakeIdP``: an ``http.server`` thread with a
discovery document, JWKS, an authorize endpoint that approves at once, and a token endpoint that
checks the client secret and the PKCE verifier and signs ID tokens with an RSA key made here).
The Django test client drives the whole redirect dance; where the browser would go to the
identity provider, the test follows the redirect itself with ``requests``.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import RSAKey

from wpo.accounts import sso
from wpo.accounts.middleware import LOGIN_METHOD_KEY, SSO
from wpo.accounts.models import OidcDomain, OidcProvider, SecurityEvent, SecurityPolicy
from wpo.orgs.models import Person, Role

from .conftest import login
from .factories import World, make_person

pytestmark = pytest.mark.django_db

CLIENT_ID = "wpo-platform"
CLIENT_SECRET = "geheim-van-de-idp-123"


class FakeIdP:
    """Just enough of an OpenID provider: discovery, JWKS, authorize (auto-approve), token."""

    LEAVE_OUT = object()  # a claim set to this is left out of the next ID token

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "idp-key-1"})
        self.sign_key = self.key
        self.codes: dict[str, dict[str, Any]] = {}
        self.claims: dict[str, Any] = {}  # the next ID token's claims (overrides)
        self.token_requests = 0
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, status: int, data: dict[str, Any]) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, idp.discovery())
                elif url.path == "/jwks":
                    self._json(200, {"keys": [idp.key.as_dict(private=False)]})
                elif url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    code = secrets.token_urlsafe(16)
                    idp.codes[code] = query
                    target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                idp.token_requests += 1
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                auth = self.headers.get("Authorization", "")
                expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                request = idp.codes.pop(form.get("code", ""), None)
                if auth != expected or request is None or form.get("grant_type") != "authorization_code":
                    self._json(400, {"error": "invalid_grant"})
                    return
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if request.get("code_challenge_method") != "S256" or challenge != request.get("code_challenge"):
                    self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                    return
                self._json(200, {"access_token": "at", "token_type": "Bearer", "id_token": idp.id_token(request)})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.base,
            "authorization_endpoint": self.base + "/authorize",
            "token_endpoint": self.base + "/token",
            "jwks_uri": self.base + "/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def id_token(self, request: dict[str, Any]) -> str:
        now = int(time.time())
        claims = {
            "iss": self.base,
            "aud": request["client_id"],
            "sub": "abc-123",
            "iat": now,
            "exp": now + 300,
            "nonce": request.get("nonce"),
            "email_verified": True,
        }
        claims.update(self.claims)
        claims = {name: value for name, value in claims.items() if value is not self.LEAVE_OUT}
        return jwt.encode({"alg": "RS256", "kid": "idp-key-1"}, claims, self.sign_key)


@pytest.fixture(scope="module")
def idp_server() -> Iterator[FakeIdP]:
    server = FakeIdP()
    yield server
    server.server.shutdown()


@pytest.fixture
def idp(idp_server: FakeIdP, monkeypatch: pytest.MonkeyPatch, settings: Any) -> FakeIdP:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    # The server fetches only https from public addresses (wpo/accounts/sso_fetch.py); this one
    # in-process provider on 127.0.0.1 is let through, nothing else (tests/attacks/test_sso_fetch.py).
    settings.SSO_ALLOWED_TEST_HOSTS = [urlsplit(idp_server.base).netloc]
    idp_server.claims = {}
    idp_server.sign_key = idp_server.key
    cache.clear()
    return idp_server


@pytest.fixture
def provider(world: World, idp: FakeIdP) -> OidcProvider:
    provider = OidcProvider.objects.create(
        organization=world.org,
        display_name="Werkbedrijf Noord (Entra ID)",
        issuer=idp.base,
        client_id=CLIENT_ID,
        client_secret_encrypted=sso.encrypt_secret(CLIENT_SECRET),
        claim="email",
        match_field=OidcProvider.MatchField.EMAIL,
        enabled=True,
    )
    # Verified by the service operators: only then does a domain route a login (tests/attacks/test_sso_identity.py).
    for domain in ("noord.example", "werkbedrijf-noord.nl"):
        OidcDomain.objects.create(organization=world.org, provider=provider, domain=domain, verified=True)
    return provider


def start(client: Client, typed: str = "werkbedrijf-noord") -> str:
    response = client.post(reverse("accounts:sso_start"), {"organization": typed})
    assert response.status_code == 302, response.content.decode()
    return str(response["Location"])


def at_idp(authorize_url: str) -> str:
    """The browser at the identity provider: it approves and sends the browser back (the callback path)."""
    response = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    back = urlsplit(response.headers["Location"])
    return f"{back.path}?{back.query}"


def sso_login(client: Client, typed: str = "werkbedrijf-noord"):  # type: ignore[no-untyped-def]
    return client.get(at_idp(start(client, typed)))


def logged_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def test_single_sign_on_logs_in_the_matching_person_of_that_organisation(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"email": world.coach.user.email.upper()}  # e-mail matched case-insensitively
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert "Inloggen via je organisatie" in login_page
    authorize = start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(idp.base + "/authorize?")
    assert query["code_challenge_method"] == ["S256"] and query["client_id"] == [CLIENT_ID]
    assert query["state"] and query["nonce"] and query["code_challenge"]
    assert query["redirect_uri"] == [f"http://127.0.0.1:8000/accounts/sso/{world.org.slug}/terug/"]
    assert "openid" in query["scope"][0]

    response = client.get(at_idp(authorize))
    assert response.status_code == 302 and response["Location"] == reverse("coaching:overview")
    assert logged_in_as(client) == world.coach.user.pk
    assert client.session[LOGIN_METHOD_KEY] == SSO
    assert client.get(reverse("coaching:overview")).status_code == 200


def test_single_sign_on_counts_as_two_factor(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    SecurityPolicy.objects.create(organization=world.org, two_factor_required=True)
    idp.claims = {"email": world.administrator.user.email}
    sso_login(client)
    assert logged_in_as(client) == world.administrator.user.pk
    assert client.get(reverse("orgs:people")).status_code == 200


def test_the_organisation_is_found_by_an_email_domain(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"email": world.trainer.user.email}
    sso_login(client, "Piet@Noord.Example")
    assert logged_in_as(client) == world.trainer.user.pk


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"nonce": "een-andere-nonce"}, id="wrong-nonce"),
        pytest.param({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, id="expired"),
        pytest.param({"aud": "een-andere-app"}, id="wrong-audience"),
        pytest.param({"iss": "https://nep-idp.example"}, id="wrong-issuer"),
    ],
)
def test_a_bad_id_token_logs_nobody_in(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider, claims: dict[str, Any]
) -> None:
    idp.claims = {"email": world.coach.user.email, **claims}
    response = sso_login(client)
    assert response.status_code == 400
    assert "Het inloggen via je organisatie is niet gelukt" in response.content.decode()
    assert logged_in_as(client) is None


def test_a_token_signed_with_another_key_logs_nobody_in(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"email": world.coach.user.email}
    idp.sign_key = RSAKey.generate_key(2048, parameters={"kid": "idp-key-1"})  # same kid, other key
    assert sso_login(client).status_code == 400
    assert logged_in_as(client) is None


def test_a_wrong_state_logs_nobody_in_and_the_code_is_not_exchanged(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"email": world.coach.user.email}
    callback = at_idp(start(client))
    path, query = callback.split("?")
    params = {k: v[0] for k, v in parse_qs(query).items()}
    params["state"] = "vals"
    before = idp.token_requests
    response = client.get(f"{path}?{urlencode(params)}")
    assert response.status_code == 400 and logged_in_as(client) is None
    assert idp.token_requests == before


def test_a_callback_without_a_login_started_here_is_refused(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    """Someone sends a victim a callback link (login CSRF), or replays a used one."""
    idp.claims = {"email": world.coach.user.email}
    callback = at_idp(start(client))
    other_browser = Client()
    assert other_browser.get(callback).status_code == 400
    assert logged_in_as(other_browser) is None
    # The started login was for the first browser; its pending state is still its own.
    assert client.get(callback).status_code == 302
    client.logout()
    assert client.get(callback).status_code == 400  # used once


def test_an_unknown_email_gets_a_clear_message(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"email": "onbekend@noord.example"}
    response = sso_login(client)
    body = response.content.decode()
    assert response.status_code == 403
    assert "geen actief account" in body and "onbekend@noord.example" in body
    assert logged_in_as(client) is None


def test_a_person_of_another_organisation_is_never_logged_in(
    client: Client, world: World, other_world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    stranger = other_world.coach
    idp.claims = {"email": stranger.user.email}
    response = sso_login(client)
    assert response.status_code == 403 and logged_in_as(client) is None
    # Same address in both organisations: only the person of the provider's organisation.
    twin = make_person(world.org, [Role.TRAINER], email="tweeling@gedeeld.example")
    make_person(other_world.org, [Role.ADMINISTRATOR], email="tweeling@gedeeld.example")
    client.logout()
    idp.claims = {"email": "tweeling@gedeeld.example"}
    sso_login(client)
    assert logged_in_as(client) == twin.user.pk


def test_an_inactive_account_or_unverified_email_is_no_match(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"email": world.coach.user.email, "email_verified": False}
    assert sso_login(client).status_code == 403
    world.trainer.user.is_active = False
    world.trainer.user.save()
    idp.claims = {"email": world.trainer.user.email}
    assert sso_login(client).status_code == 403
    assert logged_in_as(client) is None


def test_matching_on_employee_number(client: Client, world: World, idp: FakeIdP, provider: OidcProvider) -> None:
    Person.objects.filter(pk=world.coach.pk).update(employee_number="E-1001")
    provider.claim, provider.match_field = "employeeid", OidcProvider.MatchField.EMPLOYEE_NUMBER
    provider.save()
    idp.claims = {"employeeid": "E-1001", "email": "iets-anders@noord.example"}
    sso_login(client)
    assert logged_in_as(client) == world.coach.user.pk


def test_a_disabled_provider_is_not_offered_or_accepted(
    client: Client, world: World, idp: FakeIdP, provider: OidcProvider
) -> None:
    idp.claims = {"email": world.coach.user.email}
    callback = at_idp(start(client))
    provider.enabled = False
    provider.save()
    response = client.get(callback)
    assert response.status_code == 400 and logged_in_as(client) is None
    refused = client.post(reverse("accounts:sso_start"), {"organization": "werkbedrijf-noord"})
    assert refused.status_code == 200
    assert "kun je hier niet inloggen via je organisatie" in refused.content.decode()


def test_an_unreachable_provider_gives_a_message_not_an_error(client: Client, world: World, idp: FakeIdP) -> None:
    OidcProvider.objects.create(
        organization=world.org,
        display_name="Weg",
        issuer="http://127.0.0.1:9/nergens",
        client_id=CLIENT_ID,
        enabled=True,
    )
    response = client.post(reverse("accounts:sso_start"), {"organization": world.org.name})
    assert response.status_code == 200
    assert "lukt nu niet" in response.content.decode()


def test_the_callback_address_tells_nothing_about_the_organisation(
    client: Client, world: World, other_world: World, outsider: Person, provider: OidcProvider
) -> None:
    """Public by design (tests/test_tenant_isolation.py): with or without a provider, the same answer."""
    login(client, outsider)
    with_provider = client.get(
        reverse("accounts:sso_callback", kwargs={"org_slug": world.org.slug}) + "?code=x&state=y"
    )
    without = client.get(
        reverse("accounts:sso_callback", kwargs={"org_slug": other_world.org.slug}) + "?code=x&state=y"
    )
    unknown = client.get(reverse("accounts:sso_callback", kwargs={"org_slug": "bestaat-niet"}))
    assert with_provider.status_code == without.status_code == unknown.status_code == 400
    for response in (with_provider, without, unknown):
        body = response.content.decode()
        assert world.org.name not in body and provider.display_name not in body
    assert logged_in_as(client) == outsider.user.pk  # nothing changed for whoever was logged in


# The client secret and the administrator's page ----------------------------------------------


def test_the_client_secret_is_stored_encrypted_and_survives_a_key_rotation() -> None:
    stored = sso.encrypt_secret("s3cret")
    assert "s3cret" not in stored and sso.decrypt_secret(stored) == "s3cret"
    with (
        override_settings(SECRET_KEY="een-nieuwe-sleutel-" + "x" * 40, SECRET_KEY_FALLBACKS=[]),
        pytest.raises(sso.SsoError),
    ):
        sso.decrypt_secret(stored)
    from django.conf import settings

    with override_settings(SECRET_KEY="een-nieuwe-sleutel-" + "x" * 40, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
        assert sso.decrypt_secret(stored) == "s3cret"


def test_the_administrator_manages_the_provider(client: Client, world: World) -> None:
    login(client, world.administrator)
    page = client.get(reverse("accounts:sso_settings"))
    assert page.status_code == 200
    assert f"/accounts/sso/{world.org.slug}/terug/" in page.content.decode()
    data = {
        "display_name": "Entra ID",
        "issuer": "https://login.microsoftonline.com/tenant-id/v2.0/",
        "client_id": "app-id",
        "client_secret": "zeer-geheim",
        "claim": "preferred_username",
        "match_field": "email",
        "email_domains": "noord.example",
        "enabled": "on",
    }
    response = client.post(reverse("accounts:sso_settings"), data)
    assert response.status_code == 302
    provider = OidcProvider.objects.get(organization=world.org)
    assert provider.issuer == "https://login.microsoftonline.com/tenant-id/v2.0"
    assert "zeer-geheim" not in provider.client_secret_encrypted
    assert sso.decrypt_secret(provider.client_secret_encrypted) == "zeer-geheim"
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SSO_PROVIDER_CHANGED, organization=world.org).exists()
    # The secret is never shown again; an empty field keeps it.
    assert "zeer-geheim" not in client.get(reverse("accounts:sso_settings")).content.decode()
    client.post(reverse("accounts:sso_settings"), {**data, "client_secret": "", "display_name": "Entra"})
    provider.refresh_from_db()
    assert provider.display_name == "Entra" and sso.decrypt_secret(provider.client_secret_encrypted) == "zeer-geheim"


def test_enabling_without_a_secret_is_refused(client: Client, world: World) -> None:
    login(client, world.administrator)
    data = {"display_name": "X", "issuer": "https://idp.example", "client_id": "a", "claim": "email"}
    response = client.post(reverse("accounts:sso_settings"), {**data, "match_field": "email", "enabled": "on"})
    assert response.status_code == 200 and "Vul het client-secret in" in response.content.decode()
    assert not OidcProvider.objects.exists()


@pytest.mark.parametrize("role", ["coach", "project_manager", "trainer", "participant"])
def test_only_the_administrator_manages_the_provider(client: Client, world: World, role: str) -> None:
    login(client, getattr(world, role))
    assert client.get(reverse("accounts:sso_settings")).status_code == 403
    assert client.post(reverse("accounts:sso_settings"), {"display_name": "x"}).status_code == 403


def test_another_organisations_administrator_sees_and_changes_only_their_own(
    client: Client, world: World, outsider: Person, provider: OidcProvider
) -> None:
    login(client, outsider)
    page = client.get(reverse("accounts:sso_settings")).content.decode()
    assert provider.display_name not in page and provider.client_id not in page
    client.post(
        reverse("accounts:sso_settings"),
        {
            "display_name": "Zuid",
            "issuer": "https://zuid.example",
            "client_id": "z",
            "claim": "email",
            "match_field": "email",
        },
    )
    provider.refresh_from_db()
    assert provider.display_name == "Werkbedrijf Noord (Entra ID)" and provider.client_id == CLIENT_ID
