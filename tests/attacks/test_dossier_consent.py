"""The evidence dossier for the werkplekopleider (issue 20): only with the participant's consent, given and
withdrawn by the participant in the app; the same PDF the participant gets (shared observations only);
nobody else: not an unlinked werkplekopleider (404), not another organisation (404), not coach, project
manager, administrator or editor (403, the consent names the werkplekopleider only)."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from wpo.certificates.models import Certificate, DossierConsent
from wpo.certificates.services import (
    dossier_consent_give,
    dossier_consent_withdraw,
    participant_certificates_forget,
)
from wpo.lib.refusals import Refused
from wpo.orgs.models import Role, TrainerLink
from wpo.privacy.export import person_data
from wpo.trajectories.models import Observation
from wpo.trajectories.services.signoff import trajectory_close

from ..conftest import login
from ..factories import World, make_certificate, make_person

pytestmark = pytest.mark.django_db

SHARED = "Vroeg zelf om uitleg bij de nieuwe machine."
NOT_SHARED = "Was vandaag erg moe en wat kortaf."


def _certificate_with_observations(world: World) -> Certificate:
    for note, shared in ((SHARED, True), (NOT_SHARED, False)):
        Observation.objects.create(
            organization=world.org,
            participant_assignment=world.pa,
            author=world.trainer,
            observed_at=timezone.now() - timedelta(days=3),
            note=note,
            shared_with_participant=shared,
        )
    return make_certificate(world)


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _choose(client: Client, world: World, choice: str) -> None:
    url = reverse("certificates:dossier_consent", args=[world.trajectory.pk])
    response = client.post(url, {"toestemming": choice})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:mine") + f"#toestemming-{world.trajectory.pk}"


def test_the_trainer_downloads_the_dossier_only_while_the_participant_consents(world: World) -> None:
    certificate = _certificate_with_observations(world)
    dossier = reverse("certificates:dossier", args=[certificate.pk])
    trajectory_page = reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])
    trainer, participant = login(Client(), world.trainer), login(Client(), world.participant)

    # Without consent: a refusal that says the participant must agree first, and no PDF.
    refused = trainer.get(dossier)
    assert refused.status_code == 409 and refused["Content-Type"].startswith("text/html")
    assert "geen toestemming" in refused.content.decode() and b"%PDF" not in refused.content
    page = trainer.get(trajectory_page).content.decode()
    assert dossier not in page and "de deelnemer heeft (nog) geen toestemming gegeven" in page

    # The participant says yes on Mijn certificaten.
    mine = participant.get(reverse("certificates:mine")).content.decode()
    assert "Mag je werkplekopleider je bewijsmap downloaden?" in mine and "Ja, dat mag" in mine
    assert world.trainer.name in mine
    assert f'href="#toestemming-{world.trajectory.pk}">Mag je werkplekopleider de bewijsmap ook downloaden?' in mine
    _choose(participant, world, "ja")
    consent = DossierConsent.objects.get()
    assert (consent.trajectory, consent.participant, consent.withdrawn_at) == (
        world.trajectory,
        world.participant,
        None,
    )
    mine = participant.get(reverse("certificates:mine")).content.decode()
    assert "Nee, toch niet. Zet het uit." in mine and "Je werkplekopleider mag de bewijsmap ook downloaden." in mine

    # Now the trainer gets the same dossier the participant gets: a real PDF, only what was shared.
    response = trainer.get(dossier)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response["Cache-Control"] == "private, no-store"
    text = _pdf_text(response.content)
    assert "Dit is een bewijsmap, geen diploma." in text and world.participant.name in text
    assert SHARED in text and NOT_SHARED not in text
    assert dossier in trainer.get(trajectory_page).content.decode()
    own = participant.get(reverse("certificates:mine_dossier", args=[certificate.pk]))
    assert _pdf_text(own.content) == text

    # Withdrawn: refused again at once; the record keeps when it was given and when it was withdrawn.
    _choose(participant, world, "nee")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_at >= consent.given_at
    assert trainer.get(dossier).status_code == 409
    assert dossier not in trainer.get(trajectory_page).content.decode()

    # Given again: a new row beside the closed one, and the trainer downloads again.
    _choose(participant, world, "ja")
    assert DossierConsent.objects.filter(trajectory=world.trajectory).count() == 2
    assert trainer.get(dossier).status_code == 200


def test_saying_yes_twice_keeps_one_open_consent_and_a_wrong_choice_changes_nothing(world: World) -> None:
    make_certificate(world)
    participant = login(Client(), world.participant)
    _choose(participant, world, "ja")
    _choose(participant, world, "ja")
    assert DossierConsent.objects.filter(withdrawn_at__isnull=True).count() == 1
    _choose(participant, world, "misschien")
    assert DossierConsent.objects.filter(withdrawn_at__isnull=True).count() == 1
    page = participant.get(reverse("certificates:mine")).content.decode()
    assert "Kies: mag het wel of mag het niet?" in page
    url = reverse("certificates:dossier_consent", args=[world.trajectory.pk])
    assert participant.get(url).status_code == 405


def test_a_trainer_who_trains_the_participant_now_is_linked_another_is_not(world: World) -> None:
    certificate = make_certificate(world)
    dossier_consent_give(actor=world.participant, trajectory=world.trajectory)
    dossier = reverse("certificates:dossier", args=[certificate.pk])
    unlinked = make_person(world.org, [Role.TRAINER], world.department)
    assert login(Client(), unlinked).get(dossier).status_code == 404
    # Linked to the participant (the ◐ relation) while the trajectory runs: the same as the trajectory's trainer.
    TrainerLink.objects.create(organization=world.org, trainer=unlinked, participant=world.participant)
    assert login(Client(), unlinked).get(dossier).status_code == 200


def test_another_organisation_gets_404_for_the_dossier_and_the_consent(world: World, other_world: World) -> None:
    certificate = make_certificate(world)
    dossier_consent_give(actor=world.participant, trajectory=world.trajectory)
    dossier = reverse("certificates:dossier", args=[certificate.pk])
    assert login(Client(), other_world.trainer).get(dossier).status_code == 404
    theirs = login(Client(), other_world.participant)
    url = reverse("certificates:dossier_consent", args=[world.trajectory.pk])
    assert theirs.post(url, {"toestemming": "nee"}).status_code == 404
    assert DossierConsent.objects.get().withdrawn_at is None


def test_no_one_but_the_participant_gives_or_withdraws_consent(world: World) -> None:
    make_certificate(world)
    url = reverse("certificates:dossier_consent", args=[world.trajectory.pk])
    # Another participant of the same organisation: not their trajectory.
    other = make_person(world.org, [Role.PARTICIPANT], world.department)
    assert login(Client(), other).post(url, {"toestemming": "ja"}).status_code == 404
    # Staff cannot record it for the participant: wrong role.
    for person in (world.trainer, world.coach, world.project_manager, world.administrator):
        assert login(Client(), person).post(url, {"toestemming": "ja"}).status_code == 403
    assert not DossierConsent.objects.exists()
    # The service refuses on its own, whoever calls it.
    with pytest.raises(Refused):
        dossier_consent_give(actor=world.trainer, trajectory=world.trajectory)
    with pytest.raises(Refused):
        dossier_consent_give(actor=other, trajectory=world.trajectory)


def test_other_roles_never_get_the_dossier_even_with_consent(world: World) -> None:
    """The consent names the werkplekopleider; the coach and project manager download the certificate,
    not the dossier. The participant has their own address (Mijn certificaten)."""
    certificate = make_certificate(world)
    dossier_consent_give(actor=world.participant, trajectory=world.trajectory)
    dossier = reverse("certificates:dossier", args=[certificate.pk])
    for role in (Role.PARTICIPANT, Role.COACH, Role.PROJECT_MANAGER, Role.ADMINISTRATOR, Role.CONTENT_EDITOR):
        assert login(Client(), world.by_role(role)).get(dossier).status_code == 403, role
    # The coach sees on the trajectory page that consent is given, without the download.
    page = login(Client(), world.coach).get(reverse("trajectories:trajectory_detail", args=[world.trajectory.pk]))
    body = page.content.decode()
    assert "de deelnemer gaf op" in body and dossier not in body


def test_the_participants_export_holds_the_consent_and_anonymising_ends_it(world: World) -> None:
    make_certificate(world)
    dossier_consent_give(actor=world.participant, trajectory=world.trajectory)
    dossier_consent_withdraw(actor=world.participant, trajectory=world.trajectory)
    dossier_consent_give(actor=world.participant, trajectory=world.trajectory)
    exported = person_data(world.participant)["trajectories"][0]["dossier_consents"]
    assert [bool(c["withdrawn_at"]) for c in exported] == [True, False] and all(c["given_at"] for c in exported)
    participant_certificates_forget(world.participant)
    assert not DossierConsent.objects.filter(withdrawn_at__isnull=True).exists()


def test_mijn_certificaten_runs_the_same_queries_with_more_certificates(world: World) -> None:
    make_certificate(world)
    dossier_consent_give(actor=world.participant, trajectory=world.trajectory)
    client = login(Client(), world.participant)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("certificates:mine")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    trajectory_close(world.trajectory, actor=world.coach)
    assert Certificate.objects.filter(participant=world.participant).count() == 2
    assert count() == one
