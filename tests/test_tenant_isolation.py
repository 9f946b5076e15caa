"""One door to data: every URL of the project, tried by someone of another organisation.

The walk finds URL patterns by itself, so a new view is covered the day it is added. A URL
argument the walk does not know yet makes the test fail until someone says here which of
organisation A's objects it points at.
"""

import io
import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from wpo.curriculum.models import Assignment, Edition, LocalExample
from wpo.orgs.models import PeopleImport, Person
from wpo.trajectories.models import (
    Assessment,
    CoachingConversation,
    LookBackAnswer,
    ParticipantQuestion,
    WatchRequest,
)

from .conftest import login
from .factories import (
    World,
    login_operator,
    make_certificate,
    make_certificate_batch,
    make_interest,
    make_meeting,
    make_operator,
    make_problem,
    make_visit,
)

# Media behind the URLs hold a real file, so a 404 below is the access layer's, not a missing file's.
JPEG = b"\xff\xd8\xff" + b"0" * 20
WEBM = b"\x1aE\xdf\xa3" + b"0" * 20
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"0" * 20
PDF = b"%PDF-1.4\n%%EOF\n"


def look_back_answer_with_media(w: World) -> LookBackAnswer:
    answer = LookBackAnswer(organization=w.org, participant_assignment=w.pa, question_index=0, text="x")
    answer.photo.save("foto.jpg", ContentFile(JPEG), save=False)
    answer.voice_note.save("spraak.webm", ContentFile(WEBM))
    return answer


def question_with_voice_note(w: World) -> ParticipantQuestion:
    question = ParticipantQuestion(organization=w.org, trajectory=w.trajectory, text="Mag ik iets vragen?")
    question.voice_note.save("vraag.webm", ContentFile(WEBM))
    return question


def evaluation_with_voice_note(w: World) -> int:
    from wpo.evaluations.models import InterimEvaluation

    evaluation = InterimEvaluation(
        organization=w.org, trajectory=w.trajectory, planned_at=timezone.now() + timedelta(days=3)
    )
    evaluation.voice_note.save("evaluatie.webm", ContentFile(WEBM))
    return evaluation.pk


def version_with_video(w: World) -> int:
    version = w.pa.version
    version.content.setdefault("video", {})["file"] = default_storage.save("videos/film.mp4", ContentFile(MP4))
    version.save(update_fields=["content"])
    return version.pk


def published_edition(w: World) -> int:
    """A national edition: shared by every organisation (see SHARED_BY_DESIGN)."""
    edition, _created = Edition.objects.get_or_create(
        number="2025.1",
        defaults={"year": 2025, "sequence": 1, "status": Edition.Status.PUBLISHED, "published_at": timezone.now()},
    )
    return edition.pk


def assignment_with_local_example(w: World) -> int:
    """Organisation A's assignment with A's own example and photo beside it."""
    assignment = Assignment.objects.filter(subskill__skill=w.skill).first()
    assert assignment is not None
    example = LocalExample.objects.filter(organization=w.org, assignment=assignment).first() or LocalExample(
        organization=w.org, assignment=assignment, context="Bij ons", photo_alt="De inpakhal", updated_at=timezone.now()
    )
    example.photo.save("voorbeeld.jpg", ContentFile(JPEG))
    return assignment.pk


def live_watch_request(w: World) -> WatchRequest:
    now = timezone.now()
    return WatchRequest.objects.create(
        organization=w.org, participant_assignment=w.pa, asked_at=now, when="now", expires_at=now + timedelta(hours=8)
    )


def finished_batch(w: World) -> int:
    from wpo.certificates.models import CertificateBatch

    batch = make_certificate_batch(w)
    batch.file.save("certificaten.pdf", ContentFile(PDF), save=False)
    batch.status = CertificateBatch.Status.DONE
    batch.save()
    return batch.pk


def closed_receipt_event(w: World) -> int:
    from wpo.service import receipts
    from wpo.service.models import ServiceEvent

    document = receipts.sign({"organization": {"name": w.org.name}, "rows": {}})
    event = ServiceEvent.objects.create(
        at=timezone.now(), kind=ServiceEvent.Kind.CLOSED, organization_name=w.org.name, receipt=document
    )
    return event.pk


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


# URL argument name -> which object of organisation A it names.
OBJECT_OF_ORG_A: dict[str, Callable[[World], object]] = {
    "person_id": lambda w: w.participant.pk,
    "department_id": lambda w: w.department.pk,
    "trajectory_id": lambda w: w.trajectory.pk,
    "assignment_id": lambda w: Assignment.objects.filter(subskill__skill=w.skill).first().pk,  # type: ignore[union-attr]
    "skill_id": lambda w: w.skill.pk,
    "version_id": version_with_video,
    "pa_id": lambda w: w.pa.pk,
    "number": lambda w: 1,  # a question's number within organisation A's assignment above
    "answer_id": lambda w: look_back_answer_with_media(w).pk,
    "kind": lambda w: "foto",
    "import_id": lambda w: (
        PeopleImport.objects.create(organization=w.org, created_by=w.administrator, file_name="a.csv", content="x").pk
    ),
    "conversation_id": lambda w: (
        CoachingConversation.objects.create(
            organization=w.org, trajectory=w.trajectory, planned_at=timezone.now() + timedelta(days=2)
        ).pk
    ),
    "question_id": lambda w: question_with_voice_note(w).pk,
    "assessment_id": lambda w: (
        Assessment.objects.create(
            organization=w.org,
            participant_assignment=w.pa,
            assessor=w.trainer,
            judgement="achieved",
            assessed_at=timezone.now(),
            second_assessor=w.coach,
        ).pk
    ),
    "chosen_skill_id": lambda w: w.trajectory.chosen_skills.get().pk,
    "meeting_id": lambda w: make_meeting(w.org, w.coach, [w.trainer, w.participant]).pk,
    "visit_id": lambda w: make_visit(w.org, w.coach, w.department, trainers=[w.trainer]).pk,
    "action_id": lambda w: (
        make_visit(w.org, w.coach, w.department, days_from_now=-1, held=True)
        .actions.create(
            organization=w.org, description="x", owner=w.trainer, due_on=timezone.localdate(), created_by=w.coach
        )
        .pk
    ),
    "problem_id": lambda w: make_problem(w.trainer, trajectory=w.trajectory).pk,
    "certificate_id": lambda w: make_certificate(w).pk,
    "batch_id": finished_batch,
    "interest_id": lambda w: make_interest(w).pk,
    "evaluation_id": evaluation_with_voice_note,
    # The service desk's pages about one organisation (wpo/service): 404 for every person of every
    # organisation, as for everyone who is not a service-desk operator.
    "organization_id": lambda w: w.org.pk,
    # The receipt of a closed organisation (the service desk's log): it names the organisation, no person.
    "event_id": lambda w: closed_receipt_event(w),
    "edition_id": published_edition,
    # The Open Badge of the participant's certificate, and the form it is downloaded in.
    "credential_id": lambda w: make_certificate(w).credentials.get().pk,
    "fmt": lambda w: "png",
    # "Kijk je mee?": the participant's live request to come and watch (wpo/trajectories/services/watch_requests.py).
    "watch_request_id": lambda w: live_watch_request(w).pk,
}
# Namespaces that organisations never reach: Django's admin is for the service's own operators.
NOT_ORGANISATION_URLS = {"admin"}
# Pages that are public by design, where "another organisation gets 404" is the wrong promise.
# The login card page (``token``) answers to whoever holds the card, logged in or not and of
# any organisation: the token is the bearer secret. tests/test_login_cards.py checks what it
# must do instead: show only the card's first name, 404 for an unknown or revoked token, and
# give someone of another organisation nothing of organisation A.
# The calendar feed (``token`` too) is read by calendar apps, which cannot log in: the token in
# the address is the bearer secret. tests/test_conversations.py checks that an unknown or revoked
# token gets 404 and that a trainer's feed holds only their own conversations, none of another
# organisation.
# A certificate's check page (``code``) is opened by whoever holds the paper, by its QR code, without
# logging in: the 60-bit code is the bearer secret. tests/test_certificates.py checks that it shows only
# name, achievements, issuer and date (not the trainer, coach or period), says when a certificate was
# revoked (without the reason), and gives 404 for an unknown code.
# The single sign-on callback (``org_slug``) is where an organisation's identity provider sends the
# browser back, before anyone is logged in. It logs in only the person named by a verified ID token
# of the login this browser started, in that organisation. tests/test_sso.py checks that it answers
# the same (400, no name) with or without a provider and for an unknown address, and that a person of
# another organisation is never logged in.
# An invitation's link (``token``) is opened before its person has a password: the 256-bit token is the
# bearer secret and only its hash is stored. tests/test_service_desk.py checks that a used, expired or
# forged token changes nothing and shows nothing.
# The Open Badges of a certificate on its check page (``code`` again) are offered to the same holder of
# the code. The issuer's profile, public keys and status list (``public_id``) are read by any verifier
# anywhere: they name the organisation and hold public keys and one bit per credential, nobody's data.
# tests/test_credentials.py checks that they name no person and that an unknown issuer gets 404.
PUBLIC_BY_DESIGN = {
    "service:invitation",
    "accounts:card_login",
    "trajectories:calendar_feed_ics",
    "certificates:verify",
    "accounts:sso_callback",
    "certificates:verify_credential",
    "certificates:badge_issuer",
    "certificates:badge_jwks",
    "certificates:badge_key",
    "certificates:badge_status",
}
# Shared by every organisation, by design: an edition of the national curriculum (``edition_id``) is
# the method owner's release, read by everyone who reads the curriculum. Its page holds the release
# notes and the national texts only; tests/test_editions.py checks that it shows no organisation's
# own example and that the draft stays with the method owner's editors.
SHARED_BY_DESIGN = {"curriculum:edition_detail"}


def walk(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in NOT_ORGANISATION_URLS:
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, ns)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def all_patterns() -> list[tuple[str, list[str]]]:
    return [(name, sorted(p.pattern.converters)) for name, p in walk()]


def test_the_walk_finds_the_projects_urls() -> None:
    names = {name for name, _ in all_patterns()}
    # A few that must be there; the walk is useless if it finds nothing.
    assert {"orgs:person_edit", "trajectories:trajectory_detail", "learn:home"} <= names
    assert names >= PUBLIC_BY_DESIGN | SHARED_BY_DESIGN, "an exemption for a URL that no longer exists"
    assert len(names) >= 15


@pytest.mark.parametrize(
    ("name", "args"),
    [p for p in all_patterns() if p[1] and p[0] not in PUBLIC_BY_DESIGN | SHARED_BY_DESIGN],
    ids=lambda v: str(v),
)
def test_another_organisation_gets_404(
    name: str, args: list[str], client: Client, world: World, outsider: Person
) -> None:
    unknown = [a for a in args if a not in OBJECT_OF_ORG_A]
    assert not unknown, f"{name}: say in OBJECT_OF_ORG_A which object {unknown} names"
    url = reverse(name, kwargs={arg: OBJECT_OF_ORG_A[arg](world) for arg in args})
    login(client, outsider)
    get, post = client.get(url), client.post(url, {})
    assert get.status_code in (404, 405), f"GET {url} gave {get.status_code}"
    assert post.status_code in (404, 405), f"POST {url} gave {post.status_code}"
    assert 404 in (get.status_code, post.status_code)


@pytest.mark.parametrize("name", [n for n, args in all_patterns() if not args])
def test_pages_without_arguments_show_nothing_of_another_organisation(
    name: str, client: Client, world: World, outsider: Person
) -> None:
    login(client, outsider)
    response = client.get(reverse(name), follow=True)
    assert response.status_code < 500
    body = readable_text(response)
    for person in (world.participant, world.trainer, world.coach):
        # Whole words: "Achternaam1" must not match the outsider's own "Achternaam1X".
        shown = re.search(rf"\b{re.escape(person.user.last_name)}\b", body)
        assert shown is None, f"{name} shows {person.user.last_name} of another organisation"
    assert world.department.name not in body


# The service desk's operator (servicebeheer) is no person of any organisation. Every URL that
# names an object of organisation A is refused to them (403 or 404), and no page without arguments,
# the service desk's own included, shows them a person or department of A.
OPERATOR_ORGANISATION_URLS = [
    p for p in all_patterns() if p[1] and not p[0].startswith("service:") and p[0] not in PUBLIC_BY_DESIGN
]


@pytest.fixture
def desk(client: Client, world: World) -> Client:
    """A service-desk operator, logged in with their second factor."""
    return login_operator(client, make_operator())  # type: ignore[no-any-return]


@pytest.mark.parametrize(("name", "args"), OPERATOR_ORGANISATION_URLS, ids=lambda v: str(v))
def test_the_service_desk_opens_nothing_of_an_organisation(
    name: str, args: list[str], desk: Client, world: World
) -> None:
    url = reverse(name, kwargs={arg: OBJECT_OF_ORG_A[arg](world) for arg in args})
    get, post = desk.get(url), desk.post(url, {})
    assert get.status_code in (403, 404, 405), f"GET {url} gave {get.status_code}"
    assert post.status_code in (403, 404, 405), f"POST {url} gave {post.status_code}"


@pytest.mark.parametrize("name", [n for n, args in all_patterns() if not args])
def test_pages_without_arguments_show_the_service_desk_nothing_of_an_organisation(
    name: str, desk: Client, world: World
) -> None:
    response = desk.get(reverse(name), follow=True)
    assert response.status_code < 500
    body = readable_text(response)
    for person in (world.participant, world.trainer, world.coach, world.administrator):
        assert re.search(rf"\b{re.escape(person.user.last_name)}\b", body) is None, name
    assert world.department.name not in body


def readable_text(response: HttpResponse) -> str:
    """The text a person would read in the response: HTML as is, a PDF's extracted text."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    if "spreadsheetml" in response.get("Content-Type", ""):
        # A workbook is a zip: its bytes say nothing, its cells do.
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    return response.content.decode("utf-8", errors="replace")


def test_organisation_users_cannot_use_djangos_admin(client: Client, world: World) -> None:
    login(client, world.administrator)
    response = client.get("/django-admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", ["reports:export_xlsx", "reports:export_csv", "reports:export_pdf"])
def test_the_export_check_reads_what_it_checks(name: str, client: Client, world: World) -> None:
    """The check above is only worth something if it can see organisation A's department in A's own export."""
    login(client, world.project_manager)
    assert world.department.name in readable_text(client.get(reverse(name)))  # type: ignore[arg-type]
