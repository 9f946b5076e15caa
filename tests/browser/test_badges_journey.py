"""The participant finds "Mijn certificaten" with one tap on their home page, downloads the badge picture
with the credential baked in and the signed credential, and a verifier checks it with PyJWT against the
published keys; the coach revokes the certificate and the status list says so at once."""

import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from django.core.management import call_command
from PIL import Image

from tests.factories import PASSWORD, achieve, make_world
from wpo.certificates import badges
from wpo.certificates.models import BadgeCredential, Certificate
from wpo.certificates.services import certificate_revoke
from wpo.demo import certificates as certificates_demo
from wpo.demo import organization as orgs_demo
from wpo.orgs.models import Person
from wpo.trajectories.models import TrajectorySkill

from .conftest import LAPTOP, PHONE, axe_violations, screenshot
from .test_role_journeys import log_in


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("load_curriculum", verbosity=0)
    certificates_demo.populate_demo(orgs_demo.create_demo_people())


def download_badge(page: Any) -> str:
    """On "Mijn certificaten": the badge picture and the credential; the picture has it baked in."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download de badge (plaatje)").first.click()
    baked = Image.open(download_info.value.path()).text["openbadgecredential"]  # type: ignore[attr-defined]
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Open Badge (.jwt)").first.click()
    token = Path(download_info.value.path()).read_text()
    assert baked == token
    return token


def verify_with_pyjwt(page: Any, base: str, issuer: Any, token: str) -> tuple[dict[str, Any], Any]:
    """A verifier elsewhere: the issuer profile, the keys it names, PyJWT (not the library that signs).
    The credential's addresses start with SITE_URL; the live server at ``base`` answers them here."""

    def here(url: str) -> str:
        return base + "/" + url.split("/", 3)[3]

    profile = json.loads(page.request.get(here(badges.issuer_url(issuer))).text())
    keys = jwt.PyJWKSet.from_dict(json.loads(page.request.get(here(profile["jwks_uri"])).text()))
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys.keys if k.key_id == kid).key
    return jwt.decode(token, key, algorithms=["ES256"]), key


def test_participant_downloads_a_verifiable_badge(page: Any, live_server: Any, demo: None) -> None:
    certificate = Certificate.objects.filter(kind=Certificate.Kind.SKILL).select_related("participant__user").get()

    def here(url: str) -> str:
        """The credential's addresses start with SITE_URL; the live server runs elsewhere."""
        return live_server.url + "/" + url.split("/", 3)[3]

    log_in(page, live_server.url, certificate.participant.user.username)
    page.set_viewport_size(PHONE)
    with page.expect_navigation():
        page.get_by_role("link", name="Mijn certificaten").click()
    assert page.get_by_role("heading", name="Mijn certificaten").is_visible()
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        assert axe_violations(page) == [], viewport
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"badges-mijn-certificaten-{viewport['width']}")
    token = download_badge(page)
    credential = BadgeCredential.objects.select_related("certificate", "issuer").get(jwt=token)
    assert credential.certificate.participant_id == certificate.participant_id
    certificate = credential.certificate

    # A verifier: the keys named in the issuer profile, PyJWT, and the status list.
    payload, _key = verify_with_pyjwt(page, live_server.url, credential.issuer, token)
    status_url = here(payload["credentialStatus"]["statusListCredential"])
    before = page.request.get(status_url).text()
    coach = Person.objects.filter(organization=certificate.organization, is_coach=True).first()
    assert coach is not None
    certificate_revoke(certificate, actor=coach, reason="Vergissing.")
    index = int(payload["credentialStatus"]["statusListIndex"])
    for text, revoked in ((before, False), (page.request.get(status_url).text(), True)):
        bits = badges.decode_bits(badges.payload_of(text)["credentialSubject"]["encodedList"])
        assert bool(bits[index // 8] & (0x80 >> (index % 8))) is revoked
    page.reload()
    assert page.get_by_text("Ingetrokken: dit certificaat geldt niet meer").first.is_visible()


def test_a_skill_closed_in_the_browser_gives_the_participant_a_verifiable_badge(
    page: Any, browser: Any, live_server: Any, transactional_db: None, settings: Any, tmp_path: Path
) -> None:
    """The whole road of issue 20 in the browser: the werkplekopleider closes the skill on the trajectory
    page, the participant downloads the baked badge and the credential, and PyJWT (not the library
    that signed it) verifies it against the keys the issuer profile names."""
    settings.MEDIA_ROOT = tmp_path
    world = make_world("Werkbedrijf Badge")
    achieve(world)
    assert not BadgeCredential.objects.exists()

    def sign_in(username: str) -> None:
        page.goto(f"{live_server.url}/accounts/inloggen/")
        page.get_by_label("Gebruikersnaam of e-mailadres").fill(username)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Inloggen").click()

    # The werkplekopleider closes the skill at level A on the trajectory page.
    page.set_viewport_size(PHONE)
    sign_in(world.trainer.user.username)
    page.goto(f"{live_server.url}/opleider/trajecten/{world.trajectory.pk}/")
    page.get_by_label(f"{world.skill.name} afronden op niveau").select_option("A")
    with page.expect_navigation():
        page.get_by_role("button", name="Skill afronden").click()
    assert f"{world.skill.name} is afgerond op niveau A." in page.inner_text("main")
    assert TrajectorySkill.objects.get(trajectory=world.trajectory).closed_at is not None
    credential = BadgeCredential.objects.select_related("certificate").get()  # issued with the certificate
    assert credential.certificate.participant_id == world.participant.pk
    page.context.clear_cookies()

    # The participant: one tap to "Mijn certificaten", then the badge picture and the credential.
    sign_in(world.participant.user.username)
    with page.expect_navigation():
        page.get_by_role("link", name="Mijn certificaten").click()
    assert axe_violations(page) == []
    screenshot(page, "badges-na-afronden-360")
    token = download_badge(page)
    assert token == credential.jwt
    payload, key = verify_with_pyjwt(page, live_server.url, credential.issuer, token)
    assert "OpenBadgeCredential" in payload["type"]
    assert payload["credentialSubject"]["identifier"][0]["identityHash"] == world.participant.name
    # Tampered with: the same verifier refuses it.
    head, body, signature = token.split(".")
    forged = ".".join([head, body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB"), signature])
    with pytest.raises(jwt.InvalidTokenError):
        jwt.decode(forged, key, algorithms=["ES256"])
