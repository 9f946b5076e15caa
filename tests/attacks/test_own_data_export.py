"""Finding (issue 14, MEDIUM, part of the AVG findings): "Mijn gegevens" showed observations the trainer did not share.

The attack: a participant opens ‘Mijn gegevens’ and downloads their own data (ZIP or PDF). The
export held every observation of every trainer, also the ones the trainer kept to themself
(``Observation.shared_with_participant`` off) and their photos: the participant read what the app
deliberately does not show them.

The fix: ``wpo.privacy.export.shared_only``. When the person downloads their own data, the export
holds only observations shared with them (the same rule as the participant's app); the
administrator's export on a request for access stays complete. The tests download over HTTP as the
participant and as the administrator.
"""

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.conftest import login
from tests.factories import World, make_person
from wpo.orgs.models import Role
from wpo.trajectories.models import Observation

pytestmark = pytest.mark.django_db

SHARED = "Je vroeg zelf om hulp bij de pallets."
PRIVATE = "Let op: thuis speelt er iets, niet met hem bespreken."


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _observations(world: World) -> None:
    for note, shared in ((SHARED, True), (PRIVATE, False)):
        observation = Observation(
            organization=world.org, participant_assignment=world.pa, author=world.trainer,
            observed_at=timezone.now(), note=note, shared_with_participant=shared,
        )  # fmt: skip
        observation.photo.save("obs.jpg", ContentFile(b"\xff\xd8\xff " + note.encode()), save=False)
        observation.save()


def _zip(client: Client, world: World) -> tuple[str, list[str]]:
    response = client.get(reverse("privacy:export_zip", args=[world.participant.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    everything = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return everything, archive.namelist()


def _pdf(client: Client, world: World) -> str:
    response = client.get(reverse("privacy:export_pdf", args=[world.participant.pk]))
    assert response.status_code == 200
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_participant_gets_only_what_was_shared(client: Client, world: World) -> None:
    _observations(world)
    login(client, world.participant)
    assert "nog niet met jou gedeeld" in client.get(reverse("privacy:mine")).content.decode()
    everything, names = _zip(client, world)
    assert SHARED in everything and PRIVATE not in everything
    assert len([n for n in names if "observatie-foto" in n]) == 1
    pdf = " ".join(_pdf(client, world).split())
    assert "pallets" in pdf and "thuis speelt" not in pdf


def test_a_participant_who_is_also_staff_still_gets_only_what_was_shared(client: Client, world: World) -> None:
    world.participant.is_administrator = True  # an administrator cannot widen their own file
    world.participant.save()
    _observations(world)
    login(client, world.participant)
    everything, _names = _zip(client, world)
    assert SHARED in everything and PRIVATE not in everything


def test_the_administrators_export_on_request_stays_complete(client: Client, world: World) -> None:
    _observations(world)
    login(client, world.administrator)
    everything, names = _zip(client, world)
    assert SHARED in everything and PRIVATE in everything
    assert len([n for n in names if "observatie-foto" in n]) == 2
    assert "thuis speelt" in " ".join(_pdf(client, world).split())
    # Nobody else gets it at all.
    client.logout()
    login(client, make_person(world.org, [Role.PARTICIPANT]))
    assert client.get(reverse("privacy:export_zip", args=[world.participant.pk])).status_code == 404
