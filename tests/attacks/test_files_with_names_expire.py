"""Finding (issue 14, MEDIUM, part of "anonymisation leaves data behind"): HR CSVs and batch PDFs were kept forever.

The attack: whoever reads the database or the file storage later (a backup, an operator, a
breach) finds every HR export ever uploaded — names, e-mail addresses, employee numbers, also of
people never imported — and every closing ceremony's PDF with real names.

The fix: a people import keeps its CSV only while it waits for the confirmation: the confirmation
empties it (file name, count, who and when stay), and the nightly run
(``wpo.privacy.tasks.anonymise_expired_participants``) abandons and empties imports left waiting for
``people_import.PREVIEW_HOURS`` and removes batch PDFs older than ``BATCH_PDF_DAYS`` days. The tests
upload and print over HTTP and move the clock with time-machine.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from time_machine import TimeMachineFixture

from tests.conftest import login
from tests.factories import World, make_certificate
from wpo.certificates import tasks as certificate_tasks
from wpo.certificates.models import CertificateBatch
from wpo.certificates.services import BATCH_PDF_DAYS
from wpo.orgs.models import PeopleImport
from wpo.orgs.people_import import PREVIEW_HOURS
from wpo.privacy import tasks

pytestmark = pytest.mark.django_db

CSV = (
    "Personeelsnummer;Voornaam;Tussenvoegsel;Achternaam;E-mail;Afdeling;Rol;Werkplekopleider\n"
    "5001;Karin;van;Dijk;karin@example.org;Wasserij;werkplekopleider;\n"
)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_an_import_left_waiting_is_emptied_the_next_night(
    client: Client, world: World, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(datetime(2027, 5, 3, 14, tzinfo=UTC), tick=False)
    login(client, world.administrator)
    upload = SimpleUploadedFile("export.csv", CSV.encode(), content_type="text/csv")
    assert client.post(reverse("orgs:import_upload"), {"file": upload}).status_code == 302
    record = PeopleImport.objects.get()
    preview = reverse("orgs:import_preview", args=[record.pk])
    assert "Karin" in client.get(preview).content.decode()

    time_machine.move_to(datetime(2027, 5, 4, 1, tzinfo=UTC), tick=False)  # the same night: still waiting
    tasks.anonymise_expired_participants.call()
    record.refresh_from_db()
    assert record.status == "preview" and "Karin" in record.content

    time_machine.move_to(datetime(2027, 5, 3, 14, tzinfo=UTC) + timedelta(hours=PREVIEW_HOURS, minutes=1), tick=False)
    assert "1 waiting people imports emptied" in tasks.anonymise_expired_participants.call()
    record.refresh_from_db()
    assert record.status == "abandoned" and record.content == ""
    assert record.file_name == "export.csv" and record.created_by == world.administrator
    login(client, world.administrator)  # a day later the session has ended
    page = client.get(preview).content.decode()
    assert "weggegooid" in page and "Karin" not in page
    refused = client.post(reverse("orgs:import_confirm", args=[record.pk]), follow=True).content.decode()
    assert "Upload het opnieuw" in refused and "Karin" not in refused


def test_a_batch_pdf_is_removed_after_its_days(
    client: Client, world: World, time_machine: TimeMachineFixture, django_capture_on_commit_callbacks: Any
) -> None:
    time_machine.move_to(datetime(2027, 6, 10, 9, tzinfo=UTC), tick=False)
    certificate = make_certificate(world)
    login(client, world.coach)
    assert client.post(reverse("certificates:batch_new"), {"certificaten": [certificate.pk]}).status_code == 302
    batch = CertificateBatch.objects.get()
    assert certificate_tasks.render_certificate_batch.call(batch.pk) == "done"
    batch.refresh_from_db()
    stored = Path(batch.file.path)
    assert stored.exists()
    assert client.get(reverse("certificates:batch_pdf", args=[batch.pk])).status_code == 200

    time_machine.move_to(datetime(2027, 6, 10, 9, tzinfo=UTC) + timedelta(days=BATCH_PDF_DAYS - 1), tick=False)
    tasks.anonymise_expired_participants.call()
    assert stored.exists()

    time_machine.move_to(datetime(2027, 6, 10, 9, tzinfo=UTC) + timedelta(days=BATCH_PDF_DAYS + 1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.anonymise_expired_participants.call()
    assert "1 certificate batch PDFs removed" in result
    batch.refresh_from_db()
    assert batch.status == "expired" and not batch.file and not stored.exists()
    login(client, world.coach)
    assert client.get(reverse("certificates:batch_pdf", args=[batch.pk])).status_code == 404
    page = client.get(reverse("certificates:batch_detail", args=[batch.pk])).content.decode()
    assert "De PDF is weggehaald" in page and "Maak de PDF opnieuw" in page
