"""Issue 19 part 2: one organisation never sees, changes or removes another's own example, and the
draft edition stays with the method owner's editors.

The attacks: the administrator of organisation B knows (or guesses) the id of a national assignment
beside which organisation A put its photo and line. B opens the example's page, the photo's address,
posts a change and a delete there, and calls the services directly. A's own skill is tried too. Then
anyone of an organisation tries the draft: the draft edition's page by id, a new national skill's
assignments and pictogram before they are published, the preview of a draft text.

What holds: every example is found through the reader's own organisation (``in_org``), never by id
alone; B's writes touch only B's own row; a draft edition, its new skills and its versions are
visible only with the national right. Each attack runs over HTTP with the attacker's browser.
"""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.attacks.test_photo_metadata import photo_with_gps
from tests.conftest import login
from tests.factories import World, make_person
from tests.test_editions import CONTEXT, NEW_GOAL, change, first_assignment, make_national, national_editor
from wpo.curriculum import selectors
from wpo.curriculum.models import Assignment, Edition, LocalExample, Skill
from wpo.curriculum.services import editions as edition_services
from wpo.curriculum.services import local_example_delete, local_example_save, skill_save
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person, Role

pytestmark = pytest.mark.django_db

PHOTO_OF_A = photo_with_gps()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def national(world: World) -> Skill:
    return make_national(world)


def example_of_a(world: World, assignment: Assignment) -> LocalExample:
    example = local_example_save(actor=world.administrator, assignment=assignment, context=CONTEXT)
    assert example is not None
    example.photo.save("voorbeeld.jpg", ContentFile(PHOTO_OF_A))
    example.photo_alt = "De inpakhal van A."
    example.save()
    return example


def test_another_organisation_cannot_see_change_or_remove_the_example(
    client: Client, world: World, other_world: World, national: Skill
) -> None:
    assignment = first_assignment(national)
    example = example_of_a(world, assignment)
    photo_name = example.photo.name
    login(client, other_world.administrator)
    edit_url = reverse("curriculum:local_example_edit", args=[assignment.pk])
    photo_url = reverse("curriculum:local_example_photo", args=[assignment.pk])
    # Reading: B's form is empty, A's photo is not B's.
    page = client.get(edit_url).content.decode()
    assert CONTEXT not in page and "De inpakhal van A." not in page
    assert client.get(photo_url).status_code == 404
    assert CONTEXT not in client.get(reverse("curriculum:assignment_detail", args=[assignment.pk])).content.decode()
    assert selectors.local_example_for(other_world.coach, assignment.pk) is None
    # Removing: B's delete removes nothing of A.
    assert client.post(edit_url, {"action": "delete"}).status_code == 302
    # Changing: B's save makes B's own example, A's stays as it was.
    assert client.post(edit_url, {"context": "Bij B gaat het anders."}).status_code == 302
    local_example_delete(actor=other_world.administrator, assignment=assignment)
    local_example_save(actor=other_world.content_editor, assignment=assignment, context="Ook bij B.")
    example.refresh_from_db()
    assert example.organization == world.org and example.context == CONTEXT and example.photo.name == photo_name
    assert LocalExample.objects.get(organization=other_world.org).context == "Ook bij B."
    # And B's photo address gives B's own (none), never A's bytes.
    response = client.get(photo_url)
    assert response.status_code == 404
    # A still reads its own.
    client.logout()
    login(client, world.participant)
    response = client.get(photo_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == example.photo.open("rb").read()


def test_another_organisations_own_skill_takes_no_example(client: Client, world: World, other_world: World) -> None:
    own = Assignment.objects.filter(subskill__skill=world.skill).first()
    assert own is not None
    login(client, other_world.administrator)
    assert client.get(reverse("curriculum:local_example_edit", args=[own.pk])).status_code == 404
    assert client.post(reverse("curriculum:local_example_edit", args=[own.pk]), {"context": "x"}).status_code == 404
    with pytest.raises(Refused):
        local_example_save(actor=other_world.administrator, assignment=own, context="In A's skill.")
    with pytest.raises(Refused):
        local_example_delete(actor=other_world.content_editor, assignment=own)
    assert not LocalExample.objects.exists()


def test_the_draft_stays_with_the_method_owners_editors(
    client: Client, world: World, other_world: World, national: Skill
) -> None:
    editor = national_editor(make_person(world.org, [Role.CONTENT_EDITOR]))
    assignment = first_assignment(national)
    change(assignment, editor, goal=NEW_GOAL)
    new_skill = skill_save(
        skill=Skill(
            name="Veilig werken",
            code="veilig-werken",
            order=9,
            explanation="Je werkt veilig.",
            choice_card_hard=["Ik vind het moeilijk om op te letten."],
            choice_card_better=["Ik wil beter worden in veilig werken."],
        ),
        subskills=[
            {"number": n, "name": f"Deel {n}", "description": "d", "level_a": "a", "level_b": "b", "level_c": "c"}
            for n in (1, 2)
        ],
        actor=editor,
        national=True,
    )
    draft = edition_services.current_draft()
    assert draft is not None and new_skill.edition == draft
    draft_version = assignment.versions.get(edition=draft)
    new_assignment = Assignment.objects.filter(subskill__skill=new_skill).first()
    assert new_assignment is not None
    outsiders: list[Person] = [
        world.coach,
        world.administrator,
        world.content_editor,  # an organisation's editor, without the national right
        other_world.coach,
        other_world.administrator,
        other_world.content_editor,
    ]
    for person in outsiders:
        client.logout()
        login(client, person)
        assert client.get(reverse("curriculum:edition_detail", args=[draft.pk])).status_code == 404
        assert client.get(reverse("curriculum:assignment_detail", args=[new_assignment.pk])).status_code == 404
        assert client.get(reverse("curriculum:pictogram", args=[new_skill.pk])).status_code == 404
        assert client.get(reverse("curriculum:video", args=[draft_version.pk])).status_code == 404
        assert client.get(reverse("curriculum:edition_preview", args=[assignment.pk])).status_code == 403
        editions_page = client.get(reverse("curriculum:editions")).content.decode()
        assert "Concept-editie" not in editions_page and "Veilig werken" not in editions_page
        catalogue = client.get(reverse("curriculum:catalogue")).content.decode()
        assert "Veilig werken" not in catalogue and "zeker" not in catalogue
        assert selectors.unseen_edition(person) is None
    # The method owner's editor sees it all.
    client.logout()
    login(client, editor)
    assert client.get(reverse("curriculum:edition_detail", args=[draft.pk])).status_code == 302
    assert client.get(reverse("curriculum:edition_preview", args=[assignment.pk])).status_code == 200
    assert "Veilig werken" in client.get(reverse("curriculum:catalogue")).content.decode()


def test_a_forged_edition_field_does_not_publish_a_national_text(client: Client, world: World, national: Skill) -> None:
    """An organisation's editor edits their own skill's assignment and adds fields a draft would have:
    the version is their own organisation's, published at once, in no edition."""
    own = Assignment.objects.filter(subskill__skill=world.skill).first()
    assert own is not None and own.current_version is not None
    login(client, world.content_editor)
    from tests.test_curriculum_editing import form_data

    response = client.post(
        reverse("curriculum:assignment_edit", args=[own.pk]),
        {**form_data(title="Mijn eigen titel"), "action": "publish", "edition": "1", "national": "on"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.current_version is not None and own.current_version.edition is None
    assert not Edition.objects.filter(status=Edition.Status.DRAFT).exists()
    assert Edition.objects.filter(published_at__lte=timezone.now()).count() == 1


def test_a_draft_national_skill_cannot_be_chosen_in_a_trajectory(world: World, national: Skill) -> None:
    """Forged past the form: the service itself refuses a new national skill before its edition is out."""
    from tests.test_evaluations import started
    from wpo.evaluations.services import chosen_skill_add

    started(world)
    editor = national_editor(make_person(world.org, [Role.CONTENT_EDITOR]))
    draft_skill = skill_save(
        skill=Skill(
            name="Veilig werken",
            code="veilig-werken",
            order=9,
            explanation="Je werkt veilig.",
            choice_card_hard=["Ik vind het moeilijk om op te letten."],
            choice_card_better=["Ik wil beter worden in veilig werken."],
        ),
        subskills=[
            {"number": n, "name": f"Deel {n}", "description": "d", "level_a": "a", "level_b": "b", "level_c": "c"}
            for n in (1, 2)
        ],
        actor=editor,
        national=True,
    )
    with pytest.raises(Refused, match="eigen lijst"):
        chosen_skill_add(world.trajectory, draft_skill, actor=world.trainer, reason="Hij wil veilig werken.")
    assert not world.trajectory.chosen_skills.filter(skill=draft_skill).exists()
