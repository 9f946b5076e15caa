"""Finding (issue 14, MEDIUM): anonymisation (AVG, right to erasure) left the person's data behind.

The attack: a participant asks to be forgotten; the administrator anonymises them. Their name,
e-mail address and employee number still stood in the raw HR CSV of the people import (kept
forever), in a closing ceremony's combined certificate PDF, in the cached certificate PDF (Redis,
up to 30 days), and in meeting reports, department visit notes and the problem log, which the
anonymisation never searched.

The fix: ``person_anonymise`` also handles everything that names the person outside their own
records. ``wpo.privacy.mentions`` replaces their full name, their first name when nobody else in
the organisation has it, their e-mail address and employee number in meeting, visit and problem
texts with a neutral marker. ``people_import_forget`` takes their rows out of an import still
waiting; a done import keeps no CSV at all (``people_import_confirm`` empties it, the nightly run
empties those left waiting a day, a migration emptied the old ones).
``participant_certificates_forget`` removes every batch PDF that prints them, and the cached PDFs
of their certificates are evicted after the commit (a revocation evicts too).

The test builds a participant with something in every place, does the real steps over HTTP (import,
batch print, PDF download, anonymisation by the administrator) and then searches every text column
of every table, every file in storage (PDFs read as text) and every cache entry for the person.
"""

import io
import pickle
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.conftest import login
from tests.factories import World, make_meeting, make_person, make_problem, make_visit, world_in
from tests.test_privacy import enrich
from wpo.certificates import tasks as certificate_tasks
from wpo.certificates.models import Certificate, CertificateBatch
from wpo.certificates.pdf import cache_key
from wpo.followup.models import DepartmentVisit, Problem, VisitAction
from wpo.followup.workflow import comment
from wpo.intake.models import Interest
from wpo.meetings.models import Meeting
from wpo.orgs.models import OrgOwned, PeopleImport, Person, Role
from wpo.privacy.mentions import FREE_TEXTS, NOT_WRITTEN_ABOUT_PEOPLE, PARTICIPANT_PATHS
from wpo.trajectories.models import CoachingConversation, LookBackAnswer, Observation, ParticipantAssignment, Trajectory
from wpo.trajectories.services.signoff import trajectory_stop

pytestmark = pytest.mark.django_db

FIRST, LAST, EMAIL, NUMBER = "Fenna", "Zwartjes-Bakker", "fenna.zb@thuis.example", "P-4711"
LOOK_FOR = (FIRST, LAST, EMAIL, NUMBER, "Zwartjes")
HEADER = "Personeelsnummer;Voornaam;Tussenvoegsel;Achternaam;E-mail;Afdeling;Rol;Werkplekopleider\n"


@pytest.fixture(autouse=True)
def _media_and_cache(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def rich_participant(world: World) -> dict[str, Any]:
    p = world.participant
    type(p.user).objects.filter(pk=p.user.pk).update(first_name=FIRST, last_name=LAST, email=EMAIL)
    p.user.refresh_from_db()
    rich = enrich(world)  # something in every kind of the participant's own data; employee number P-4711
    org, coach = world.org, world.coach
    # The organisation's notes that name her.
    meeting = make_meeting(org, coach, [p, world.trainer], kind="closing", title=f"Afsluiting {FIRST} en Piet")
    Meeting.objects.filter(pk=meeting.pk).update(
        agenda=f"1. Certificaat voor {FIRST} {LAST}", notes=f"{LAST}, {FIRST} was er niet ({EMAIL})."
    )
    visit = make_visit(org, coach, world.department, held=True, trainers=[world.trainer])
    DepartmentVisit.objects.filter(pk=visit.pk).update(
        notes_participants=f"{FIRST} werkt nu zelfstandig. Piet nog niet.", purpose=f"Gesprek over {FIRST} {LAST}"
    )
    VisitAction.objects.create(
        organization=org, visit=visit, description=f"Bel {FIRST} over het rooster", owner=coach, created_by=coach,
        due_on=timezone.localdate() + timedelta(days=7),
    )  # fmt: skip
    problem = make_problem(world.trainer, title=f"{FIRST} en Piet botsen", description=f"Mail {EMAIL} ging mis.")
    comment(problem, actor=coach, text=f"Gesproken met {FIRST} {LAST} (nr. {NUMBER}).")
    return {**rich, "meeting": meeting, "visit": visit, "other_problem": problem, **colleague_writes_about_her(world)}


def colleague_writes_about_her(world: World) -> dict[str, Any]:
    """A colleague in another department whose own records name her: what the werkplekopleider saw
    (shared, so the colleague reads it on the home page), a look-back answer, a conversation, an
    assessment's note and the trajectory's "Ik zie dat ..."."""
    colleague = world_in(world.org, "Expeditie")
    pa, trajectory = colleague.pa, colleague.trajectory
    observation = Observation.objects.create(
        organization=world.org, participant_assignment=pa, author=colleague.trainer, observed_at=timezone.now(),
        note=f"Je hielp {FIRST} goed met het tellen.", shared_with_participant=True,
    )  # fmt: skip
    LookBackAnswer.objects.create(
        organization=world.org, participant_assignment=pa, question_index=0, feeling="good",
        text=f"Ik werkte samen met {FIRST} {LAST}.",
    )  # fmt: skip
    CoachingConversation.objects.create(
        organization=world.org, trajectory=trajectory, planned_at=timezone.now() - timedelta(days=1),
        held_at=timezone.now(), agreements=f"Volgende week weer samen met {LAST}, {FIRST}.",
    )  # fmt: skip
    Trajectory.objects.filter(pk=trajectory.pk).update(trainer_sees=f"Ik zie dat je {FIRST} vaak helpt.")
    return {"colleague": colleague, "colleague_observation": observation}


def everything_in_the_database() -> list[tuple[str, str]]:
    """Every text of every row of every table, as (where, text)."""
    found: list[tuple[str, str]] = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField | models.EmailField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *fields):
            for name, value in zip(fields, row[1:], strict=True):
                if value:
                    found.append((f"{model._meta.label}.{name} #{row[0]}", str(value)))
    return found


def _text_of(raw: bytes) -> str:
    if raw.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)
    if raw[:2] == b"\x78\x9c":
        raw = zlib.decompress(raw)
    return raw.decode("utf-8", "replace")


def everything_in_storage(root: Path) -> list[tuple[str, str]]:
    return [(str(path), _text_of(path.read_bytes())) for path in root.rglob("*") if path.is_file()]


def everything_in_the_cache() -> list[tuple[str, str]]:
    """Every entry of the local-memory cache the tests use (production's Redis holds the same
    entries under the same keys), with any PDF in it read as text."""
    found: list[tuple[str, str]] = []

    def walk(key: str, value: Any) -> None:
        if isinstance(value, bytes):
            found.append((key, _text_of(value)))
        elif isinstance(value, str):
            found.append((key, value))
        elif isinstance(value, list | tuple | set):
            for item in value:
                walk(key, item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(key, item)
        else:
            found.append((key, repr(value)))

    for key, pickled in list(cache._cache.items()):  # type: ignore[attr-defined]
        walk(key, pickle.loads(pickled))
    return found


def leftovers(places: list[tuple[str, str]]) -> list[str]:
    return [f"{where}: {needle}" for where, text in places for needle in LOOK_FOR if needle.lower() in text.lower()]


def test_nothing_names_the_person_after_anonymisation(
    client: Client, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rich = rich_participant(world)
    p = world.participant
    login(client, world.administrator)
    # An HR import that updated her (done) and one still waiting, with her and a colleague.
    row = f"{NUMBER};{FIRST};;{LAST};{EMAIL};{world.department.name};deelnemer;\n"
    for text in (HEADER + row, HEADER + row + f"5002;Piet;;Smit;;{world.department.name};deelnemer;\n"):
        upload = SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")
        assert client.post(reverse("orgs:import_upload"), {"file": upload}).status_code == 302
    done, waiting = PeopleImport.objects.order_by("pk")
    assert client.post(reverse("orgs:import_confirm", args=[done.pk])).status_code == 302
    done.refresh_from_db()
    assert done.status == "done" and done.content == "" and done.imported_count == 1
    assert done.file_name == "export.csv" and done.created_by == world.administrator

    # The closing ceremony's batch PDF, and the certificate PDF in the cache.
    certificate: Certificate = rich["certificate"]
    client.logout()
    login(client, world.coach)
    assert client.post(reverse("certificates:batch_new"), {"certificaten": [certificate.pk]}).status_code == 302
    batch = CertificateBatch.objects.get()
    assert certificate_tasks.render_certificate_batch.call(batch.pk) == "done"
    assert client.get(reverse("certificates:pdf", args=[certificate.pk])).status_code == 200
    assert cache.get(cache_key(certificate.pk)) is not None

    # Before: the search finds her everywhere it should look (the search itself works).
    before = leftovers(everything_in_the_database())
    for where in ("PeopleImport.content", "Meeting.notes", "DepartmentVisit.notes_participants", "ProblemEvent.text"):
        assert any(where in hit for hit in before), where
    assert leftovers(everything_in_storage(settings.MEDIA_ROOT)) and leftovers(everything_in_the_cache())

    # The request: the coach stops the trajectory, the administrator anonymises.
    trajectory_stop(world.trajectory, actor=world.coach, reason=f"{FIRST} verhuist")
    client.logout()
    login(client, world.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:anonymise", args=[p.pk]), {"name": f"{FIRST} {LAST}"})
    assert response.status_code == 302

    places = everything_in_the_database() + everything_in_storage(settings.MEDIA_ROOT) + everything_in_the_cache()
    assert leftovers(places) == []

    # What stays: the notes without her name, the colleague in the waiting import, the counts.
    assert Meeting.objects.get(pk=rich["meeting"].pk).notes == (
        "[naam verwijderd] was er niet ([e-mailadres verwijderd])."
    )
    assert "Piet nog niet" in DepartmentVisit.objects.get(pk=rich["visit"].pk).notes_participants
    assert Problem.objects.get(pk=rich["other_problem"].pk).title == "[naam verwijderd] en Piet botsen"
    assert Observation.objects.get(pk=rich["colleague_observation"].pk).note == (
        "Je hielp [naam verwijderd] goed met het tellen."
    )
    waiting.refresh_from_db()
    assert "Piet" in waiting.content and waiting.status == "preview"
    batch.refresh_from_db()
    assert batch.status == "expired" and not batch.file
    assert client.get(reverse("certificates:batch_pdf", args=[batch.pk])).status_code in (403, 404)
    assert cache.get(cache_key(certificate.pk)) is None


def test_a_first_name_someone_else_has_stays(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from wpo.privacy.services import person_anonymise

    rich_participant(world)
    make_person(world.org, [Role.TRAINER], first_name=FIRST, last_name="de Vries")
    trajectory_stop(world.trajectory, actor=world.coach, reason="Verhuisd")
    with django_capture_on_commit_callbacks(execute=True):
        person_anonymise(person=Person.objects.get(pk=world.participant.pk), actor=world.administrator)
    visit = DepartmentVisit.objects.get()
    # "Fenna" alone might be the trainer: kept. Her full name is gone.
    assert visit.notes_participants.startswith(f"{FIRST} werkt nu zelfstandig")
    assert visit.purpose == "Gesprek over [naam verwijderd]"


def test_a_revoked_certificate_leaves_the_cache(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.factories import make_certificate

    certificate = make_certificate(world)
    login(client, world.coach)
    assert client.get(reverse("certificates:pdf", args=[certificate.pk])).status_code == 200
    assert cache.get(cache_key(certificate.pk)) is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificates:revoke", args=[certificate.pk]), {"reason": "Verkeerde skill"})
    assert response.status_code == 302
    assert cache.get(cache_key(certificate.pk)) is None


def test_every_text_a_person_writes_is_searched_for_her_name() -> None:
    """A new text field in the organisation's records is either searched by the anonymisation
    (``FREE_TEXTS``) or said not to be written about people: nothing is left out by forgetting it."""
    searched = {f"{model._meta.label}.{field}" for model, fields in FREE_TEXTS for field in fields}
    texts = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if issubclass(model, OrgOwned)
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField) and not field.choices
    }
    assert texts - searched - NOT_WRITTEN_ABOUT_PEOPLE == set()
    assert texts >= NOT_WRITTEN_ABOUT_PEOPLE, "an entry names a field that does not exist (any more)"
    for model, fields in FREE_TEXTS:
        for field in fields:
            assert isinstance(model._meta.get_field(field), models.CharField | models.TextField)


def test_every_record_about_one_participant_is_blanked_as_theirs() -> None:
    """A searched record that belongs to one trajectory has its way to the participant, so that the
    anonymisation blanks it as their own (``blank_own_texts``) instead of only replacing their name.
    Some records point at a trajectory and are handled on their own: a problem gets a neutral title, the
    person's waiting-list entries go (``interests_forget``), their certificates get the anonymous name."""
    on_their_own = {Problem, Interest, Certificate}
    for model, _fields in FREE_TEXTS:
        if model in on_their_own:
            continue
        belongs = model is Trajectory or any(
            getattr(field, "related_model", None) in (Trajectory, ParticipantAssignment)
            for field in model._meta.concrete_fields
        )
        assert belongs == (model in PARTICIPANT_PATHS), model._meta.label
    for model, path in PARTICIPANT_PATHS.items():
        assert model._base_manager.filter(**{path: Person(pk=0)}).query is not None  # the path resolves


def test_a_colleagues_kept_home_page_no_longer_names_her(
    client: Client, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The colleague's home page is kept rendered (wpo.learn.home_cache); the anonymisation rewrites
    the observation's note without a signal, and still the next visit shows the new text."""
    from wpo.privacy.services import person_anonymise

    settings.PAGE_CACHE_SECONDS = 60
    type(world.participant.user).objects.filter(pk=world.participant.user.pk).update(first_name=FIRST, last_name=LAST)
    colleague = colleague_writes_about_her(world)["colleague"]
    login(client, colleague.participant)
    assert f"Je hielp {FIRST} goed" in client.get(reverse("learn:home")).content.decode()
    trajectory_stop(world.trajectory, actor=world.coach, reason="Verhuisd")
    with django_capture_on_commit_callbacks(execute=True):
        person_anonymise(person=Person.objects.get(pk=world.participant.pk), actor=world.administrator)
    page = client.get(reverse("learn:home")).content.decode()
    assert FIRST not in page and "Je hielp [naam verwijderd] goed" in page
