"""The werkplekopleider: what needs me now, the start conversation, introducing, observing."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from wpo.orgs.models import Person, Role, TrainerLink
from wpo.trajectories.models import Observation, ParticipantAssignment, Step, Trajectory, WorkAdaptation
from wpo.trajectories.workflow import move

from .conftest import login
from .factories import SAMPLE_CONTENT, World, make_person

pytestmark = pytest.mark.django_db


def start_data(world: World, participant: Person | None, **changes: object) -> dict[str, object]:
    first = world.pa.version.assignment
    data: dict[str, object] = {
        "participant": participant.pk if participant else "",
        "department": world.department.pk,
        "wish_develop": "Beter samenwerken.",
        "wish_learn": "Hulp vragen.",
        "finds_hard": "Iets zeggen in het overleg.",
        "trainer_sees": "Ik zie dat je veel alleen doet.",
        "starts_on": date.today().isoformat(),
        "ends_on": (date.today() + timedelta(days=180)).isoformat(),
        "first_assignment": first.pk,
        f"skill_{world.skill.pk}": "on",
        f"self_{world.skill.pk}": "2",
        f"trainer_{world.skill.pk}": "3",
    }
    data.update(changes)
    return data


def test_start_a_trajectory_with_the_choice_card(client: Client, world: World) -> None:
    employee = make_person(world.org, [], world.department)
    login(client, world.trainer)
    page = client.get(reverse("trajectories:start")).content.decode()
    assert world.skill.name in page and "Waarin wil jij je ontwikkelen?" in page
    response = client.post(reverse("trajectories:start"), start_data(world, employee), follow=True)
    assert "is gestart. Maak nu de inlogkaart." in response.content.decode()
    trajectory = Trajectory.objects.get(participant=employee)
    assert trajectory.trainer == world.trainer and trajectory.phase == 2
    assert trajectory.wish_learn == "Hulp vragen." and trajectory.trainer_sees.startswith("Ik zie dat")
    chosen = trajectory.chosen_skills.get()
    assert (chosen.skill, chosen.self_rating, chosen.trainer_rating) == (world.skill, 2, 3)
    pa = ParticipantAssignment.objects.get(trajectory=trajectory)
    assert pa.step == Step.INTRODUCED and pa.version == world.pa.version.assignment.current_version
    employee.refresh_from_db()
    assert employee.is_participant and TrainerLink.objects.filter(participant=employee, trainer=world.trainer).exists()


def test_a_new_employee_can_be_invited_by_name(client: Client, world: World) -> None:
    login(client, world.trainer)
    client.post(reverse("trajectories:start"), start_data(world, None, first_name="Rosa", last_name="Lima"))
    rosa = Person.objects.get(user__first_name="Rosa")
    assert rosa.is_participant and rosa.organization == world.org
    assert Trajectory.objects.filter(participant=rosa).exists()


def test_a_period_outside_3_to_12_months_needs_confirmation(client: Client, world: World) -> None:
    employee = make_person(world.org, [], world.department)
    login(client, world.trainer)
    short = (date.today() + timedelta(days=30)).isoformat()
    body = client.post(reverse("trajectories:start"), start_data(world, employee, ends_on=short)).content.decode()
    assert "korter dan 3 maanden" in body
    assert not Trajectory.objects.filter(participant=employee).exists()
    client.post(reverse("trajectories:start"), start_data(world, employee, ends_on=short, period_confirmed="on"))
    assert Trajectory.objects.filter(participant=employee).exists()


def test_start_refuses_bad_input_with_dutch_messages(client: Client, world: World) -> None:
    employee = make_person(world.org, [], world.department)
    login(client, world.trainer)
    data = start_data(world, employee)
    data.pop(f"skill_{world.skill.pk}")
    body = client.post(reverse("trajectories:start"), data).content.decode()
    assert "Kies minstens één skill op de skill-keuzekaart." in body
    body = client.post(reverse("trajectories:start"), start_data(world, None)).content.decode()
    assert "Kies een medewerker, of vul de naam" in body
    # The participant of the world fixture already has a running trajectory.
    body = client.post(reverse("trajectories:start"), start_data(world, world.participant)).content.decode()
    assert "Selecteer een geldige keuze" in body or "al een lopend WPO-traject" in body
    assert Trajectory.objects.count() == 1


@pytest.mark.parametrize("role", [Role.COACH, Role.PARTICIPANT, Role.ADMINISTRATOR])
def test_only_a_trainer_starts_a_trajectory(role: Role, client: Client, world: World) -> None:
    employee = make_person(world.org, [], world.department)
    login(client, world.by_role(role))
    assert client.post(reverse("trajectories:start"), start_data(world, employee)).status_code == 403
    assert not Trajectory.objects.filter(participant=employee).exists()


def test_introduce_shows_the_trainer_tips_and_records_a_work_adaptation(client: Client, world: World) -> None:
    login(client, world.trainer)
    url = reverse("trajectories:introduce", args=[world.pa.pk])
    page = client.get(url).content.decode()
    # The participant's goal as the participant reads it: the werkplekopleider by first name.
    goal = SAMPLE_CONTENT["goal"].replace("{werkplekopleider}", world.trainer.user.first_name)
    assert SAMPLE_CONTENT["trainer"]["adapt_work"][0] in page and goal in page
    assert "Wanneer is de opdracht gehaald?" in page and escape(SAMPLE_CONTENT["trainer"]["criterion"]) in page
    body = client.post(url, {"description": "", "starts_on": date.today().isoformat()}).content.decode()
    assert "Dit veld is verplicht" in body
    client.post(url, {"description": "Werkt deze week met Kees.", "starts_on": date.today().isoformat()})
    adaptation = WorkAdaptation.objects.get()
    assert adaptation.participant_assignment == world.pa and adaptation.created_by == world.trainer


def test_an_observation_in_a_few_taps(client: Client, world: World) -> None:
    login(client, world.trainer)
    url = reverse("trajectories:observe", args=[world.pa.pk])
    behaviours = SAMPLE_CONTENT["trainer"]["observe"]
    assert behaviours[0] in client.get(url).content.decode()
    client.post(url, {"behaviours": behaviours[:2], "went_well": "on", "shared_with_participant": "on"})
    observation = Observation.objects.get()
    assert observation.behaviours == behaviours[:2] and observation.went_well and observation.shared_with_participant


def test_an_observation_needs_something_and_refuses_unknown_behaviour_or_a_fake_photo(
    client: Client,
    world: World,
    settings,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    settings.MEDIA_ROOT = tmp_path
    login(client, world.trainer)
    url = reverse("trajectories:observe", args=[world.pa.pk])
    assert "Tik minstens één gedrag aan" in client.post(url, {}).content.decode()
    assert "Selecteer een geldige keuze" in client.post(url, {"behaviours": ["Verzonnen gedrag"]}).content.decode()
    fake = SimpleUploadedFile("foto.jpg", b"not an image at all", content_type="image/jpeg")
    assert "Dit is geen foto" in client.post(url, {"note": "x", "photo": fake}).content.decode()
    assert not Observation.objects.exists()


@pytest.mark.parametrize("view", ["introduce", "observe"])
def test_introduce_and_observe_need_the_trainer_or_coach(view: str, client: Client, world: World) -> None:
    for person, status in ((world.participant, 403), (world.project_manager, 403), (world.coach, 200)):
        client.logout()
        login(client, person)
        assert client.get(reverse(f"trajectories:{view}", args=[world.pa.pk])).status_code == status
    other_trainer = make_person(world.org, [Role.TRAINER])
    client.logout()
    login(client, other_trainer)
    assert client.post(reverse("trajectories:observe", args=[world.pa.pk]), {"note": "x"}).status_code == 404
    assert not Observation.objects.exists()


def test_my_participants_puts_what_needs_me_first(client: Client, world: World) -> None:
    waiting = make_person(world.org, [Role.PARTICIPANT], world.department, first_name="Aaron")
    waiting.trainers.add(world.trainer, through_defaults={"organization": world.org})
    second = make_person(world.org, [Role.PARTICIPANT], world.department, first_name="Zoe")
    second.trainers.add(world.trainer, through_defaults={"organization": world.org})
    t = Trajectory.objects.create(
        organization=world.org,
        participant=second,
        trainer=world.trainer,
        department=world.department,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=120),
    )
    from wpo.trajectories.workflow import give_assignment

    pa = give_assignment(t, world.pa.version, actor=world.trainer)
    for step, actor in ((Step.PRACTISING, second), (Step.WORKING, second), (Step.LOOKING_BACK, second)):
        move(pa, step, actor=actor)
    login(client, world.trainer)
    body = client.get(reverse("trajectories:my_participants")).content.decode()
    order = [body.index(name) for name in ("Zoe", world.participant.user.first_name, "Aaron")]
    assert order == sorted(order), "look-back first, then 'introduce', then 'no trajectory yet'"
    assert "Terugkijken bespreken." in body and "Traject starten" in body


def test_a_refused_start_leaves_no_new_employee_behind_and_a_second_send_starts_once(
    client: Client, world: World
) -> None:
    """One transaction: before, a refusal in the second of two services left the newly made
    employee and their trainer link behind, and sending again made a second 'jan.jansen2'."""
    login(client, world.trainer)
    page = client.get(reverse("trajectories:start")).content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    people_before = Person.objects.count()
    refused = start_data(world, None, first_name="Jan", last_name="Jansen", submission=submission)
    refused["ends_on"] = refused["starts_on"]  # refused by the service: the end is not after the start
    refused["period_confirmed"] = "on"
    assert client.post(reverse("trajectories:start"), refused).status_code == 200
    assert Person.objects.count() == people_before
    good = start_data(world, None, first_name="Jan", last_name="Jansen", submission=submission)
    first = client.post(reverse("trajectories:start"), good)
    again = client.post(reverse("trajectories:start"), good)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Person.objects.filter(user__first_name="Jan", user__last_name="Jansen").count() == 1
    assert Person.objects.count() == people_before + 1
