"""Finding (issue 14, MEDIUM): editing a national skill moved it into the editor's organisation.

The attack: a content editor of organisation A who holds the national permission opens a national
skill (``organization`` empty) and saves it. The view set ``organization`` to the editor's own
organisation, so the skill vanished for every other organisation while their trajectories and
certificates kept pointing at it, now inside tenant A.

The fix: ``wpo.curriculum.services.skill_save`` decides the owner itself. A new skill is the actor's
organisation's; an existing skill keeps its owner; a national skill is edited only by a holder of the
national permission, an organisation's skill only by that organisation's editor. The view no longer
sets the organisation. Each test performs the attack over HTTP with the editor's browser.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.factories import World
from tests.test_curriculum_editing import skill_data
from wpo.curriculum.models import Skill
from wpo.curriculum.services import skill_save

pytestmark = pytest.mark.django_db


def _national_editor(world: World) -> None:
    world.content_editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))


def test_saving_a_national_skill_keeps_it_national(client: Client, world: World, other_world: World) -> None:
    call_command("load_curriculum", verbosity=0)
    national = Skill.objects.get(code="overleggen", organization__isnull=True)
    _national_editor(world)
    login(client, world.content_editor)
    response = client.post(
        reverse("curriculum:skill_edit", args=[national.pk]),
        skill_data(name="Overleggen en vragen", code="overleggen", pictogram_file=""),
        follow=True,
    )
    assert "is opgeslagen" in response.content.decode()
    national.refresh_from_db()
    assert national.organization_id is None and national.name == "Overleggen en vragen"
    # Every other organisation still has it, with the new name.
    client.logout()
    login(client, other_world.coach)
    assert "Overleggen en vragen" in client.get(reverse("curriculum:catalogue")).content.decode()


def test_without_the_national_permission_a_national_skill_cannot_be_saved(client: Client, world: World) -> None:
    call_command("load_curriculum", verbosity=0)
    national = Skill.objects.get(code="overleggen", organization__isnull=True)
    login(client, world.content_editor)
    url = reverse("curriculum:skill_edit", args=[national.pk])
    assert client.post(url, skill_data(name="Van ons", code="overleggen", pictogram_file="")).status_code == 403
    national.refresh_from_db()
    assert national.organization_id is None and national.name == "Overleggen"


def test_another_organisations_skill_is_a_404(client: Client, world: World, other_world: World) -> None:
    _national_editor(world)  # the national permission gives no right on another tenant's own skills
    login(client, world.content_editor)
    url = reverse("curriculum:skill_edit", args=[other_world.skill.pk])
    assert client.post(url, skill_data(name="Gekaapt", pictogram_file="")).status_code == 404
    other_world.skill.refresh_from_db()
    assert other_world.skill.organization_id == other_world.org.pk and other_world.skill.name != "Gekaapt"


def test_the_service_refuses_on_its_own(world: World, other_world: World) -> None:
    call_command("load_curriculum", verbosity=0)
    national = Skill.objects.get(code="overleggen", organization__isnull=True)
    # A caller that skips the view's access check, and even sets the owner itself.
    national.organization = world.org
    with pytest.raises(ValidationError):
        skill_save(skill=national, subskills=[], actor=world.content_editor)
    other = other_world.skill
    other.organization = world.org
    with pytest.raises(ValidationError):
        skill_save(skill=other, subskills=[], actor=world.content_editor)
    _national_editor(world)
    world.content_editor.user = type(world.content_editor.user).objects.get(pk=world.content_editor.user.pk)
    national.organization = world.org
    saved = skill_save(skill=national, subskills=[], actor=world.content_editor)
    assert saved.organization_id is None
    assert Skill.objects.get(pk=national.pk).organization_id is None
    with pytest.raises(ValidationError):
        skill_save(skill=Skill.objects.get(pk=national.pk), subskills=[], actor=world.trainer)
