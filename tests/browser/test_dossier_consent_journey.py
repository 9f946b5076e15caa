"""The participant lets their werkplekopleider download the evidence dossier on "Mijn certificaten"; the
werkplekopleider then finds the download on the trajectory page and gets the PDF; once the participant
takes it back, the button is gone and the page says why."""

from pathlib import Path
from typing import Any

from wpo.certificates.models import Certificate, DossierConsent
from wpo.certificates.services import dossier_consent_withdraw

from .conftest import LAPTOP, PHONE, axe_violations, screenshot
from .test_badges_journey import demo  # noqa: F401 (a fixture)
from .test_role_journeys import log_in


def test_participant_gives_consent_and_the_trainer_downloads_the_dossier(
    page: Any,
    live_server: Any,
    demo: None,  # noqa: F811
) -> None:
    certificate = (
        Certificate.objects.filter(kind=Certificate.Kind.SKILL)
        .select_related("participant__user", "trajectory__trainer__user")
        .get()
    )
    trainer = certificate.trajectory.trainer
    log_in(page, live_server.url, certificate.participant.user.username)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/certificaten/mijn/")
    assert page.get_by_role("heading", name="Mag je werkplekopleider je bewijsmap downloaden?").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, dat mag").click()
    assert page.get_by_text("Je werkplekopleider mag je bewijsmap nu downloaden.").is_visible()
    assert page.get_by_role("button", name="Nee, toch niet. Zet het uit.").is_visible()
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        assert axe_violations(page) == [], viewport
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"dossier-consent-mijn-certificaten-{viewport['width']}")
    assert DossierConsent.objects.filter(trajectory=certificate.trajectory, withdrawn_at__isnull=True).exists()

    page.context.clear_cookies()
    log_in(page, live_server.url, trainer.user.username)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/opleider/trajecten/{certificate.trajectory_id}/#certificaten")
    assert axe_violations(page) == []
    screenshot(page, "dossier-consent-trajectory-360")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download bewijsmap {certificate.title} (PDF)").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")

    # The participant takes it back (on their own phone, meanwhile).
    dossier_consent_withdraw(actor=certificate.participant, trajectory=certificate.trajectory)
    page.reload()
    assert page.get_by_role("link", name=f"Download bewijsmap {certificate.title} (PDF)").count() == 0
    assert page.get_by_text("de deelnemer heeft (nog) geen toestemming gegeven").is_visible()
