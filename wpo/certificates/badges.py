"""Open Badges 3.0: the issuer's keys, the signed credentials and the status list.

Signing uses joserfc (already in the project for single sign-on): a compact JWS with ``alg`` ES256
(P-256), ``typ`` JWT and ``kid`` the URL of the public key, whose payload is the
``OpenBadgeCredential`` itself with the registered claims ``iss``, ``jti`` and ``nbf`` beside it
(Open Badges 3.0, "JSON Web Token Proof Format"). ES256 rather than EdDSA: every JOSE library and
wallet verifies it, while "EdDSA" is being replaced by "Ed25519" (RFC 9864) and joserfc already
warns about it.

Every address in a credential starts with ``SITE_URL``, not the address a request came in on: a
credential is signed once and must point at the same place for ever, whatever proxy it was
issued behind. The public documents built here hold no person: the issuer profile is the
organisation's name, the JWKS public keys, the status list one bit per credential.
"""

from __future__ import annotations

import base64
import gzip
import json
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from joserfc import jws
from joserfc.jwk import ECKey

from . import keyseal
from .models import BadgeIssuer, BadgeSigningKey

ALGORITHM = "ES256"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
# Bitstring Status List v1.0: at least 16 KB of bits, so one list hides each credential among many.
MIN_STATUS_SIZE = 131072
STATUS_PURPOSE = "revocation"


# Addresses ---------------------------------------------------------------------------------------


def _site(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def issuer_url(issuer: BadgeIssuer) -> str:
    return _site(reverse("certificates:badge_issuer", args=[issuer.public_id]))


def jwks_url(issuer: BadgeIssuer) -> str:
    return _site(reverse("certificates:badge_jwks", args=[issuer.public_id]))


def key_url(issuer: BadgeIssuer, thumbprint: str) -> str:
    return _site(reverse("certificates:badge_key", args=[issuer.public_id, thumbprint]))


def status_url(issuer: BadgeIssuer) -> str:
    return _site(reverse("certificates:badge_status", args=[issuer.public_id]))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# The issuer and its keys -------------------------------------------------------------------------


def issuer_for(organization_id: int, *, lock: bool = False) -> BadgeIssuer:
    """The organisation's issuer, made with its first key the first time; ``lock`` holds its row
    until the transaction ends (issuing and rotating pick positions and keys under it)."""
    issuer = BadgeIssuer.objects.filter(organization_id=organization_id).first()
    if issuer is None:
        try:
            with transaction.atomic():
                issuer = BadgeIssuer.objects.create(organization_id=organization_id)
                new_key(issuer)
        except IntegrityError:
            # Made at the same moment by another transaction: use that one.
            issuer = BadgeIssuer.objects.filter(organization_id=organization_id).first()
            if issuer is None:
                raise
    if lock:
        issuer = BadgeIssuer.objects.select_for_update().get(pk=issuer.pk)
    return issuer


def new_key(issuer: BadgeIssuer, at: datetime | None = None) -> BadgeSigningKey:
    """A fresh P-256 key for ``issuer``; its private half sealed with SECRET_KEY."""
    key = ECKey.generate_key("P-256", private=True)
    thumbprint = key.thumbprint()
    public = dict(key.as_dict(private=False))
    return BadgeSigningKey.objects.create(
        organization_id=issuer.organization_id,
        issuer=issuer,
        thumbprint=thumbprint,
        public_jwk=public,
        private_sealed=keyseal.seal(key.as_pem(private=True)),
        created_at=at or timezone.now(),
    )


def active_key(issuer: BadgeIssuer) -> BadgeSigningKey:
    key = BadgeSigningKey.objects.filter(issuer=issuer, retired_at__isnull=True).first()
    return key if key is not None else new_key(issuer)


def _private(key: BadgeSigningKey) -> ECKey:
    pem, current = keyseal.open_sealed(key.private_sealed)
    if not current:
        # Opened with a SECRET_KEY_FALLBACKS key: seal it again with today's SECRET_KEY.
        key.private_sealed = keyseal.seal(pem)
        BadgeSigningKey.objects.filter(pk=key.pk).update(private_sealed=key.private_sealed)
    return ECKey.import_key(pem)


def sign(key: BadgeSigningKey, payload: dict[str, Any]) -> str:
    """``payload`` as a compact JWS signed with ``key`` (ES256, ``kid`` the key's public URL)."""
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": key_url(key.issuer, key.thumbprint)}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return str(jws.serialize_compact(header, body, _private(key), algorithms=[ALGORITHM]))


def public_jwk(key: BadgeSigningKey) -> dict[str, Any]:
    return {**key.public_jwk, "kid": key_url(key.issuer, key.thumbprint), "alg": ALGORITHM, "use": "sig"}


def jwks(issuer: BadgeIssuer) -> dict[str, Any]:
    """Every key the issuer ever signed with, the retired ones too: old credentials keep verifying."""
    return {"keys": [public_jwk(key) for key in issuer.keys.order_by("created_at", "id")]}


def issuer_profile(issuer: BadgeIssuer, name: str) -> dict[str, Any]:
    """The Open Badges ``Profile`` of the issuing organisation (its name; nobody's person)."""
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_url(issuer),
        "type": ["Profile"],
        "name": name,
        "url": _site("/"),
        "description": "Werkplekopleiden (WPO): medewerkers leren werknemersvaardigheden op de werkvloer.",
        # Where the public keys are (the JWKS document), as OpenID Connect names it.
        "jwks_uri": jwks_url(issuer),
    }


def free_status_index(issuer: BadgeIssuer, used: set[int]) -> int:
    """A random position of the status list that no credential holds yet; the list doubles when
    more than half of it is taken, so a random try stays quick. ``issuer`` is locked."""
    if len(used) * 2 >= issuer.status_size:
        issuer.status_size *= 2
        BadgeIssuer.objects.filter(pk=issuer.pk).update(status_size=issuer.status_size)
    while True:
        index = secrets.randbelow(issuer.status_size)
        if index not in used:
            return index


def status_entry(issuer: BadgeIssuer, index: int) -> dict[str, str]:
    url = status_url(issuer)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def encode_bits(size: int, set_bits: set[int]) -> str:
    """The W3C Bitstring Status List ``encodedList``: position 0 is the first byte's highest bit,
    GZIP-compressed, base64url without padding, with the multibase prefix ``u``."""
    bits = bytearray(size // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_bits(encoded: str) -> bytes:
    raw = encoded[1:] if encoded.startswith("u") else encoded
    return gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def status_list_credential(issuer: BadgeIssuer, revoked: set[int]) -> str:
    """The issuer's signed ``BitstringStatusListCredential`` as it stands now."""
    now = timezone.now()
    url = status_url(issuer)
    payload = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(issuer),
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encode_bits(issuer.status_size, revoked),
        },
        "iss": issuer_url(issuer),
        "jti": url,
        "nbf": int(now.timestamp()),
    }
    return sign(active_key(issuer), payload)


def credential_payload(
    issuer: BadgeIssuer,
    *,
    organization_name: str,
    credential_id: uuid.UUID,
    issued_at: datetime,
    name: str,
    recipient_name: str,
    achievement: dict[str, Any],
    results: list[dict[str, Any]],
    evidence: list[dict[str, Any]],
    status_index: int,
) -> dict[str, Any]:
    """An ``OpenBadgeCredential`` with the JWT's registered claims beside it (iss, jti, nbf)."""
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        # The participant as printed on the certificate; a verifier compares it with who shows it.
        "identifier": [
            {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": recipient_name}
        ],
        "achievement": achievement,
    }
    if results:
        subject["result"] = results
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {"id": issuer_url(issuer), "type": ["Profile"], "name": organization_name, "url": _site("/")},
        "validFrom": iso(issued_at),
        "credentialSubject": subject,
        "evidence": evidence,
        "credentialStatus": status_entry(issuer, status_index),
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "iss": issuer_url(issuer),
        "jti": f"urn:uuid:{credential_id}",
        "nbf": int(issued_at.timestamp()),
    }


def achievement_id(issuer: BadgeIssuer, *parts: str) -> str:
    """A stable URI per issuer and achievement (the same sub-skill and level: the same id)."""
    return f"urn:uuid:{uuid.uuid5(issuer.public_id, ':'.join(parts))}"


def enveloped(token: str) -> dict[str, Any]:
    """The signed credential as JSON: a W3C VC 2.0 ``EnvelopedVerifiableCredential`` around the JWT."""
    return {"@context": [VC_CONTEXT], "id": f"data:application/vc+jwt,{token}", "type": "EnvelopedVerifiableCredential"}


def payload_of(token: str) -> dict[str, Any]:
    """The payload of a JWT as stored (read, not verified: for showing our own copy)."""
    body = token.split(".")[1]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return data
