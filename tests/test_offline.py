"""The participant's app offline (issue 18): answers sent once, late answers kept, the kept screens,
the service worker and the manifest, and the logout that empties what the browser kept."""

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wpo.curriculum.selectors import fill_trainer
from wpo.learn import services as learn
from wpo.learn.services import LookBackInput
from wpo.orgs.models import Role
from wpo.trajectories import workflow
from wpo.trajectories.models import LookBackAnswer, ParticipantQuestion, PracticeAnswer, Step, StepChange

from .conftest import login
from .factories import SAMPLE_CONTENT, World, make_person, make_world
from .test_participant_app import QUESTIONS, go_to_work, right_and_wrong, url

pytestmark = pytest.mark.django_db

CHOICE = next(i for i, q in enumerate(QUESTIONS, start=1) if q["kind"] != "order")
LOOK_BACK_N = len(SAMPLE_CONTENT["look_back"])


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def practising(world: World) -> None:
    workflow.move(world.pa, Step.PRACTISING, actor=world.participant)
    world.pa.refresh_from_db()


def answers(world: World) -> list[PracticeAnswer]:
    return list(PracticeAnswer.objects.filter(participant_assignment=world.pa))


# Each answer once --------------------------------------------------------------------------------


def test_a_practice_answer_sent_twice_with_its_key_is_written_once(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    right, _wrong = right_and_wrong(QUESTIONS[CHOICE - 1])
    key = str(uuid.uuid4())
    first = client.post(url("answer", world, CHOICE), {**right, "idempotency_key": key})
    again = client.post(url("answer", world, CHOICE), {**right, "idempotency_key": key})
    assert first.status_code == again.status_code == 200
    # The second send answers as if accepted: the same feedback, nothing written twice.
    assert "Goed zo!" in first.content.decode() and "Goed zo!" in again.content.decode()
    assert [(a.question_index, a.is_correct, str(a.idempotency_key)) for a in answers(world)] == [
        (CHOICE - 1, True, key)
    ]


def test_two_answers_with_two_keys_are_two_answers(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    right, wrong = right_and_wrong(QUESTIONS[CHOICE - 1])
    client.post(url("answer", world, CHOICE), {**wrong, "idempotency_key": str(uuid.uuid4())})
    client.post(url("answer", world, CHOICE), {**right, "idempotency_key": str(uuid.uuid4())})
    assert [a.is_correct for a in answers(world)] == [False, True]


def test_a_form_carries_a_new_key_each_time_it_is_shown(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    keys = [
        client.get(url("assignment", world)).content.decode().split('name="idempotency_key" value="')[1][:36]
        for _ in range(2)
    ]
    assert keys[0] != keys[1] and all(uuid.UUID(k) for k in keys)


def test_a_key_that_is_not_a_uuid_is_no_key(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    right, _wrong = right_and_wrong(QUESTIONS[CHOICE - 1])
    client.post(url("answer", world, CHOICE), {**right, "idempotency_key": "niet-een-sleutel"})
    assert [a.idempotency_key for a in answers(world)] == [None]


def test_a_key_sent_again_for_another_question_writes_nothing(world: World) -> None:
    practising(world)
    key = uuid.uuid4()
    right = right_and_wrong(QUESTIONS[CHOICE - 1])[0]["answer"]
    learn.practice_answer(world.pa, CHOICE, right, actor=world.participant, key=key)
    other_number = next(n for n in range(1, len(QUESTIONS) + 1) if n != CHOICE)
    with pytest.raises(learn.Refused):
        learn.practice_answer(world.pa, other_number, "0", actor=world.participant, key=key)
    assert len(answers(world)) == 1


def test_keys_are_kept_per_organisation(world: World) -> None:
    """The unique constraint carries the organisation (tests/test_scale_out.py): the same key in
    another organisation is another answer, and neither organisation learns of the other's."""
    other = make_world("Andere Org")
    practising(world)
    workflow.move(other.pa, Step.PRACTISING, actor=other.participant)
    other.pa.refresh_from_db()
    key = uuid.uuid4()
    right = right_and_wrong(QUESTIONS[CHOICE - 1])[0]["answer"]
    learn.practice_answer(world.pa, CHOICE, right, actor=world.participant, key=key)
    learn.practice_answer(other.pa, CHOICE, right, actor=other.participant, key=key)
    assert PracticeAnswer.objects.filter(idempotency_key=key).count() == 2


def test_an_answer_given_offline_before_the_practice_began_starts_it(world: World) -> None:
    """The phone kept the question screens of an assignment that was only 'klaargezet'."""
    assert world.pa.step == Step.INTRODUCED
    learn.practice_answer(world.pa, CHOICE, "0", actor=world.participant, key=uuid.uuid4())
    world.pa.refresh_from_db()
    assert (world.pa.step, world.pa.practice_position) == (Step.PRACTISING, CHOICE)
    assert [a.late for a in answers(world)] == [False]


# A step that moved on meanwhile: the answer is kept --------------------------------------------------


def test_a_practice_answer_that_arrives_after_the_practice_part_is_kept_as_late(client: Client, world: World) -> None:
    login(client, world.participant)
    go_to_work(client, world)
    before = answers(world)
    right, _wrong = right_and_wrong(QUESTIONS[CHOICE - 1])
    response = client.post(url("answer", world, CHOICE), {**right, "idempotency_key": str(uuid.uuid4())})
    assert "Je antwoord is bewaard. Het oefenen was al klaar." in response.content.decode()
    late = [a for a in answers(world) if a not in before]
    assert [(a.late, a.is_correct) for a in late] == [(True, True)]
    world.pa.refresh_from_db()
    assert world.pa.step == Step.WORKING


def test_without_a_key_an_answer_after_the_practice_part_is_refused_as_before(client: Client, world: World) -> None:
    login(client, world.participant)
    go_to_work(client, world)
    before = len(answers(world))
    right, _wrong = right_and_wrong(QUESTIONS[CHOICE - 1])
    body = client.post(url("answer", world, CHOICE), right).content.decode()
    assert "Het oefenen van deze opdracht is klaar." in body
    assert len(answers(world)) == before


def look_back_data(key: str) -> dict[str, str]:
    return {**{f"v{i}-feeling": "good" for i in range(LOOK_BACK_N)}, "v0-text": "Ging goed", "idempotency_key": key}


def test_a_look_back_sent_twice_is_written_once_and_moves_once(client: Client, world: World) -> None:
    login(client, world.participant)
    go_to_work(client, world)
    key = str(uuid.uuid4())
    first = client.post(url("look_back", world), look_back_data(key))
    again = client.post(url("look_back", world), look_back_data(key))
    assert first.status_code == again.status_code == 302
    assert LookBackAnswer.objects.filter(participant_assignment=world.pa).count() == LOOK_BACK_N
    assert StepChange.objects.filter(participant_assignment=world.pa, to_step=Step.LOOKING_BACK).count() == 1


def test_a_look_back_that_arrives_after_the_step_moved_on_is_kept_and_shown_to_the_trainer(
    client: Client, world: World
) -> None:
    login(client, world.participant)
    go_to_work(client, world)
    client.post(url("look_back", world), look_back_data(str(uuid.uuid4())))  # from the tablet
    late = client.post(url("look_back", world), {**look_back_data(str(uuid.uuid4())), "v0-text": "Van mijn telefoon"})
    assert late.status_code == 302
    kept = LookBackAnswer.objects.filter(participant_assignment=world.pa, late=True)
    assert kept.count() == LOOK_BACK_N and kept.filter(text="Van mijn telefoon").exists()
    assert StepChange.objects.filter(participant_assignment=world.pa, to_step=Step.LOOKING_BACK).count() == 1
    # The trainer reads it in the conversation's agenda, marked as sent late.
    from wpo.trajectories.services import conversations

    conversation = conversations.conversation_plan(
        trajectory=world.trajectory,
        actor=world.trainer,
        planned_at=timezone.now() + timedelta(days=1),
        participant_assignment=world.pa,
    )
    login(client, world.trainer)
    body = client.get(reverse("trajectories:conversation", args=[conversation.pk])).content.decode()
    assert "Van mijn telefoon" in body and "Later verstuurd" in body


def test_a_look_back_without_a_key_after_the_step_moved_on_is_refused_as_before(world: World) -> None:
    world.pa.step = Step.LOOKING_BACK
    world.pa.save()
    with pytest.raises(learn.Refused):
        learn.look_back_submit(world.pa, [LookBackInput("good", "", None, None)] * LOOK_BACK_N, actor=world.participant)


def test_a_question_for_the_conversation_sent_twice_is_kept_once(client: Client, world: World) -> None:
    login(client, world.participant)
    key = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(reverse("learn:ask"), {"text": "Mag ik later beginnen?", "idempotency_key": key})
        assert response.status_code == 302
    assert ParticipantQuestion.objects.filter(trajectory=world.trajectory).count() == 1


# The screens the phone keeps ---------------------------------------------------------------------


def test_a_kept_screen_shows_that_screen_and_moves_nothing(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    body = client.get(url("assignment", world) + "?scherm=2").content.decode()
    assert "Vraag 2 van" in body and reverse("learn:answer", args=[world.pa.pk, 2]) in body
    world.pa.refresh_from_db()
    assert world.pa.practice_position == 1
    # Past the end: the last screen; not a number: where the participant is.
    assert "Dit ga je doen" in client.get(url("assignment", world) + "?scherm=99").content.decode()
    assert "Vraag 1 van" in client.get(url("assignment", world) + "?scherm=x").content.decode()


def test_the_assignment_page_lists_what_the_phone_keeps(client: Client, world: World) -> None:
    login(client, world.participant)
    body = client.get(url("assignment", world)).content.decode()
    kept = body.split('data-wpo-keep="')[1].split('"')[0].split()
    screens = len(QUESTIONS) + 3
    assert [u for u in kept if "?scherm=" in u] == [f"{url('assignment', world)}?scherm={n}" for n in range(screens)]
    assert reverse("curriculum:pictogram", args=[world.skill.pk]) in kept


def test_a_question_screen_queues_offline_and_goes_on_to_the_next_kept_screen(client: Client, world: World) -> None:
    login(client, world.participant)
    client.post(url("start", world))
    body = client.get(url("assignment", world)).content.decode()
    assert "data-wpo-queue" in body and f'data-wpo-offline-go="{url("assignment", world)}?scherm=2"' in body


# Installable: the worker and the manifest ------------------------------------------------------------


def test_the_service_worker_is_served_at_the_participants_scope_without_a_login(client: Client) -> None:
    response = client.get(reverse("learn:service_worker"))
    assert reverse("learn:service_worker") == "/deelnemer/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert "{%" not in body and "Je hebt nu geen internet" in body
    assert client.post(reverse("learn:service_worker")).status_code == 405


def test_the_manifest_is_dutch_with_icons_that_exist(client: Client) -> None:
    response = client.get(reverse("learn:manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["lang"] == "nl" and data["start_url"] == data["scope"] == "/deelnemer/"
    assert data["display"] == "standalone" and data["name"].startswith("WPO")
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/" + settings.STATIC_URL.strip("/") + "/")), icon["src"]


def test_participant_pages_link_the_manifest_and_staff_pages_do_not(client: Client, world: World) -> None:
    login(client, world.participant)
    body = client.get(reverse("learn:home")).content.decode()
    assert '<link rel="manifest" href="/deelnemer/manifest.webmanifest">' in body
    assert 'data-wpo-worker="/deelnemer/sw.js"' in body and f'data-wpo-owner="{world.participant.pk}"' in body
    login(client, world.trainer)
    body = client.get(reverse("trajectories:my_participants")).content.decode()
    assert "manifest" not in body and "data-wpo-worker" not in body


def test_logging_out_tells_the_browser_to_forget_what_it_kept(client: Client, world: World) -> None:
    login(client, world.participant)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


# The participant's header and their display choices --------------------------------------------------


def test_a_participant_chooses_bigger_text_and_calm_colours_and_keeps_them(client: Client, world: World) -> None:
    login(client, world.participant)
    body = client.get(reverse("learn:display")).content.decode()
    assert "Grotere letters" in body and "Rustige kleuren" in body
    assert "<html lang" in body and 'class="text-large' not in body
    response = client.post(reverse("learn:display"), {"large_text": "on", "calm_colours": "on"})
    assert response.status_code == 302
    world.participant.refresh_from_db()
    assert world.participant.large_text and world.participant.calm_colours
    # Remembered for the person: on every page, also after logging in again (another device).
    client.logout()
    login(client, world.participant)
    assert 'class="text-large calm"' in client.get(reverse("learn:home")).content.decode()
    client.post(reverse("learn:display"), {"large_text": "on"})
    world.participant.refresh_from_db()
    assert (world.participant.large_text, world.participant.calm_colours) == (True, False)
    assert 'class="text-large"' in client.get(reverse("learn:home")).content.decode()


def test_only_the_person_sets_their_display(world: World) -> None:
    from wpo.orgs import services as org_services

    with pytest.raises(learn.Refused):
        org_services.display_set(world.participant, actor=world.trainer, large_text=True, calm_colours=True)
    world.participant.refresh_from_db()
    assert not world.participant.large_text


def test_the_participants_header_is_one_line_with_a_menu_and_read_aloud(client: Client, world: World) -> None:
    login(client, world.participant)
    body = client.get(reverse("learn:home")).content.decode()
    header = body.split('<header class="site-header participant-header">')[1].split("</header>")[0]
    assert world.org.name in header and "Lees voor" in header and "Menu" in header
    for link in (reverse("learn:home"), reverse("guidance:index"), reverse("learn:display"), reverse("privacy:mine")):
        assert f'href="{link}"' in header, link
    assert 'id="logout-form"' in header
    assert 'class="main-nav"' not in body and 'class="read-aloud-bar"' not in body
    # Staff keep their header with the main menu.
    login(client, world.trainer)
    body = client.get(reverse("trajectories:my_participants")).content.decode()
    assert "participant-header" not in body and 'class="main-nav"' in body


# The trainer sees the practice answers sent late -------------------------------------------------

ORDER = next(i for i, q in enumerate(QUESTIONS, start=1) if q["kind"] == "order")
LATE_NOTE = "Later verstuurde oefenvragen: de telefoon had geen internet en het oefenen was al klaar."


def option_text(number: int, correct: bool) -> str:
    """An option of question ``number`` as the staff read it (the placeholder filled generically)."""
    return fill_trainer(next(o["text"] for o in QUESTIONS[number - 1]["options"] if o["correct"] is correct))


def answered_on_time_then_late(world: World) -> None:
    """A wrong answer while practising, then at work a right one and an order question sent late."""
    practising(world)
    wrong = right_and_wrong(QUESTIONS[CHOICE - 1])[1]["answer"]
    learn.practice_answer(world.pa, CHOICE, wrong, actor=world.participant, key=uuid.uuid4())
    workflow.move(world.pa, Step.WORKING, actor=world.participant)
    world.pa.refresh_from_db()
    right = right_and_wrong(QUESTIONS[CHOICE - 1])[0]["answer"]
    learn.practice_answer(world.pa, CHOICE, right, actor=world.participant, key=uuid.uuid4())
    positions = [str(index + 1) for index, _text in learn.shuffled_steps(world.pa, ORDER)]
    learn.practice_answer(world.pa, ORDER, positions, actor=world.participant, key=uuid.uuid4())
    assert [(a.late, a.is_correct) for a in answers(world)] == [(False, False), (True, True), (True, True)]


def plan_conversation(world: World):  # type: ignore[no-untyped-def]
    from wpo.trajectories.services import conversations

    return conversations.conversation_plan(
        trajectory=world.trajectory,
        actor=world.trainer,
        planned_at=timezone.now() + timedelta(days=1),
        participant_assignment=world.pa,
    )


def test_a_late_practice_answer_is_shown_beside_the_look_back_in_the_conversation(client: Client, world: World) -> None:
    answered_on_time_then_late(world)
    conversation = plan_conversation(world)
    login(client, world.trainer)
    body = client.get(reverse("trajectories:conversation", args=[conversation.pk])).content.decode()
    late_part = body.split(LATE_NOTE, 1)[1].split("</ul>", 1)[0]
    assert fill_trainer(QUESTIONS[CHOICE - 1]["prompt"]) in late_part
    assert f"Antwoord: {option_text(CHOICE, True)}" in late_part and "Goed" in late_part
    # An order question reads "Beantwoord": the positions alone say little.
    assert fill_trainer(QUESTIONS[ORDER - 1]["prompt"]) in late_part and "Beantwoord" in late_part
    assert late_part.count("Binnengekomen op") == 2
    # The answer given in time is not a late one, and is not listed.
    assert option_text(CHOICE, False) not in body


def test_a_late_practice_answer_is_shown_beside_its_assignment_on_the_trajectory_page(
    client: Client, world: World
) -> None:
    answered_on_time_then_late(world)
    address = reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])
    login(client, world.trainer)
    body = client.get(address).content.decode()
    assert LATE_NOTE in body and f"Antwoord: {option_text(CHOICE, True)}" in body
    assert option_text(CHOICE, False) not in body
    # The project manager reads the trajectory page but does not work on it: no practice answers.
    login(client, world.project_manager)
    body = client.get(address).content.decode()
    assert "WPO-opdrachten" in body and LATE_NOTE not in body


def test_no_late_practice_answers_no_note(client: Client, world: World) -> None:
    practising(world)
    learn.practice_answer(world.pa, CHOICE, "0", actor=world.participant, key=uuid.uuid4())
    conversation = plan_conversation(world)
    login(client, world.trainer)
    assert LATE_NOTE not in client.get(reverse("trajectories:conversation", args=[conversation.pk])).content.decode()
    body = client.get(reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])).content.decode()
    assert LATE_NOTE not in body


def test_nobody_else_sees_the_late_practice_answers(client: Client, world: World, other_world: World) -> None:
    answered_on_time_then_late(world)
    conversation = plan_conversation(world)
    conversation_url = reverse("trajectories:conversation", args=[conversation.pk])
    trajectory_url = reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])
    # Another organisation's trainer, and a trainer of other participants: not found.
    for stranger in (other_world.trainer, make_person(world.org, [Role.TRAINER], world.department)):
        login(client, stranger)
        for address in (conversation_url, trajectory_url):
            response = client.get(address)
            assert response.status_code == 404 and LATE_NOTE not in response.content.decode(), address
    # Roles without conversations: refused.
    for role in (Role.PARTICIPANT, Role.PROJECT_MANAGER, Role.ADMINISTRATOR, Role.CONTENT_EDITOR):
        login(client, world.by_role(role))
        response = client.get(conversation_url)
        assert response.status_code == 403 and LATE_NOTE not in response.content.decode(), role
