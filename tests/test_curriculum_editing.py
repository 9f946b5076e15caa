"""Content editors edit every part of an assignment, preview it as the participant sees it, and
publish a new version; work in progress stays on the version it started with."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from wpo.curriculum import content_format
from wpo.curriculum.forms import AssignmentForm
from wpo.curriculum.models import Assignment, AssignmentVersion, Skill
from wpo.curriculum.wording import fill_content
from wpo.orgs.models import Role
from wpo.trajectories.models import ParticipantAssignment

from .conftest import login
from .factories import World

pytestmark = pytest.mark.django_db

_, REAL_ASSIGNMENTS, _problems = content_format.validate_tree(Path(settings.CONTENT_DIR))
SAMPLE = next(a for a in REAL_ASSIGNMENTS if (a["skill"], a["subskill"], a["level"]) == ("overleggen", 1, "A"))


def form_data(**changes: str) -> dict[str, str]:
    data = {k: v for k, v in AssignmentForm.initial_from(SAMPLE).items()}
    data.update(changes)
    return data


def own_assignment(world: World) -> Assignment:
    return world.pa.version.assignment


def test_preview_shows_every_screen_and_publishes_nothing(client: Client, world: World) -> None:
    login(client, world.content_editor)
    assignment = own_assignment(world)
    response = client.post(
        reverse("curriculum:assignment_edit", args=[assignment.pk]), {**form_data(), "action": "preview"}
    )
    body = response.content.decode()
    assert "Zo ziet de deelnemer het" in body and "Leesgemak (Flesch-Douma)" in body
    # The preview shows the participant's text as on paper: no name, "je werkplekopleider".
    preview = body.split('id="voorbeeld-titel"')[1].split("<form")[0]
    shown = fill_content(SAMPLE)
    for part in (shown["goal"], shown["questions"][0]["prompt"], shown["summary"][0], shown["work_task"]["what"]):
        assert escape(part) in preview
    assert "{werkplekopleider}" not in preview and "aan je werkplekopleider" in preview
    scene = SAMPLE["video"]["story"][0]
    assert f'src="/static/illustrations/{scene["picture"]}.svg" alt="{escape(scene["alt"])}"' in preview
    assert assignment.versions.count() == 1


def test_publishing_makes_a_new_version_and_work_in_progress_keeps_its_own(client: Client, world: World) -> None:
    login(client, world.content_editor)
    assignment = own_assignment(world)
    old_version = world.pa.version
    response = client.post(
        reverse("curriculum:assignment_edit", args=[assignment.pk]),
        {**form_data(title="Ik vraag om hulp, nieuw"), "action": "publish"},
        follow=True,
    )
    assert "Versie 2 van ‘Ik vraag om hulp, nieuw’ is gepubliceerd" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.current_version is not None and assignment.current_version.number == 2
    assert assignment.current_version.content["title"] == "Ik vraag om hulp, nieuw"
    assert assignment.current_version.content["skill"] == world.skill.code
    assert assignment.current_version.published_by == world.content_editor.user
    world.pa.refresh_from_db()
    assert world.pa.version == old_version  # the participant keeps the version they started with
    assert ParticipantAssignment.objects.filter(version=assignment.current_version).count() == 0


def test_publishing_the_same_text_twice_makes_one_version(client: Client, world: World) -> None:
    login(client, world.content_editor)
    url = reverse("curriculum:assignment_edit", args=[own_assignment(world).pk])
    client.post(url, {**form_data(), "action": "publish"})
    client.post(url, {**form_data(), "action": "publish"})
    assert own_assignment(world).versions.count() == 2


def test_problems_are_shown_at_the_field_and_nothing_is_published(client: Client, world: World) -> None:
    login(client, world.content_editor)
    assignment = own_assignment(world)
    url = reverse("curriculum:assignment_edit", args=[assignment.pk])
    few = form_data(
        questions=(
            "- kind: true_false\n  prompt: Klopt dit?\n  options:\n"
            "  - text: Waar\n    correct: true\n    feedback: Ja.\n"
            "  - text: Niet waar\n    correct: false\n    feedback: Nee.\n"
        )
    )
    body = client.post(url, {**few, "action": "publish"}).content.decode()
    assert "verwacht minstens 4 oefenvragen" in body
    body = client.post(url, {**form_data(questions="- kind: [kapot"), "action": "publish"}).content.decode()
    assert "De vragen zijn geen geldige YAML" in body
    body = client.post(url, {**form_data(story="werkvloer Sanne werkt."), "action": "publish"}).content.decode()
    assert "schrijf eerst het plaatje, dan |, dan wat het plaatje laat zien, dan | en dan de tekst" in body
    # The old form without a description of the picture is refused the same way.
    body = client.post(url, {**form_data(story="werkvloer | Sanne werkt."), "action": "publish"}).content.decode()
    assert "Regel 1: schrijf eerst het plaatje" in body
    assert assignment.versions.count() == 1


def test_the_editor_carries_each_pictures_description_and_the_criterion(client: Client, world: World) -> None:
    login(client, world.content_editor)
    assignment = own_assignment(world)
    url = reverse("curriculum:assignment_edit", args=[assignment.pk])
    form = client.get(url).content.decode()
    first = world.pa.version.content["video"]["story"][0]
    assert escape(f"{first['picture']} | {first['alt']} | {first['text']}") in form
    assert "wanneer is de opdracht gehaald?" in form
    criterion = "Vraagt in de zelfstandigheidsweek op minstens drie dagen zelf om hulp."
    story = "duim | Iemand steekt een duim op. | Ineke is klaar.\n" + form_data()["story"]
    client.post(url, {**form_data(trainer_criterion=criterion, story=story), "action": "publish"})
    assignment.refresh_from_db()
    published = assignment.current_version.content  # type: ignore[union-attr]
    assert published["trainer"]["criterion"] == criterion
    assert published["video"]["story"][0] == {
        "picture": "duim",
        "alt": "Iemand steekt een duim op.",
        "text": "Ineke is klaar.",
    }
    assert published["video"]["story"][1:] == SAMPLE["video"]["story"]


def test_a_missing_criterion_or_picture_is_refused_at_its_field(client: Client, world: World) -> None:
    login(client, world.content_editor)
    assignment = own_assignment(world)
    url = reverse("curriculum:assignment_edit", args=[assignment.pk])
    body = client.post(url, {**form_data(trainer_criterion=""), "action": "publish"}).content.decode()
    assert "Niet alles klopt nog" in body and "Dit veld is verplicht" in body
    story = form_data()["story"] + "\nbestaat-niet | Een leeg plaatje. | Ineke gaat naar huis."
    body = client.post(url, {**form_data(story=story), "action": "publish"}).content.decode()
    assert "plaatje illustrations/bestaat-niet.svg bestaat niet" in body
    body = client.post(url, {**form_data(story=story), "action": "preview"}).content.decode()
    assert "plaatje illustrations/bestaat-niet.svg bestaat niet" in body and "Zo ziet de deelnemer het" not in body
    assert assignment.versions.count() == 1


def test_text_that_is_too_hard_to_read_is_not_published(client: Client, world: World) -> None:
    login(client, world.content_editor)
    assignment = own_assignment(world)
    hard = (
        "De arbeidsorganisatorische interventiemogelijkheden binnen de productieomgeving "
        "vereisen systematische communicatievaardigheden en organisatiesensitiviteit."
    )
    # Look-back questions stay open questions (the second edition's rule), only their words are hard.
    look_back = "\n".join(f"{opening} {hard}" for opening in ("Wat ging goed bij:", "Hoe gingen:", "Waarom:"))
    data = form_data(explanation=hard, goal=hard, summary="\n".join([hard] * 3), look_back=look_back)
    body = client.post(
        reverse("curriculum:assignment_edit", args=[assignment.pk]), {**data, "action": "publish"}
    ).content.decode()
    assert "is te moeilijk; minstens 70 nodig" in body
    assert assignment.versions.count() == 1


def test_the_national_curriculum_needs_the_national_permission(client: Client, world: World) -> None:
    call_command("load_curriculum", verbosity=0)
    national = Assignment.objects.get(subskill__skill__code="overleggen", subskill__number=1, level="A")
    url = reverse("curriculum:assignment_edit", args=[national.pk])
    login(client, world.content_editor)
    assert client.post(url, {**form_data(), "action": "publish"}).status_code == 403
    world.content_editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    client.post(url, {**form_data(title="Ik vraag hulp"), "action": "publish"})
    assert AssignmentVersion.objects.filter(assignment=national).count() == 2


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COACH, Role.ADMINISTRATOR, Role.PARTICIPANT])
def test_editing_requires_the_content_editor_role(role: Role, client: Client, world: World) -> None:
    login(client, world.by_role(role))
    assignment = own_assignment(world)
    assert (
        client.post(
            reverse("curriculum:assignment_edit", args=[assignment.pk]), {**form_data(), "action": "publish"}
        ).status_code
        == 403
    )
    assert client.post(reverse("curriculum:skill_new"), {}).status_code == 403
    assert assignment.versions.count() == 1


def skill_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Veilig werken",
        "code": "veilig-werken",
        "order": 9,
        "explanation": "Je werkt veilig. Je let op jezelf en op anderen.",
        "choice_card_hard_text": (
            "Ik vind het moeilijk om op te letten.\nIk vind het moeilijk om te stoppen als het niet veilig is."
        ),
        "choice_card_better_text": "Ik wil beter worden in veilig werken.\nIk wil beter worden in opletten.",
        "pictogram_file": SimpleUploadedFile(
            "p.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><title>Veilig</title></svg>'
        ),
    }
    for n in (1, 2):
        data.update(
            {
                f"sub{n}-name": f"Deel {n}",
                f"sub{n}-description": "d",
                f"sub{n}-level_a": "a",
                f"sub{n}-level_b": "b",
                f"sub{n}-level_c": "c",
            }
        )
    data.update(changes)
    return data


def test_an_organisation_adds_a_skill_of_its_own(client: Client, world: World, other_world: World) -> None:
    login(client, world.content_editor)
    response = client.post(reverse("curriculum:skill_new"), skill_data(), follow=True)
    assert "Skill ‘Veilig werken’ is opgeslagen" in response.content.decode()
    skill = Skill.objects.get(code="veilig-werken")
    assert skill.organization == world.org and skill.subskills.count() == 2
    assert Assignment.objects.filter(subskill__skill=skill, current_version__isnull=True).count() == 6
    assert "Veilig werken" in response.content.decode()
    # The other organisation does not see it.
    client.logout()
    login(client, other_world.coach)
    assert "Veilig werken" not in client.get(reverse("curriculum:catalogue")).content.decode()


def test_a_pictogram_with_a_script_is_refused(client: Client, world: World) -> None:
    login(client, world.content_editor)
    evil = SimpleUploadedFile("p.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>')
    body = client.post(reverse("curriculum:skill_new"), skill_data(pictogram_file=evil)).content.decode()
    assert "Een pictogram mag geen scripts bevatten" in body
    assert not Skill.objects.filter(code="veilig-werken").exists()


def test_choice_card_statements_are_checked(client: Client, world: World) -> None:
    login(client, world.content_editor)
    body = client.post(
        reverse("curriculum:skill_new"), skill_data(choice_card_better_text="Beter opletten.\nVeilig werken.")
    ).content.decode()
    assert "Elke zin begint met ‘Ik wil beter worden in’" in body
    assert not Skill.objects.filter(code="veilig-werken").exists()


def test_editing_an_own_skill_keeps_its_code(client: Client, world: World) -> None:
    login(client, world.content_editor)
    url = reverse("curriculum:skill_edit", args=[world.skill.pk])
    assert client.get(url).status_code == 200
    client.post(url, skill_data(name="Nieuwe naam", code="iets-anders", pictogram_file=""))
    world.skill.refresh_from_db()
    assert world.skill.name == "Nieuwe naam" and world.skill.code.startswith("skill-")


MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def test_an_uploaded_video_is_served_with_captions_through_the_access_layer(
    client: Client,
    world: World,
    other_world: World,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    settings.MEDIA_ROOT = tmp_path
    login(client, world.content_editor)
    assignment = own_assignment(world)
    video = SimpleUploadedFile("film.mp4", MP4_HEAD, content_type="video/mp4")
    client.post(
        reverse("curriculum:assignment_edit", args=[assignment.pk]),
        {**form_data(), "video_file": video, "action": "publish"},
    )
    assignment.refresh_from_db()
    version = assignment.current_version
    assert version is not None and version.content["video"]["file"].startswith("videos/")
    assert not version.content["video"]["file"].endswith("film.mp4")  # never the uploaded, guessable name
    client.logout()
    login(client, world.participant)
    response = client.get(reverse("curriculum:video", args=[version.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    assert b"".join(response.streaming_content) == MP4_HEAD  # type: ignore[attr-defined]
    vtt = client.get(reverse("curriculum:captions", args=[version.pk])).content.decode()
    assert vtt.startswith("WEBVTT") and vtt.count(" --> ") == len(SAMPLE["video"]["story"])
    assert SAMPLE["video"]["story"][0]["text"] in vtt and "{werkplekopleider}" not in vtt
    client.logout()
    login(client, other_world.participant)
    assert client.get(reverse("curriculum:video", args=[version.pk])).status_code == 404


def test_a_file_that_is_not_a_video_is_refused(client: Client, world: World, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    login(client, world.content_editor)
    fake = SimpleUploadedFile("film.mp4", b"MZ\x90\x00 this is a program", content_type="video/mp4")
    body = client.post(
        reverse("curriculum:assignment_edit", args=[own_assignment(world).pk]),
        {**form_data(), "video_file": fake, "action": "publish"},
    ).content.decode()
    assert "Dit is geen mp4- of webm-video" in body
    assert own_assignment(world).versions.count() == 1
    assert not list(tmp_path.rglob("*.mp4"))


def test_captions_follow_the_story() -> None:
    from wpo.curriculum.captions import webvtt

    vtt = webvtt([{"text": "Een twee drie."}, {"text": "Vier --> vijf " + "woord " * 20}])
    assert vtt.splitlines()[:4] == ["WEBVTT", "", "1", "00:00:00.000 --> 00:00:03.000"]
    assert "00:00:03.000 --> 00:00:13.350" in vtt and "Vier -> vijf" in vtt
