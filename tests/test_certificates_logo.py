"""The organisation's logo: uploaded by the administrator, checked by its bytes, printed on certificates."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from wpo.certificates.pdf import logo_data_uri, render_certificates
from wpo.demo.organization import DEMO_ORG_SLUG
from wpo.orgs.models import Organization, Person, Role

from .conftest import login
from .factories import World, make_certificate

pytestmark = pytest.mark.django_db

PAGE = reverse("orgs:organization")
LOGO = reverse("orgs:organization_logo")
DELETE = reverse("orgs:organization_logo_delete")


@pytest.fixture
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def picture(kind: str = "PNG", size: tuple[int, int] = (240, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (29, 78, 137)).save(out, kind)
    return out.getvalue()


def upload(client: Client, content: bytes, name: str = "logo.png") -> object:
    return client.post(PAGE, {"logo": SimpleUploadedFile(name, content, content_type="image/png")})


@pytest.mark.parametrize(
    ("kind", "extension", "content_type"), [("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg")]
)
def test_the_administrator_uploads_a_logo_that_appears_on_the_certificate(
    client: Client, world: World, media: Path, kind: str, extension: str, content_type: str
) -> None:
    login(client, world.administrator)
    assert "Er is nog geen logo" in client.get(PAGE).content.decode()
    response = upload(client, picture(kind), name="Ons Logo (definitief).png")
    assert response.status_code == 302  # type: ignore[attr-defined]
    world.org.refresh_from_db()
    stored = world.org.logo.name
    assert stored.startswith("orgs/logos/") and stored.endswith(f".{extension}") and "Logo" not in stored
    page = client.get(PAGE).content.decode()
    assert f'src="{LOGO}"' in page and "Logo weghalen" in page
    served = client.get(LOGO)
    assert served.status_code == 200 and served["Content-Type"] == content_type
    assert served["X-Content-Type-Options"] == "nosniff"
    # On the certificate, inside the PDF: a picture beside the QR code, and no name set large instead.
    assert logo_data_uri(world.org).startswith(f"data:{content_type};base64,")
    pdf = render_certificates([make_certificate(world)], "http://testserver")
    sizes = {picture.image.size for picture in PdfReader(io.BytesIO(pdf)).pages[0].images}
    assert (240, 80) in sizes


def test_a_file_that_is_not_a_png_or_jpeg_is_refused(client: Client, world: World, media: Path) -> None:
    login(client, world.administrator)
    for content, message in (
        (b"#!/bin/sh\necho niet een plaatje\n", "Dit is geen PNG- of JPEG-plaatje."),
        (picture("GIF"), "Dit is geen PNG- of JPEG-plaatje."),
        (b"\x89PNG\r\n\x1a\n" + b"kapot" * 20, "Dit plaatje is kapot"),
        (picture("PNG", (10, 10)) + b"\0" * (1024 * 1024), "Het logo is te groot"),
    ):
        response = upload(client, content)
        assert response.status_code == 400, message  # type: ignore[attr-defined]
        assert message in response.content.decode(), message  # type: ignore[attr-defined]
    assert "Kies een bestand met het logo." in client.post(PAGE, {}).content.decode()
    world.org.refresh_from_db()
    assert not world.org.logo and not list(media.rglob("*.*"))


def test_the_administrator_removes_the_logo(client: Client, world: World, media: Path) -> None:
    login(client, world.administrator)
    upload(client, picture())
    world.org.refresh_from_db()
    path = Path(world.org.logo.path)
    assert path.exists()
    with pytest.MonkeyPatch.context() as patch:
        # on_commit runs at once in a test's transaction only when asked; run it by hand here.
        from django.db import transaction

        patch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())
        response = client.post(DELETE, follow=True)
    assert "Het logo is weggehaald" in response.content.decode()
    world.org.refresh_from_db()
    assert not world.org.logo and not path.exists()
    assert client.get(LOGO).status_code == 404
    # Without a logo the certificate sets the organisation's name large instead.
    pdf = render_certificates([make_certificate(world)], "http://testserver")
    assert world.org.name in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.mark.parametrize("role", [Role.COACH, Role.PROJECT_MANAGER, Role.TRAINER, Role.PARTICIPANT])
def test_only_the_administrator_manages_the_logo(client: Client, world: World, media: Path, role: Role) -> None:
    login(client, world.by_role(role))
    assert client.get(PAGE).status_code == 403
    assert upload(client, picture()).status_code == 403  # type: ignore[attr-defined]
    assert client.post(DELETE).status_code == 403
    assert client.get(LOGO).status_code == 403
    world.org.refresh_from_db()
    assert not world.org.logo


def test_another_organisations_logo_cannot_be_reached(
    client: Client, world: World, other_world: World, media: Path, outsider: Person
) -> None:
    login(client, world.administrator)
    upload(client, picture())
    client.logout()
    login(client, outsider)
    # The pages name no organisation: the administrator always gets their own, which has no logo.
    assert client.get(LOGO).status_code == 404
    assert client.post(DELETE).status_code == 302
    world.org.refresh_from_db()
    assert world.org.logo
    assert other_world.org.name in client.get(PAGE).content.decode()


def test_the_demo_issues_certificates_for_closings(world: World) -> None:
    from django.utils import timezone

    from wpo.certificates.models import Certificate
    from wpo.demo.certificates import populate_demo

    from .factories import achieve

    # A closed skill gets its certificate, dated when it was closed; a second run adds nothing.
    achieve(world)
    chosen = world.trajectory.chosen_skills.get()
    chosen.closed_at, chosen.highest_level = timezone.now() - timedelta(days=30), "A"
    chosen.save()
    populate_demo(world.org)
    populate_demo(world.org)
    certificate = Certificate.objects.get(organization=world.org)
    assert certificate.trajectory_skill == chosen and certificate.issued_at == chosen.closed_at


def test_the_demo_without_any_closing_adds_one_past_trajectory(db: None) -> None:
    from wpo.certificates.models import Certificate
    from wpo.demo.certificates import populate_demo

    from .factories import make_person, make_skill

    demo = Organization.objects.create(name="Demo Werkbedrijf", slug=DEMO_ORG_SLUG)
    populate_demo(demo)  # nobody there yet and no curriculum: nothing to do, and no failure
    assert not Certificate.objects.exists()
    groen = demo.department_set.create(name="Groenvoorziening")
    make_person(demo, [Role.TRAINER], groen, username="werkplekopleider2")
    piotr = make_person(demo, [Role.PARTICIPANT], groen, username="piotr", first_name="Piotr")
    make_person(demo, [Role.COACH], username="coach")
    make_skill(None, code="instructies-volgen")
    populate_demo(demo)
    issued = list(Certificate.objects.filter(organization=demo).order_by("issued_at"))
    assert [c.kind for c in issued] == ["skill", "trajectory"]
    assert all(c.participant == piotr and c.issued_at < timezone.now() - timedelta(days=100) for c in issued)
    assert [s["level"] for s in issued[1].snapshot["skills"][0]["subskills"]] == ["A", "A"]
