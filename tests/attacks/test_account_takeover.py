"""HIGH — a trainer could take over a colleague's account.

The attack, as found: the start conversation offered every person who was not coach, project
manager or administrator; ``participant_invite`` turned that person (another werkplekopleider, the
national curriculum editor) into the trainer's participant; the trainer then issued them a login
card, saw the PIN, and the card logged in as the victim with all their roles and no second factor.
And between two trajectories a trainer could adopt another trainer's participant and read the
earlier trajectory's look-back photos and voice notes.

The fix is in the permission policy (wpo/orgs/permissions.py): only someone who is nothing but a
participant (or a new employee without any role) can be made a participant by a trainer; a login
card is issued for, and logs in, only such a person; a werkplekopleider relates to the trajectories
they lead and to the running trajectory of a participant they train, not to earlier ones.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wpo.accounts.models import LoginCard
from wpo.accounts.services import login_card_issue
from wpo.orgs.models import Person, Role, TrainerLink
from wpo.trajectories.models import LookBackAnswer, Trajectory

from ..conftest import login
from ..factories import World, make_person
from ..test_tenant_isolation import _media_in_tmp  # noqa: F401 (a fixture)
from ..test_trainer_workflow import start_data


def victims(world: World) -> dict[str, Person]:
    editor = make_person(world.org, [Role.CONTENT_EDITOR], world.department)
    editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    national = make_person(world.org, [], world.department)
    national.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    return {
        "another trainer": make_person(world.org, [Role.TRAINER], world.department),
        "a trainer who once was a participant": make_person(
            world.org, [Role.TRAINER, Role.PARTICIPANT], world.department
        ),
        "the national curriculum editor": editor,
        "a person with only the national permission": national,
        "a coach": make_person(world.org, [Role.COACH], world.department),
    }


@pytest.mark.parametrize(
    "victim_kind",
    [
        "another trainer",
        "a trainer who once was a participant",
        "the national curriculum editor",
        "a person with only the national permission",
        "a coach",
    ],
)
def test_a_trainer_cannot_make_a_colleague_their_participant(client: Client, world: World, victim_kind: str) -> None:
    victim = victims(world)[victim_kind]
    roles_before = victim.roles
    login(client, world.trainer)
    form = client.get(reverse("trajectories:start")).content.decode()
    assert f'value="{victim.pk}"' not in form  # not even offered
    response = client.post(reverse("trajectories:start"), start_data(world, victim))
    assert response.status_code == 200  # the form again, with a message
    victim.refresh_from_db()
    assert victim.roles == roles_before
    assert not TrainerLink.objects.filter(trainer=world.trainer, participant=victim).exists()
    assert not Trajectory.objects.filter(participant=victim).exists()


def test_the_service_refuses_on_its_own_whatever_view_calls_it(world: World) -> None:
    from django.core.exceptions import ValidationError

    from wpo.trajectories.services import participant_invite

    victim = victims(world)["another trainer"]
    with pytest.raises(ValidationError, match="andere rol"):
        participant_invite(trainer=world.trainer, existing=victim)
    assert not victim.is_participant


def test_no_login_card_for_someone_who_is_more_than_a_participant(client: Client, world: World) -> None:
    for victim in victims(world).values():
        if not victim.is_participant:
            continue
        # Even a link made behind the trainer's back (an old import) gives no card.
        TrainerLink.objects.get_or_create(organization=world.org, participant=victim, trainer=world.trainer)
        for issuer in (world.trainer, world.administrator):
            login(client, issuer)
            assert client.post(reverse("accounts:login_card", args=[victim.pk])).status_code in (403, 404)
        assert not LoginCard.objects.filter(person=victim).exists()


def test_a_card_never_logs_in_someone_who_became_more_than_a_participant(client: Client, world: World) -> None:
    issued = login_card_issue(participant=world.participant, issued_by=world.trainer)
    # Later the participant becomes a werkplekopleider too: the old card must not skip their password.
    world.participant.is_trainer = True
    world.participant.save()
    client.get(reverse("accounts:card_login", args=[issued.token]))
    client.post(reverse("accounts:card_login"), {"pin": issued.pin})
    assert "_auth_user_id" not in client.session
    # As a participant only, the same card works.
    world.participant.is_trainer = False
    world.participant.save()
    client.get(reverse("accounts:card_login", args=[issued.token]))
    client.post(reverse("accounts:card_login"), {"pin": issued.pin})
    assert client.session.get("_auth_user_id") == str(world.participant.user.pk)


def test_a_card_never_logs_in_someone_with_an_extra_permission(client: Client, world: World) -> None:
    issued = login_card_issue(participant=world.participant, issued_by=world.trainer)
    world.participant.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    client.get(reverse("accounts:card_login", args=[issued.token]))
    client.post(reverse("accounts:card_login"), {"pin": issued.pin})
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("_media_in_tmp")
def test_an_adopting_trainer_does_not_read_the_earlier_trajectorys_media(client: Client, world: World) -> None:
    # The participant's first trajectory, guided by world.trainer, with a voice note, is closed.
    answer = LookBackAnswer.objects.create(
        organization=world.org, participant_assignment=world.pa, question_index=1, text="Het ging goed."
    )
    answer.voice_note.save("spraak.webm", ContentFile(b"\x1a\x45\xdf\xa3" + b"0" * 64))
    Trajectory.objects.filter(pk=world.trajectory.pk).update(
        status=Trajectory.Status.CLOSED, closed_at=timezone.now() - timedelta(days=1)
    )
    # Another trainer adopts the participant between trajectories (allowed: they are only a participant).
    other = make_person(world.org, [Role.TRAINER], world.department)
    login(client, other)
    data = start_data(world, world.participant)
    response = client.post(reverse("trajectories:start"), data)
    assert response.status_code == 302
    media = reverse("learn:look_back_media", args=[answer.pk, "spraak"])
    old_page = reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])
    assert client.get(media).status_code == 404
    assert client.get(old_page).status_code == 404
    # The trainer who guided it still may, and so may the participant.
    assert login(client, world.trainer).get(media).status_code == 200
    assert login(client, world.participant).get(media).status_code == 200
