"""Closing an organisation from the service desk (wpo/service/closing.py, issue 19).

The main test loads a full demo organisation, adds a row to every kind of table it lacks and a file
to every kind of upload, beside a second organisation with the same. It closes the first through the
service desk's pages (suspend, export, download, close), then walks every model Django knows: no row
points at the closed organisation, its people or its logins, none of its files is left in storage,
and the second organisation's rows and files are exactly as they were.
"""

import hashlib
import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from wpo.curriculum.models import Edition
from wpo.orgs.models import Organization, Person, Role
from wpo.service import closing, ownership, receipts, storage, tasks
from wpo.service.models import OrganizationExport, ServiceEvent, ServiceOperator, StorageUsage
from wpo.service.services import organization_suspend

from .conftest import login
from .factories import (
    World,
    login_operator,
    make_certificate_batch,
    make_invitation,
    make_operator,
    make_person,
    make_world,
    world_in,
)
from .test_tenant_isolation import (
    JPEG,
    MP4,
    PDF,
    WEBM,
    assignment_with_local_example,
    evaluation_with_voice_note,
    look_back_answer_with_media,
    question_with_voice_note,
)

pytestmark = pytest.mark.django_db

# Tables that stay empty for an organisation by design: an operator's login is never a person's.
EMPTY_BY_DESIGN = {"service.ServiceOperator"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def fill_every_kind(w: World) -> None:
    """A row in every table an organisation can have data in, and a file of every kind."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wpo.accounts.models import (
        LoginCard,
        OidcDomain,
        OidcIdentity,
        OidcProvider,
        SecurityEvent,
        SecurityPolicy,
        TwoFactorFailure,
    )
    from wpo.certificates.models import DossierConsent
    from wpo.coaching.models import DigestSent, SignalSettings
    from wpo.curriculum.models import EditionSeen
    from wpo.evaluations.models import ChosenSkillChange
    from wpo.national.models import Measure, NationalFigure
    from wpo.orgs.models import PeopleImport
    from wpo.packages.models import Cmi5Launch, PackageAttempt
    from wpo.packages.services import package_upload
    from wpo.privacy.models import Anonymisation, PrivacySettings
    from wpo.service.models import Contract
    from wpo.trajectories.models import Observation, PracticeAnswer, TrainerCalendarFeed, WorkAdaptation

    from .packages_helpers import scorm12_zip

    org, now = w.org, timezone.now()
    user = w.administrator.user
    w.org.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 30))
    look_back_answer_with_media(w)
    question_with_voice_note(w)
    evaluation_with_voice_note(w)
    assignment_with_local_example(w)
    observation = Observation(organization=org, participant_assignment=w.pa, author=w.trainer, observed_at=now)
    observation.photo.save("observatie.jpg", ContentFile(JPEG))
    batch = make_certificate_batch(w)
    batch.file.save("certificaten.pdf", ContentFile(PDF))
    # A video of the organisation's own assignment, named in the version's content.
    version = w.pa.version
    version.content.setdefault("video", {})["file"] = default_storage.save(f"videos/{org.slug}.mp4", ContentFile(MP4))
    version.save(update_fields=["content"])
    WorkAdaptation.objects.create(
        organization=org, participant_assignment=w.pa, description="Rustiger plek", starts_on=now, created_by=w.trainer
    )
    PracticeAnswer.objects.create(
        organization=org, participant_assignment=w.pa, question_index=0, answer=[1], is_correct=True
    )
    DossierConsent.objects.create(organization=org, trajectory=w.trajectory, participant=w.participant, given_at=now)
    # Its own line in the nightly figures (the national lines, without an organisation, stay).
    NationalFigure.objects.create(
        organization=org,
        year=2026,
        quarter=1,
        measure=Measure.STARTED,
        value=12,
        people_count=12,
        org_count=1,
        computed_at=now,
    )
    # The organisation's own e-learning package as the practice part, extracted into its folder.
    package_data = scorm12_zip()
    version = package_upload(
        assignment=w.pa.version.assignment,
        upload=io.BytesIO(package_data),
        size=len(package_data),
        name="module.zip",
        placement="instead",
        actor=w.content_editor,
    )
    assert version.storage_prefix and version.package.organization_id == org.pk
    attempt = PackageAttempt.objects.create(
        organization=org, participant_assignment=w.pa, package_version=version, started_at=now, updated_at=now
    )
    Cmi5Launch.objects.create(
        organization=org, attempt=attempt, fetch_secret=f"geheim-{org.pk}", created_at=now, expires_at=now
    )
    TrainerCalendarFeed.objects.create(
        organization=org, person=w.trainer, token_hash=hashlib.sha256(org.slug.encode()).hexdigest()
    )
    ChosenSkillChange.objects.create(
        organization=org, trajectory=w.trajectory, kind="dropped", reason="x", actor=w.coach, at=now, dropped=w.skill
    )
    DigestSent.objects.create(organization=org, coach=w.coach, week="2026-W01", sent_at=now)
    SignalSettings.objects.get_or_create(organization=org)
    PrivacySettings.objects.get_or_create(organization=org)
    SecurityPolicy.objects.get_or_create(organization=org)
    SecurityEvent.objects.create(organization=org, person=w.administrator, kind="password_changed")
    provider = OidcProvider.objects.create(
        organization=org, display_name="Eigen login", issuer=f"https://login.{org.slug}.example", client_id="wpo"
    )
    OidcDomain.objects.create(organization=org, provider=provider, domain=f"{org.slug}.example")
    OidcIdentity.objects.create(organization=org, provider=provider, person=w.coach, subject=f"sub-{org.pk}")
    LoginCard.objects.create(
        organization=org,
        person=w.participant,
        token_hash=hashlib.sha256(f"card{org.pk}".encode()).hexdigest(),
        pin_hash="x",
    )
    edition = Edition.objects.order_by("pk").first()
    if edition is not None:
        EditionSeen.objects.create(organization=org, person=w.content_editor, edition=edition, seen_at=now)
    PeopleImport.objects.create(organization=org, created_by=w.administrator, file_name="mensen.csv", content="x")
    Anonymisation.objects.create(
        organization=org, person=make_person(org, [Role.PARTICIPANT]), number=1, reason="x", at=now
    )
    Contract.objects.get_or_create(
        organization=org, defaults={"starts_on": date(2026, 1, 1), "places": 10, "created_at": now}
    )
    TwoFactorFailure.objects.create(user=user, client="127.0.0.1", at=now)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    StaticDevice.objects.create(user=user, name="backup").token_set.create(token="abcd1234")
    LogEntry.objects.create(user=user, object_repr="x", action_flag=1)
    user.groups.add(Group.objects.get_or_create(name="wpo-test")[0])
    make_invitation(user, org)
    storage.measure(org)


def snapshot(org: Organization) -> dict[str, set[int]]:
    scope = ownership.Scope.of(org)
    return {m._meta.label: set(ownership.rows(m, scope).values_list("pk", flat=True)) for m in ownership.owned_models()}


def files_on_disk(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def run_export(operator: ServiceOperator, org: Organization) -> OrganizationExport:
    job = closing.export_start(operator=operator, organization_id=org.pk)
    assert tasks.build_organization_export.call(job.pk) == "done"
    job.refresh_from_db()
    return job


@override_settings(DEBUG=True)
def test_closing_deletes_everything_of_the_organisation_and_nothing_else(
    client: Client,
    settings,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from django.core.management import call_command

    from wpo.demo.organization import create_demo_organization

    call_command("load_curriculum", verbosity=0)
    demo = create_demo_organization()
    closed = world_in(demo, f"Montage {demo.pk}")
    fill_every_kind(closed)
    kept = make_world("Werkbedrijf Zuid")
    fill_every_kind(kept)
    operator = make_operator("desk")

    # The export is made below, by the service desk.
    empty = {label for label, pks in snapshot(demo).items() if not pks} - {"service.OrganizationExport"}
    assert empty == EMPTY_BY_DESIGN, f"the test fills no row of {sorted(empty - EMPTY_BY_DESIGN)}"
    kept_before = snapshot(kept.org)
    root = Path(settings.MEDIA_ROOT)
    kept_files = {name for *_rest, name in ownership.files(ownership.Scope.of(kept.org))}
    kept_bytes = {name: default_storage.open(name).read() for name in kept_files}
    closed_users = set(Person.objects.filter(organization=demo).values_list("user_id", flat=True))

    # A certificate's PDF (with the real name) sits in the cache.
    from django.core.cache import cache

    from wpo.certificates.models import Certificate
    from wpo.certificates.pdf import cache_key

    certificate_id = Certificate.objects.filter(organization=demo).values_list("pk", flat=True).first()
    assert certificate_id is not None
    cache.set(cache_key(certificate_id), ("stamp", b"%PDF"))

    # Failed logins are kept by the name typed.
    from wpo.accounts.models import LoginFailure

    LoginFailure.objects.create(login_name=closed.coach.user.username.lower(), client="10.0.0.1", at=timezone.now())
    LoginFailure.objects.create(login_name=kept.coach.user.username.lower(), client="10.0.0.1", at=timezone.now())

    # Someone of each organisation is logged in somewhere.
    login(Client(), closed.coach)
    kept_session = login(Client(), kept.coach)

    organization_suspend(operator=operator, organization_id=demo.pk, reason="Contract beëindigd")
    desk = login_operator(client, operator)
    response = desk.post(reverse("service:export_start", args=[demo.pk]))
    assert response.status_code == 302
    job = OrganizationExport.objects.get(organization=demo)
    assert tasks.build_organization_export.call(job.pk) == "done"
    download = desk.get(reverse("service:export_download", args=[demo.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    job.refresh_from_db()
    assert hashlib.sha256(body).hexdigest() == job.sha256 and job.downloaded_at is not None
    export_name = str(job.file.name)
    before = snapshot(demo)
    closed_files = {name for *_rest, name in ownership.files(ownership.Scope.of(demo))}
    assert export_name in closed_files and kept_files and closed_files <= files_on_disk(root)

    # The ZIP: every person's own export, every table, every file.
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = set(archive.namelist())
    manifest = json.loads(archive.read("organisatie.json"))
    assert {p["id"] for p in manifest["people"]} == before["orgs.Person"]
    for label, pks in before.items():
        if label != "service.OrganizationExport":
            assert manifest["tables"][label] == len(pks), label
            assert f"tabellen/{label}.json" in names and f"tabellen/{label}.csv" in names
    assert len([f for f in manifest["files"] if not f.get("missing")]) == len(closed_files) - 1  # not the export
    person_zip = zipfile.ZipFile(io.BytesIO(archive.read(manifest["people"][0]["path"])))
    assert "gegevens.json" in person_zip.namelist()
    users = json.loads(archive.read("tabellen/accounts.User.json"))
    assert users and all("password" not in row for row in users)
    assert closed.administrator.user.password.encode() not in body

    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(reverse("service:organization_close", args=[demo.pk]), {"confirmation": demo.slug})
    event = ServiceEvent.objects.get(kind=ServiceEvent.Kind.CLOSED)
    assert response.status_code == 302 and response["Location"] == reverse("service:receipt", args=[event.pk])

    # Walk every model: nothing points at a row that belonged to the closed organisation.
    User = get_user_model()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        label = model._meta.label
        if label in before:
            assert not model._base_manager.filter(pk__in=before[label]).exists(), label
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model._meta.label in before:
                gone = before[field.related_model._meta.label]
                assert not model._base_manager.filter(**{f"{field.attname}__in": gone}).exists(), (label, field.name)
        if hasattr(model, "history_user_id"):
            assert not model._base_manager.filter(history_user_id__in=closed_users).exists(), label
    assert not User.objects.filter(pk__in=closed_users).exists()
    assert not Organization.objects.filter(pk=demo.pk).exists()
    # Its people's sessions are gone; the other organisation's stay.
    decoded = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert not {str(u) for u in closed_users} & {str(u) for u in decoded}
    assert kept_session.get(reverse("home")).status_code == 302 and str(kept.coach.user_id) in decoded
    # No file of it remains; the export ZIP is gone too; the other organisation's files are untouched.
    remaining = files_on_disk(root)
    assert not (closed_files | {export_name}) & remaining
    assert remaining == kept_files
    assert all(default_storage.open(name).read() == data for name, data in kept_bytes.items())
    assert snapshot(kept.org) == kept_before
    assert cache.get(cache_key(certificate_id)) is None
    assert list(LoginFailure.objects.values_list("login_name", flat=True)) == [kept.coach.user.username.lower()]

    # The receipt: signed, the counts of before, the export's hash, no person's name.
    receipt = receipts.verify(event.receipt)
    assert receipt is not None
    assert receipt["organization"]["name"] == demo.name and event.organization_name == demo.name
    assert receipt["export"]["sha256"] == job.sha256
    expected = {label: len(pks) for label, pks in before.items() if pks} | {"accounts.LoginFailure": 1}
    assert receipt["rows"] == expected and receipt["rows_total"] == sum(expected.values())
    assert receipt["files"]["count"] == len(closed_files) - 1 and receipt["files"]["bytes"] > 0
    for person_name in (closed.participant.name, closed.coach.user.username, closed.administrator.user.email):
        assert person_name not in event.receipt
    page = desk.get(reverse("service:receipt", args=[event.pk])).content.decode()
    assert "De handtekening klopt" in page and job.sha256 in page
    assert desk.get(reverse("service:receipt_json", args=[event.pk])).content.decode() == event.receipt
    kinds = list(ServiceEvent.objects.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[-4:] == ["suspended", "export_started", "export_downloaded", "closed"]


# The rules of closing ---------------------------------------------------------------------------


@pytest.fixture
def operator() -> ServiceOperator:
    return make_operator("desk")


@pytest.fixture
def desk(client: Client, operator: ServiceOperator) -> Client:
    return login_operator(client, operator)


def close(desk: Client, org: Organization, confirmation: str | None = None):  # type: ignore[no-untyped-def]
    return desk.post(reverse("service:organization_close", args=[org.pk]), {"confirmation": confirmation or org.slug})


def test_closing_is_refused_until_the_export_is_made_and_downloaded(
    desk: Client, operator: ServiceOperator, world: World
) -> None:
    organization_suspend(operator=operator, organization_id=world.org.pk, reason="Einde contract")
    response = close(desk, world.org)
    assert response.status_code == 400 and "Maak eerst de export en download die" in response.content.decode()
    run_export(operator, world.org)
    response = close(desk, world.org)
    assert response.status_code == 400 and "Download eerst de export" in response.content.decode()
    assert Organization.objects.filter(pk=world.org.pk).exists()
    assert Person.objects.filter(organization=world.org).count() == 6
    assert not ServiceEvent.objects.filter(kind=ServiceEvent.Kind.CLOSED).exists()


def test_closing_needs_the_short_name_typed(desk: Client, operator: ServiceOperator, world: World) -> None:
    organization_suspend(operator=operator, organization_id=world.org.pk, reason="Einde contract")
    run_export(operator, world.org)
    assert desk.get(reverse("service:export_download", args=[world.org.pk])).status_code == 200
    response = close(desk, world.org, confirmation="werkbedrijf-zuid")
    assert response.status_code == 400 and "Typ de korte naam van de organisatie" in response.content.decode()
    assert Organization.objects.filter(pk=world.org.pk).exists()
    response = close(desk, world.org, confirmation=f"  {world.org.slug.upper()} ")
    assert response.status_code == 302 and not Organization.objects.filter(pk=world.org.pk).exists()


def test_an_active_organisation_is_neither_exported_nor_closed(
    desk: Client, operator: ServiceOperator, world: World
) -> None:
    page = desk.get(reverse("service:organization_close", args=[world.org.pk])).content.decode()
    assert "Schors de organisatie eerst" in page and "Stap 2" not in page
    response = desk.post(reverse("service:export_start", args=[world.org.pk]), follow=True)
    assert "Schors de organisatie eerst" in response.content.decode()
    assert not OrganizationExport.objects.exists()
    response = close(desk, world.org)
    assert response.status_code == 400 and Organization.objects.filter(pk=world.org.pk).exists()


def test_an_export_made_before_a_new_suspension_does_not_count(
    desk: Client, operator: ServiceOperator, world: World
) -> None:
    from wpo.service.services import organization_reactivate

    organization_suspend(operator=operator, organization_id=world.org.pk, reason="x")
    run_export(operator, world.org)
    desk.get(reverse("service:export_download", args=[world.org.pk]))
    organization_reactivate(operator=operator, organization_id=world.org.pk)
    organization_suspend(operator=operator, organization_id=world.org.pk, reason="y")
    response = close(desk, world.org)
    assert response.status_code == 400 and "Maak eerst de export" in response.content.decode()


def test_a_second_export_waits_for_the_first(desk: Client, operator: ServiceOperator, world: World) -> None:
    organization_suspend(operator=operator, organization_id=world.org.pk, reason="x")
    desk.post(reverse("service:export_start", args=[world.org.pk]))
    response = desk.post(reverse("service:export_start", args=[world.org.pk]), follow=True)
    assert "Er wordt al een export gemaakt" in response.content.decode()
    assert OrganizationExport.objects.count() == 1
    status = desk.get(reverse("service:export_status", args=[world.org.pk])).json()
    assert status["status"] == "queued" and status["download_url"] == ""
    job = OrganizationExport.objects.get()
    assert tasks.build_organization_export.call(job.pk) == "done"
    assert tasks.build_organization_export.call(job.pk) == "already done"
    status = desk.get(reverse("service:export_status", args=[world.org.pk])).json()
    assert status["status"] == "done" and status["done"] == status["total"] > 0
    assert status["download_url"] == reverse("service:export_download", args=[world.org.pk])


def test_an_export_lost_by_a_worker_restart_does_not_block_a_new_one(
    desk: Client, operator: ServiceOperator, world: World
) -> None:
    organization_suspend(operator=operator, organization_id=world.org.pk, reason="x")
    lost = closing.export_start(operator=operator, organization_id=world.org.pk)
    OrganizationExport.objects.filter(pk=lost.pk).update(
        status=OrganizationExport.Status.RUNNING, created_at=timezone.now() - timedelta(hours=7)
    )
    fresh = closing.export_start(operator=operator, organization_id=world.org.pk)
    lost.refresh_from_db()
    assert lost.status == OrganizationExport.Status.FAILED and fresh.status == OrganizationExport.Status.QUEUED
    assert closing.latest_export(world.org.pk) == fresh


def test_the_download_is_recorded_with_who_when_and_the_hash(
    desk: Client, operator: ServiceOperator, world: World
) -> None:
    organization_suspend(operator=operator, organization_id=world.org.pk, reason="x")
    job = run_export(operator, world.org)
    response = desk.get(reverse("service:export_download", args=[world.org.pk]))
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/zip" and hashlib.sha256(body).hexdigest() == job.sha256
    job.refresh_from_db()
    assert job.downloaded_by == operator and job.downloaded_at is not None
    event = ServiceEvent.objects.get(kind=ServiceEvent.Kind.EXPORT_DOWNLOADED)
    assert event.operator == operator and event.organization == world.org and job.sha256 in event.detail
    started = ServiceEvent.objects.get(kind=ServiceEvent.Kind.EXPORT_STARTED)
    assert started.operator == operator and started.organization == world.org


def test_people_of_any_organisation_get_nothing_of_the_closing_pages(
    client: Client, operator: ServiceOperator, world: World, other_world: World
) -> None:
    organization_suspend(operator=operator, organization_id=world.org.pk, reason="x")
    run_export(operator, world.org)
    # Someone of another organisation, every role, also with Django's staff flag: 404.
    other_world.administrator.user.is_staff = True
    other_world.administrator.user.save()
    for role in Role:
        client.force_login(other_world.by_role(role).user)
        assert client.get(reverse("service:export_download", args=[world.org.pk])).status_code == 404
        assert close(client, world.org).status_code == 404
        # The suspended organisation's own people are logged out at their next request.
        client.force_login(world.by_role(role).user)
        response = client.get(reverse("service:export_download", args=[world.org.pk]))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert Organization.objects.filter(pk=world.org.pk).exists()
    assert OrganizationExport.objects.get().downloaded_at is None


def test_an_operator_without_a_verified_second_factor_closes_nothing(
    client: Client, operator: ServiceOperator, world: World
) -> None:
    organization_suspend(operator=operator, organization_id=world.org.pk, reason="x")
    run_export(operator, world.org)
    login_operator(client, operator, verified=False)
    response = client.get(reverse("service:export_download", args=[world.org.pk]))
    assert response.status_code == 302 and reverse("accounts:two_factor_code") in response["Location"]
    response = close(client, world.org)
    assert response.status_code == 302 and reverse("accounts:two_factor_code") in response["Location"]
    assert Organization.objects.filter(pk=world.org.pk).exists()
    assert OrganizationExport.objects.get().downloaded_at is None


# The receipt --------------------------------------------------------------------------------------


def test_the_receipt_is_signed_and_a_change_is_detected() -> None:
    receipt = {"organization": {"name": "Werkbedrijf Oost"}, "rows": {"orgs.Person": 12}, "rows_total": 12}
    document = receipts.sign(receipt)
    assert receipts.verify(document) == receipt
    changed = json.loads(document)
    changed["receipt"]["rows"]["orgs.Person"] = 11
    assert receipts.verify(json.dumps(changed)) is None
    forged = json.loads(document)
    forged["signature"] = forged["signature"][:-2] + ("AA" if not forged["signature"].endswith("AA") else "BB")
    assert receipts.verify(json.dumps(forged)) is None
    assert receipts.verify("geen json") is None and receipts.verify('{"receipt": 1}') is None
    # Another secret key signs differently: the signature is the service's own.
    with override_settings(SECRET_KEY="een-andere-sleutel-" + "x" * 40):
        assert receipts.verify(document) is None


def test_a_changed_receipt_in_the_log_says_so_on_its_page(
    desk: Client, operator: ServiceOperator, world: World
) -> None:
    organization_suspend(operator=operator, organization_id=world.org.pk, reason="x")
    run_export(operator, world.org)
    desk.get(reverse("service:export_download", args=[world.org.pk]))
    assert close(desk, world.org).status_code == 302
    event = ServiceEvent.objects.get(kind=ServiceEvent.Kind.CLOSED)
    page = desk.get(reverse("service:receipt", args=[event.pk])).content.decode()
    assert "De handtekening klopt" in page and world.org.name in page
    log = desk.get(reverse("service:log")).content.decode()
    assert reverse("service:receipt", args=[event.pk]) in log
    pdf = desk.get(reverse("service:receipt_pdf", args=[event.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert world.org.name in text and "Rijen verwijderd" in text
    ServiceEvent.objects.filter(pk=event.pk).update(receipt=event.receipt.replace('"rows_total": ', '"rows_total": 1'))
    page = desk.get(reverse("service:receipt", args=[event.pk])).content.decode()
    assert "Dit bewijs klopt niet" in page
    assert desk.get(reverse("service:receipt_pdf", args=[event.pk])).status_code == 404


# Storage per organisation ------------------------------------------------------------------------


def test_storage_is_measured_from_the_files_and_shown_with_constant_queries(
    desk: Client, operator: ServiceOperator, world: World
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    look_back_answer_with_media(world)
    question_with_voice_note(world)
    usage = storage.measure(world.org)
    assert usage.files == 3 and usage.bytes == len(JPEG) + 2 * len(WEBM)
    desk.get(reverse("service:organizations"))  # the session's idle clock starts: written once
    with CaptureQueriesContext(connection) as one:
        body = desk.get(reverse("service:organizations")).content.decode()
    assert "in 3 bestanden" in body
    for name in ("Drie", "Vier", "Vijf"):
        storage.measure(make_world(name).org)
    with CaptureQueriesContext(connection) as four:
        body = desk.get(reverse("service:organizations")).content.decode()
    assert body.count("in 0 bestanden") == 3
    assert len(four.captured_queries) == len(one.captured_queries)
    assert StorageUsage.objects.count() == 4


def test_the_nightly_measurement_queues_its_next_run(world: World) -> None:
    assert tasks.measure_storage.call() == "1 organisations measured"
    assert StorageUsage.objects.get(organization=world.org).files == 0
    assert tasks.schedule_measure() is None  # one run waits already
    now = timezone.now()
    following = tasks.next_measure(now)
    # 04:00 local time; on the night the clocks go back that is up to 25 hours away.
    assert now < following <= now + timedelta(hours=25)
    assert timezone.localtime(following).hour == 4 and timezone.localtime(following).minute == 0
