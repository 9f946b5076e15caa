"""The participant's assignment, screen by screen, through HTTP."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from wpo.curriculum.wording import fill_content
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


def seen(world: World) -> dict:  # type: ignore[type-arg]
    """The sample text as the participant reads it: their werkplekopleider by first name."""
    return fill_content(SAMPLE_CONTENT, world.trainer.user.first_name)


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
    assert seen(world)["goal"] in body and "Begin met oefenen" in body
    client.post(url("start", world))
    world.pa.refresh_from_db()
    assert (world.pa.step, world.pa.practice_position) == (Step.PRACTISING, 1)

    first = seen(world)["questions"][0]
    right, wrong = right_and_wrong(first)
    body = client.post(url("answer", world, 1), wrong).content.decode()
    wrong_option = first["options"][int(wrong["answer"])]
    assert "Nog niet goed." in body and wrong_option["feedback"] in body
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
    assert "Dit is belangrijk" in body and seen(world)["summary"][0] in body
    client.post(url("next", world))
    body = client.get(url("assignment", world)).content.decode()
    assert "Dit ga je doen" in body and seen(world)["work_task"]["what"] in body
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
    assert seen(world)["questions"][number - 1]["feedback_wrong"] in body
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
    assert seen(world)["questions"][1]["prompt"] in body and "Vraag 2 van" in body


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
def test_participant_pages_run_at_most_11_queries_however_long_the_history(
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
    # 10 until issue 16; the home page's own interim evaluations (wpo.evaluations) are one query more.
    assert long == short <= 11, (short, long)


def test_home_shows_the_newest_achievements_and_counts_the_rest_in_one_line(client: Client, world: World) -> None:
    """The list and its count come from one query (a window count): both stay right as the history grows."""
    from wpo.learn.selectors import ACHIEVEMENTS_SHOWN

    login(client, world.participant)
    give_long_history(world, 2)
    body = client.get(reverse("learn:home")).content.decode()
    assert body.count('<span class="badge badge-ok">') == 2
    assert "En nog" not in body
    give_long_history(world, ACHIEVEMENTS_SHOWN + 1)
    body = client.get(reverse("learn:home")).content.decode()
    assert body.count('<span class="badge badge-ok">') == ACHIEVEMENTS_SHOWN
    assert "En nog 3 opdrachten gehaald." in body


# The second edition: options shuffled per participant and run, the werkplekopleider by name, the verdict once.


def shown_options(body: str) -> list[int]:
    """The answer options of a question screen, in the order shown, as the identity each one posts."""
    return [int(v) for v in re.findall(r'<input type="radio" name="answer" value="(-?\d+)"', body)]


def choice_questions() -> list[int]:
    return [n for n, q in enumerate(QUESTIONS, start=1) if q["kind"] != "order"]


def test_options_stay_in_their_place_on_a_retry_and_move_in_a_new_run(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    first = shown_options(client.get(url("assignment", world)).content.decode())
    assert sorted(first) == list(range(len(QUESTIONS[0]["options"])))
    _right, wrong = right_and_wrong(QUESTIONS[0])
    for _try in range(3):  # "Probeer nog een keer" does not move the answers
        body = client.post(url("answer", world, 1), wrong).content.decode()
        assert "Probeer nog een keer" in body and shown_options(body) == first
    assert shown_options(client.get(url("assignment", world)).content.decode()) == first
    world.pa.refresh_from_db()
    assert world.pa.practice_runs == 1

    from wpo.learn.services import option_order

    run_one = [option_order(world.pa, n) for n in choice_questions()]
    client.post(url("previous", world))  # back to the goal and the story …
    client.post(url("start", world))  # … and through the practice part again: a new attempt
    world.pa.refresh_from_db()
    assert world.pa.practice_runs == 2 and world.pa.practice_position == 1
    assert shown_options(client.get(url("assignment", world)).content.decode()) == option_order(world.pa, 1)
    assert [option_order(world.pa, n) for n in choice_questions()] != run_one


def test_participants_see_the_options_in_different_orders(world: World) -> None:
    from wpo.learn.services import option_order
    from wpo.trajectories.models import Trajectory
    from wpo.trajectories.workflow import give_assignment

    orders = set()
    for _ in range(6):
        participant = make_person(world.org, [Role.PARTICIPANT], world.department)
        trajectory = Trajectory.objects.create(
            organization=world.org,
            participant=participant,
            trainer=world.trainer,
            department=world.department,
            starts_on=world.trajectory.starts_on,
            ends_on=world.trajectory.ends_on,
        )
        pa = give_assignment(trajectory, world.pa.version, actor=world.trainer)
        pa.practice_runs = 1
        orders.add(tuple(tuple(option_order(pa, n)) for n in choice_questions()))
    assert len(orders) > 1


def test_the_answer_is_checked_by_the_options_identity_not_its_place(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    for number in choice_questions():
        question = QUESTIONS[number - 1]
        right, wrong = right_and_wrong(question)
        # A wrong option is wrong wherever it is shown, the right one right.
        body = client.post(url("answer", world, number), wrong).content.decode()
        assert "Nog niet goed." in body
        order = shown_options(body)
        assert "Goed zo!" in client.post(url("answer", world, number), right).content.decode()
        # The place on the screen means nothing: posting the right option's place is not the right answer.
        place = order.index(int(right["answer"]))
        if place != int(right["answer"]):
            body = client.post(url("answer", world, number), {"answer": str(place)}).content.decode()
            assert "Nog niet goed." in body
        client.post(url("next", world))
    stored = list(PracticeAnswer.objects.filter(participant_assignment=world.pa, is_correct=True))
    assert all(
        QUESTIONS[a.question_index]["options"][a.answer]["correct"] for a in stored
    )  # the identity is what is kept
    body = client.post(url("answer", world, choice_questions()[0]), {"answer": "-1"}).content.decode()
    assert "Kies eerst een antwoord." in body


def test_the_werkplekopleider_is_called_by_first_name_on_screen(client: Client, world: World) -> None:
    name = world.trainer.user.first_name
    login(client, world.participant)
    body = client.get(url("assignment", world)).content.decode()
    assert f"Je vraagt hulp aan {name} als je iets niet weet." in body
    client.post(url("start", world))
    seen_text = body
    for number, question in enumerate(QUESTIONS, start=1):
        body = client.get(url("assignment", world)).content.decode()
        seen_text += body
        if question["kind"] == "order":
            answers = [order_answer(world, number, False)]
        else:  # every option, to read every feedback
            answers = [{"answer": str(i)} for i in range(len(question["options"]))]
        for data in answers:
            seen_text += client.post(url("answer", world, number), data).content.decode()
        client.post(url("next", world))
    for _screen in ("summary", "work task"):
        seen_text += client.get(url("assignment", world)).content.decode()
        client.post(url("next", world))
    assert f"Ik vraag {name} waar ze liggen." in seen_text  # an option in the participant's voice
    assert f"Ik loop naar {name}." in seen_text  # a step of the order question
    assert f"Vraag het zelf aan {name}." in seen_text  # feedback on a wrong option
    assert f"{name} weet waar de rollen liggen." in seen_text  # feedback that starts with the name
    assert f"{name} legt iets uit." in seen_text  # a question that starts with the name
    assert f"Vraag deze week hulp aan {name} als je iets niet weet." in seen_text
    assert "{werkplekopleider}" not in seen_text and "mijn werkplekopleider" not in seen_text


def test_without_a_first_name_the_screen_says_je_werkplekopleider(client: Client, world: World) -> None:
    world.trainer.user.first_name = ""
    world.trainer.user.save()
    login(client, world.participant)
    body = client.get(url("assignment", world)).content.decode()
    assert "Je vraagt hulp aan je werkplekopleider als je iets niet weet." in body
    client.post(url("start", world))
    number = next(n for n, q in enumerate(QUESTIONS, start=1) if q["prompt"].startswith("{werkplekopleider}"))
    for _ in range(number - 1):
        client.post(url("next", world))
    body = client.get(url("assignment", world)).content.decode()
    assert "Je werkplekopleider legt iets uit." in body and "Ik vraag mijn werkplekopleider" not in body
    assert "{werkplekopleider}" not in body


def test_the_verdict_stands_once_above_the_reason(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    right, wrong = right_and_wrong(QUESTIONS[0])
    for data, verdict, other in ((wrong, "Nog niet goed.", "Goed zo!"), (right, "Goed zo!", "Nog niet goed.")):
        body = client.post(url("answer", world, 1), data).content.decode()
        feedback = re.search(r'<div class="feedback [^"]*" role="status"[^>]*>(.*?)</div>', body, re.S)
        assert feedback is not None
        paragraphs = [
            re.sub(r"<[^>]+>", "", p).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>", feedback.group(1), re.S)
        ]
        reason = seen(world)["questions"][0]["options"][int(data["answer"])]["feedback"]
        assert paragraphs == [verdict, reason]
        assert body.count(verdict) == 1 and other not in body and "Bijna" not in body


def test_the_story_shows_each_picture_with_what_it_shows(client: Client, world: World) -> None:
    login(client, world.participant)
    body = client.get(url("assignment", world)).content.decode()
    for scene in SAMPLE_CONTENT["video"]["story"]:
        assert f'src="/static/illustrations/{scene["picture"]}.svg" alt="{escape(scene["alt"])}"' in body
    assert 'alt=""' not in body.split('class="story"')[1].split("</ol>")[0]


def test_the_story_comes_with_a_player_at_the_captions_pace(client: Client, world: World) -> None:
    from wpo.curriculum.captions import MIN_CUE_SECONDS, SECONDS_PER_WORD

    login(client, world.participant)
    body = client.get(url("assignment", world)).content.decode()
    assert f'data-seconds-per-word="{SECONDS_PER_WORD}" data-min-seconds="{MIN_CUE_SECONDS}"' in body
    assert 'src="/static/js/story.js" defer' in body
    # Without the script the player stays hidden: the story is the pictures with text.
    assert '<p class="story-start" hidden>' in body and '<section class="story-stage" hidden' in body


def test_an_uploaded_video_plays_instead_of_the_story_with_dutch_captions(client: Client, world: World) -> None:
    version = world.pa.version
    content = {**version.content, "video": {**version.content["video"], "file": "videos/0123abcd.mp4"}}
    type(version).objects.filter(pk=version.pk).update(content=content)
    login(client, world.participant)
    body = client.get(url("assignment", world)).content.decode()
    video = reverse("curriculum:video", args=[version.pk])
    captions = reverse("curriculum:captions", args=[version.pk])
    assert f'<video class="assignment-video" controls preload="metadata" src="{video}">' in body
    assert f'<track default kind="captions" srclang="nl" label="Nederlands" src="{captions}">' in body
    assert "data-story-play" not in body  # the video is the film: no second player
    vtt = client.get(captions).content.decode()
    assert vtt.startswith("WEBVTT") and vtt.count(" --> ") == len(SAMPLE_CONTENT["video"]["story"])
