"""The evidence dossier (bewijsmap) of a certificate, for an mbo school: the shared observations only,
the independence week, both judgements with names and roles, the criterion, "geen diploma", tagged
PDF/UA; the participant's own only."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from wpo.orgs.models import Role
from wpo.trajectories.models import Assessment, IndependenceDay, Observation

from .conftest import login
from .factories import World, make_certificate, make_person

pytestmark = pytest.mark.django_db


def test_the_participant_downloads_a_dossier_with_only_the_shared_observations(client: Client, world: World) -> None:
    now = timezone.now()
    for note, shared in (("Vroeg zelf om uitleg bij de nieuwe machine.", True), ("Was vandaag erg moe.", False)):
        Observation.objects.create(
            organization=world.org,
            participant_assignment=world.pa,
            author=world.trainer,
            observed_at=now - timedelta(days=3),
            note=note,
            shared_with_participant=shared,
        )
    certificate = make_certificate(world)
    IndependenceDay.objects.create(
        organization=world.org,
        participant_assignment=world.pa,
        day=timezone.localdate() - timedelta(days=2),
        shown=True,
        note="Geheime notitie",
        recorded_by=world.trainer,
        recorded_at=now,
    )
    Assessment.objects.filter(participant_assignment=world.pa).update(
        second_assessor=world.coach, second_judgement="achieved", second_assessed_at=now
    )
    login(client, world.participant)
    page = client.get(reverse("certificates:mine")).content.decode()
    url = reverse("certificates:mine_dossier", args=[certificate.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Dit is een bewijsmap, geen diploma." in text
    assert "Vroeg zelf om uitleg bij de nieuwe machine." in text
    assert "Was vandaag erg moe" not in text and "Geheime notitie" not in text
    assert world.trainer.name in text and "werkplekopleider" in text
    assert world.coach.name in text and "tweede beoordelaar" in text
    assert "De werktaak" in text and "De zelfstandigheidsweek" in text
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl" and "/StructTreeRoot" in root
    assert reader.metadata is not None and reader.metadata.title == f"Bewijsmap {world.participant.name}"


def test_no_one_else_downloads_the_dossier(client: Client, world: World, outsider: object) -> None:
    certificate = make_certificate(world)
    url = reverse("certificates:mine_dossier", args=[certificate.pk])
    other = make_person(world.org, [Role.PARTICIPANT], world.department)
    for person, status in ((outsider, 404), (other, 404), (world.trainer, 403), (world.coach, 403)):
        client.logout()
        login(client, person)  # type: ignore[arg-type]
        assert client.get(url).status_code == status
