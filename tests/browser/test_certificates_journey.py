"""The coach prepares a closing ceremony: opens a certificate, downloads its PDF, checks it on a phone as
its holder would, and prints all certificates in one PDF while the page shows the progress."""

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from wpo.certificates.models import Certificate, CertificateBatch
from wpo.demo import certificates as certificates_demo
from wpo.demo import organization as orgs_demo

from .conftest import LAPTOP, PHONE, axe_violations, screenshot
from .test_role_journeys import log_in


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("load_curriculum", verbosity=0)
    certificates_demo.populate_demo(orgs_demo.create_demo_people())
    # As if the closings were last week: the ceremony is coming up.
    Certificate.objects.update(issued_at=timezone.now() - timedelta(days=7))


def check(page: Any, name: str, viewports: tuple[dict[str, int], ...] = (LAPTOP, PHONE)) -> None:
    """No axe findings and no sideways scrolling; a screenshot at each width."""
    for viewport in viewports:
        page.set_viewport_size(viewport)
        width = viewport["width"]
        assert axe_violations(page) == [], f"{name} at {width}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} at {width}"
        screenshot(page, f"certificates-{name}-{width}")


def pdf_text(path: str) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_coach_prints_the_certificates_of_a_closing(page: Any, browser: Any, live_server: Any, demo: None) -> None:
    issued = list(Certificate.objects.order_by("kind"))
    assert len(issued) == 2, "the demo shows a closed skill and a closed trajectory"
    certificate = issued[-1]  # the trajectory's
    log_in(page, live_server.url, "coach")

    # The list, then one certificate.
    page.goto(f"{live_server.url}/certificaten/")
    assert "2 certificaten" in page.content()
    check(page, "lijst")
    page.set_viewport_size(LAPTOP)
    with page.expect_navigation():
        page.locator(f"a[href='/certificaten/{certificate.pk}/']").click()
    assert page.get_by_text("Dit certificaat is geldig.").is_visible()
    check(page, "certificaat")

    # The trajectory page lists the trajectory's certificates with a download link.
    with page.expect_navigation():
        page.get_by_role("link", name="Naar het WPO-traject").click()
    panel = page.locator("#certificaten")
    assert panel.get_by_role("link", name="Download certificaat WPO-traject (PDF)").is_visible()
    check(page, "traject")
    page.go_back()
    page.set_viewport_size(LAPTOP)

    # Its PDF: the name, the skill, the level and the code are on it.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("certificaat-piotr-nowak-")
    text = pdf_text(download.path())
    for expected in ("Piotr Nowak", "Demo Werkbedrijf", "Instructies volgen", "niveau A", certificate.display_code):
        assert expected in text, expected

    # Someone holding the paper checks it on a phone, without logging in: by QR code or by typing the code.
    phone = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    phone.goto(f"{live_server.url}/certificaten/controle/")
    check(phone, "controle-formulier", (PHONE,))
    phone.get_by_label("Controlecode").fill(certificate.display_code.lower().replace("-", " "))
    with phone.expect_navigation():
        phone.get_by_role("button", name="Controleer").click()
    assert phone.url.endswith(f"/certificaten/controle/{certificate.display_code}/")
    assert phone.get_by_role("heading", name="Dit certificaat is geldig").is_visible()
    assert "Piotr Nowak" in phone.content() and "Ingrid de Boer" not in phone.content()
    check(phone, "controle-geldig", (PHONE, LAPTOP))
    phone.context.close()

    # The closing ceremony: all certificates in one PDF.
    page.goto(f"{live_server.url}/certificaten/printen/")
    boxes = page.locator("input[name=certificaten]")
    assert boxes.count() == 2 and all(boxes.nth(i).is_checked() for i in range(2))
    check(page, "printen-kiezen")
    page.set_viewport_size(PHONE)
    with page.expect_navigation():
        page.get_by_role("button", name="Maak de PDF").click()
    batch = CertificateBatch.objects.get()
    assert page.locator("[data-progress-text]").inner_text() == "Wacht op zijn beurt … 0 van 2 klaar"
    assert page.locator("progress").get_attribute("value") == "0"
    assert not page.locator("[data-progress-download]").is_visible()
    check(page, "printen-wacht")

    # The worker renders it; the page, asking every second, follows without a reload.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    batch.refresh_from_db()
    assert batch.status == "done"
    page.locator("[data-progress-download]:not([hidden])").wait_for(timeout=10000)
    assert page.locator("[data-progress-text]").inner_text() == "2 van 2 klaar. De PDF staat klaar."
    assert page.locator("progress").evaluate("p => p.value") == 2
    check(page, "printen-klaar")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download de PDF").click()
    reader = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert len(reader.pages) == 2
    assert {c.display_code for c in issued} == {
        code for p in reader.pages for code in (c.display_code for c in issued) if code in p.extract_text()
    }


def test_administrator_uploads_the_organisations_logo(page: Any, live_server: Any, demo: None, tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (360, 120), (31, 122, 112)).save(logo)
    log_in(page, live_server.url, "beheerder")
    page.goto(f"{live_server.url}/beheer/organisatie/")
    assert "Er is nog geen logo" in page.content()
    check(page, "organisatie-leeg")
    page.set_viewport_size(PHONE)
    page.get_by_label("Logo", exact=True).set_input_files(str(logo))
    with page.expect_navigation():
        page.get_by_role("button", name="Logo opslaan").click()
    assert "Het logo is opgeslagen" in page.content()
    image = page.get_by_role("img", name="Logo van Demo Werkbedrijf")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 360
    check(page, "organisatie-logo")
    # A text file renamed to .png is refused, with the reason at the field.
    fake = tmp_path / "echt-een-logo.png"
    fake.write_text("Dit is geen plaatje.")
    page.get_by_label("Logo", exact=True).set_input_files(str(fake))
    with page.expect_navigation():
        page.get_by_role("button", name="Logo opslaan").click()
    assert "Dit is geen PNG- of JPEG-plaatje." in page.content()
    check(page, "organisatie-fout")
