"""The print batch of a closing ceremony: choosing, the background task that renders one PDF with
progress, the status the page polls, the download, and who may do what."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from wpo.certificates import services, tasks
from wpo.certificates.models import Certificate, CertificateBatch
from wpo.orgs.models import Person, Role

from .conftest import login
from .factories import World, make_certificate
from .test_certificates import add_certificates

pytestmark = pytest.mark.django_db

NEW = reverse("certificates:batch_new")


@pytest.fixture
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def certificates(world: World, n: int) -> list[Certificate]:
    make_certificate(world)
    if n > 1:
        add_certificates(world, n - 1)
    return list(Certificate.objects.order_by("participant_name"))


def new_batch(client: Client, chosen: list[Certificate]) -> CertificateBatch:
    response = client.post(NEW, {"certificaten": [c.pk for c in chosen]})
    assert response.status_code == 302, response.content.decode()[-2000:]
    batch = CertificateBatch.objects.get()
    assert response["Location"] == reverse("certificates:batch_detail", args=[batch.pk])
    return batch


def status(client: Client, batch: CertificateBatch) -> dict[str, object]:
    response = client.get(reverse("certificates:batch_status", args=[batch.pk]))
    assert response.status_code == 200
    return dict(response.json())


def test_the_page_offers_the_certificates_of_the_last_eight_weeks_all_ticked(client: Client, world: World) -> None:
    chosen = certificates(world, 3)
    old = chosen[0]
    Certificate.objects.filter(pk=old.pk).update(issued_at=timezone.now() - timedelta(weeks=10))
    revoked = chosen[1]
    services.certificate_revoke(revoked, actor=world.coach, reason="Fout.")
    login(client, world.coach)
    page = client.get(NEW).content.decode()
    assert f'value="{chosen[2].pk}" id="cert-{chosen[2].pk}" checked' in page
    assert f'value="{old.pk}"' not in page and f'value="{revoked.pk}"' not in page
    longer = client.get(NEW, {"weken": "13"}).content.decode()
    assert f'value="{old.pk}" id="cert-{old.pk}" checked' in longer


def test_personen_preselects_those_participants_latest_certificates(client: Client, world: World) -> None:
    chosen = certificates(world, 3)
    from wpo.trajectories.services.signoff import trajectory_close

    trajectory_close(world.trajectory, actor=world.coach)
    latest = Certificate.objects.get(kind=Certificate.Kind.TRAJECTORY)
    other = chosen[2] if chosen[2].participant_id != world.participant.pk else chosen[1]
    login(client, world.coach)
    page = client.get(NEW, {"personen": f"{world.participant.pk},{other.participant_id},999999,x"}).content.decode()
    skill_one = Certificate.objects.get(participant=world.participant, kind=Certificate.Kind.SKILL)
    assert f'value="{latest.pk}" id="cert-{latest.pk}" checked' in page
    assert f'value="{other.pk}" id="cert-{other.pk}" checked' in page
    # Shown, but not ticked: the participant's earlier certificate and the others.
    assert f'value="{skill_one.pk}" id="cert-{skill_one.pk}">' in page
    assert "1 van de gekozen deelnemers heeft nog geen geldig certificaat" in page


def test_a_batch_renders_every_certificate_into_one_pdf_with_progress(
    client: Client, world: World, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = certificates(world, 3)
    login(client, world.coach)
    batch = new_batch(client, chosen)
    assert (batch.status, batch.total, batch.done, batch.created_by) == ("queued", 3, 0, world.coach)
    assert batch.base_url == "http://testserver"
    assert set(batch.certificates.all()) == set(chosen)
    # The task row was written with the batch.
    task_row = DBTaskResult.objects.get()
    assert task_row.args_kwargs["args"] == [batch.pk] and task_row.status == "READY"
    state = status(client, batch)
    assert state["text"] == "Wacht op zijn beurt … 0 van 3 klaar" and state["download_url"] == ""
    assert "<progress" in client.get(reverse("certificates:batch_detail", args=[batch.pk])).content.decode()

    # Each step of progress is committed as it happens: what the polling page would read.
    seen: list[tuple[int, str]] = []
    original = tasks._progress

    def watching(batch_id: int):  # type: ignore[no-untyped-def]
        report = original(batch_id)

        def spy(done: int) -> None:
            report(done)
            row = CertificateBatch.objects.get(pk=batch_id)
            seen.append((row.done, row.status))

        return spy

    monkeypatch.setattr(tasks, "_progress", watching)
    assert tasks.render_certificate_batch.call(batch.pk) == "done"
    assert seen == [(1, "running"), (2, "running"), (3, "running")]
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.error) == ("done", 3, "")
    assert batch.finished_at is not None
    assert "certificaten" not in batch.file.name.split("/")[-1]  # an unguessable name

    state = status(client, batch)
    assert state["text"] == "3 van 3 klaar. De PDF staat klaar."
    assert state["download_url"] == reverse("certificates:batch_pdf", args=[batch.pk])
    response = client.get(str(state["download_url"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    # One certificate per page, in order of name.
    for page, certificate in zip(reader.pages, chosen, strict=True):
        text = page.extract_text()
        assert certificate.display_code in text and certificate.participant_name in text
    # A second run of the task (a retry, a second worker) does nothing.
    assert tasks.render_certificate_batch.call(batch.pk) == "already done"


def test_a_failed_render_says_so_in_dutch(
    client: Client, world: World, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = certificates(world, 1)
    login(client, world.coach)
    batch = new_batch(client, chosen)

    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(tasks, "render_certificates", broken)
    assert tasks.render_certificate_batch.call(batch.pk) == "failed"
    batch.refresh_from_db()
    assert batch.status == "failed" and not batch.file
    assert batch.error.startswith("Het maken van de PDF is mislukt.")
    assert status(client, batch)["text"] == batch.error
    page = client.get(reverse("certificates:batch_detail", args=[batch.pk])).content.decode()
    assert "Probeer het opnieuw" in page and "Het maken van de PDF is mislukt." in page
    assert client.get(reverse("certificates:batch_pdf", args=[batch.pk])).status_code == 404


def test_choosing_nothing_or_a_revoked_certificate_is_refused(client: Client, world: World) -> None:
    chosen = certificates(world, 2)
    services.certificate_revoke(chosen[0], actor=world.coach, reason="Fout.")
    login(client, world.coach)
    nothing = client.post(NEW, {})
    assert nothing.status_code == 400 and "Kies minstens één certificaat." in nothing.content.decode()
    revoked = client.post(NEW, {"certificaten": [chosen[0].pk, chosen[1].pk]})
    assert revoked.status_code == 400 and "kan niet meer geprint worden" in revoked.content.decode()
    assert not CertificateBatch.objects.exists() and not DBTaskResult.objects.exists()


def test_a_certificate_of_another_organisation_cannot_be_printed(
    client: Client, world: World, other_world: World
) -> None:
    theirs = make_certificate(other_world)
    login(client, world.coach)
    response = client.post(NEW, {"certificaten": [theirs.pk]})
    assert response.status_code == 400 and not CertificateBatch.objects.exists()
    assert theirs.participant_name not in response.content.decode()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PARTICIPANT, Role.ADMINISTRATOR])
def test_other_roles_may_not_print_or_download_a_batch(client: Client, world: World, media: Path, role: Role) -> None:
    chosen = certificates(world, 1)
    batch = services.batch_create(actor=world.coach, certificates=chosen, base_url="http://testserver")
    tasks.render_certificate_batch.call(batch.pk)
    login(client, world.by_role(role))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"certificaten": [chosen[0].pk]}).status_code == 403
    for name in ("batch_detail", "batch_status", "batch_pdf"):
        assert client.get(reverse(f"certificates:{name}", args=[batch.pk])).status_code == 403
    assert CertificateBatch.objects.count() == 1


def test_another_organisation_gets_404_for_a_batch(client: Client, world: World, media: Path, outsider: Person) -> None:
    chosen = certificates(world, 1)
    batch = services.batch_create(actor=world.coach, certificates=chosen, base_url="http://testserver")
    tasks.render_certificate_batch.call(batch.pk)
    login(client, outsider)
    for name in ("batch_detail", "batch_status", "batch_pdf"):
        assert client.get(reverse(f"certificates:{name}", args=[batch.pk])).status_code == 404
    login(client, world.project_manager)
    assert client.get(reverse("certificates:batch_pdf", args=[batch.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_renders_the_batch(client: Client, world: World, media: Path) -> None:
    """The real path: the task row in the database, picked up and run by django-tasks-db's worker."""
    chosen = certificates(world, 2)
    login(client, world.coach)
    batch = new_batch(client, chosen)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    batch.refresh_from_db()
    assert (batch.status, batch.done) == ("done", 2)
    assert DBTaskResult.objects.get().return_value == "done"
    with batch.file.open("rb") as handle:
        assert len(PdfReader(handle).pages) == 2
