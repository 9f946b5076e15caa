"""Issue 19 part 2, the method as releases: the national curriculum published as numbered editions by
the method owner's editors (a draft, its release notes, a preview, publishing), the notice of a new
edition for every organisation's administrator and coaches until they have read it, what changed per
assignment, running assignments that keep their version, a new national skill through a release, and
an organisation's own example beside an assignment that survives the next edition.

Another organisation's reach into the local examples and the draft: tests/attacks/test_edition_tenancy.py.
"""

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from time_machine import TimeMachineFixture

from tests.attacks.test_photo_metadata import assert_clean, photo_with_gps
from tests.conftest import login
from tests.factories import SAMPLE_CONTENT, World, make_person, make_skill
from tests.test_curriculum_editing import skill_data
from wpo.curriculum import access as curriculum_access
from wpo.curriculum import selectors
from wpo.curriculum.diff import assignment_diff
from wpo.curriculum.models import Assignment, AssignmentVersion, Edition, EditionSeen, LocalExample, Skill
from wpo.curriculum.services import (
    assignment_save,
    edition_draft_update,
    edition_publish,
    local_example_delete,
    local_example_save,
)
from wpo.curriculum.services import editions as edition_services
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person, Role
from wpo.trajectories.models import TrajectorySkill
from wpo.trajectories.workflow import give_assignment

pytestmark = pytest.mark.django_db

NOTICE = "Nieuwe editie van de WPO-opdrachten"
OLD_GOAL = SAMPLE_CONTENT["goal"]
NEW_GOAL = OLD_GOAL.replace("als je iets niet weet", "als je iets nog niet zeker weet")
NOTES = "De opdracht over hulp vragen zegt nu ook: vraag het als je het niet zeker weet."


@pytest.fixture(autouse=True)
def _in_2026(time_machine: TimeMachineFixture) -> None:
    """Time is an input: a new draft is numbered after the current year (``next_number``), and these
    tests name edition 2026.1, so the clock stands in November 2026 whatever day the suite runs."""
    time_machine.move_to(timezone.make_aware(datetime(2026, 11, 16, 10, 0)), tick=True)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def make_national(world: World) -> Skill:
    """A national skill, published in the first edition (2025.1), chosen in the world's trajectory."""
    skill = make_skill(None)
    first = Edition.objects.create(
        number="2025.1",
        year=2025,
        sequence=1,
        status=Edition.Status.PUBLISHED,
        notes="De eerste editie van de WPO-opdrachten.",
        published_at=timezone.now(),
    )
    AssignmentVersion.objects.filter(assignment__subskill__skill=skill).update(
        edition=first, published_at=timezone.now()
    )
    skill.edition = first
    skill.save(update_fields=["edition"])
    TrajectorySkill.objects.create(organization=world.org, trajectory=world.trajectory, skill=skill)
    return skill


@pytest.fixture
def national(world: World) -> Skill:
    return make_national(world)


def national_editor(person: Person) -> Person:
    """``person`` with the method owner's national editorial permission (fetched afresh: no cached perms)."""
    person.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    return Person.objects.select_related("user").get(pk=person.pk)


@pytest.fixture
def editor(world: World) -> Person:
    """The method owner's content editor; the world's own content editor keeps no national right."""
    return national_editor(make_person(world.org, [Role.CONTENT_EDITOR]))


def first_assignment(skill: Skill) -> Assignment:
    return Assignment.objects.select_related("current_version").get(
        subskill__skill=skill, subskill__number=1, level="A"
    )


def change(assignment: Assignment, editor: Person, **parts: Any) -> AssignmentVersion:
    assignment.refresh_from_db()
    assert assignment.current_version is not None
    return assignment_save(assignment=assignment, content={**assignment.current_version.content, **parts}, actor=editor)


def release(editor: Person, number: str, notes: str = NOTES) -> Edition:
    draft = edition_draft_update(actor=editor, number=number, notes=notes)
    return edition_publish(edition=draft, actor=editor)


def body(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# Publishing ---------------------------------------------------------------------------------------


def test_publishing_creates_the_edition_with_its_notes_and_makes_the_new_text_current(
    world: World, national: Skill, editor: Person
) -> None:
    assignment = first_assignment(national)
    old = assignment.current_version
    version = change(assignment, editor, goal=NEW_GOAL)
    assignment.refresh_from_db()
    # In the draft the new text is nobody's yet.
    assert version.edition is not None and version.edition.is_draft
    assert assignment.current_version == old
    published = release(editor, "2026.1")
    assert (published.number, published.year, published.sequence) == ("2026.1", 2026, 1)
    assert published.status == Edition.Status.PUBLISHED and published.notes == NOTES
    assert published.published_at is not None and published.published_by == editor.user
    assignment.refresh_from_db()
    version.refresh_from_db()
    assert assignment.current_version == version and version.published_at == published.published_at
    assert edition_services.latest_published() == published and edition_services.current_draft() is None


def test_the_editor_drafts_previews_and_publishes_through_the_pages(
    client: Client, world: World, national: Skill, editor: Person
) -> None:
    assignment = first_assignment(national)
    change(assignment, editor, goal=NEW_GOAL)
    login(client, editor)
    draft_page = body(client, reverse("curriculum:edition_draft"))
    assert "Concept-editie 2026.1" in draft_page and "Schrijf bij ‘Wat is er nieuw’" in draft_page
    preview = body(client, reverse("curriculum:edition_preview", args=[assignment.pk]))
    assert "zeker" in preview
    response = client.post(reverse("curriculum:edition_draft"), {"number": "2026.1", "notes": NOTES})
    assert response.status_code == 302
    response = client.post(reverse("curriculum:edition_publish"))
    edition = Edition.objects.get(number="2026.1")
    assert response.status_code == 302
    assert response["Location"] == reverse("curriculum:edition_detail", args=[edition.pk])
    assert edition.status == Edition.Status.PUBLISHED
    detail = body(client, response["Location"])
    assert "Editie 2026.1 van de WPO-opdrachten" in detail and "vraag het als je het niet zeker weet" in detail


@pytest.mark.parametrize("number", ["2026", "2026.", "26.1", "2026.0", "2026.100", "2026.1a", "1999.1", "editie 3", ""])
def test_a_badly_formed_number_is_refused(world: World, national: Skill, editor: Person, number: str) -> None:
    with pytest.raises(Refused, match="geen editienummer") as refused:
        edition_draft_update(actor=editor, number=number, notes=NOTES)
    assert refused.value.field == "number"


def test_a_number_that_is_taken_or_not_after_the_latest_edition_is_refused(
    world: World, national: Skill, editor: Person
) -> None:
    change(first_assignment(national), editor, goal=NEW_GOAL)
    release(editor, "2026.1")
    with pytest.raises(Refused, match="bestaat al"):
        edition_draft_update(actor=editor, number="2026.1", notes=NOTES)
    with pytest.raises(Refused, match="na de laatste editie"):
        edition_draft_update(actor=editor, number="2025.7", notes=NOTES)
    assert edition_services.next_number() in ("2026.2", f"{timezone.localdate().year}.1")
    assert Edition.objects.filter(number="2026.1").count() == 1


def test_publishing_needs_a_change_and_release_notes(world: World, national: Skill, editor: Person) -> None:
    empty = edition_draft_update(actor=editor, number="2026.1", notes=NOTES)
    with pytest.raises(Refused) as refused:
        edition_publish(edition=empty, actor=editor)
    assert "Er staat nog geen wijziging in deze editie." in refused.value.messages
    change(first_assignment(national), editor, goal=NEW_GOAL)
    draft = edition_draft_update(actor=editor, number="2026.1", notes="   ")
    with pytest.raises(Refused) as refused:
        edition_publish(edition=draft, actor=editor)
    assert any("Wat is er nieuw" in m for m in refused.value.messages)
    draft.refresh_from_db()
    assert draft.is_draft
    published = release(editor, "2026.1")
    with pytest.raises(Refused, match="al gepubliceerd"):
        edition_publish(edition=published, actor=editor)


# Who may ------------------------------------------------------------------------------------------


ROLES = [Role.PARTICIPANT, Role.TRAINER, Role.COACH, Role.PROJECT_MANAGER, Role.ADMINISTRATOR, Role.CONTENT_EDITOR]


@pytest.mark.parametrize("role", ROLES)
def test_without_the_national_right_the_services_refuse(
    world: World, national: Skill, editor: Person, role: Role
) -> None:
    """Every role, the organisation's own content editor too: only the national right edits editions."""
    change(first_assignment(national), editor, goal=NEW_GOAL)
    draft = edition_draft_update(actor=editor, number="2026.1", notes=NOTES)
    someone = Person.objects.select_related("user").get(pk=world.by_role(role).pk)
    with pytest.raises(Refused):
        edition_draft_update(actor=someone, number="2026.2", notes="Iets anders.")
    with pytest.raises(Refused):
        edition_publish(edition=draft, actor=someone)
    with pytest.raises(Refused):
        change(first_assignment(national), someone, goal=OLD_GOAL + " Nog een zin.")
    with pytest.raises(Refused):
        edition_services.draft_assignment_withdraw(assignment=first_assignment(national), actor=someone)
    draft.refresh_from_db()
    assert draft.is_draft and draft.number == "2026.1" and draft.notes == NOTES
    assert draft.versions.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_without_the_national_right_the_pages_answer_403(
    client: Client, world: World, national: Skill, editor: Person, role: Role
) -> None:
    assignment = first_assignment(national)
    change(assignment, editor, goal=NEW_GOAL)
    draft = edition_draft_update(actor=editor, number="2026.1", notes=NOTES)
    login(client, world.by_role(role))
    assert client.get(reverse("curriculum:edition_draft")).status_code == 403
    assert client.post(reverse("curriculum:edition_draft"), {"number": "2026.2", "notes": "x"}).status_code == 403
    assert client.post(reverse("curriculum:edition_publish")).status_code == 403
    assert client.get(reverse("curriculum:edition_preview", args=[assignment.pk])).status_code == 403
    withdraw = client.post(reverse("curriculum:edition_preview", args=[assignment.pk]), {"action": "withdraw"})
    assert withdraw.status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft and draft.number == "2026.1" and draft.versions.count() == 1


# The notice of a new edition ----------------------------------------------------------------------


def test_the_notice_shows_for_administrators_and_coaches_of_every_organisation_until_read(
    client: Client, world: World, other_world: World, national: Skill, editor: Person
) -> None:
    pages = {Role.COACH: reverse("coaching:overview"), Role.ADMINISTRATOR: reverse("orgs:people")}

    def shows(person: Person, role: Role) -> bool:
        client.logout()
        login(client, person)
        return NOTICE in body(client, pages[role])

    # The first edition is not news.
    assert not any(shows(w.by_role(role), role) for w in (world, other_world) for role in pages)
    change(first_assignment(national), editor, goal=NEW_GOAL)
    edition = release(editor, "2026.1")
    assert all(shows(w.by_role(role), role) for w in (world, other_world) for role in pages)
    # The coach of organisation A reads the edition: the notice goes for them, and only for them.
    client.logout()
    login(client, world.coach)
    page = body(client, reverse("curriculum:edition_detail", args=[edition.pk]))
    assert "vraag het als je het niet zeker weet" in page
    assert EditionSeen.objects.filter(person=world.coach, edition=edition, organization=world.org).exists()
    assert not shows(world.coach, Role.COACH)
    assert shows(world.administrator, Role.ADMINISTRATOR)
    assert shows(other_world.coach, Role.COACH)


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.TRAINER, Role.PROJECT_MANAGER])
def test_the_notice_is_not_for_participants_trainers_or_project_managers(
    client: Client, world: World, national: Skill, editor: Person, role: Role
) -> None:
    change(first_assignment(national), editor, goal=NEW_GOAL)
    release(editor, "2026.1")
    person = world.by_role(role)
    assert selectors.unseen_edition(person) is None
    login(client, person)
    page = reverse("learn:home") if role == Role.PARTICIPANT else reverse("curriculum:catalogue")
    assert NOTICE not in body(client, page)


# What changed -------------------------------------------------------------------------------------


def test_the_edition_shows_the_changed_wording_per_assignment(
    client: Client, world: World, national: Skill, editor: Person
) -> None:
    first = first_assignment(national)
    second = Assignment.objects.get(subskill__skill=national, subskill__number=2, level="B")
    change(first, editor, goal=NEW_GOAL)
    change(second, editor, title="Ik vraag hulp als het moeilijk wordt")
    edition = release(editor, "2026.1")
    login(client, world.coach)
    page = body(client, reverse("curriculum:edition_detail", args=[edition.pk]))
    assert "2 veranderde opdrachten" in page
    sections = re.findall(r'<section class="panel edition-change".*?</section>', page, re.S)
    assert len(sections) == 2
    goal_change, title_change = sections
    assert "Van versie 1 naar versie 2" in goal_change
    assert '<ins><span class="visually-hidden">erbij: </span>nog</ins>' in goal_change
    assert '<ins><span class="visually-hidden">erbij: </span>zeker</ins>' in goal_change
    assert "2 woorden erbij" in goal_change and "0 woorden eruit" in goal_change
    assert "Doel" in goal_change and "Titel" not in goal_change
    assert "Titel" in title_change and "Ik vraag hulp als het moeilijk wordt" in title_change


def test_the_diff_names_the_field_and_the_words() -> None:
    goal = NEW_GOAL.replace("hulp", "om raad")
    new = {**SAMPLE_CONTENT, "goal": goal, "summary": [*SAMPLE_CONTENT["summary"], "Een nieuwe zin."]}
    diffs = {d.key: d for d in assignment_diff(SAMPLE_CONTENT, new)}
    assert set(diffs) == {"goal", "summary"}
    assert diffs["goal"].removed_words == 1 and diffs["goal"].added_words == 4
    pieces = [(p.kind, p.text) for p in diffs["goal"].sentences[0].pieces]
    assert ("removed", "hulp") in pieces and ("added", "om raad") in pieces and ("added", "zeker") in pieces
    assert diffs["summary"].added_words == 3 and diffs["summary"].removed_words == 0
    assert assignment_diff(SAMPLE_CONTENT, SAMPLE_CONTENT) == []


# Running assignments keep their version ------------------------------------------------------------


def test_a_running_assignment_keeps_its_version_after_a_new_edition(
    client: Client, world: World, national: Skill, editor: Person
) -> None:
    assignment = first_assignment(national)
    old = assignment.current_version
    assert old is not None
    running = give_assignment(world.trajectory, old, actor=world.trainer)
    new = change(assignment, editor, goal=NEW_GOAL)
    release(editor, "2026.1")
    running.refresh_from_db()
    assignment.refresh_from_db()
    assert running.version == old and assignment.current_version == new
    login(client, world.participant)
    page = body(client, reverse("learn:assignment", args=[running.pk]))
    assert "zeker" not in page and "als je iets niet weet" in page


# A new national skill through a release -----------------------------------------------------------


def test_a_new_national_skill_arrives_through_a_release_without_code(
    client: Client, world: World, other_world: World, national: Skill, editor: Person
) -> None:
    login(client, editor)
    response = client.post(reverse("curriculum:skill_new"), skill_data(national="on"))
    assert response.status_code == 302
    skill = Skill.objects.get(code="veilig-werken")
    draft = edition_services.current_draft()
    assert skill.organization_id is None and draft is not None and skill.edition == draft
    # Before the release no organisation sees it.
    assert not curriculum_access.visible_skills(other_world.coach).filter(pk=skill.pk).exists()
    client.logout()
    login(client, other_world.coach)
    assert "Veilig werken" not in body(client, reverse("curriculum:catalogue"))
    # Six assignments to write before it can go out.
    assert any("6 opdrachten zonder tekst" in p for p in edition_services.draft_problems(draft))
    for assignment in Assignment.objects.filter(subskill__skill=skill):
        assignment_save(assignment=assignment, content=dict(SAMPLE_CONTENT), actor=editor)
    # The editor's pages show the new skill in the draft.
    client.logout()
    login(client, editor)
    draft_page = body(client, reverse("curriculum:edition_draft"))
    assert "Nieuwe skills in deze editie" in draft_page and "Veilig werken" in draft_page
    assert "Nieuw in concept-editie" in body(client, reverse("curriculum:catalogue"))
    new_assignment = Assignment.objects.filter(subskill__skill=skill).first()
    assert new_assignment is not None
    assert body(client, reverse("curriculum:edition_preview", args=[new_assignment.pk]))
    client.logout()
    login(client, other_world.coach)
    left = edition_services.draft_problems(draft)
    assert left == ["Schrijf bij ‘Wat is er nieuw’ in gewone taal wat er veranderd is."]
    edition = release(editor, "2026.1", notes="Nieuw: de skill Veilig werken.")
    assert curriculum_access.visible_skills(other_world.coach).filter(pk=skill.pk).exists()
    assert Assignment.objects.filter(subskill__skill=skill, current_version__edition=edition).count() == 6
    catalogue = body(client, reverse("curriculum:catalogue"))
    assert "Veilig werken" in catalogue
    detail = body(client, reverse("curriculum:edition_detail", args=[edition.pk]))
    assert "Nieuwe skills" in detail and "Veilig werken" in detail and "Nieuwe opdracht" in detail


# An organisation's own example --------------------------------------------------------------------

CONTEXT = "Bij ons vraag je hulp aan de ploegleider bij de zeepmachine."


def post_example(client: Client, assignment: Assignment, **data: Any) -> Any:
    return client.post(reverse("curriculum:local_example_edit", args=[assignment.pk]), data)


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.CONTENT_EDITOR])
def test_an_organisation_adds_its_own_example_to_a_national_assignment(
    client: Client, world: World, other_world: World, national: Skill, role: Role
) -> None:
    assignment = first_assignment(national)
    login(client, world.by_role(role))
    photo = SimpleUploadedFile("IMG_0001.jpg", photo_with_gps(), content_type="image/jpeg")
    response = post_example(client, assignment, context=CONTEXT, photo=photo, photo_alt="De inpaktafel met dozen.")
    assert response.status_code == 302
    example = LocalExample.objects.get(assignment=assignment)
    assert example.organization == world.org and example.context == CONTEXT
    assert example.updated_by == world.by_role(role)
    # Not a copy: the national text stays one, the example hangs beside it.
    assert assignment.versions.count() == 1 and Assignment.objects.filter(subskill__skill=national).count() == 6
    with example.photo.open("rb") as stored:
        assert_clean(stored.read())
    photo_url = reverse("curriculum:local_example_photo", args=[assignment.pk])
    assert client.get(photo_url).status_code == 200
    # Shown on the assignment to the organisation's people; to no other organisation.
    client.logout()
    login(client, world.coach)
    assert CONTEXT in body(client, reverse("curriculum:assignment_detail", args=[assignment.pk]))
    client.logout()
    login(client, other_world.coach)
    assert CONTEXT not in body(client, reverse("curriculum:assignment_detail", args=[assignment.pk]))
    assert client.get(photo_url).status_code == 404


def test_the_example_shows_on_the_participants_assignment_and_the_introduction_and_survives_a_new_edition(
    client: Client, world: World, other_world: World, national: Skill, editor: Person
) -> None:
    assignment = first_assignment(national)
    local_example_save(actor=world.administrator, assignment=assignment, context=CONTEXT)
    assert assignment.current_version is not None
    pa = give_assignment(world.trajectory, assignment.current_version, actor=world.trainer)
    login(client, world.participant)
    assert CONTEXT in body(client, reverse("learn:assignment", args=[pa.pk]))
    client.logout()
    login(client, world.trainer)
    assert CONTEXT in body(client, reverse("trajectories:introduce", args=[pa.pk]))
    # A new edition changes the text; the example stays beside the assignment.
    change(assignment, editor, goal=NEW_GOAL)
    edition = release(editor, "2026.1")
    assignment.refresh_from_db()
    assert assignment.current_version is not None and assignment.current_version.edition == edition
    later = give_assignment(world.trajectory, assignment.current_version, actor=world.trainer)
    assert LocalExample.objects.get(assignment=assignment).context == CONTEXT
    assert CONTEXT in body(client, reverse("trajectories:introduce", args=[later.pk]))
    client.logout()
    login(client, world.participant)
    page = body(client, reverse("learn:assignment", args=[later.pk]))
    assert CONTEXT in page and "zeker" in page
    # The edition's own page is the same for everyone: no organisation's example on it.
    client.logout()
    login(client, other_world.coach)
    assert CONTEXT not in body(client, reverse("curriculum:edition_detail", args=[edition.pk]))


def test_a_photo_that_is_not_a_photo_or_too_big_is_refused(
    client: Client, world: World, national: Skill, monkeypatch: pytest.MonkeyPatch
) -> None:
    assignment = first_assignment(national)
    login(client, world.administrator)
    fake = SimpleUploadedFile("foto.jpg", b"<html>geen foto</html>", content_type="image/jpeg")
    response = post_example(client, assignment, context=CONTEXT, photo=fake, photo_alt="Iets")
    assert response.status_code == 200 and "Dit is geen foto" in response.content.decode()
    monkeypatch.setattr("wpo.curriculum.services.local_examples.PHOTO_MAX_BYTES", 100)
    big = SimpleUploadedFile("foto.jpg", photo_with_gps(size=(400, 400)), content_type="image/jpeg")
    response = post_example(client, assignment, context=CONTEXT, photo=big, photo_alt="Iets")
    assert response.status_code == 200 and "te groot" in response.content.decode()
    # A photo needs a line for whoever cannot see it.
    photo = SimpleUploadedFile("foto.jpg", photo_with_gps(), content_type="image/jpeg")
    monkeypatch.undo()
    response = post_example(client, assignment, context=CONTEXT, photo=photo, photo_alt="")
    assert response.status_code == 200 and "wat er op de foto staat" in response.content.decode()
    assert not LocalExample.objects.exists()


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.TRAINER, Role.COACH, Role.PROJECT_MANAGER])
def test_other_roles_add_no_example(client: Client, world: World, national: Skill, role: Role) -> None:
    assignment = first_assignment(national)
    person = world.by_role(role)
    with pytest.raises(Refused):
        local_example_save(actor=person, assignment=assignment, context=CONTEXT)
    with pytest.raises(Refused):
        local_example_delete(actor=person, assignment=assignment)
    login(client, person)
    assert post_example(client, assignment, context=CONTEXT).status_code == 403
    assert not LocalExample.objects.exists()


def test_an_example_is_changed_and_removed(client: Client, world: World, national: Skill) -> None:
    assignment = first_assignment(national)
    login(client, world.administrator)
    photo = SimpleUploadedFile("foto.jpg", photo_with_gps(), content_type="image/jpeg")
    post_example(client, assignment, context=CONTEXT, photo=photo, photo_alt="De inpaktafel.")
    example = LocalExample.objects.get()
    stored = example.photo.name
    post_example(client, assignment, context="Een andere zin.", photo_alt="De inpaktafel.", remove_photo="on")
    example.refresh_from_db()
    assert example.context == "Een andere zin." and not example.photo
    assert post_example(client, assignment, action="delete").status_code == 302
    assert not LocalExample.objects.exists()
    assert stored


# Constant queries ---------------------------------------------------------------------------------


def _publish_more(n: int) -> None:
    last = Edition.objects.order_by("-year", "-sequence").first()
    assert last is not None
    for k in range(1, n + 1):
        Edition.objects.create(
            number=f"2030.{last.sequence + k}",
            year=2030,
            sequence=last.sequence + k,
            status=Edition.Status.PUBLISHED,
            notes="Nog een editie.",
            published_at=timezone.now(),
        )


def _count(client: Client, url: str) -> int:
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.COACH, "coaching:overview"),
        (Role.ADMINISTRATOR, "orgs:people"),
        (Role.COACH, "curriculum:editions"),
        (Role.CONTENT_EDITOR, "curriculum:catalogue"),
    ],
)
def test_the_queries_do_not_grow_with_the_editions(
    client: Client, world: World, national: Skill, editor: Person, role: Role, url: str
) -> None:
    change(first_assignment(national), editor, goal=NEW_GOAL)
    release(editor, "2026.1")
    person = editor if role == Role.CONTENT_EDITOR else world.by_role(role)
    login(client, person)
    few = _count(client, reverse(url))
    if url != "curriculum:editions":
        assert NOTICE in body(client, reverse(url))
    _publish_more(4)
    assert _count(client, reverse(url)) == few


def test_the_edition_page_queries_do_not_grow_with_the_changes(
    client: Client, world: World, national: Skill, editor: Person
) -> None:
    assignments = list(Assignment.objects.filter(subskill__skill=national).order_by("subskill__number", "level"))
    change(assignments[0], editor, goal=NEW_GOAL)
    one = release(editor, "2026.1")
    for assignment in assignments[1:]:
        change(assignment, editor, goal=NEW_GOAL)
    five = release(editor, "2026.2")
    login(client, world.coach)
    few = _count(client, reverse("curriculum:edition_detail", args=[one.pk]))
    assert _count(client, reverse("curriculum:edition_detail", args=[five.pk])) == few
    assert "5 veranderde opdrachten" in body(client, reverse("curriculum:edition_detail", args=[five.pk]))


def test_a_national_assignment_in_the_draft_is_edited_from_its_draft_text(
    client: Client, world: World, national: Skill, editor: Person
) -> None:
    assignment = first_assignment(national)
    change(assignment, editor, goal=NEW_GOAL)
    login(client, editor)
    page = body(client, reverse("curriculum:assignment_edit", args=[assignment.pk]))
    assert "zeker" in page
    detail = body(client, reverse("curriculum:assignment_detail", args=[assignment.pk]))
    assert "In concept-editie 2026.1 staat een nieuwe tekst van deze opdracht." in detail
    # Changed back to the current text, the assignment leaves the draft.
    change(assignment, editor, goal=OLD_GOAL)
    draft = edition_services.current_draft()
    assert draft is not None and not draft.versions.exists()
