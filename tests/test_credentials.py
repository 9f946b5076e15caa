"""Open Badges 3.0: a signed credential per sub-skill and per trajectory, issued with the certificate,
verified here with PyJWT (the signer is joserfc) against the published JWKS; the status list, key
rotation, the baked PNG, "Mijn certificaten" and who may download what."""

import base64
import gzip
import io
import json
from typing import Any

import jwt
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from wpo.certificates import badges, services
from wpo.certificates.badge_image import BAKE_KEYWORD
from wpo.certificates.models import BadgeCredential, BadgeIssuer, BadgeSigningKey, Certificate
from wpo.orgs.models import Role
from wpo.trajectories.models import Observation

from .conftest import login
from .factories import World, make_certificate, make_person

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    """A credential's addresses start with SITE_URL; the test client wants the path."""
    return "/" + url.split("/", 3)[3]


def _jwks(client: Client, credential: BadgeCredential) -> jwt.PyJWKSet:
    response = client.get(reverse("certificates:badge_jwks", args=[credential.issuer.public_id]))
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    return jwt.PyJWKSet.from_dict(json.loads(response.content))


def verify_with_pyjwt(client: Client, token: str, credential: BadgeCredential) -> dict[str, Any]:
    """What a verifier does: take the key named by ``kid`` from the published JWKS and check the signature."""
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in _jwks(client, credential).keys if k.key_id == kid)
    return jwt.decode(token, key.key, algorithms=["ES256"], options={"verify_aud": False})


def status_bit(client: Client, credential: BadgeCredential, payload: dict[str, Any]) -> bool:
    entry = payload["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    response = client.get(_path(entry["statusListCredential"]))
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    status = verify_with_pyjwt(client, response.content.decode(), credential)
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = status["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    raw = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    assert len(bits) * 8 >= 131072
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_closing_a_skill_issues_a_signed_open_badge_per_subskill(client: Client, world: World) -> None:
    Observation.objects.create(
        organization=world.org,
        participant_assignment=world.pa,
        author=world.trainer,
        observed_at=timezone.now(),
        note="Vroeg zelf om hulp.",
    )
    certificate = make_certificate(world)
    credential = certificate.credentials.get()
    assert credential.kind == BadgeCredential.Kind.SUBSKILL and credential.level == "A"
    payload = verify_with_pyjwt(client, credential.jwt, credential)
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["jti"] == payload["id"] == f"urn:uuid:{credential.credential_id}"
    assert payload["iss"] == payload["issuer"]["id"] == badges.issuer_url(credential.issuer)
    assert payload["issuer"]["name"] == world.org.name
    achievement = payload["credentialSubject"]["achievement"]
    assert "(niveau A)" in achievement["name"] and achievement["criteria"]["narrative"]
    assert payload["credentialSubject"]["result"][0]["value"] == "A"
    assert payload["credentialSubject"]["identifier"][0]["identityHash"] == world.participant.name
    evidence = payload["evidence"]
    assert len(evidence) == 1 and "Observaties op het werk: 1." in evidence[0]["description"]
    # Counted, never quoted: nothing anyone wrote about the person.
    assert "Vroeg zelf om hulp" not in credential.jwt and "Vroeg zelf om hulp" not in json.dumps(payload)
    assert payload["validFrom"] == badges.iso(certificate.issued_at)
    header = jwt.get_unverified_header(credential.jwt)
    assert header["alg"] == "ES256" and header["typ"] == "JWT"
    assert header["kid"].startswith(badges.issuer_url(credential.issuer))


def test_a_completed_trajectory_gets_its_own_badge(world: World) -> None:
    from wpo.trajectories.services.signoff import trajectory_close

    make_certificate(world)
    trajectory_close(world.trajectory, actor=world.coach)
    certificate = Certificate.objects.get(trajectory=world.trajectory, kind=Certificate.Kind.TRAJECTORY)
    credential = certificate.credentials.get()
    assert credential.kind == BadgeCredential.Kind.TRAJECTORY
    payload = badges.payload_of(credential.jwt)
    assert payload["credentialSubject"]["achievement"]["name"] == "WPO-traject afgerond"
    assert payload["credentialSubject"]["result"][0]["value"].endswith("niveau A")


def test_a_tampered_credential_fails(client: Client, world: World) -> None:
    credential = make_certificate(world).credentials.get()
    header, _body, signature = credential.jwt.split(".")
    payload = badges.payload_of(credential.jwt)
    payload["credentialSubject"]["result"][0]["value"] = "C"
    forged_body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        verify_with_pyjwt(client, f"{header}.{forged_body}.{signature}", credential)
    # Signed by someone else with a key of their own: also refused against our keys.
    from cryptography.hazmat.primitives.asymmetric import ec

    other = jwt.encode(
        payload,
        ec.generate_private_key(ec.SECP256R1()),
        algorithm="ES256",
        headers={"kid": jwt.get_unverified_header(credential.jwt)["kid"]},
    )
    with pytest.raises(jwt.InvalidSignatureError):
        verify_with_pyjwt(client, other, credential)


def test_revoking_the_certificate_revokes_its_badges_in_the_status_list(client: Client, world: World) -> None:
    certificate = make_certificate(world)
    credential = certificate.credentials.get()
    payload = verify_with_pyjwt(client, credential.jwt, credential)
    assert status_bit(client, credential, payload) is False
    services.certificate_revoke(certificate, actor=world.coach, reason="Per vergissing uitgereikt.")
    credential.refresh_from_db()
    assert credential.revoked_at == Certificate.objects.get(pk=certificate.pk).revoked_at
    # The very next request says so.
    assert status_bit(client, credential, payload) is True


def test_the_public_documents_name_nobody(client: Client, world: World) -> None:
    credential = make_certificate(world).credentials.get()
    issuer = credential.issuer
    profile = client.get(reverse("certificates:badge_issuer", args=[issuer.public_id]))
    data = json.loads(profile.content)
    assert data["name"] == world.org.name and data["type"] == ["Profile"]
    assert _path(data["jwks_uri"]) == reverse("certificates:badge_jwks", args=[issuer.public_id])
    key = client.get(_path(jwt.get_unverified_header(credential.jwt)["kid"]))
    assert key.status_code == 200 and "d" not in json.loads(key.content)  # the public half only
    status = client.get(reverse("certificates:badge_status", args=[issuer.public_id]))
    jwks = client.get(reverse("certificates:badge_jwks", args=[issuer.public_id]))
    assert all('"d"' not in r.content.decode() for r in (jwks, key))
    for response in (profile, key, status, jwks):
        text = response.content.decode() + json.dumps(badges.payload_of(status.content.decode()))
        for person in (world.participant, world.trainer, world.coach):
            assert person.user.last_name not in text
    assert (
        client.get(reverse("certificates:badge_jwks", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404
    )


def test_the_signing_key_is_kept_encrypted_and_survives_a_secret_key_rotation(
    client: Client, world: World, settings: Any
) -> None:
    credential = make_certificate(world).credentials.get()
    key = credential.key
    assert "PRIVATE" not in key.private_sealed and key.private_sealed.startswith("gAAAA")  # Fernet
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "x" * 40, [old_secret]
    token = badges.sign(key, {"iss": "x"})
    assert jwt.decode(token, _jwks(client, credential).keys[0].key, algorithms=["ES256"]) == {"iss": "x"}
    # Sealed again with the new SECRET_KEY, so the fallback can go.
    settings.SECRET_KEY_FALLBACKS = []
    key.refresh_from_db()
    badges.sign(key, {"iss": "y"})


def test_key_rotation_keeps_old_badges_verifiable(client: Client, world: World) -> None:
    from wpo.trajectories.services.signoff import trajectory_close

    old = make_certificate(world).credentials.get()
    call_command("rotate_badge_key", world.org.slug, stdout=io.StringIO())
    keys = BadgeSigningKey.objects.filter(issuer=old.issuer)
    assert keys.count() == 2 and keys.filter(retired_at__isnull=True).count() == 1
    trajectory_close(world.trajectory, actor=world.coach)
    new = BadgeCredential.objects.get(certificate__kind=Certificate.Kind.TRAJECTORY)
    assert jwt.get_unverified_header(new.jwt)["kid"] != jwt.get_unverified_header(old.jwt)["kid"]
    assert len(_jwks(client, old).keys) == 2
    verify_with_pyjwt(client, old.jwt, old)
    verify_with_pyjwt(client, new.jwt, new)


def test_the_participant_finds_mijn_certificaten_in_one_tap_and_downloads(client: Client, world: World) -> None:
    credential = make_certificate(world).credentials.get()
    login(client, world.participant)
    home = client.get(reverse("learn:home")).content.decode()
    assert f'href="{reverse("certificates:mine")}"' in home
    page = client.get(reverse("certificates:mine")).content.decode()
    assert credential.title in page and "data-read-aloud" in page  # the page's own "Lees voor"
    png_url = reverse("certificates:credential_download", args=[credential.pk, "png"])
    assert png_url in page
    png = client.get(png_url)
    assert png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.text[BAKE_KEYWORD] == credential.jwt  # type: ignore[attr-defined]
    # The chunk is an uncompressed iTXt, as the Open Badges baking rules ask.
    assert b"iTXt" + BAKE_KEYWORD.encode() + b"\x00\x00\x00" in png.content
    token = client.get(reverse("certificates:credential_download", args=[credential.pk, "jwt"])).content.decode()
    assert token == credential.jwt
    envelope = json.loads(client.get(reverse("certificates:credential_download", args=[credential.pk, "json"])).content)
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    assert envelope["id"] == f"data:application/vc+jwt,{credential.jwt}"
    verify_with_pyjwt(client, image.text[BAKE_KEYWORD], credential)  # type: ignore[attr-defined]
    pdf = client.get(reverse("certificates:mine_pdf", args=[credential.certificate_id]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(reverse("certificates:credential_download", args=[credential.pk, "gif"])).status_code == 404


def test_no_one_else_downloads_a_participants_badge(client: Client, world: World, outsider: Any) -> None:
    credential = make_certificate(world).credentials.get()
    urls = [
        reverse("certificates:credential_download", args=[credential.pk, fmt]) for fmt in ("png", "jwt", "json")
    ] + [reverse("certificates:mine_pdf", args=[credential.certificate_id])]
    other_participant = make_person(world.org, [Role.PARTICIPANT], world.department)
    for person, status in ((outsider, 404), (other_participant, 404), (world.trainer, 403), (world.coach, 403)):
        client.logout()
        login(client, person)
        for url in urls:
            assert client.get(url).status_code == status, (person, url)
    client.logout()
    assert all(client.get(url).status_code == 302 for url in urls)
    # The outsider's own page lists nothing of organisation A.
    login(client, outsider)
    assert credential.title not in client.get(reverse("certificates:mine")).content.decode()


def test_the_public_check_says_genuine_or_revoked_and_offers_the_badge(client: Client, world: World) -> None:
    certificate = make_certificate(world)
    credential = certificate.credentials.get()
    page = client.get(reverse("certificates:verify", args=[certificate.display_code])).content.decode()
    day = timezone.localtime(certificate.issued_at).strftime("%-d")
    assert f"Echt, uitgegeven door {world.org.name} op {day} " in page
    url = reverse("certificates:verify_credential", args=[certificate.display_code, 1, "jwt"])
    assert url in page
    assert client.get(url).content.decode() == credential.jwt
    assert (
        client.get(reverse("certificates:verify_credential", args=[certificate.display_code, 2, "jwt"])).status_code
        == 404
    )
    services.certificate_revoke(certificate, actor=world.coach, reason="Vergissing.")
    page = client.get(reverse("certificates:verify", args=[certificate.display_code])).content.decode()
    assert "Ingetrokken." in page and "Echt, uitgegeven" not in page


def test_anonymising_the_participant_empties_our_copies(client: Client, world: World) -> None:
    from wpo.privacy.services import person_anonymise
    from wpo.trajectories.services.signoff import trajectory_close

    certificate = make_certificate(world)
    credential = certificate.credentials.get()
    trajectory_close(world.trajectory, actor=world.coach)
    person_anonymise(person=world.participant, actor=world.administrator)
    credential.refresh_from_db()
    assert credential.jwt == "" and credential.status_index >= 0
    assert set(
        BadgeCredential.objects.filter(certificate__participant=world.participant).values_list("jwt", flat=True)
    ) == {""}
    assert world.participant.user.last_name not in str(BadgeCredential.objects.values_list().get(pk=credential.pk))
    page = client.get(reverse("certificates:verify", args=[certificate.display_code])).content.decode()
    assert reverse("certificates:verify_credential", args=[certificate.display_code, 1, "jwt"]) not in page


def test_status_positions_are_unique_per_issuer(world: World) -> None:
    issuer = badges.issuer_for(world.org.pk)
    used: set[int] = set()
    for _ in range(50):
        used.add(badges.free_status_index(issuer, used))
    assert len(used) == 50 and all(0 <= i < issuer.status_size for i in used)
    assert BadgeIssuer.objects.filter(organization=world.org).count() == 1
