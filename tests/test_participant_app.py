"""The participant's assignment, screen by screen, through HTTP."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wpo.orgs.models import Role
from wpo.trajectories.models import (
    CoachingConversation,
    LookBackAnswer,
    Observation,
    ParticipantQuestion,
    PracticeAnswer,
    Step,
)

from .conftest import login
from .factories import SAMPLE_CONTENT, World, make_person

pytestmark = pytest.mark.django_db

PNG = (  # a real 2×2 PNG: photos are decoded and stored afresh without their metadata
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9as\x00\x00\x00\x16IDATx"
    b"\x9cc\xd4\x9a\xdb\xcf\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0\xc0\x00\x00\x0f\xcd\x01Z,5CQ\x00\x00\x00\x00IEND\xaeB`\x82"
)
OGG = b"OggS" + b"\x00" * 64
QUESTIONS = SAMPLE_CONTENT["questions"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(name: str, world: World, *args: object) -> str:
    return reverse(f"learn:{name}", args=[world.pa.pk, *args])


def right_and_wrong(question: dict) -> tuple[dict, dict]:  # type: ignore[type-arg]
    if question["kind"] == "order":
        raise AssertionError("use order helpers")
    right = next(i for i, o in enumerate(question["options"]) if o["correct"])
    wrong = next(i for i, o in enumerate(question["options"]) if not o["correct"])
    return {"answer": str(right)}, {"answer": str(wrong)}


def order_answer(world: World, number: int, right: bool) -> dict[str, list[str]]:
    from wpo.learn.services import shuffled_steps

    world.pa.refresh_from_db()
    shown = shuffled_steps(world.pa, number)
    positions = [str(index + 1) for index, _text in shown]
    if not right:
        positions = positions[::-1]
    return {"position": positions}


def answer_all(client: Client, world: World) -> None:
    for number, question in enumerate(QUESTIONS, start=1):
        data = order_answer(world, number, True) if question["kind"] == "order" else right_and_wrong(question)[0]
        assert "Goed zo!" in client.post(url("answer", world, number), data).content.decode()
        client.post(url("next", world))


def test_the_whole_practice_part_then_the_work_task(client: Client, world: World) -> None:
    login(client, world.participant)
    body = client.get(url("assignment", world)).content.decode()
    assert SAMPLE_CONTENT["goal"] in body and "Begin met oefenen" in body
    client.post(url("start", world))
    world.pa.refresh_from_db()
    assert (world.pa.step, world.pa.practice_position) == (Step.PRACTISING, 1)

    first = QUESTIONS[0]
    right, wrong = right_and_wrong(first)
    body = client.post(url("answer", world, 1), wrong).content.decode()
    wrong_option = first["options"][int(wrong["answer"])]
    assert "Bijna! Kijk nog eens goed." in body and wrong_option["feedback"] in body
    assert "Probeer nog een keer" in body
    body = client.post(url("answer", world, 1), right).content.decode()
    assert "Goed zo!" in body and first["options"][int(right["answer"])]["feedback"] in body
    assert list(
        PracticeAnswer.objects.filter(participant_assignment=world.pa).values_list("is_correct", flat=True)
    ) == [
        False,
        True,
    ]
    client.post(url("next", world))
    for number, question in enumerate(QUESTIONS[1:], start=2):
        data = order_answer(world, number, True) if question["kind"] == "order" else right_and_wrong(question)[0]
        assert "Goed zo!" in client.post(url("answer", world, number), data).content.decode()
        client.post(url("next", world))
    body = client.get(url("assignment", world)).content.decode()
    assert "Dit is belangrijk" in body and SAMPLE_CONTENT["summary"][0] in body
    client.post(url("next", world))
    body = client.get(url("assignment", world)).content.decode()
    assert "Dit ga je doen" in body and SAMPLE_CONTENT["work_task"]["what"] in body
    response = client.post(url("work_task_start", world), follow=True)
    assert "Nu ga je deze week aan de slag" in response.content.decode()
    world.pa.refresh_from_db()
    assert world.pa.step == Step.WORKING
    assert list(world.pa.history.values_list("to_step", flat=True)) == ["introduced", "practising", "working"]


def test_an_order_question_in_the_wrong_order_gets_encouraging_feedback(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    number = next(i for i, q in enumerate(QUESTIONS, start=1) if q["kind"] == "order")
    body = client.post(url("answer", world, number), order_answer(world, number, False)).content.decode()
    assert QUESTIONS[number - 1]["feedback_wrong"] in body
    body = client.post(url("answer", world, number), {"position": ["1", "1", "2", "3"]}).content.decode()
    assert "Geef elke stap een ander nummer" in body


def test_leaving_and_coming_back_resumes_at_the_same_screen(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    client.post(url("answer", world, 1), right_and_wrong(QUESTIONS[0])[0])
    client.post(url("next", world))
    client.logout()
    login(client, world.participant)
    body = client.get(url("assignment", world)).content.decode()
    assert QUESTIONS[1]["prompt"] in body and "Vraag 2 van" in body


def test_htmx_gets_only_the_screen(client: Client, world: World) -> None:
    login(client, world.participant)
    body = client.post(url("start", world), headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<div id="screen"') and "<html" not in body


def test_without_an_answer_nothing_is_saved_and_the_message_is_clear(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    body = client.post(url("answer", world, 1), {}).content.decode()
    assert "Kies eerst een antwoord." in body
    assert not PracticeAnswer.objects.exists()


def test_the_work_task_cannot_start_before_the_practice_is_done(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    body = client.post(url("work_task_start", world)).content.decode()
    assert "Maak eerst het oefendeel af." in body
    world.pa.refresh_from_db()
    assert world.pa.step == Step.PRACTISING


def go_to_work(client: Client, world: World) -> None:
    client.post(url("start", world))
    answer_all(client, world)
    client.post(url("next", world))
    client.post(url("work_task_start", world))


def test_look_back_with_a_choice_typed_text_a_photo_and_a_voice_note(client: Client, world: World, media: Path) -> None:
    login(client, world.participant)
    go_to_work(client, world)
    n = len(SAMPLE_CONTENT["look_back"])
    data: dict[str, object] = {f"v{i}-feeling": "good" for i in range(n)}
    data["v0-text"] = "Ik vroeg Ahmed om hulp bij de machine."
    data["v1-photo"] = SimpleUploadedFile("IMG_0001.jpg", PNG, content_type="image/jpeg")
    data["v2-voice_note"] = SimpleUploadedFile("opname.ogg", OGG, content_type="audio/ogg")
    response = client.post(url("look_back", world), data, follow=True)
    assert "Je werkplekopleider leest je antwoorden" in response.content.decode()
    world.pa.refresh_from_db()
    assert world.pa.step == Step.LOOKING_BACK
    answers = list(LookBackAnswer.objects.filter(participant_assignment=world.pa).order_by("question_index"))
    assert len(answers) == n and answers[0].text.startswith("Ik vroeg Ahmed")
    photo = answers[1].photo.name
    assert photo.startswith("lookback/photos/") and photo.endswith(".png") and "IMG_0001" not in photo
    media_url = reverse("learn:look_back_media", args=[answers[1].pk, "foto"])
    got = client.get(media_url)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    client.logout()
    login(client, world.trainer)
    assert client.get(media_url).status_code == 200
    client.logout()
    login(client, make_person(world.org, [Role.PARTICIPANT]))
    assert client.get(media_url).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_saved(client: Client, world: World, media: Path) -> None:
    login(client, world.participant)
    go_to_work(client, world)
    n = len(SAMPLE_CONTENT["look_back"])
    data: dict[str, object] = {f"v{i}-feeling": "bit" for i in range(n)}
    data["v0-photo"] = SimpleUploadedFile("foto.jpg", b"#!/bin/sh\nrm -rf /", content_type="image/jpeg")
    response = client.post(url("look_back", world), data)
    assert response.status_code == 400
    assert "Dit is geen foto" in response.content.decode()
    assert not LookBackAnswer.objects.exists() and not list(media.rglob("*.*"))
    world.pa.refresh_from_db()
    assert world.pa.step == Step.WORKING


def test_every_look_back_question_needs_an_answer(client: Client, world: World) -> None:
    login(client, world.participant)
    go_to_work(client, world)
    response = client.post(url("look_back", world), {"v0-feeling": "good"})
    assert "Vraag 2 heeft nog geen antwoord." in response.content.decode()
    assert not LookBackAnswer.objects.exists()


def test_home_shows_the_next_step_the_next_conversation_and_what_the_trainer_shared(
    client: Client, world: World
) -> None:
    when = timezone.now() + timedelta(days=2)
    CoachingConversation.objects.create(
        organization=world.org, trajectory=world.trajectory, planned_at=when, location="Kantine"
    )
    for shared, note in ((True, "Je vroeg heel duidelijk om hulp."), (False, "Interne notitie voor de coach.")):
        Observation.objects.create(
            organization=world.org,
            participant_assignment=world.pa,
            author=world.trainer,
            observed_at=timezone.now(),
            note=note,
            shared_with_participant=shared,
        )
    login(client, world.participant)
    body = client.get(reverse("learn:home")).content.decode()
    assert "Begin met je nieuwe opdracht." in body and "Kantine" in body
    assert "Je vroeg heel duidelijk om hulp." in body and "Interne notitie" not in body
    assert world.skill.name in body


def test_a_question_for_the_conversation_is_kept(client: Client, world: World) -> None:
    login(client, world.participant)
    response = client.post(reverse("learn:ask"), {"text": "Mag ik ook in de kantine werken?"}, follow=True)
    assert "Je vraag is bewaard" in response.content.decode()
    assert ParticipantQuestion.objects.get().trajectory == world.trajectory
    response = client.post(reverse("learn:ask"), {"text": "  "}, follow=True)
    assert "Schrijf je vraag op, of neem hem op." in response.content.decode()
    assert ParticipantQuestion.objects.count() == 1


@pytest.mark.parametrize("name", ["start", "next", "previous", "work_task_start"])
def test_post_only_screens_reject_get(name: str, client: Client, world: World) -> None:
    login(client, world.participant)
    assert client.get(url(name, world)).status_code == 405


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COACH, Role.ADMINISTRATOR])
def test_staff_cannot_answer_for_a_participant(role: Role, client: Client, world: World) -> None:
    login(client, world.by_role(role))
    assert client.post(url("start", world)).status_code == 403
    assert client.post(reverse("learn:ask"), {"text": "x"}).status_code == 403
    world.pa.refresh_from_db()
    assert world.pa.step == Step.INTRODUCED


def test_another_participant_cannot_open_my_assignment(client: Client, world: World) -> None:
    login(client, make_person(world.org, [Role.PARTICIPANT]))
    assert client.get(url("assignment", world)).status_code == 404
    assert client.post(url("start", world)).status_code == 404
    world.pa.refresh_from_db()
    assert world.pa.step == Step.INTRODUCED


def give_long_history(world: World, assignments: int) -> None:
    from wpo.trajectories.workflow import give_assignment, move

    version = world.pa.version
    for _ in range(assignments):
        old = give_assignment(world.trajectory, version, actor=world.trainer)
        for step in (Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK):
            move(old, step, actor=world.participant)
        for step in (Step.INDEPENDENT, Step.ASSESSING, Step.ACHIEVED):
            move(old, step, actor=world.trainer)
        PracticeAnswer.objects.bulk_create(
            PracticeAnswer(
                organization=world.org, participant_assignment=old, question_index=i % 4, answer=0, is_correct=True
            )
            for i in range(10)
        )
        Observation.objects.create(
            organization=world.org,
            participant_assignment=old,
            author=world.trainer,
            observed_at=timezone.now(),
            note="Goed gedaan.",
            shared_with_participant=True,
        )
        ParticipantQuestion.objects.create(organization=world.org, trajectory=world.trajectory, text="Vraag")


def count_queries(client: Client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["home", "assignment", "question", "look_back"])
def test_participant_pages_run_at_most_10_queries_however_long_the_history(
    page: str, client: Client, world: World
) -> None:
    login(client, world.participant)
    if page == "question":
        client.post(url("start", world))
    if page == "look_back":
        go_to_work(client, world)
    path = reverse("learn:home") if page == "home" else url("look_back" if page == "look_back" else "assignment", world)
    give_long_history(world, 2)
    short = count_queries(client, path)
    give_long_history(world, 25)
    long = count_queries(client, path)
    assert long == short <= 10, (short, long)
