"""Uploads are judged by their bytes and their size, never by their name or declared type.

Two properties on the checks themselves (cheap, so many examples), and one test per upload at the
real size limit through HTTP (the fuzzing in test_forms.py lowers the limits to stay fast).
"""

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings

from tests.conftest import login
from tests.factories import World
from wpo.lib.uploads import (
    PHOTO_MAX_BYTES,
    PHOTO_TYPES,
    VOICE_MAX_BYTES,
    VOICE_TYPES,
    checked_upload,
    photo_without_metadata,
    sniff,
)
from wpo.orgs import people_import
from wpo.orgs.logo import LOGO_MAX_BYTES, check_logo
from wpo.orgs.models import PeopleImport
from wpo.trajectories.models import LookBackAnswer, Observation, ParticipantQuestion, Step
from wpo.trajectories.workflow import move

from . import strategies as s
from .conftest import EXAMPLES_RUN, examples

LIMIT = 4096


@settings(settings.get_profile("ci"), max_examples=examples("upload_check"))
@given(upload=s.upload(max_bytes=LIMIT))
def test_a_photo_or_voice_note_is_accepted_only_for_its_bytes(upload: tuple[str, bytes, str]) -> None:
    EXAMPLES_RUN["upload check (photo, voice note)"] += 1
    name, content, content_type = upload
    for types in (PHOTO_TYPES, VOICE_TYPES):
        file = s.upload_file(name, content, content_type)
        real = sniff(content[:16], types)
        try:
            accepted = checked_upload(file, types, LIMIT, "x")
        except forms.ValidationError:
            # A photo is also decoded (to store it without its metadata): bytes that only start
            # like a photo are refused too.
            assert real is None or len(content) > LIMIT or (types is PHOTO_TYPES and not _decodes(content))
        else:
            if not content or not name:
                assert accepted is None  # an empty file, or one without a name, is no file
                continue
            assert real is not None and len(content) <= LIMIT
            # The given name is thrown away; a HEIC photo is stored as JPEG.
            expected = "jpg" if types is PHOTO_TYPES and real[0] == "heic" else real[0]
            assert accepted is not None and accepted.name == f"upload.{expected}"


def _decodes(content: bytes) -> bool:
    try:
        photo_without_metadata(content, sniff(content[:16], PHOTO_TYPES)[0])  # type: ignore[index]
    except ValidationError:
        return False
    return True


@settings(settings.get_profile("ci"), max_examples=examples("logo_check"))
@given(upload=s.upload(max_bytes=LIMIT))
def test_a_logo_is_a_png_or_jpeg_that_pillow_can_read(upload: tuple[str, bytes, str]) -> None:
    EXAMPLES_RUN["logo check"] += 1
    name, content, content_type = upload
    try:
        raw, extension = check_logo(s.upload_file(name, content, content_type))
    except ValidationError:
        return
    assert extension in ("png", "jpg") and raw == content and len(content) <= LOGO_MAX_BYTES


def _over(real: bytes, limit: int) -> bytes:
    return real + bytes(limit + 1 - len(real))


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    response = client.post(url, data)
    assert response.status_code < 500
    assert response.status_code not in (301, 302, 303), "an upload over the limit was accepted"
    return response


def test_uploads_over_the_real_limits_are_refused_and_store_nothing(client: Client, world: World) -> None:
    pa = world.pa
    for step in (Step.PRACTISING, Step.WORKING):
        move(pa, step, actor=world.participant)
    login(client, world.trainer)
    photo = SimpleUploadedFile("foto.jpg", _over(s.JPEG, PHOTO_MAX_BYTES), "image/jpeg")
    _post(client, reverse("trajectories:observe", kwargs={"pa_id": pa.pk}), {"note": "Goed", "photo": photo})
    assert not Observation.objects.exists()

    move(pa, Step.LOOKING_BACK, actor=world.participant)
    login(client, world.participant)
    voice = SimpleUploadedFile("opname.webm", _over(s.WEBM, VOICE_MAX_BYTES), "audio/webm")
    assert client.post(reverse("learn:ask"), {"voice_note": voice}).status_code == 302  # refused with a message
    assert not ParticipantQuestion.objects.exists()
    big_photo = SimpleUploadedFile("foto.png", _over(s.PNG, PHOTO_MAX_BYTES), "image/png")
    _post(client, reverse("learn:look_back", kwargs={"pa_id": pa.pk}), {"v0-text": "Ging goed", "v0-photo": big_photo})
    assert not LookBackAnswer.objects.exists()

    login(client, world.administrator)
    logo = SimpleUploadedFile("logo.png", _over(s.PNG, LOGO_MAX_BYTES), "image/png")
    _post(client, reverse("orgs:organization"), {"logo": logo})
    world.org.refresh_from_db()
    assert not world.org.logo
    csv = SimpleUploadedFile("mensen.csv", _over(b"voornaam;achternaam\n", people_import.MAX_BYTES), "text/csv")
    _post(client, reverse("orgs:import_upload"), {"file": csv})
    assert not PeopleImport.objects.exists()

    login(client, world.content_editor)
    svg = SimpleUploadedFile("p.svg", s.SVG + b" " * 50_001, "image/svg+xml")
    response = _post(
        client, reverse("curriculum:skill_edit", kwargs={"skill_id": world.skill.pk}), {"pictogram_file": svg}
    )
    assert "te groot" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (s.PNG, "opname.webm", "audio/webm"),  # a picture posing as a voice note
        (b"<html><script>alert(1)</script></html>", "opname.ogg", "audio/ogg"),
        (b"OggX" + bytes(40), "opname.ogg", "audio/ogg"),  # almost the magic bytes
    ],
)
def test_a_voice_note_that_lies_about_its_type_is_refused(
    client: Client, world: World, content: bytes, name: str, content_type: str
) -> None:
    login(client, world.participant)
    response = client.post(reverse("learn:ask"), {"voice_note": SimpleUploadedFile(name, content, content_type)})
    assert response.status_code == 302  # back home, with the message
    assert not ParticipantQuestion.objects.exists()


def test_a_real_photo_under_a_false_name_is_stored_under_its_real_type(client: Client, world: World) -> None:
    pa = world.pa
    for step in (Step.PRACTISING, Step.WORKING):
        move(pa, step, actor=world.participant)
    login(client, world.trainer)
    photo = SimpleUploadedFile("../../evil.html", s.PNG, "text/html")
    response = client.post(reverse("trajectories:observe", kwargs={"pa_id": pa.pk}), {"note": "x", "photo": photo})
    assert response.status_code == 302
    stored = Observation.objects.get().photo.name or ""
    assert stored.startswith("observations/photos/") and stored.endswith(".png") and "evil" not in stored
