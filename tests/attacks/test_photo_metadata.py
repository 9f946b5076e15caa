"""Finding (issue 14, MEDIUM, part of "anonymisation leaves data behind"): uploaded photos kept their EXIF data.

The attack: a participant photographs their work at home, or a trainer the shop floor; the phone
writes the GPS position, the time and the phone's make into the JPEG. Whoever later sees or
downloads the photo (another trainer, a coach, an export, a leaked backup) reads where the
participant lives, and anonymisation cannot find a name in it to erase.

The fix: ``wpo.lib.uploads.photo_without_metadata`` decodes every photo with Pillow and encodes it
afresh, keeping only the pixels (turned the way the EXIF orientation said) and the colour profile;
a HEIC photo becomes JPEG. Every photo upload passes through it: look-back photos and observation
photos (``wpo.lib.uploads.checked_upload``) and the organisation's logo (``organization_logo_set``).
The tests upload a JPEG with GPS EXIF over HTTP as the participant, the trainer and the administrator,
and read the stored file back.
"""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.conftest import login
from tests.factories import SAMPLE_CONTENT, World
from tests.test_participant_app import go_to_work
from wpo.trajectories.models import LookBackAnswer, Observation

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE, MODEL, DATE_TIME = 0x010F, 0x0110, 0x0132


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def photo_with_gps(fmt: str = "JPEG", size: tuple[int, int] = (60, 30)) -> bytes:
    """A photo as a phone writes it: GPS position of a home in Zwolle, make, model, time, and
    ‘turn 90° to show’ (orientation 6)."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE], exif[MODEL], exif[DATE_TIME] = "Apple", "iPhone 15", "2026:05:04 18:12:09"
    exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "N", 2: (52.0, 30.0, 47.6), 3: "E", 4: (6.0, 5.0, 2.3)}
    buffer = io.BytesIO()
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    image.save(buffer, fmt, exif=exif.tobytes())
    raw = buffer.getvalue()
    assert b"iPhone 15" in raw
    return raw


def assert_clean(stored: bytes, *, portrait: bool = True) -> None:
    assert b"iPhone" not in stored and b"Apple" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        exif = image.getexif()
        assert GPS_IFD not in exif and MAKE not in exif and MODEL not in exif and DATE_TIME not in exif
        assert not exif.get_ifd(GPS_IFD)
        assert "exif" not in image.info and "xmp" not in image.info
        if portrait:  # the orientation was applied to the pixels before the tag went
            assert image.size == (30, 60)


def test_a_look_back_photo_loses_its_gps(client: Client, world: World) -> None:
    login(client, world.participant)
    go_to_work(client, world)
    n = len(SAMPLE_CONTENT["look_back"])
    data: dict[str, object] = {f"v{i}-feeling": "good" for i in range(n)}
    data["v0-photo"] = SimpleUploadedFile("IMG_0001.jpg", photo_with_gps(), content_type="image/jpeg")
    response = client.post(reverse("learn:look_back", args=[world.pa.pk]), data)
    assert response.status_code == 302
    answer = LookBackAnswer.objects.get(participant_assignment=world.pa, question_index=0)
    assert (answer.photo.name or "").endswith(".jpg")
    assert_clean(Path(answer.photo.path).read_bytes())
    # What the trainer downloads is the clean file too.
    client.logout()
    login(client, world.trainer)
    served = client.get(reverse("learn:look_back_media", args=[answer.pk, "foto"]))
    assert_clean(b"".join(served.streaming_content))  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_an_observation_photo_loses_its_gps(fmt: str, client: Client, world: World) -> None:
    login(client, world.trainer)
    upload = SimpleUploadedFile("foto", photo_with_gps(fmt), content_type="image/jpeg")
    response = client.post(reverse("trajectories:observe", args=[world.pa.pk]), {"note": "Goed", "photo": upload})
    assert response.status_code == 302
    observation = Observation.objects.get()
    expected = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".jpg"}[fmt]  # HEIC becomes JPEG
    assert (observation.photo.name or "").endswith(expected)
    assert_clean(Path(observation.photo.path).read_bytes())


def test_the_logo_loses_its_metadata(client: Client, world: World) -> None:
    login(client, world.administrator)
    upload = SimpleUploadedFile("logo.jpg", photo_with_gps(size=(200, 100)), content_type="image/jpeg")
    response = client.post(reverse("orgs:organization"), {"logo": upload})
    assert response.status_code == 302
    world.org.refresh_from_db()
    with world.org.logo.open("rb") as handle:
        stored = handle.read()
    assert b"iPhone" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == (100, 200)


def test_a_photo_that_only_looks_like_one_is_refused(client: Client, world: World) -> None:
    login(client, world.trainer)
    fake = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0" + bytes(200), content_type="image/jpeg")
    body = client.post(reverse("trajectories:observe", args=[world.pa.pk]), {"note": "x", "photo": fake})
    assert "Deze foto kan niet gelezen worden" in body.content.decode()
    assert not Observation.objects.exists()
