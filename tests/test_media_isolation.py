"""Uploaded files are served only through views that ask the access layer, never from a public path.

Every uploaded file (look-back photos and voice notes, a question's voice note, an organisation's
logo, a certificate batch, an assignment's video) lies under MEDIA_ROOT with a random name, and no
URL maps that folder: a guess at ``/media/...`` is a 404 like any other unknown address. The views
that serve the files hand them out to the people who may see them and give 404 to everyone else.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.views.static import serve

from wpo.orgs.models import Person
from wpo.trajectories.models import CoachingConversation

from .conftest import login
from .factories import World
from .test_tenant_isolation import (
    _media_in_tmp,  # noqa: F401 (a fixture)
    finished_batch,
    look_back_answer_with_media,
    question_with_voice_note,
    version_with_video,
    walk,
)


def _logo(w: World) -> str:
    from django.core.files.base import ContentFile

    from .test_tenant_isolation import JPEG

    w.org.logo.save("logo.jpg", ContentFile(JPEG))
    return reverse("orgs:organization_logo")


# What is served, how to make one in organisation A, and who there may fetch it.
MEDIA: dict[str, tuple[Callable[[World], str], Callable[[World], Person]]] = {
    "look-back photo": (
        lambda w: reverse("learn:look_back_media", args=[look_back_answer_with_media(w).pk, "foto"]),
        lambda w: w.participant,
    ),
    "look-back voice note": (
        lambda w: reverse("learn:look_back_media", args=[look_back_answer_with_media(w).pk, "spraak"]),
        lambda w: w.trainer,
    ),
    "question voice note": (
        lambda w: reverse("trajectories:question_voice", args=[question_with_voice_note(w).pk]),
        lambda w: w.trainer,
    ),
    "assignment video": (lambda w: reverse("curriculum:video", args=[version_with_video(w)]), lambda w: w.participant),
    "certificate batch": (lambda w: reverse("certificates:batch_pdf", args=[finished_batch(w)]), lambda w: w.coach),
    "organisation logo": (_logo, lambda w: w.administrator),
}


@pytest.mark.parametrize("what", MEDIA)
def test_the_file_is_served_to_who_may_see_it_and_404_to_another_organisation(
    what: str, client: Client, world: World, outsider: Person
) -> None:
    make, reader = MEDIA[what]
    url = make(world)
    login(client, reader(world))
    own = client.get(url)
    assert own.status_code == 200, f"{what}: the file is there for {reader(world)}"
    assert "no-store" in own["Cache-Control"] or "private" in own["Cache-Control"]
    client.logout()

    login(client, outsider)  # every role, in organisation B
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("what", MEDIA)
def test_someone_not_logged_in_gets_nothing(what: str, client: Client, world: World) -> None:
    make, _reader = MEDIA[what]
    response = client.get(make(world))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("kind", ["foto", "spraak"])
def test_look_back_media_are_for_the_participant_and_who_holds_the_conversation(
    kind: str, client: Client, world: World
) -> None:
    url = reverse("learn:look_back_media", args=[look_back_answer_with_media(world).pk, kind])
    for person in (world.participant, world.trainer, world.coach):
        assert login(client, person).get(url).status_code == 200
        client.logout()
    for person in (world.project_manager, world.administrator, world.content_editor):
        assert login(client, person).get(url).status_code == 403
        client.logout()


def test_personal_files_are_not_cached_and_not_sniffed(client: Client, world: World) -> None:
    url = reverse("learn:look_back_media", args=[look_back_answer_with_media(world).pk, "foto"])
    response = login(client, world.participant).get(url)
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_guess_at_the_stored_path_gets_404(client: Client, world: World) -> None:
    answer = look_back_answer_with_media(world)
    name = answer.photo.name
    assert (settings.MEDIA_ROOT / name).exists()  # type: ignore[operator]
    for who in (None, world.participant, world.administrator):
        if who is not None:
            login(client, who)
        for guess in (f"/media/{name}", f"/{name}", f"/data/media/{name}", f"/static/{name}", "/media/"):
            assert client.get(guess).status_code == 404, f"{guess} as {who}"


def test_stored_names_are_random_and_forget_the_uploaded_name(world: World) -> None:
    answer = look_back_answer_with_media(world)
    for field, folder in ((answer.photo, "lookback/photos/"), (answer.voice_note, "lookback/voice/")):
        assert field.name.startswith(folder)
        stem = field.name.removeprefix(folder).rsplit(".", 1)[0]
        assert len(stem) == 32 and int(stem, 16) >= 0  # a uuid4: 122 random bits
        assert "foto" not in field.name and "spraak" not in field.name


def test_no_url_and_no_static_file_server_maps_the_media_folder() -> None:
    for name, pattern in walk():
        assert getattr(pattern.callback, "__wrapped__", pattern.callback) is not serve, name
    # WhiteNoise serves STATIC_ROOT, the static folders and WHITENOISE_ROOT: none of them is or holds media.
    from config import settings as project_settings  # the configured folder, not this test's tmp_path

    media = project_settings.MEDIA_ROOT.resolve()
    served = [settings.STATIC_ROOT, getattr(settings, "WHITENOISE_ROOT", None)]
    served += [d[1] if isinstance(d, tuple) else d for d in settings.STATICFILES_DIRS]
    for folder in filter(None, served):
        folder = type(media)(folder).resolve()
        assert not (folder == media or media.is_relative_to(folder) or folder.is_relative_to(media)), folder
    assert settings.MEDIA_URL in ("", "/"), "a MEDIA_URL suggests a public media path; serve through views"


def test_a_calendar_feed_of_organisation_b_holds_nothing_of_organisation_a(
    client: Client, world: World, outsider: Person
) -> None:
    from wpo.trajectories.services.conversations import calendar_feed_create

    CoachingConversation.objects.create(
        organization=world.org, trajectory=world.trajectory, planned_at=timezone.now() + timedelta(days=2)
    )
    token = calendar_feed_create(person=outsider).token
    feed = client.get(reverse("trajectories:calendar_feed_ics", kwargs={"token": token}))
    assert feed.status_code == 200
    body = feed.content.decode()
    assert "BEGIN:VCALENDAR" in body and "BEGIN:VEVENT" not in body
    assert world.participant.user.last_name not in body
