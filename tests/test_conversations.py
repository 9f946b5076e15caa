"""Coaching conversations: plan, remind, prepare, record, invite, and the trainer's calendar feed."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from wpo.orgs.models import Person, Role
from wpo.trajectories.models import (
    CoachingConversation,
    LookBackAnswer,
    Observation,
    ParticipantQuestion,
    Step,
    StepChange,
    TrainerCalendarFeed,
    Trajectory,
)
from wpo.trajectories.services import conversations
from wpo.trajectories.services.conversations import send_conversation_reminder
from wpo.trajectories.workflow import move

from .conftest import login
from .factories import World, make_person
from .test_ical import properties, unfold

pytestmark = pytest.mark.django_db

REMINDER_TASK = "wpo.trajectories.services.conversations.send_conversation_reminder"


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=hour, minute=minute)))


def plan_data(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "date": (date.today() + timedelta(days=3)).isoformat(),
        "time": "10:00",
        "duration_minutes": "30",
        "location": "Kantoor van de afdeling",
        "participant_assignment": world.pa.pk,
        "attendees": [world.coach.pk],
    }
    data.update(changes)
    return data


def plan(world: World, *, at: datetime | None = None, **kw: Any) -> CoachingConversation:
    return conversations.conversation_plan(
        trajectory=world.trajectory,
        actor=world.trainer,
        planned_at=at or local(date.today() + timedelta(days=3), 10),
        location=kw.pop("location", "Kantoor"),
        participant_assignment=kw.pop("participant_assignment", world.pa),
        attendees=kw.pop("attendees", [world.coach]),
        **kw,
    )


def to_looking_back(world: World) -> None:
    for step in (Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK):
        move(world.pa, step, actor=world.trainer)


def queued_reminders() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=REMINDER_TASK).order_by("enqueued_at"))


def remind(conversation: CoachingConversation) -> str:
    """Run the reminder as the worker would, for the time the conversation has now."""
    return send_conversation_reminder.call(conversation.pk, conversation.planned_at.isoformat())


def url(name: str, *args: object) -> str:
    return reverse(f"trajectories:{name}", args=args)


# Planning ---------------------------------------------------------------------------------


def test_the_trainer_plans_a_conversation_and_its_reminder_waits_for_the_day_before(
    client: Client, world: World
) -> None:
    login(client, world.trainer)
    page = client.get(url("conversation_plan", world.trajectory.pk)).content.decode()
    assert "Gesprek plannen met" in page and world.coach.name in page and world.pa.version.title in page
    response = client.post(url("conversation_plan", world.trajectory.pk), plan_data(world))
    conversation = CoachingConversation.objects.get()
    assert response.status_code == 302 and response["Location"] == url("conversation", conversation.pk)
    day = date.today() + timedelta(days=3)
    assert conversation.planned_at == local(day, 10)
    assert (conversation.location, conversation.duration_minutes) == ("Kantoor van de afdeling", 30)
    assert conversation.participant_assignment == world.pa and conversation.planned_by == world.trainer
    assert list(conversation.attendees.all()) == [world.coach]
    [reminder] = queued_reminders()
    utc_time = conversation.planned_at.astimezone(UTC).isoformat()
    assert reminder.args_kwargs == {"args": [conversation.pk, utc_time], "kwargs": {}}
    assert reminder.run_after == local(day - timedelta(days=1), 8)


def test_a_coach_may_plan_a_conversation_too(client: Client, world: World) -> None:
    login(client, world.coach)
    client.post(url("conversation_plan", world.trajectory.pk), plan_data(world, attendees=[]))
    assert CoachingConversation.objects.get().planned_by == world.coach


def test_a_conversation_soon_is_reminded_at_once(world: World) -> None:
    plan(world, at=timezone.now() + timedelta(hours=2))
    [reminder] = queued_reminders()
    assert reminder.run_after.year == 9999  # django-tasks-db's "no run_after": ready now


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": (date.today() - timedelta(days=1)).isoformat()}, "Dit moment is al voorbij."),
        ({"date": (date.today() + timedelta(days=400)).isoformat()}, "Plan het gesprek binnen een jaar."),
        ({"date": ""}, "Dit veld is verplicht."),
        ({"time": "25:61"}, "Voer een geldige tijd in."),
        ({"date": "morgen"}, "Voer een geldige datum in."),
        ({"duration_minutes": "500"}, "Selecteer een geldige keuze."),
        ({"location": "x" * 201}, "niet meer dan 200 tekens"),
    ],
)
def test_planning_refuses_bad_input_with_dutch_messages(
    client: Client, world: World, changes: dict[str, object], message: str
) -> None:
    login(client, world.trainer)
    response = client.post(url("conversation_plan", world.trajectory.pk), plan_data(world, **changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not CoachingConversation.objects.exists() and not queued_reminders()


def test_planning_refuses_people_and_assignments_of_elsewhere(client: Client, world: World, other_world: World) -> None:
    login(client, world.trainer)
    for changes in ({"attendees": [other_world.coach.pk]}, {"participant_assignment": other_world.pa.pk}):
        body = client.post(url("conversation_plan", world.trajectory.pk), plan_data(world, **changes)).content.decode()
        assert "Selecteer een geldige keuze." in body
    assert not CoachingConversation.objects.exists()


def test_a_conversation_for_a_trajectory_that_stopped_is_refused(client: Client, world: World) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Trajectory.Status.STOPPED)
    login(client, world.trainer)
    body = client.post(url("conversation_plan", world.trajectory.pk), plan_data(world)).content.decode()
    assert "Dit WPO-traject loopt niet meer." in body
    assert not CoachingConversation.objects.exists() and not queued_reminders()


def test_moving_a_conversation_queues_a_new_reminder_and_the_old_one_stays_quiet(client: Client, world: World) -> None:
    conversation = plan(world)
    old_time = conversation.planned_at.isoformat()
    login(client, world.trainer)
    new_day = date.today() + timedelta(days=5)
    response = client.post(
        url("conversation_edit", conversation.pk), plan_data(world, date=new_day.isoformat(), time="14:30")
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.planned_at == local(new_day, 14, 30) and conversation.ical_sequence == 1
    _old, new = queued_reminders()
    assert new.run_after == local(new_day - timedelta(days=1), 8)
    assert send_conversation_reminder.call(conversation.pk, old_time) == "moved"
    assert remind(conversation) == "sent" and len(mail.outbox) == 1


def test_a_planned_conversation_can_be_cancelled_and_then_nobody_is_reminded(client: Client, world: World) -> None:
    conversation = plan(world)
    login(client, world.trainer)
    response = client.post(url("conversation_cancel", conversation.pk))
    assert response["Location"].endswith("#gesprekken")
    assert not CoachingConversation.objects.exists()
    assert remind(conversation) == "cancelled" and not mail.outbox


def test_a_held_conversation_cannot_be_moved_or_cancelled(client: Client, world: World) -> None:
    conversation = plan(world)
    CoachingConversation.objects.filter(pk=conversation.pk).update(held_at=timezone.now())
    login(client, world.trainer)
    client.post(url("conversation_cancel", conversation.pk))
    response = client.post(url("conversation_edit", conversation.pk), plan_data(world, time="15:00"), follow=True)
    assert "al gehouden" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.planned_at == local(date.today() + timedelta(days=3), 10)


# The reminder -----------------------------------------------------------------------------


def test_the_reminder_sends_one_email_with_the_invitation_and_never_twice(world: World) -> None:
    conversation = plan(world)
    assert remind(conversation) == "sent"
    [message] = mail.outbox
    first_name = world.participant.user.first_name
    assert message.subject.startswith(f"Herinnering: begeleidingsgesprek {first_name}")
    assert set(message.to) == {p.user.email for p in (world.participant, world.trainer, world.coach)}
    assert "Waar: Kantoor" in message.body and "Denk alvast na" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    assert f"SUMMARY:Begeleidingsgesprek {first_name}" in unfold(content)
    conversation.refresh_from_db()
    assert conversation.reminder_sent_at is not None
    assert remind(conversation) == "already sent"
    assert len(mail.outbox) == 1


def test_the_reminder_goes_only_to_people_with_an_email_address(world: World) -> None:
    world.participant.user.email = ""
    world.participant.user.save()
    conversation = plan(world, attendees=[])
    remind(conversation)
    assert mail.outbox[0].to == [world.trainer.user.email]
    assert "ATTENDEE" not in mail.outbox[0].attachments[0][1]


def test_the_reminder_stays_quiet_once_the_conversation_was_held(world: World) -> None:
    conversation = plan(world)
    CoachingConversation.objects.filter(pk=conversation.pk).update(held_at=timezone.now())
    assert remind(conversation) == "held" and not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_reminder(world: World) -> None:
    """The real path: the task row in the database, picked up and run by django-tasks-db's worker."""
    soon = plan(world, at=timezone.now() + timedelta(hours=2))
    later = plan(world, at=timezone.now() + timedelta(days=4))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1 and "Herinnering" in mail.outbox[0].subject
    done = DBTaskResult.objects.get(args_kwargs__args__0=soon.pk)
    assert done.status == "SUCCESSFUL" and done.return_value == "sent"
    # The reminder for the day before a later conversation waits for its day.
    assert DBTaskResult.objects.get(args_kwargs__args__0=later.pk).status == "READY"
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.reminder_sent_at is not None and later.reminder_sent_at is None


# The invitation ---------------------------------------------------------------------------


def test_the_invitation_downloads_as_an_ics_file(client: Client, world: World) -> None:
    conversation = plan(world)
    login(client, world.trainer)
    response = client.get(url("conversation_ics", conversation.pk))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="begeleidingsgesprek-')
    text = response.content.decode()
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    props = properties(text)
    assert props["UID"] == f"{conversation.ical_uid}@wpo-platform"
    assert props["DTSTART"] == conversation.planned_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert props["DTEND"] == conversation.ends_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert props["SUMMARY"] == f"Begeleidingsgesprek {world.participant.user.first_name}"
    assert props["LOCATION"] == "Kantoor" and props["SEQUENCE"] == "0"
    assert props[f'ORGANIZER;CN="{world.trainer.name}"'] == f"mailto:{world.trainer.user.email}"
    attendees = {line.rsplit(":", 1)[1] for line in unfold(text) if line.startswith("ATTENDEE;")}
    assert attendees == {world.participant.user.email, world.coach.user.email}
    assert url("conversation", conversation.pk) in props["URL"]
    # The same conversation keeps its UID; a move raises the sequence so calendars replace it.
    conversations.conversation_reschedule(
        conversation=conversation,
        actor=world.trainer,
        planned_at=conversation.planned_at + timedelta(hours=1),
        duration_minutes=45,
        location="Kantine",
        attendees=[world.coach],
        participant_assignment=world.pa,
    )
    again = properties(client.get(url("conversation_ics", conversation.pk)).content.decode())
    assert again["UID"] == props["UID"] and again["SEQUENCE"] == "1" and again["LOCATION"] == "Kantine"


# The agenda and the record ----------------------------------------------------------------


def test_the_agenda_shows_what_happened_since_the_last_conversation(client: Client, world: World, media: Any) -> None:
    to_looking_back(world)
    earlier = plan(world, at=timezone.now() + timedelta(hours=1))
    last_time = timezone.now() - timedelta(days=7)
    CoachingConversation.objects.filter(pk=earlier.pk).update(held_at=last_time)
    old_answer = LookBackAnswer.objects.create(
        organization=world.org, participant_assignment=world.pa, question_index=0, text="Oud antwoord"
    )
    LookBackAnswer.objects.filter(pk=old_answer.pk).update(answered_at=last_time - timedelta(days=1))
    answer = LookBackAnswer.objects.create(
        organization=world.org,
        participant_assignment=world.pa,
        question_index=1,
        feeling=LookBackAnswer.Feeling.GOOD,
        text="Ik vroeg waar de dozen staan.",
    )
    answer.photo.save("foto.jpg", ContentFile(b"\xff\xd8\xff" + b"0" * 20))
    for when, note in ((last_time - timedelta(days=2), "Oude observatie"), (timezone.now(), "Vroeg zelf om hulp")):
        Observation.objects.create(
            organization=world.org, participant_assignment=world.pa, author=world.trainer, observed_at=when, note=note
        )
    ParticipantQuestion.objects.create(organization=world.org, trajectory=world.trajectory, text="Mag ik koffie?")
    ParticipantQuestion.objects.create(
        organization=world.org, trajectory=world.trajectory, text="Al besproken", discussed_in=earlier
    )
    conversation = plan(world)
    login(client, world.trainer)
    body = client.get(url("conversation", conversation.pk)).content.decode()
    question = world.pa.version.content["look_back"][1]
    assert question in body and "Ik vroeg waar de dozen staan." in body and "Het ging goed" in body
    assert reverse("learn:look_back_media", args=[answer.pk, "foto"]) in body
    assert "Vroeg zelf om hulp" in body and "Mag ik koffie?" in body
    assert "Oud antwoord" not in body and "Oude observatie" not in body and "Al besproken" not in body
    assert "Leerdoel gehaald: de zelfstandigheidsweek begint" in body and "Nog een week oefenen" in body


def test_a_question_with_a_voice_note_can_be_heard_by_the_trainer(client: Client, world: World, media: Any) -> None:
    question = ParticipantQuestion(organization=world.org, trajectory=world.trajectory)
    question.voice_note.save("vraag.webm", ContentFile(b"\x1aE\xdf\xa3" + b"0" * 20))
    conversation = plan(world)
    login(client, world.trainer)
    body = client.get(url("conversation", conversation.pk)).content.decode()
    assert url("question_voice", question.pk) in body
    response = client.get(url("question_voice", question.pk))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


def record_data(decision: str = "none", step_seen: str = Step.LOOKING_BACK) -> dict[str, str]:
    return {
        "done_and_learned": "Ik heb drie keer om hulp gevraagd.",
        "trainer_saw": "Duidelijke vragen, op tijd.",
        "agreements": "Volgende week ook bij de collega's vragen.",
        "decision": decision,
        "step_seen": step_seen,
    }


def test_goal_reached_starts_the_independence_week_and_links_the_questions(client: Client, world: World) -> None:
    to_looking_back(world)
    question = ParticipantQuestion.objects.create(organization=world.org, trajectory=world.trajectory, text="Vraag?")
    conversation = plan(world)
    login(client, world.trainer)
    response = client.post(url("conversation", conversation.pk), record_data("goal_reached"), follow=True)
    assert "De zelfstandigheidsweek begint" in response.content.decode()
    world.pa.refresh_from_db()
    assert world.pa.step == Step.INDEPENDENT
    change = StepChange.objects.filter(participant_assignment=world.pa).last()
    assert change is not None and (change.from_step, change.to_step, change.actor) == (
        Step.LOOKING_BACK,
        Step.INDEPENDENT,
        world.trainer,
    )
    assert change.note == "Leerdoel gehaald: de zelfstandigheidsweek begint"
    conversation.refresh_from_db()
    assert conversation.held_at is not None and conversation.recorded_by == world.trainer
    assert conversation.done_and_learned == "Ik heb drie keer om hulp gevraagd."
    assert conversation.decision == "Leerdoel gehaald: de zelfstandigheidsweek begint"
    question.refresh_from_db()
    assert question.discussed_in == conversation
    assert remind(conversation) == "held"


def test_another_week_of_practice_is_a_normal_way_back(client: Client, world: World) -> None:
    to_looking_back(world)
    conversation = plan(world)
    login(client, world.trainer)
    response = client.post(url("conversation", conversation.pk), record_data("another_week"), follow=True)
    assert "oefent nog een week: zo gaat leren." in response.content.decode()
    world.pa.refresh_from_db()
    assert world.pa.step == Step.WORKING
    assert StepChange.objects.filter(participant_assignment=world.pa, to_step=Step.WORKING).count() == 2


def test_a_conversation_without_decision_leaves_the_step_alone(client: Client, world: World) -> None:
    to_looking_back(world)
    conversation = plan(world)
    login(client, world.trainer)
    client.post(url("conversation", conversation.pk), record_data("none"))
    world.pa.refresh_from_db()
    conversation.refresh_from_db()
    assert world.pa.step == Step.LOOKING_BACK and conversation.held_at is not None and conversation.decision == ""


def test_there_is_no_decision_while_the_assignment_is_not_looking_back(client: Client, world: World) -> None:
    conversation = plan(world)
    login(client, world.trainer)
    body = client.get(url("conversation", conversation.pk)).content.decode()
    assert "Leerdoel gehaald" not in body and "Nu staat hij op ‘Klaargezet’" in body
    client.post(url("conversation", conversation.pk), record_data("goal_reached", step_seen=Step.INTRODUCED))
    world.pa.refresh_from_db()
    assert world.pa.step == Step.INTRODUCED


def test_a_decision_on_a_step_that_changed_meanwhile_saves_nothing(client: Client, world: World) -> None:
    to_looking_back(world)
    question = ParticipantQuestion.objects.create(organization=world.org, trajectory=world.trajectory, text="Vraag?")
    conversation = plan(world)
    login(client, world.trainer)
    assert "Leerdoel gehaald" in client.get(url("conversation", conversation.pk)).content.decode()
    # Meanwhile the coach decides on another week in another conversation.
    move(world.pa, Step.WORKING, actor=world.coach, note="Nog een week oefenen")
    history = StepChange.objects.count()
    response = client.post(url("conversation", conversation.pk), record_data("goal_reached"))
    body = response.content.decode()
    assert response.status_code == 409
    assert "iemand anders heeft de stap al gezet" in body and "Er is niets bewaard." in body
    assert "Ik heb drie keer om hulp gevraagd." in body  # what was typed is kept on the screen
    world.pa.refresh_from_db()
    conversation.refresh_from_db()
    question.refresh_from_db()
    assert world.pa.step == Step.WORKING and StepChange.objects.count() == history
    assert conversation.held_at is None and conversation.done_and_learned == ""
    assert question.discussed_in is None


def test_recording_needs_a_few_words(client: Client, world: World) -> None:
    conversation = plan(world)
    login(client, world.trainer)
    response = client.post(url("conversation", conversation.pk), {"decision": "none"})
    assert response.status_code == 400 and "Schrijf op wat de deelnemer deed" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.held_at is None


def test_a_held_conversation_shows_its_record_and_is_not_recorded_twice(client: Client, world: World) -> None:
    conversation = plan(world)
    login(client, world.trainer)
    client.post(url("conversation", conversation.pk), record_data("none"))
    response = client.post(url("conversation", conversation.pk), record_data("none") | {"agreements": "Anders"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.agreements == "Volgende week ook bij de collega's vragen."
    body = client.get(url("conversation", conversation.pk)).content.decode()
    assert "Verslag" in body and "Volgende week ook bij de collega" in body and "Gesprek vastleggen" not in body


# Who may do what ---------------------------------------------------------------------------


def conversation_urls(world: World) -> list[tuple[str, str]]:
    conversation = plan(world)
    question = ParticipantQuestion.objects.create(organization=world.org, trajectory=world.trajectory, text="?")
    return [
        ("get", url("conversation_plan", world.trajectory.pk)),
        ("get", url("conversation", conversation.pk)),
        ("post", url("conversation", conversation.pk)),
        ("get", url("conversation_edit", conversation.pk)),
        ("post", url("conversation_cancel", conversation.pk)),
        ("get", url("conversation_ics", conversation.pk)),
        ("get", url("question_voice", question.pk)),
        ("get", url("calendar_feed")),
        ("post", url("calendar_feed_create")),
        ("post", url("calendar_feed_revoke")),
    ]


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.PROJECT_MANAGER, Role.ADMINISTRATOR, Role.CONTENT_EDITOR])
def test_other_roles_get_403(client: Client, world: World, role: Role) -> None:
    login(client, world.by_role(role))
    for method, address in conversation_urls(world):
        assert getattr(client, method)(address).status_code == 403, f"{method} {address}"
    assert CoachingConversation.objects.count() == 1 and not TrainerCalendarFeed.objects.exists()


def test_a_trainer_of_other_participants_gets_404(client: Client, world: World) -> None:
    stranger = make_person(world.org, [Role.TRAINER], world.department)
    login(client, stranger)
    for method, address in conversation_urls(world):
        if "agenda-koppeling" not in address:
            assert getattr(client, method)(address).status_code == 404, f"{method} {address}"


@pytest.mark.parametrize("name", ["conversation_cancel", "calendar_feed_create", "calendar_feed_revoke"])
def test_post_only_views_reject_get(client: Client, world: World, name: str) -> None:
    conversation = plan(world)
    login(client, world.trainer)
    args = [conversation.pk] if name == "conversation_cancel" else []
    assert client.get(url(name, *args)).status_code == 405
    assert CoachingConversation.objects.exists() and not TrainerCalendarFeed.objects.exists()


def test_logged_out_visitors_go_to_the_login_page(client: Client, world: World) -> None:
    conversation = plan(world)
    response = client.get(url("conversation", conversation.pk))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


# The trajectory page and the participant's home ------------------------------------------


def test_the_trajectory_page_lists_planned_and_held_conversations(client: Client, world: World) -> None:
    held = plan(world, location="Kantine")
    CoachingConversation.objects.filter(pk=held.pk).update(held_at=timezone.now(), decision="Nog een week oefenen")
    coming = plan(world, location="Kantoor boven")
    login(client, world.trainer)
    body = client.get(reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])).content.decode()
    assert "Kantoor boven" in body and url("conversation_ics", coming.pk) in body
    assert url("conversation", held.pk) in body and "Nog een week oefenen" in body
    assert url("conversation_plan", world.trajectory.pk) in body and url("calendar_feed") in body
    login(client, world.project_manager)
    body = client.get(reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])).content.decode()
    assert "Kantoor boven" in body and url("conversation_plan", world.trajectory.pk) not in body


def test_the_participants_home_shows_the_next_planned_conversation(client: Client, world: World) -> None:
    plan(world, location="Kantoor van Jan")
    login(client, world.participant)
    body = client.get(reverse("learn:home")).content.decode()
    assert "Je volgende gesprek" in body and "Kantoor van Jan" in body


# The calendar feed ------------------------------------------------------------------------


def create_feed(client: Client, person: Person) -> str:
    """Make a feed as ``person`` and return its address, read from the one page that shows it."""
    login(client, person)
    body = client.post(url("calendar_feed_create")).content.decode()
    found = re.search(r"http://testserver(/opleider/agenda/[\w-]+/gesprekken\.ics)", body)
    assert found is not None
    client.logout()
    return found.group(1)


def test_a_trainer_makes_sees_once_and_revokes_a_feed(client: Client, world: World) -> None:
    conversation = plan(world)
    address = create_feed(client, world.trainer)
    token = address.split("/")[-2]
    feed = TrainerCalendarFeed.objects.get()
    assert feed.person == world.trainer and token not in feed.token_hash and len(feed.token_hash) == 64
    response = client.get(address)  # no login: a calendar app
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"UID:{conversation.ical_uid}@wpo-platform" in unfold(response.content.decode())
    login(client, world.trainer)
    assert token not in client.get(url("calendar_feed")).content.decode()
    client.post(url("calendar_feed_revoke"))
    client.logout()
    assert client.get(address).status_code == 404


def test_a_new_feed_address_ends_the_old_one(client: Client, world: World) -> None:
    first = create_feed(client, world.trainer)
    second = create_feed(client, world.trainer)
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    assert TrainerCalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_the_feed_holds_only_that_trainers_conversations_of_their_own_organisation(
    client: Client, world: World, other_world: World
) -> None:
    mine = plan(world)
    colleague = make_person(world.org, [Role.TRAINER], world.department)
    other_participant = make_person(world.org, [Role.PARTICIPANT], world.department, first_name="Zoë")
    other_participant.trainers.add(colleague, through_defaults={"organization": world.org})
    trajectory = Trajectory.objects.create(
        organization=world.org,
        participant=other_participant,
        trainer=colleague,
        department=world.department,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=120),
    )
    colleagues = conversations.conversation_plan(
        trajectory=trajectory, actor=colleague, planned_at=local(date.today() + timedelta(days=2), 9)
    )
    elsewhere = plan(other_world)
    body = client.get(create_feed(client, world.trainer)).content.decode()
    lines = unfold(body)
    assert f"UID:{mine.ical_uid}@wpo-platform" in lines
    assert f"UID:{colleagues.ical_uid}@wpo-platform" not in lines and "Zoë" not in body
    assert f"UID:{elsewhere.ical_uid}@wpo-platform" not in lines
    for person in (other_world.participant, other_world.trainer, other_world.coach):
        assert person.user.last_name not in body
    assert lines.count("BEGIN:VEVENT") == 1
    # A coach who joins a conversation sees it in their own feed.
    coach_lines = unfold(client.get(create_feed(client, world.coach)).content.decode())
    assert f"UID:{mine.ical_uid}@wpo-platform" in coach_lines and coach_lines.count("BEGIN:VEVENT") == 1


@pytest.mark.parametrize("token", ["onbekend", "x" * 65])
def test_an_unknown_feed_token_gets_404(client: Client, world: World, token: str) -> None:
    plan(world)
    assert client.get(url("calendar_feed_ics", token)).status_code == 404


def test_a_feed_stops_with_its_owners_account(client: Client, world: World) -> None:
    address = create_feed(client, world.trainer)
    world.trainer.user.is_active = False
    world.trainer.user.save()
    assert client.get(address).status_code == 404
