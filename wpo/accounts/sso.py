"""Single sign-on per organisation through OpenID Connect (for example Microsoft Entra ID).

The authorization code flow with PKCE (S256), ``state`` and ``nonce``, through authlib's requests
client; the ID token is checked with joserfc: signature against the provider's published keys
(JWKS), ``iss``, ``aud``, ``exp``, ``iat``, ``nonce``. The person logged in is an existing, active
person of the provider's own organisation whose e-mail address, employee number or username
equals the configured claim; nobody is created. The identity provider is trusted to have done
its own second factor, so a session started this way counts as two-factor verified.

Every request the server itself makes to the provider (discovery, keys, token) goes through
``sso_fetch``: https to public addresses only, capped in size and total time, failures remembered
for a minute. Only the browser visits the authorization endpoint.
"""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from authlib.integrations.requests_client import OAuth2Session
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from wpo.lib import clock
from wpo.orgs.models import Person

from . import crypto, sso_fetch
from .models import OidcDomain, OidcProvider

DISCOVERY_PATH = "/.well-known/openid-configuration"
CACHE_SECONDS = 60 * 60
PENDING_KEY = "sso_pending"
PENDING_MAX_AGE = 10 * 60
CLOCK_LEEWAY = 60
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256"]
SCOPE = "openid email profile"


class SsoError(Exception):
    """Single sign-on did not work. ``reason`` is for the log and the tests, never shown as such."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# The client secret, encrypted at rest -------------------------------------------------------


_CLIENT_SECRET_PURPOSE = b"wpo oidc client secret"


def encrypt_secret(value: str) -> str:
    if not value:
        return ""
    return crypto.fernet(crypto.secret_keys()[0], _CLIENT_SECRET_PURPOSE).encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_secret(value: str) -> str:
    """The client secret; after a SECRET_KEY rotation the old key in SECRET_KEY_FALLBACKS still opens it."""
    if not value:
        return ""
    for key in crypto.secret_keys():
        try:
            return crypto.fernet(key, _CLIENT_SECRET_PURPOSE).decrypt(value.encode("ascii")).decode("utf-8")
        except InvalidToken:
            continue
    raise SsoError("client secret cannot be decrypted (SECRET_KEY changed?)")


# Finding the provider -----------------------------------------------------------------------


def provider_for_login(typed: str) -> OidcProvider | None:
    """The enabled provider of the organisation someone typed: its short name, its name, or an
    e-mail address (or bare domain) of one of its e-mail domains. Public: nobody is logged in yet."""
    text = typed.strip().lower()
    if not text or len(text) > 254:
        return None
    enabled = OidcProvider.objects.filter(enabled=True).select_related("organization")
    by_name = [p for p in enabled if text in (p.organization.slug.lower(), p.organization.name.lower())]
    if by_name:
        return by_name[0]
    # Only a domain the service operators verified routes a login (OidcDomain); it is unique.
    domain = text.rsplit("@", 1)[-1].lstrip("@")
    verified = OidcDomain.objects.filter(domain=domain, verified=True, provider__enabled=True)
    found = verified.select_related("provider__organization").first()
    return found.provider if found is not None else None


def provider_for_callback(org_slug: str) -> OidcProvider | None:
    return OidcProvider.objects.filter(enabled=True, organization__slug=org_slug).select_related("organization").first()


# Talking to the identity provider ------------------------------------------------------------


def _cache_key(kind: str, url: str) -> str:
    return f"wpo-oidc-{kind}-{hashlib.sha256(url.encode('utf-8')).hexdigest()}"


def _json_object(status: int, body: bytes, url: str) -> dict[str, Any]:
    if status != 200:
        raise SsoError(f"{url} answered {status}")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SsoError(f"not JSON: {url}") from exc
    if not isinstance(data, dict):
        raise SsoError(f"not a JSON object: {url}")
    return data


def _get_json(url: str) -> dict[str, Any]:
    try:
        status, body = sso_fetch.fetch(url)
    except sso_fetch.FetchRefused as exc:
        raise SsoError(exc.reason) from exc
    return _json_object(status, body, url)


def _remembering_failure(key: str, load: Any) -> dict[str, Any]:
    """``load()``, unless it failed for ``key`` within the last minute; a failure is remembered, so
    anonymous starts of a login cannot make the server fetch a broken provider again and again."""
    failed = sso_fetch.recent_failure(key)
    if failed is not None:
        raise SsoError(f"failed less than {sso_fetch.FAILURE_CACHE_SECONDS} s ago, not fetched again: {failed}")
    try:
        result: dict[str, Any] = load()
    except SsoError as exc:
        sso_fetch.remember_failure(key, exc.reason)
        raise
    return result


def _fetch_discovery(issuer: str) -> dict[str, Any]:
    meta = _get_json(issuer + DISCOVERY_PATH)
    if str(meta.get("issuer", "")).rstrip("/") != issuer:
        raise SsoError("the discovery document names another issuer")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(meta.get(field), str):
            raise SsoError(f"discovery document without {field}")
        try:
            sso_fetch.check_named_address(meta[field])
        except sso_fetch.FetchRefused as exc:
            raise SsoError(f"discovery document's {field}: {exc.reason}") from exc
    return meta


def discovery(provider: OidcProvider, *, refresh: bool = False) -> dict[str, Any]:
    issuer = provider.issuer.rstrip("/")
    key = _cache_key("meta", issuer)
    meta: dict[str, Any] | None = None if refresh else cache.get(key)
    if meta is None:
        meta = _remembering_failure(key, lambda: _fetch_discovery(issuer))
        cache.set(key, meta, CACHE_SECONDS)
    return meta


def _key_set(meta: dict[str, Any], *, refresh: bool) -> KeySet:
    key = _cache_key("jwks", meta["jwks_uri"])
    jwks: dict[str, Any] | None = None if refresh else cache.get(key)
    if jwks is None:
        jwks = _remembering_failure(key, lambda: _get_json(meta["jwks_uri"]))
        cache.set(key, jwks, CACHE_SECONDS)
    try:
        return KeySet.import_key_set(jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise SsoError(f"unusable JWKS: {exc}") from exc


def redirect_uri(provider: OidcProvider) -> str:
    """The callback address to register at the identity provider (SITE_URL, so it never depends on proxies)."""
    return settings.SITE_URL + reverse("accounts:sso_callback", kwargs={"org_slug": provider.organization.slug})


def start(request: HttpRequest, provider: OidcProvider, *, next_url: str = "") -> str:
    """Remember state, nonce and the PKCE verifier in the session; the address of the provider's login page."""
    meta = discovery(provider)
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    client = OAuth2Session(
        provider.client_id, scope=SCOPE, redirect_uri=redirect_uri(provider), code_challenge_method="S256"
    )
    url, _state = client.create_authorization_url(
        meta["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
    )
    request.session[PENDING_KEY] = {
        "provider": provider.pk,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "since": clock.epoch_seconds(),
        "next": next_url,
    }
    return str(url)


@dataclass(frozen=True)
class Outcome:
    person: Person | None
    next_url: str
    claims: dict[str, Any]


def validate_id_token(id_token: str, *, provider: OidcProvider, meta: dict[str, Any], nonce: str) -> dict[str, Any]:
    """The ID token's claims after checking signature, issuer, audience, expiry and nonce."""
    token = None
    for refresh in (False, True):  # a key the cache does not know yet: the provider may have rotated keys
        try:
            token = jwt.decode(id_token, _key_set(meta, refresh=refresh), algorithms=ALGORITHMS)
            break
        except JoseError as exc:
            if refresh:
                raise SsoError(f"ID token signature: {exc}") from exc
        except ValueError as exc:
            raise SsoError(f"ID token unreadable: {exc}") from exc
    assert token is not None
    registry = jwt.JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY,
        iss={"essential": True, "value": meta["issuer"]},
        aud={"essential": True, "value": provider.client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(token.claims)
    except JoseError as exc:
        raise SsoError(f"ID token claims: {exc}") from exc
    audience = token.claims.get("aud")
    if isinstance(audience, list) and len(audience) > 1 and token.claims.get("azp") != provider.client_id:
        raise SsoError("ID token for several audiences without our azp")
    return dict(token.claims)


def finish(request: HttpRequest, provider: OidcProvider) -> Outcome:
    """Check the provider's answer and find the person it names. Raises ``SsoError`` on anything wrong."""
    pending = request.session.pop(PENDING_KEY, None)
    if not isinstance(pending, dict) or pending.get("provider") != provider.pk:
        raise SsoError("no login started for this organisation in this browser")
    if clock.epoch_seconds() - int(pending.get("since", 0)) > PENDING_MAX_AGE:
        raise SsoError("login started too long ago")
    if not secrets.compare_digest(str(request.GET.get("state", "")), str(pending["state"])):
        raise SsoError("state does not match")
    if request.GET.get("error"):
        raise SsoError(f"provider says: {request.GET.get('error')}")
    code = request.GET.get("code", "")
    if not code:
        raise SsoError("no code")
    meta = discovery(provider)
    tokens = _exchange_code(provider, meta["token_endpoint"], code=code, verifier=str(pending["verifier"]))
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise SsoError("no ID token")
    claims = validate_id_token(id_token, provider=provider, meta=meta, nonce=str(pending["nonce"]))
    return Outcome(person=_match(provider, claims), next_url=str(pending.get("next", "")), claims=claims)


def _exchange_code(provider: OidcProvider, token_endpoint: str, *, code: str, verifier: str) -> dict[str, Any]:
    """The token endpoint's answer to the authorization code (client_secret_basic, RFC 6749 2.3.1)."""
    credentials = (
        f"{quote(provider.client_id, safe='')}:{quote(decrypt_secret(provider.client_secret_encrypted), safe='')}"
    )
    body = urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(provider),
            "code_verifier": verifier,
        }
    ).encode("ascii")
    headers = {
        "Authorization": "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii"),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    try:
        status, answer = sso_fetch.fetch(token_endpoint, method="POST", body=body, headers=headers)
    except sso_fetch.FetchRefused as exc:
        raise SsoError(f"token endpoint: {exc.reason}") from exc
    return _json_object(status, answer, token_endpoint)


MAX_SUBJECT_LENGTH = 255


def _match(provider: OidcProvider, claims: dict[str, Any]) -> Person | None:
    """The person the verified ID token names: by its ``sub`` once linked, the first time by the claim.

    Matching by e-mail address needs ``email_verified: true``; a token without it is not trusted to
    carry the person's own address. The first match links the person to the ``sub``.
    """
    from .access import person_for_sso
    from .sso_services import oidc_identity_link

    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > MAX_SUBJECT_LENGTH:
        return None
    value = claims.get(provider.claim)
    usable = value.strip() if isinstance(value, str) and value.strip() else None
    if provider.match_field == OidcProvider.MatchField.EMAIL and claims.get("email_verified") is not True:
        usable = None
    person = person_for_sso(provider, subject=subject, value=usable)
    if person is None or not oidc_identity_link(provider=provider, person=person, subject=subject):
        return None
    return person
