"""The look-back one question per screen (issue 18): position kept, a given answer shown again, each
answer written once, Dutch messages, nobody else's look-back, and a voice note recorded in the page."""

import re
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wpo.learn import services as learn
from wpo.learn.services import LookBackInput
from wpo.orgs.models import Role
from wpo.trajectories import workflow
from wpo.trajectories.models import LookBackAnswer, Step, StepChange

from .conftest import login
from .factories import SAMPLE_CONTENT, World, make_person, make_world
from .test_participant_app import OGG

pytestmark = pytest.mark.django_db

QUESTIONS = SAMPLE_CONTENT["look_back"]
N = len(QUESTIONS)
# The first bytes of what Chromium's MediaRecorder writes for "audio/webm;codecs=opus": the EBML
# header with the doctype "webm", then the segment.
CHROMIUM_WEBM = (
    bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701ffffffffffffff")
    + b"\x00" * 200
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def working(world: World) -> None:
    workflow.move(world.pa, Step.PRACTISING, actor=world.participant)
    workflow.move(world.pa, Step.WORKING, actor=world.participant)
    world.pa.refresh_from_db()


def screen(world: World, number: int | None = None) -> str:
    base = reverse("learn:look_back", args=[world.pa.pk])
    return base if number is None else f"{base}?vraag={number}"


def answer(number: int, key: str | None = None, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {f"v{number - 1}-{name}": value for name, value in fields.items()}
    data["idempotency_key"] = key or str(uuid.uuid4())
    return data


def given(world: World) -> list[LookBackAnswer]:
    return list(LookBackAnswer.objects.filter(participant_assignment=world.pa).order_by("question_index"))


def test_each_question_has_its_own_screen_with_where_you_are(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    body = client.get(screen(world)).content.decode()
    assert f"Vraag 1 van {N}" in body and QUESTIONS[0] in body and QUESTIONS[1] not in body
    assert f'action="{screen(world, 1)}"' in body and 'enctype="multipart/form-data"' in body
    assert body.count('<li class="dot') == N and 'class="dot dot-here"' in body
    # Faces first, then tell about it (voice, then text), then the photo.
    order = [body.index(s) for s in ('name="v0-feeling"', 'name="v0-voice_note"', 'name="v0-text"', 'name="v0-photo"')]
    assert order == sorted(order)
    assert "Spreek in" in body and 'data-listen="#terugkijkvraag"' in body
    # Offline: every question's screen is kept; an answer waits and goes on to the next kept screen.
    assert f'data-wpo-keep="{" ".join(screen(world, n) for n in range(1, N + 1))}"' in body
    assert f'data-wpo-queue="next" data-wpo-offline-go="{screen(world, 2)}"' in body
    last = client.get(screen(world, N)).content.decode()
    assert 'data-wpo-queue="done"' in last and "Klaar, stuur naar mijn werkplekopleider" in last
    assert f'href="{screen(world, N - 1)}"' in last  # back to the previous question


def test_leaving_and_coming_back_returns_to_the_question_you_were_at(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    response = client.post(screen(world, 1), answer(1, feeling="good"))
    assert response.status_code == 302 and response["Location"] == screen(world, 2)
    client.post(screen(world, 2), answer(2, text="Ik vroeg waar de handschoenen lagen."))
    client.logout()
    login(client, world.participant)
    body = client.get(screen(world)).content.decode()
    assert f"Vraag 3 van {N}" in body and QUESTIONS[2] in body
    assert body.count("dot dot-done") == 2
    world.pa.refresh_from_db()
    assert world.pa.step == Step.WORKING  # nothing sent to the trainer yet


def test_going_back_shows_the_answer_given(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    voice = SimpleUploadedFile("opname.ogg", OGG, content_type="audio/ogg")
    client.post(screen(world, 1), answer(1, feeling="bit", text="Ik vroeg Ahmed.", voice_note=voice))
    body = client.get(screen(world, 1)).content.decode()
    assert re.search(r'<input type="radio" name="v0-feeling" value="bit"[^>]* checked>', body)
    assert body.count(" checked") == 1
    assert "Ik vroeg Ahmed.</textarea>" in body
    record = given(world)[0]
    assert f'src="{reverse("learn:look_back_media", args=[record.pk, "spraak"])}"' in body
    assert "Dit heb je al ingesproken" in body


def test_each_answer_is_written_once_and_changed_when_you_go_back(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    key = str(uuid.uuid4())
    voice = SimpleUploadedFile("opname.ogg", OGG, content_type="audio/ogg")
    for _ in range(2):  # the same send twice (a phone that was offline)
        data = answer(1, key, feeling="good", voice_note=voice)
        voice.seek(0)
        assert client.post(screen(world, 1), data).status_code == 302
    assert len(given(world)) == 1
    # Back to question 1, another choice: still one answer, the voice note stays.
    client.post(screen(world, 1), answer(1, feeling="not_yet", text="Toch niet zo goed."))
    (record,) = given(world)
    assert (record.feeling, record.text) == ("not_yet", "Toch niet zo goed.") and record.voice_note.name


def test_the_last_screen_sends_the_look_back_once(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    for number in range(1, N):
        client.post(screen(world, number), answer(number, feeling="good"))
    key = str(uuid.uuid4())
    response = client.post(screen(world, N), answer(N, key, text="Eerder vragen."), follow=True)
    assert "Je werkplekopleider leest je antwoorden" in response.content.decode()
    again = client.post(screen(world, N), answer(N, key, text="Eerder vragen."))
    assert again.status_code == 302 and again["Location"] == reverse("learn:home")
    world.pa.refresh_from_db()
    assert world.pa.step == Step.LOOKING_BACK
    assert [a.question_index for a in given(world)] == list(range(N))
    assert StepChange.objects.filter(participant_assignment=world.pa, to_step=Step.LOOKING_BACK).count() == 1


def test_the_last_screen_leads_to_a_question_still_open(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    client.post(screen(world, 1), answer(1, feeling="good"))
    response = client.post(screen(world, N), answer(N, feeling="good"), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == screen(world, 2)
    assert "Vraag 2 heeft nog geen antwoord." in body and f"Vraag 2 van {N}" in body
    world.pa.refresh_from_db()
    assert world.pa.step == Step.WORKING


def test_an_empty_answer_or_a_wrong_file_gets_a_dutch_message_and_saves_nothing(
    client: Client, world: World, media: Path
) -> None:
    working(world)
    login(client, world.participant)
    empty = client.post(screen(world, 1), answer(1))
    assert empty.status_code == 400
    assert "Kies hoe het ging, vertel iets of maak een foto." in empty.content.decode()
    not_audio = SimpleUploadedFile("opname.webm", b"#!/bin/sh\nrm -rf /", content_type="audio/webm")
    wrong = client.post(screen(world, 1), answer(1, feeling="good", text="Bewaar mij", voice_note=not_audio))
    body = wrong.content.decode()
    assert wrong.status_code == 400 and "Dit is geen geluidsopname" in body
    assert "Bewaar mij</textarea>" in body  # what was typed is not lost
    assert given(world) == [] and not list(media.rglob("*.*"))


def test_a_voice_note_recorded_in_chromium_is_kept_as_webm(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    recorded = SimpleUploadedFile("opname.webm", CHROMIUM_WEBM, content_type="audio/webm;codecs=opus")
    assert client.post(screen(world, 1), answer(1, voice_note=recorded)).status_code == 302
    (record,) = given(world)
    assert record.voice_note.name.startswith("lookback/voice/") and record.voice_note.name.endswith(".webm")
    played = client.get(reverse("learn:look_back_media", args=[record.pk, "spraak"]))
    assert played.status_code == 200 and played["Content-Type"] == "audio/webm"
    assert b"".join(played.streaming_content) == CHROMIUM_WEBM


def test_an_answer_that_arrives_after_the_look_back_was_sent_is_kept_as_late(world: World) -> None:
    working(world)
    for number in range(1, N + 1):
        learn.look_back_answer(world.pa, number, LookBackInput("good", "", None, None), actor=world.participant)
    world.pa.refresh_from_db()
    assert world.pa.step == Step.LOOKING_BACK
    saved = learn.look_back_answer(
        world.pa, 2, LookBackInput("", "Van mijn telefoon", None, None), actor=world.participant, key=uuid.uuid4()
    )
    assert saved.late and not saved.done
    assert LookBackAnswer.objects.get(participant_assignment=world.pa, late=True).text == "Van mijn telefoon"
    with pytest.raises(learn.Refused):
        learn.look_back_answer(world.pa, 2, LookBackInput("good", "", None, None), actor=world.participant)
    assert StepChange.objects.filter(participant_assignment=world.pa, to_step=Step.LOOKING_BACK).count() == 1


def test_going_back_to_work_starts_a_new_round_of_answers(client: Client, world: World) -> None:
    working(world)
    for number in range(1, N + 1):
        learn.look_back_answer(world.pa, number, LookBackInput("bit", "", None, None), actor=world.participant)
    workflow.move(world.pa, Step.WORKING, actor=world.trainer)
    world.pa.refresh_from_db()
    login(client, world.participant)
    body = client.get(screen(world)).content.decode()
    assert f"Vraag 1 van {N}" in body and "checked" not in body


def test_nobody_else_opens_or_answers_my_look_back(client: Client, world: World) -> None:
    working(world)
    other_org = make_world("Andere Org")
    for intruder in (make_person(world.org, [Role.PARTICIPANT]), other_org.participant):
        client.logout()
        login(client, intruder)
        assert client.get(screen(world, 1)).status_code == 404
        assert client.post(screen(world, 1), answer(1, feeling="good")).status_code == 404
    for role in (Role.TRAINER, Role.COACH):
        client.logout()
        login(client, world.by_role(role))
        assert client.post(screen(world, 1), answer(1, feeling="good")).status_code == 403
    assert given(world) == []


def test_a_key_sent_again_for_another_question_writes_nothing(world: World) -> None:
    working(world)
    key = uuid.uuid4()
    learn.look_back_answer(world.pa, 1, LookBackInput("good", "", None, None), actor=world.participant, key=key)
    with pytest.raises(learn.Refused):
        learn.look_back_answer(world.pa, 2, LookBackInput("good", "", None, None), actor=world.participant, key=key)
    assert len(given(world)) == 1


def test_practice_feedback_and_the_question_can_be_listened_to(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(reverse("learn:start", args=[world.pa.pk]))
    body = client.get(reverse("learn:assignment", args=[world.pa.pk])).content.decode()
    assert 'id="vraag-tekst"' in body and 'data-listen="#vraag-tekst"' in body and "js/voice" in body


def test_the_trainer_sees_the_look_back_once_it_is_sent_not_while_it_is_answered(world: World) -> None:
    """Each screen keeps its answer at once; the conversation's agenda shows them only when the last
    screen sent the look-back (the step moved), as the one-page form did."""
    from wpo.trajectories.selectors import conversation_agenda

    from .test_conversations import plan

    working(world)
    conversation = plan(world)
    learn.look_back_answer(world.pa, 1, LookBackInput("good", "Half af", None, None), actor=world.participant)
    assert conversation_agenda(conversation).look_back == []
    for number in range(2, N + 1):
        learn.look_back_answer(world.pa, number, LookBackInput("good", "", None, None), actor=world.participant)
    world.pa.refresh_from_db()
    assert world.pa.step == Step.LOOKING_BACK
    [sent] = conversation_agenda(conversation).look_back
    assert [a.answer.question_index for a in sent.answers] == list(range(N))
