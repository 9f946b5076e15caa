"""Privacy (AVG, issue 7): export, anonymisation, the retention period and the privacy page."""

import io
import json
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from wpo.accounts.models import LoginCard, LoginFailure, SecurityEvent
from wpo.accounts.services import login_card_issue
from wpo.certificates.models import Certificate
from wpo.followup.models import Problem, ProblemEvent
from wpo.meetings.models import MeetingAttendance
from wpo.orgs.models import Person, Role
from wpo.privacy import registry, services, tasks
from wpo.privacy.export import JSON_NAME, export_pdf, export_zip, person_data
from wpo.privacy.models import Anonymisation, PrivacySettings
from wpo.trajectories.models import (
    Assessment,
    CoachingConversation,
    LookBackAnswer,
    Observation,
    ParticipantAssignment,
    ParticipantQuestion,
    PracticeAnswer,
    StepChange,
    Trajectory,
    TrajectorySkill,
    WorkAdaptation,
)
from wpo.trajectories.services.signoff import trajectory_stop

from .conftest import login
from .factories import World, make_certificate, make_meeting, make_problem

LOOK_BACK_TEXT = "Ik heb de pallets zelf geteld en het ging goed."
NOTE = "Jan vroeg om hulp bij de kassa, netjes gedaan."
WISH = "Ik wil leren overleggen met mijn collega's."


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def enrich(world: World) -> dict[str, Any]:
    """Give the world's participant something in every kind of data the platform keeps."""
    org, p, pa = world.org, world.participant, world.pa
    Trajectory.objects.filter(pk=world.trajectory.pk).update(wish_develop=WISH, finds_hard="Drukte")
    TrajectorySkill.objects.filter(trajectory=world.trajectory).update(self_rating=3, trainer_rating=4)
    p.employee_number = "P-4711"
    p.save()
    PracticeAnswer.objects.create(
        organization=org, participant_assignment=pa, question_index=0, answer=[1], is_correct=True
    )
    answer = LookBackAnswer(
        organization=org, participant_assignment=pa, question_index=0, feeling="good", text=LOOK_BACK_TEXT
    )
    answer.photo.save("foto.jpg", ContentFile(b"\xff\xd8\xff photo"), save=False)
    answer.voice_note.save("spraak.webm", ContentFile(b"voice"), save=False)
    answer.save()
    observation = Observation(
        organization=org, participant_assignment=pa, author=world.trainer, observed_at=timezone.now(), note=NOTE
    )
    observation.photo.save("obs.jpg", ContentFile(b"\xff\xd8\xff obs"), save=False)
    observation.save()
    WorkAdaptation.objects.create(
        organization=org, participant_assignment=pa, description="Eerst alleen de ochtend.", starts_on=date.today(),
        created_by=world.trainer,
    )  # fmt: skip
    question = ParticipantQuestion(organization=org, trajectory=world.trajectory, text="Mag ik vaker oefenen?")
    question.voice_note.save("vraag.webm", ContentFile(b"question"), save=False)
    question.save()
    conversation = CoachingConversation.objects.create(
        organization=org, trajectory=world.trajectory, planned_at=timezone.now() - timedelta(days=1),
        held_at=timezone.now(), location="Kantine", done_and_learned="Geteld.", agreements="Volgende week weer.",
    )  # fmt: skip
    conversation.attendees.set([p, world.trainer])
    certificate = make_certificate(world)  # also walks the assignment to ‘behaald’ with an assessment
    Assessment.objects.filter(participant_assignment=pa).update(note="Zelfstandig gedaan, Jan.")
    make_meeting(org, world.coach, [p, world.trainer])
    problem = make_problem(world.trainer, title="Jan mist vaak de ochtend", trajectory=world.trajectory)
    login_card_issue(participant=p, issued_by=world.trainer)
    LoginFailure.objects.create(login_name=p.user.username.lower(), client="10.0.0.1", at=timezone.now())
    TOTPDevice.objects.create(user=p.user, name="Telefoon van Jan", confirmed=True)
    SecurityEvent.objects.create(organization=org, person=p, actor=world.administrator, kind="two_factor_on")
    return {"answer": answer, "observation": observation, "question": question, "certificate": certificate,
            "problem": problem, "conversation": conversation}  # fmt: skip


def read_zip(content: bytes) -> tuple[dict[str, Any], zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return json.loads(archive.read(JSON_NAME)), archive


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def url(name: str, person: Person | None = None) -> str:
    return reverse(f"privacy:{name}", kwargs={"person_id": person.pk} if person else None)


# The registry covers every reference -----------------------------------------------------------


def test_every_reference_to_a_person_or_trajectory_is_exported_or_counted() -> None:
    """A new foreign key to Person, User, Trajectory or ParticipantAssignment must be added to the registry."""
    watched = (Person, get_user_model(), Trajectory, ParticipantAssignment)
    found = set()
    for model in apps.get_models():
        if hasattr(model, "instance_type"):
            continue  # django-simple-history: scrubbed by wpo.audit.services, exported in ``audit``
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model in watched:
                found.add(f"{model._meta.app_label}.{model.__name__}.{field.name}")
    listed = set(registry.ABOUT_THE_PERSON) | set(registry.DONE_BY_THE_PERSON)
    assert found - listed == set(), "add these to wpo/privacy/registry.py (and to the export and anonymisation)"
    assert listed - found == set(), "these are listed in wpo/privacy/registry.py but no longer exist"


# Export ----------------------------------------------------------------------------------------


def test_the_export_holds_everything_about_a_rich_participant(world: World) -> None:
    rich = enrich(world)
    started = time.perf_counter()
    data, archive = read_zip(export_zip(world.participant))
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"export took {elapsed:.2f}s"
    p = world.participant
    assert data["format"] == "wpo-gegevens" and data["version"] == 1
    assert data["person"]["last_name"] == p.user.last_name and data["person"]["employee_number"] == "P-4711"
    assert data["person"]["roles"] == [{"code": "participant", "label": "Deelnemer"}]
    assert data["account"]["username"] == p.user.username and data["account"]["email"] == p.user.email
    assert data["trainers"] == [world.trainer.name]
    assert len(data["login_cards"]) == 1 and data["login_cards"][0]["revoked_at"] is None
    assert data["two_factor"]["devices"] == [{"kind": "app", "name": "Telefoon van Jan", "confirmed": True}]
    assert data["security_events"][0]["by"] == world.administrator.name
    assert data["meetings"][0]["attendance"] == "Uitgenodigd"
    [t] = data["trajectories"]
    assert t["wish_develop"] == WISH and t["skills"][0]["self_rating"] == 3
    [a] = t["assignments"]
    assert [h["to"] for h in a["history"]][-1] == "Behaald"
    assert a["practice_answers"][0]["is_correct"] is True
    assert a["look_back_answers"][0]["text"] == LOOK_BACK_TEXT
    assert a["observations"][0]["note"] == NOTE
    assert a["work_adaptations"][0]["description"] == "Eerst alleen de ochtend."
    assert a["assessments"][0]["note"] == "Zelfstandig gedaan, Jan."
    assert t["questions"][0]["text"] == "Mag ik vaker oefenen?"
    assert t["conversations"][0]["agreements"] == "Volgende week weer."
    assert t["certificates"][0]["code"] == rich["certificate"].display_code
    assert t["problems"][0]["title"] == "Jan mist vaak de ochtend"
    # Every photo and voice note is in the ZIP, where the JSON says it is.
    photo = a["look_back_answers"][0]["photo"]
    assert archive.read(photo) == b"\xff\xd8\xff photo"
    assert archive.read(a["look_back_answers"][0]["voice_note"]) == b"voice"
    assert archive.read(a["observations"][0]["photo"]) == b"\xff\xd8\xff obs"
    assert archive.read(t["questions"][0]["voice_note"]) == b"question"
    assert sorted(data["files"]) == sorted(n for n in archive.namelist() if n != JSON_NAME)
    # Never a secret.
    raw = archive.read(JSON_NAME).decode()
    card = LoginCard.objects.get(person=p)
    for secret in (p.user.password, card.token_hash, card.pin_hash, TOTPDevice.objects.get().key):
        assert secret not in raw


def test_the_pdf_is_readable_and_holds_the_name_and_an_answer(world: World) -> None:
    enrich(world)
    content = export_pdf(world.participant)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert world.participant.user.last_name in text
    assert "pallets zelf geteld" in text
    assert "Gegevens van" in text


def test_the_administrator_downloads_both(client: Client, world: World) -> None:
    enrich(world)
    login(client, world.administrator)
    response = client.get(url("export_zip", world.participant))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="wpo-gegevens-')
    data, _archive = read_zip(response.content)
    assert data["person"]["last_name"] == world.participant.user.last_name
    response = client.get(url("export_pdf", world.participant))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    page = client.get(reverse("orgs:person_edit", kwargs={"person_id": world.participant.pk}))
    assert url("export_pdf", world.participant) in page.content.decode()
    assert url("anonymise", world.participant) in page.content.decode()


def test_a_participant_downloads_their_own_data(client: Client, world: World) -> None:
    login(client, world.participant)
    home = client.get(reverse("learn:home"))
    assert reverse("privacy:mine") in home.content.decode()
    mine = client.get(reverse("privacy:mine"))
    assert mine.status_code == 200
    assert url("export_pdf", world.participant) in mine.content.decode()
    data, _archive = read_zip(client.get(url("export_zip", world.participant)).content)
    assert data["person"]["last_name"] == world.participant.user.last_name
    assert client.get(url("export_pdf", world.participant)).content.startswith(b"%PDF")


def test_a_participant_cannot_export_someone_else(client: Client, world: World) -> None:
    colleague = Person.objects.create(
        organization=world.org,
        user=type(world.participant.user).objects.create(username="collega"),
        is_participant=True,
    )
    login(client, world.participant)
    for name in ("export_zip", "export_pdf"):
        assert client.get(url(name, colleague)).status_code == 404
        assert client.get(url(name, world.trainer)).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.PARTICIPANT, Role.TRAINER, Role.COACH, Role.PROJECT_MANAGER, Role.CONTENT_EDITOR]
)
def test_only_the_administrator_anonymises_and_sets_the_retention(client: Client, world: World, role: Role) -> None:
    login(client, world.by_role(role))
    target = world.participant if role != Role.PARTICIPANT else world.trainer
    for method in (client.get, client.post):
        assert method(url("anonymise", target)).status_code == 403
        assert method(reverse("privacy:retention")).status_code == 403
    assert not Anonymisation.objects.exists()


def test_another_organisation_gets_404_everywhere(client: Client, world: World, outsider: Person) -> None:
    login(client, outsider)
    for name in ("export_zip", "export_pdf", "anonymise"):
        assert client.get(url(name, world.participant)).status_code == 404
    # The downloads take GET only; the erasure answers a POST with 404 too.
    assert client.post(url("export_zip", world.participant)).status_code == 405
    assert client.post(url("anonymise", world.participant), {"name": world.participant.name}).status_code == 404
    assert not Anonymisation.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client: Client, world: World) -> None:
    for target in (url("export_zip", world.participant), url("anonymise", world.participant), reverse("privacy:mine")):
        assert client.get(target)["Location"].startswith(reverse("accounts:login"))


# Anonymisation ---------------------------------------------------------------------------------


def counts(world: World) -> dict[str, Any]:
    """What the reports count: stays the same after anonymisation."""
    pa = ParticipantAssignment.objects.get(pk=world.pa.pk)
    t = Trajectory.objects.get(pk=world.trajectory.pk)
    return {
        "trajectory": (t.starts_on, t.ends_on, t.phase, t.status, t.department_id, t.trainer_id),
        "assignment": (pa.step, pa.achieved_at, pa.created_at),
        "steps": list(StepChange.objects.filter(participant_assignment=pa).values_list("to_step", "at")),
        "judgements": list(Assessment.objects.filter(participant_assignment=pa).values_list("judgement", flat=True)),
        "skills": list(TrajectorySkill.objects.filter(trajectory=t).values_list("highest_level", "self_rating")),
        "practice": list(PracticeAnswer.objects.filter(participant_assignment=pa).values_list("is_correct", flat=True)),
        "feelings": list(LookBackAnswer.objects.filter(participant_assignment=pa).values_list("feeling", flat=True)),
        "attendance": MeetingAttendance.objects.filter(person=world.participant).count(),
        "certificates": Certificate.objects.filter(participant=world.participant).count(),
        "problems": Problem.objects.filter(trajectory=t).count(),
        "conversations": CoachingConversation.objects.filter(trajectory=t, held_at__isnull=False).count(),
    }


def test_anonymising_removes_every_personal_field_and_file_and_keeps_the_counts(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    rich = enrich(world)
    p = world.participant
    trajectory_stop(world.trajectory, actor=world.coach, reason="Verhuisd naar Zwolle")
    before = counts(world)
    old = {"username": p.user.username, "first": p.user.first_name, "last": p.user.last_name, "email": p.user.email}
    files = [rich["answer"].photo.path, rich["answer"].voice_note.path, rich["observation"].photo.path,
             rich["question"].voice_note.path]  # fmt: skip
    assert all(Path(f).exists() for f in files)
    own_session = login(Client(), p)
    assert own_session.get(reverse("learn:home")).status_code == 200
    login(client, world.administrator)
    page = client.get(url("anonymise", p))
    assert page.status_code == 200 and "niet ongedaan" in page.content.decode()
    # A wrong name changes nothing.
    wrong = client.post(url("anonymise", p), {"name": "Iemand anders"})
    assert wrong.status_code == 200 and not Anonymisation.objects.exists()
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with_commit = client.post(url("anonymise", p), {"name": f"  {old['first'].lower()}  {old['last']} "})
    assert len(callbacks) == 1  # the files go only after the commit
    elapsed = time.perf_counter() - started
    assert with_commit.status_code == 302, with_commit.content.decode()[:2000]
    assert elapsed < 5

    p.refresh_from_db()
    p.user.refresh_from_db()
    assert p.name == "Verwijderde deelnemer 1"
    assert p.user.email == "" and p.user.username != old["username"] and not p.user.is_active
    assert not p.user.has_usable_password() and p.employee_number == ""
    assert not LoginCard.objects.filter(person=p, revoked_at__isnull=True).exists()
    assert not LoginFailure.objects.filter(login_name=old["username"].lower()).exists()
    assert not TOTPDevice.objects.filter(user=p.user).exists()
    assert all(not Path(f).exists() for f in files)
    # No personal text left anywhere in the export of the anonymised person.
    raw = json.dumps(person_data(p), ensure_ascii=False)
    for personal in (old["username"], old["first"], old["last"], old["email"], "P-4711", WISH, NOTE, LOOK_BACK_TEXT,
                     "Mag ik vaker oefenen?", "Volgende week weer.", "Zelfstandig gedaan", "Jan mist", "Kantine",
                     "Eerst alleen de ochtend", "Het is te druk", "Verhuisd"):  # fmt: skip
        assert personal not in raw, personal
    certificate = Certificate.objects.get(pk=rich["certificate"].pk)
    assert certificate.participant_name == "Verwijderde deelnemer 1"
    assert certificate.snapshot["participant_name"] == "Verwijderde deelnemer 1"
    assert all(e.text == "" for e in ProblemEvent.objects.filter(problem=rich["problem"]))
    assert counts(world) == before
    # The audit trail keeps no old name either (wpo.audit.services.scrub_person_history).
    history = type(p.user).history.filter(id=p.user.pk)  # type: ignore[attr-defined]
    assert history.exists()
    assert not history.filter(username=old["username"]).exists()
    assert not history.filter(last_name=old["last"]).exists()
    # The participant is logged out and can no longer log in.
    assert own_session.get(reverse("learn:home")).status_code == 302
    assert not Client().login(username=old["username"], password="Werkplek-2026!")
    # Once is enough: the page now refuses.
    again = client.get(url("anonymise", p))
    assert again.status_code == 302 and Anonymisation.objects.count() == 1


def test_anonymising_is_all_or_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    rich = enrich(world)
    p = world.participant
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Trajectory.Status.STOPPED)
    photo = Path(rich["answer"].photo.path)

    def broken(person: Person) -> int:
        raise RuntimeError("the audit scrub failed")

    monkeypatch.setattr("wpo.audit.services.scrub_person_history", broken)
    with pytest.raises(RuntimeError):
        services.person_anonymise(person=p, actor=world.administrator)
    p.refresh_from_db()
    p.user.refresh_from_db()
    assert p.user.last_name.startswith("Achternaam") and p.user.is_active and p.employee_number == "P-4711"
    assert LookBackAnswer.objects.get(pk=rich["answer"].pk).text == LOOK_BACK_TEXT
    assert LoginCard.objects.filter(person=p, revoked_at__isnull=True).exists()
    assert LoginFailure.objects.exists()
    assert photo.exists()
    assert not Anonymisation.objects.exists()


def test_a_running_trajectory_is_stopped_first(client: Client, world: World) -> None:
    login(client, world.administrator)
    response = client.post(url("anonymise", world.participant), {"name": world.participant.name}, follow=True)
    assert "lopend WPO-traject" in response.content.decode()
    assert not Anonymisation.objects.exists()
    with pytest.raises(ValidationError):
        services.person_anonymise(person=world.participant, actor=world.administrator)


def test_an_administrator_cannot_anonymise_staff_or_themselves(client: Client, world: World) -> None:
    login(client, world.administrator)
    assert client.get(url("anonymise", world.administrator)).status_code == 403
    response = client.post(url("anonymise", world.trainer), {"name": world.trainer.name})
    assert response.status_code == 302 and not Anonymisation.objects.exists()


# Retention -------------------------------------------------------------------------------------


def ended_participant(world: World, *, months_ago: int, status: str = Trajectory.Status.CLOSED) -> Person:
    from .factories import make_person

    person = make_person(world.org, [Role.PARTICIPANT], world.department)
    ended = services.months_before(timezone.localdate(), months_ago)
    Trajectory.objects.create(
        organization=world.org, participant=person, trainer=world.trainer, department=world.department,
        starts_on=ended - timedelta(days=200), ends_on=ended, status=status,
        closed_at=timezone.make_aware(datetime.combine(ended, datetime.min.time())),
    )  # fmt: skip
    return person


def retention_world(world: World) -> dict[str, Person]:
    PrivacySettings.objects.create(organization=world.org, retention_months=12)
    people = {
        "old": ended_participant(world, months_ago=13),
        "old_stopped": ended_participant(world, months_ago=20, status=Trajectory.Status.STOPPED),
        "recent": ended_participant(world, months_ago=11),
    }
    # One old trajectory but a running one too: stays.
    busy = ended_participant(world, months_ago=30)
    Trajectory.objects.create(
        organization=world.org, participant=busy, trainer=world.trainer, department=world.department,
        starts_on=date.today(), ends_on=date.today() + timedelta(days=90),
    )  # fmt: skip
    people["busy"] = busy
    return people


def test_the_retention_task_anonymises_exactly_the_expired(world: World, other_world: World) -> None:
    people = retention_world(world)
    other = ended_participant(other_world, months_ago=13)  # default 24 months there: stays
    assert set(services.expired_participants(world.org)) == {people["old"], people["old_stopped"]}
    result = tasks.anonymise_expired_participants.call()
    assert result == "2 anonymised, 0 failed"
    anonymised = set(Anonymisation.objects.values_list("person_id", flat=True))
    assert anonymised == {people["old"].pk, people["old_stopped"].pk}
    assert other.pk not in anonymised
    assert set(Anonymisation.objects.values_list("reason", flat=True)) == {"retention"}
    # Idempotent: a second run finds nothing, and the next run is queued once.
    assert tasks.anonymise_expired_participants.call() == "0 anonymised, 0 failed"
    assert DBTaskResult.objects.filter(task_path=tasks.anonymise_expired_participants.module_path).count() == 1


def test_the_retention_page_shows_how_many_go_next(client: Client, world: World) -> None:
    retention_world(world)
    login(client, world.administrator)
    page = client.get(reverse("privacy:retention")).content.decode()
    assert "worden 2 deelnemers anoniem gemaakt" in page
    response = client.post(reverse("privacy:retention"), {"retention_months": "6"})
    assert response.status_code == 302
    assert PrivacySettings.objects.get(organization=world.org).retention_months == 6
    assert "worden 3 deelnemers anoniem gemaakt" in client.get(reverse("privacy:retention")).content.decode()
    bad = client.post(reverse("privacy:retention"), {"retention_months": "1"})
    assert bad.status_code == 200 and PrivacySettings.objects.get(organization=world.org).retention_months == 6


def test_schedule_retention_starts_the_chain_once(db: None) -> None:
    call_command("schedule_retention", verbosity=0)
    call_command("schedule_retention", verbosity=0)
    waiting = DBTaskResult.objects.filter(task_path=tasks.anonymise_expired_participants.module_path, status="READY")
    assert waiting.count() == 1
    assert timezone.localtime(waiting.get().run_after).hour == 3


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_retention_task(world: World) -> None:
    people = retention_world(world)
    tasks.anonymise_expired_participants.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    done = DBTaskResult.objects.filter(task_path=tasks.anonymise_expired_participants.module_path, status="SUCCESSFUL")
    assert done.get().return_value == "2 anonymised, 0 failed"
    assert set(Anonymisation.objects.values_list("person_id", flat=True)) == {
        people["old"].pk,
        people["old_stopped"].pk,
    }


def test_months_before_handles_short_months() -> None:
    assert services.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert services.months_before(date(2026, 1, 15), 24) == date(2024, 1, 15)


# The privacy page ------------------------------------------------------------------------------


def test_the_privacy_page_is_public_and_names_the_retention_period(client: Client, world: World) -> None:
    public = client.get(reverse("privacy:page"))
    assert public.status_code == 200 and "Wat zijn je rechten?" in public.content.decode()
    assert reverse("privacy:page") in client.get(reverse("accounts:login")).content.decode()
    PrivacySettings.objects.create(organization=world.org, retention_months=18)
    login(client, world.participant)
    page = client.get(reverse("privacy:page")).content.decode()
    assert "nog 18 maanden" in page and reverse("privacy:mine") in page
