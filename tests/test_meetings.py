"""Meetings: plan with Dutch validation, invitations with .ics by e-mail after commit, change and
cancel in the calendar, attendance after the start, who may do what, and the quarterly intervision."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wpo.demo.meetings import populate_demo
from wpo.meetings import access, services
from wpo.meetings.models import Meeting, MeetingAttendance
from wpo.meetings.services import MeetingDetails
from wpo.meetings.views import _working_day
from wpo.orgs.models import Department, Organization, Person, Role
from wpo.trajectories.models import Trajectory

from .conftest import login
from .factories import World, make_meeting, make_person

pytestmark = pytest.mark.django_db

Status = MeetingAttendance.Status


# Helpers ------------------------------------------------------------------------------------------


def unfold(text: str) -> list[str]:
    """The content lines of an iCalendar text, continuation lines joined again (RFC 5545 3.1)."""
    return text.replace("\r\n ", "").replace("\n ", "").replace("\r\n", "\n").strip().split("\n")


def properties(text: str) -> dict[str, str]:
    return dict(line.split(":", 1) for line in unfold(text))


def attendees(text: str) -> set[str]:
    return {line.rsplit("mailto:", 1)[1] for line in unfold(text) if line.startswith("ATTENDEE;")}


def calendar_of(message: mail.EmailMessage) -> tuple[str, str]:
    """The METHOD parameter of the attachment's content type and its text, read back from the
    message as it goes over the wire."""
    parsed = message_from_bytes(message.message().as_bytes())
    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename().startswith("bijeenkomst-") and part.get_filename().endswith(".ics")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(part.get_param("method")), payload.decode("utf-8")


def mails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


def in_days(days: int, hour: int = 13) -> datetime:
    local = timezone.localtime() + timedelta(days=days)
    return local.replace(hour=hour, minute=30, second=0, microsecond=0)


def plan_data(invitees: list[Person], **changes: Any) -> dict[str, Any]:
    day = timezone.localdate() + timedelta(days=10)
    data: dict[str, Any] = {
        "title": "Intervisie werkplekopleiders",
        "date": day.isoformat(),
        "time": "13:30",
        "duration_minutes": "120",
        "location": "Vergaderruimte 2",
        "department": "",
        "agenda": "1. Ronde wat ging goed\n2. Casus inbrengen",
        "trainers": [str(p.pk) for p in invitees if p.is_trainer],
        "participants": [str(p.pk) for p in invitees if p.is_participant and not p.is_trainer],
        "staff": [str(p.pk) for p in invitees if not (p.is_trainer or p.is_participant)],
    }
    data.update(changes)
    return data


def details(invitees: list[Person], **changes: Any) -> MeetingDetails:
    fields: dict[str, Any] = {
        "title": "Intervisie werkplekopleiders",
        "starts_at": in_days(10),
        "duration_minutes": 120,
        "location": "Vergaderruimte 2",
        "agenda": "1. Ronde wat ging goed",
        "invitees": invitees,
    }
    fields.update(changes)
    return MeetingDetails(**fields)


Capture = Callable[..., Any]


def plan(world: World, invitees: list[Person], capture: Capture, **changes: Any) -> Meeting:
    with capture(execute=True):
        return services.meeting_plan(
            actor=world.coach, kind=Meeting.Kind.INTERVISION, details=details(invitees, **changes)
        )


def begin(meeting: Meeting, minutes_ago: int = 5) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=minutes_ago))
    meeting.refresh_from_db()


# Planning and its validation ----------------------------------------------------------------------


def test_the_coach_plans_an_intervision_and_every_invitee_gets_an_ics(
    client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    trainer2 = make_person(world.org, [Role.TRAINER], world.department)
    no_email = make_person(world.org, [Role.TRAINER], world.department, email="")
    login(client, world.coach)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/bijeenkomsten/plannen/?soort=intervisie", plan_data([world.trainer, trainer2, no_email])
        )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bijeenkomsten/{meeting.pk}/"
    assert meeting.kind == Meeting.Kind.INTERVISION and meeting.organiser == world.coach
    assert set(meeting.invitees.all()) == {world.trainer, trainer2, no_email}
    local = timezone.localtime(meeting.starts_at)
    assert (local.hour, local.minute) == (13, 30) and meeting.duration_minutes == 120

    # One e-mail per invitee with an address; nobody gets someone else's.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.trainer.user.email, trainer2.user.email])
    message = mails_to(trainer2.user.email)[0]
    assert message.subject.startswith("Uitnodiging: Intervisie werkplekopleiders")
    assert "Vergaderruimte 2" in message.body and "Casus inbrengen" in message.body
    assert message.reply_to == [world.coach.user.email]
    method, text = calendar_of(message)
    assert method == "REQUEST"
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and "METHOD:REQUEST" in lines and "BEGIN:VEVENT" in lines
    assert lines[-1] == "END:VCALENDAR"
    props = properties(text)
    assert props["UID"] == f"{meeting.ical_uid}@wpo-platform" and props["SEQUENCE"] == "0"
    assert props["DTSTART"] == meeting.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert props["DTEND"] == meeting.ends_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert props["SUMMARY"] == "Intervisie werkplekopleiders" and props["STATUS"] == "CONFIRMED"
    assert props[f'ORGANIZER;CN="{world.coach.name}"'] == f"mailto:{world.coach.user.email}"
    assert attendees(text) == {trainer2.user.email}  # never the other invitees' addresses (issue 14)


def test_nothing_is_mailed_before_the_commit_nor_after_a_failed_write(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.meeting_plan(actor=world.coach, kind=Meeting.Kind.INTERVISION, details=details([world.trainer]))
    assert not mail.outbox and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1

    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.meeting_plan(actor=world.coach, kind=Meeting.Kind.START, details=details([world.trainer]))
        raise RuntimeError("the database failed after the meeting was written")
    assert not callbacks and not mail.outbox
    assert Meeting.objects.count() == 1


def test_a_mail_server_that_fails_loses_no_meeting_and_stops_no_other_invitation(
    world: World, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    trainer2 = make_person(world.org, [Role.TRAINER])
    real_send = mail.EmailMessage.send

    def send(self: mail.EmailMessage, fail_silently: bool = False) -> int:
        if self.to == [world.trainer.user.email]:
            raise ConnectionRefusedError
        return real_send(self, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    meeting = plan(world, [world.trainer, trainer2], django_capture_on_commit_callbacks)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert [m.to for m in mail.outbox] == [[trainer2.user.email]]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "2020-01-06"}, "date", "Dit moment is al voorbij. Kies een dag en tijd in de toekomst."),
        ({"date": ""}, "date", "Kies een datum."),
        ({"time": "25:00"}, "time", "Vul een tijd in, bijvoorbeeld 13:30."),
        ({"duration_minutes": "10"}, "duration_minutes", "minstens 15 minuten en hoogstens 480 minuten"),
        ({"duration_minutes": "481"}, "duration_minutes", "minstens 15 minuten en hoogstens 480 minuten"),
        ({"duration_minutes": "anderhalf uur"}, "duration_minutes", "Vul een aantal minuten in"),
        ({"trainers": []}, "trainers", "Nodig minstens één persoon uit."),
        ({"title": ""}, "title", "Geef een titel."),
    ],
)
def test_the_plan_form_says_in_dutch_what_is_wrong_at_the_field(
    client: Client, world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    login(client, world.coach)
    response = client.post("/bijeenkomsten/plannen/?soort=intervisie", plan_data([world.trainer], **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert not Meeting.objects.exists() and not mail.outbox
    assert "Nog niet alles klopt" in response.content.decode()


def test_the_service_refuses_what_the_form_refuses(world: World) -> None:
    coach = world.coach
    for bad in (
        details([world.trainer], starts_at=timezone.now() - timedelta(minutes=1)),
        details([world.trainer], duration_minutes=14),
        details([world.trainer], duration_minutes=481),
        details([]),
        details([world.trainer], title="  "),
    ):
        with pytest.raises(services.ValidationError):
            services.meeting_plan(actor=coach, kind=Meeting.Kind.START, details=bad)
    with pytest.raises(services.ValidationError):
        services.meeting_plan(actor=world.trainer, kind=Meeting.Kind.START, details=details([world.trainer]))
    assert not Meeting.objects.exists()


def test_the_service_refuses_people_of_another_organisation(world: World, other_world: World) -> None:
    with pytest.raises(services.ValidationError, match="eigen organisatie"):
        services.meeting_plan(
            actor=world.coach, kind=Meeting.Kind.INTERVISION, details=details([world.trainer, other_world.trainer])
        )
    assert not Meeting.objects.exists()


def test_the_form_offers_only_people_of_the_own_organisation(client: Client, world: World, other_world: World) -> None:
    login(client, world.coach)
    response = client.post("/bijeenkomsten/plannen/?soort=intervisie", plan_data([world.trainer, other_world.trainer]))
    assert response.status_code == 200 and "trainers" in response.context["form"].errors
    body = client.get("/bijeenkomsten/plannen/?soort=start").content.decode()
    assert world.trainer.user.last_name in body and other_world.trainer.user.last_name not in body


def test_quick_choices_add_all_trainers_or_a_departments_participants_with_their_trainers(
    client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    other_dept = Department.objects.create(organization=world.org, name="Groen")
    trainer2 = make_person(world.org, [Role.TRAINER], other_dept)
    finished_long_ago = make_person(world.org, [Role.PARTICIPANT], world.department)
    Trajectory.objects.create(
        organization=world.org,
        participant=finished_long_ago,
        trainer=world.trainer,
        department=world.department,
        starts_on=timezone.localdate() - timedelta(days=600),
        ends_on=timezone.localdate() - timedelta(days=400),
        status=Trajectory.Status.CLOSED,
        closed_at=timezone.now() - timedelta(days=400),
    )
    login(client, world.coach)
    data = plan_data([], departments=[str(world.department.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/bijeenkomsten/plannen/?soort=start", data)
    start = Meeting.objects.get()
    assert start.kind == Meeting.Kind.START
    # The participant in WPO now and their werkplekopleider; not who finished long ago, not the other department.
    assert set(start.invitees.all()) == {world.participant, world.trainer}

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/bijeenkomsten/plannen/?soort=intervisie", plan_data([], all_trainers="on"))
    intervision = Meeting.objects.get(kind=Meeting.Kind.INTERVISION)
    assert set(intervision.invitees.all()) == {world.trainer, trainer2}


def test_the_plan_form_starts_with_the_kinds_title_agenda_and_for_intervision_all_trainers(
    client: Client, world: World
) -> None:
    trainer2 = make_person(world.org, [Role.TRAINER])
    login(client, world.coach)
    chooser = client.get("/bijeenkomsten/plannen/").content.decode()
    assert "?soort=start" in chooser and "?soort=intervisie" in chooser and "?soort=afsluiting" in chooser
    form = client.get("/bijeenkomsten/plannen/?soort=intervisie").context["form"]
    assert form.initial["title"] == "Intervisie werkplekopleiders"
    assert "wat ging goed" in form.initial["agenda"] and "Casus inbrengen" in form.initial["agenda"]
    assert "Afspraken" in form.initial["agenda"]
    assert set(form.initial["trainers"]) == {world.trainer.pk, trainer2.pk}
    closing = client.get("/bijeenkomsten/plannen/?soort=afsluiting").context["form"]
    assert closing.initial["title"] == "Afsluiting en viering WPO" and "certificaten" in closing.initial["agenda"]
    assert "trainers" not in closing.initial


# Change and cancel --------------------------------------------------------------------------------


def test_a_change_raises_the_sequence_and_tells_who_stays_who_comes_and_who_goes(
    client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    trainer2 = make_person(world.org, [Role.TRAINER])
    trainer3 = make_person(world.org, [Role.TRAINER])
    meeting = plan(world, [world.trainer, trainer2], django_capture_on_commit_callbacks)
    mail.outbox.clear()
    login(client, world.coach)
    form = client.get(f"/bijeenkomsten/{meeting.pk}/wijzigen/").context["form"]
    assert set(form.initial["trainers"]) == {world.trainer.pk, trainer2.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/bijeenkomsten/{meeting.pk}/wijzigen/", plan_data([world.trainer, trainer3], location="Kantine")
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.ical_sequence == 1 and meeting.location == "Kantine"
    assert set(meeting.invitees.all()) == {world.trainer, trainer3}

    [stays] = mails_to(world.trainer.user.email)
    assert stays.subject.startswith("Gewijzigd:")
    method, text = calendar_of(stays)
    props = properties(text)
    assert method == "REQUEST" and props["SEQUENCE"] == "1" and props["LOCATION"] == "Kantine"
    assert props["UID"] == f"{meeting.ical_uid}@wpo-platform"
    assert attendees(text) == {world.trainer.user.email}

    [comes] = mails_to(trainer3.user.email)
    assert comes.subject.startswith("Uitnodiging:") and properties(calendar_of(comes)[1])["SEQUENCE"] == "1"

    [goes] = mails_to(trainer2.user.email)
    method, text = calendar_of(goes)
    assert goes.subject.startswith("Gaat niet door:") and method == "CANCEL"
    assert "METHOD:CANCEL" in unfold(text) and properties(text)["STATUS"] == "CANCELLED"
    assert attendees(text) == {trainer2.user.email}

    # Saving without changes sends nothing and keeps the sequence.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/bijeenkomsten/{meeting.pk}/wijzigen/", plan_data([world.trainer, trainer3], location="Kantine"))
    meeting.refresh_from_db()
    assert meeting.ical_sequence == 1 and not mail.outbox


def test_a_change_keeps_invitees_who_no_longer_show_in_the_choices(
    client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = plan(world, [world.trainer, world.participant], django_capture_on_commit_callbacks)
    world.trainer.user.is_active = False
    world.trainer.user.save(update_fields=["is_active"])
    login(client, world.coach)
    form = client.get(f"/bijeenkomsten/{meeting.pk}/wijzigen/").context["form"]
    with django_capture_on_commit_callbacks(execute=True):
        data = {key: value for key, value in form.initial.items() if value is not None}
        response = client.post(f"/bijeenkomsten/{meeting.pk}/wijzigen/", {**data, "location": "Kantine"})
    assert response.status_code == 302, response.context["form"].errors
    assert set(Meeting.objects.get().invitees.all()) == {world.trainer, world.participant}


def test_cancelling_sends_method_cancel_with_a_higher_sequence(
    client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = plan(world, [world.trainer, world.participant], django_capture_on_commit_callbacks)
    mail.outbox.clear()
    login(client, world.coach)
    assert "Ja, afzeggen" in client.get(f"/bijeenkomsten/{meeting.pk}/afzeggen/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bijeenkomsten/{meeting.pk}/afzeggen/")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancelled_by == world.coach and meeting.ical_sequence == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.trainer.user.email, world.participant.user.email])
    for message in mail.outbox:
        method, text = calendar_of(message)
        props = properties(text)
        assert method == "CANCEL" and props["METHOD"] == "CANCEL" and props["STATUS"] == "CANCELLED"
        assert props["SEQUENCE"] == "1" and props["UID"] == f"{meeting.ical_uid}@wpo-platform"
        assert message.subject.startswith("Gaat niet door:")
    # A cancelled meeting cannot be cancelled, changed or recorded again.
    with pytest.raises(services.ValidationError):
        services.meeting_cancel(meeting=meeting, actor=world.coach)
    with pytest.raises(services.ValidationError):
        services.meeting_change(meeting=meeting, actor=world.coach, details=details([world.trainer]))
    assert client.get(f"/bijeenkomsten/{meeting.pk}/wijzigen/").status_code == 302
    # Its download removes it from a calendar too.
    text = client.get(f"/bijeenkomsten/{meeting.pk}/uitnodiging.ics").content.decode()
    assert properties(text)["METHOD"] == "CANCEL"


def test_a_meeting_that_has_begun_cannot_be_changed_or_cancelled(world: World) -> None:
    meeting = make_meeting(world.org, world.coach, [world.trainer])
    begin(meeting)
    with pytest.raises(services.ValidationError, match="al begonnen"):
        services.meeting_change(meeting=meeting, actor=world.coach, details=details([world.trainer]))
    with pytest.raises(services.ValidationError, match="al begonnen"):
        services.meeting_cancel(meeting=meeting, actor=world.coach)


# Attendance and notes -----------------------------------------------------------------------------


def test_attendance_is_recorded_only_after_the_start(client: Client, world: World) -> None:
    trainer2 = make_person(world.org, [Role.TRAINER])
    meeting = make_meeting(world.org, world.coach, [world.trainer, trainer2])
    login(client, world.coach)
    url = f"/bijeenkomsten/{meeting.pk}/aanwezigheid/"
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/bijeenkomsten/{meeting.pk}/"
    assert "zodra de bijeenkomst begonnen is" in response.content.decode()
    data = {f"persoon_{world.trainer.pk}": "present", f"persoon_{trainer2.pk}": "absent", "notes": "Casus besproken."}
    client.post(url, data)
    assert not MeetingAttendance.objects.exclude(status=Status.INVITED).exists()
    with pytest.raises(services.ValidationError, match="vanaf het begin"):
        services.meeting_record(meeting=meeting, actor=world.coach, statuses={}, notes="")

    begin(meeting)
    form = client.get(url).context["form"]
    assert form[f"persoon_{world.trainer.pk}"].value() == "present"  # everyone starts as present
    response = client.post(url, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.notes == "Casus besproken." and meeting.recorded_by == world.coach
    assert meeting.recorded_at is not None
    statuses = dict(meeting.attendances.values_list("person_id", "status"))
    assert statuses == {world.trainer.pk: "present", trainer2.pk: "absent"}
    detail = client.get(f"/bijeenkomsten/{meeting.pk}/").content.decode()
    assert "1 aanwezig · 0 afgemeld · 1 niet gekomen" in detail and "Casus besproken." in detail

    # Recording again corrects it.
    client.post(url, {**data, f"persoon_{trainer2.pk}": "excused"})
    assert meeting.attendances.get(person=trainer2).status == "excused"


def test_every_invitee_needs_a_known_status(client: Client, world: World) -> None:
    trainer2 = make_person(world.org, [Role.TRAINER])
    meeting = make_meeting(world.org, world.coach, [world.trainer, trainer2])
    begin(meeting)
    login(client, world.coach)
    response = client.post(
        f"/bijeenkomsten/{meeting.pk}/aanwezigheid/",
        {f"persoon_{world.trainer.pk}": "present", f"persoon_{trainer2.pk}": "invited"},
    )
    assert response.status_code == 200 and f"persoon_{trainer2.pk}" in response.context["form"].errors
    with pytest.raises(services.ValidationError, match="Kies voor iedereen"):
        services.meeting_record(meeting=meeting, actor=world.coach, statuses={world.trainer.pk: "present"}, notes="")
    with pytest.raises(services.ValidationError, match="uitgenodigd"):
        services.meeting_record(
            meeting=meeting,
            actor=world.coach,
            statuses={world.trainer.pk: "present", trainer2.pk: "present", world.participant.pk: "present"},
            notes="",
        )
    assert meeting.attendances.filter(status=Status.INVITED).count() == 2


# Who may do what ----------------------------------------------------------------------------------


def change_views(meeting: Meeting) -> list[tuple[str, dict[str, Any]]]:
    """Every view that changes a meeting, with a valid POST body."""
    return [
        ("/bijeenkomsten/plannen/?soort=intervisie", {}),
        (f"/bijeenkomsten/{meeting.pk}/wijzigen/", {}),
        (f"/bijeenkomsten/{meeting.pk}/afzeggen/", {}),
        (f"/bijeenkomsten/{meeting.pk}/aanwezigheid/", {}),
    ]


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PARTICIPANT, Role.ADMINISTRATOR, Role.CONTENT_EDITOR])
def test_other_roles_get_403_on_every_planner_page(
    client: Client, world: World, role: Role, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = make_meeting(world.org, world.coach, [world.trainer, world.participant])
    login(client, world.by_role(role))
    pages = ["/bijeenkomsten/", f"/bijeenkomsten/{meeting.pk}/"]
    with django_capture_on_commit_callbacks(execute=True):
        for url in pages:
            assert client.get(url).status_code == 403, url
        for url, _ in change_views(meeting):
            body = plan_data([world.trainer]) if "plannen" in url or "wijzigen" in url else {}
            assert client.get(url).status_code == 403, url
            assert client.post(url, body).status_code == 403, url
    meeting.refresh_from_db()
    assert Meeting.objects.count() == 1 and not meeting.is_cancelled and meeting.ical_sequence == 0
    assert not mail.outbox


def test_another_organisations_coach_gets_404_and_changes_nothing(
    client: Client, world: World, other_world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = make_meeting(world.org, world.coach, [world.trainer])
    begin(meeting)
    login(client, other_world.coach)
    with django_capture_on_commit_callbacks(execute=True):
        for url, _ in change_views(meeting)[1:]:
            assert client.get(url).status_code == 404, url
            assert client.post(url, plan_data([other_world.trainer])).status_code == 404, url
        for url in (f"/bijeenkomsten/{meeting.pk}/", f"/bijeenkomsten/{meeting.pk}/uitnodiging.ics"):
            assert client.get(url).status_code == 404, url
    meeting.refresh_from_db()
    assert not meeting.is_cancelled and meeting.ical_sequence == 0 and meeting.recorded_at is None
    assert not mail.outbox
    # Their own list shows nothing of organisation A.
    assert f"/bijeenkomsten/{meeting.pk}/" not in client.get("/bijeenkomsten/").content.decode()


def test_planner_pages_refuse_the_wrong_method(client: Client, world: World) -> None:
    meeting = make_meeting(world.org, world.coach, [world.trainer])
    login(client, world.coach)
    for url in ("/bijeenkomsten/", f"/bijeenkomsten/{meeting.pk}/", f"/bijeenkomsten/{meeting.pk}/uitnodiging.ics"):
        assert client.post(url).status_code == 405, url
    assert client.put(f"/bijeenkomsten/{meeting.pk}/afzeggen/").status_code == 405


def test_the_project_manager_plans_and_sees_all(
    client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    by_coach = make_meeting(world.org, world.coach, [world.trainer], title="Van de coach")
    login(client, world.project_manager)
    assert "Van de coach" in client.get("/bijeenkomsten/").content.decode()
    assert client.get(f"/bijeenkomsten/{by_coach.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/bijeenkomsten/plannen/?soort=start", plan_data([world.trainer], title="Start"))
    assert response.status_code == 302
    assert Meeting.objects.get(title="Start").organiser == world.project_manager


# What invitees see --------------------------------------------------------------------------------


def test_invitees_see_only_their_own_meetings(client: Client, world: World) -> None:
    trainer2 = make_person(world.org, [Role.TRAINER])
    mine = make_meeting(world.org, world.coach, [world.participant, world.trainer], kind="start", title="Start WPO")
    not_mine = make_meeting(world.org, world.coach, [trainer2], title="Intervisie voor anderen")
    gone = make_meeting(world.org, world.coach, [world.participant], kind="closing", title="Afgezegde viering")
    Meeting.objects.filter(pk=gone.pk).update(cancelled_at=timezone.now())

    login(client, world.participant)
    body = client.get("/bijeenkomsten/mijn/").content.decode()
    assert "Start WPO" in body and "Vergaderruimte 2" in body
    assert f"/bijeenkomsten/{mine.pk}/uitnodiging.ics" in body
    assert "Intervisie voor anderen" not in body
    assert "Afgezegde viering" in body and "Gaat niet door" in body
    assert f"/bijeenkomsten/{gone.pk}/uitnodiging.ics" not in body

    response = client.get(f"/bijeenkomsten/{mine.pk}/uitnodiging.ics")
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="bijeenkomst-')
    text = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    props = properties(text)
    assert props["METHOD"] == "PUBLISH" and props["SUMMARY"] == "Start WPO"
    assert props["URL"].endswith("/bijeenkomsten/mijn/")

    assert client.get(f"/bijeenkomsten/{not_mine.pk}/uitnodiging.ics").status_code == 404
    assert client.get(f"/bijeenkomsten/{mine.pk}/").status_code == 403  # the planner's page
    login(client, trainer2)
    body = client.get("/bijeenkomsten/mijn/").content.decode()
    assert "Intervisie voor anderen" in body and "Start WPO" not in body
    assert client.get(f"/bijeenkomsten/{mine.pk}/uitnodiging.ics").status_code == 404


def test_my_meetings_is_empty_for_someone_not_invited(client: Client, world: World) -> None:
    make_meeting(world.org, world.coach, [world.trainer])
    login(client, world.participant)
    assert "Je bent nu niet uitgenodigd" in client.get("/bijeenkomsten/mijn/").content.decode()


# The quarterly intervision ------------------------------------------------------------------------


def test_intervision_due(world: World, other_world: World) -> None:
    coach = world.coach
    now = timezone.now()
    start, end = access.quarter_of(now)
    assert access.intervision_due(coach)
    # Another organisation's intervision is not ours.
    make_meeting(other_world.org, other_world.coach, [other_world.trainer], starts_at=now + timedelta(hours=1))
    assert access.intervision_due(coach)
    # A start meeting is no intervision; one last quarter does not count for this quarter.
    make_meeting(world.org, coach, [world.trainer], kind="start", starts_at=now + timedelta(minutes=5))
    last_quarter = make_meeting(world.org, coach, [world.trainer], starts_at=start - timedelta(days=1))
    assert access.intervision_due(coach)
    # Planned later this quarter: not due; cancelled: due again.
    planned = make_meeting(world.org, coach, [world.trainer], starts_at=end - timedelta(hours=1))
    assert not access.intervision_due(coach)
    Meeting.objects.filter(pk=planned.pk).update(cancelled_at=now)
    assert access.intervision_due(coach)
    # Held earlier this quarter: not due. The next quarter it is due again.
    Meeting.objects.filter(pk=last_quarter.pk).update(starts_at=start + timedelta(hours=1))
    assert not access.intervision_due(coach)
    assert access.intervision_due(coach, now=end + timedelta(days=1))


def test_quarters_follow_the_local_calendar() -> None:
    zone = timezone.get_default_timezone()
    start, end = access.quarter_of(datetime(2026, 12, 31, 23, 30, tzinfo=zone))
    assert timezone.localtime(start) == datetime(2026, 10, 1, tzinfo=zone)
    assert timezone.localtime(end) == datetime(2027, 1, 1, tzinfo=zone)
    # Just after midnight on 1 April in Amsterdam is still 31 March in UTC.
    start, _ = access.quarter_of(datetime(2026, 4, 1, 0, 30, tzinfo=zone))
    assert timezone.localtime(start) == datetime(2026, 4, 1, tzinfo=zone)


def test_the_list_prompts_for_this_quarters_intervision_until_one_is_planned(client: Client, world: World) -> None:
    login(client, world.coach)
    body = client.get("/bijeenkomsten/").content.decode()
    assert "Plan de intervisie voor dit kwartaal" in body and "Er is nog geen intervisie geweest." in body
    assert "/bijeenkomsten/plannen/?soort=intervisie&amp;kwartaal=dit" in body
    form = client.get("/bijeenkomsten/plannen/?soort=intervisie&kwartaal=dit").context["form"]
    _, end = access.quarter_of(timezone.now())
    assert form.initial["date"] < timezone.localtime(end).date() or form.initial["date"] == (
        timezone.localdate() + timedelta(days=1)
    )

    held = make_meeting(world.org, world.coach, [world.trainer], starts_at=timezone.now() - timedelta(days=200))
    planned = make_meeting(world.org, world.coach, [world.trainer], starts_at=access.quarter_of(timezone.now())[1])
    body = client.get("/bijeenkomsten/").content.decode()
    assert "Plan de intervisie voor dit kwartaal" in body  # next quarter's does not count
    assert f"/bijeenkomsten/{held.pk}/" in body and "Laatste intervisie" in body
    Meeting.objects.filter(pk=planned.pk).update(starts_at=timezone.now() + timedelta(minutes=30))
    body = client.get("/bijeenkomsten/").content.decode()
    assert "Plan de intervisie voor dit kwartaal" not in body and "De intervisie van dit kwartaal" in body


# The list -----------------------------------------------------------------------------------------


def test_the_list_shows_upcoming_and_past_with_attendance_and_filters_by_kind(client: Client, world: World) -> None:
    trainer2 = make_person(world.org, [Role.TRAINER])
    make_meeting(world.org, world.coach, [world.trainer], kind="closing", title="Feest in juni")
    held = make_meeting(world.org, world.coach, [world.trainer, trainer2], title="Intervisie maart")
    not_recorded = make_meeting(world.org, world.coach, [world.trainer], kind="start", title="Start januari")
    begin(held, minutes_ago=60 * 24 * 30)
    begin(not_recorded, minutes_ago=60 * 24 * 60)
    services.meeting_record(
        meeting=held, actor=world.coach, statuses={world.trainer.pk: "present", trainer2.pk: "excused"}, notes=""
    )
    login(client, world.coach)
    response = client.get("/bijeenkomsten/")
    assert [m.title for m in response.context["upcoming"]] == ["Feest in juni"]
    assert [m.title for m in response.context["past"]] == ["Intervisie maart", "Start januari"]
    body = response.content.decode()
    assert "1 van 2" in body and "1 afgemeld" in body
    assert f"/bijeenkomsten/{not_recorded.pk}/aanwezigheid/" in body and "Nog vastleggen" in body

    filtered = client.get("/bijeenkomsten/?soort=start")
    assert [m.title for m in filtered.context["past"]] == ["Start januari"] and not filtered.context["upcoming"]


def test_the_past_is_paginated(client: Client, world: World) -> None:
    for n in range(23):
        make_meeting(
            world.org, world.coach, [world.trainer], title=f"Oud {n}", starts_at=timezone.now() - timedelta(days=n + 1)
        )
    login(client, world.coach)
    first = client.get("/bijeenkomsten/?soort=intervisie")
    assert len(first.context["past"]) == 20 and "Pagina 1 van 2" in first.content.decode()
    assert "?soort=intervisie&amp;pagina=2" in first.content.decode()
    second = client.get("/bijeenkomsten/?soort=intervisie&pagina=2")
    assert [m.title for m in second.context["past"]] == ["Oud 20", "Oud 21", "Oud 22"]


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_meetings(world: World, n: int, people: list[Person]) -> None:
    for i in range(n):
        for days in (i + 2, -(i + 2)):
            meeting = make_meeting(
                world.org, world.coach, people, starts_at=timezone.now() + timedelta(days=days), kind="start"
            )
            if days < 0:
                MeetingAttendance.objects.filter(meeting=meeting).update(status=Status.PRESENT)
                Meeting.objects.filter(pk=meeting.pk).update(recorded_at=timezone.now(), notes="x")


@pytest.mark.parametrize(("who", "url"), [("coach", "/bijeenkomsten/"), ("participant", "/bijeenkomsten/mijn/")])
def test_list_query_count_does_not_grow_with_meetings(client: Client, world: World, who: str, url: str) -> None:
    people = [world.trainer, world.participant, *(make_person(world.org, [Role.TRAINER]) for _ in range(3))]
    make_meeting(world.org, world.coach, people, starts_at=timezone.now() - timedelta(days=100))
    login(client, getattr(world, who))
    add_meetings(world, 2, people)
    small = count_queries(client, url)
    add_meetings(world, 12, people)
    assert count_queries(client, url) == small


def test_the_detail_page_query_count_does_not_grow_with_invitees(client: Client, world: World) -> None:
    meeting = make_meeting(world.org, world.coach, [world.trainer])
    login(client, world.coach)
    small = count_queries(client, f"/bijeenkomsten/{meeting.pk}/")
    for _ in range(10):
        person = make_person(world.org, [Role.PARTICIPANT], world.department)
        MeetingAttendance.objects.create(organization=world.org, meeting=meeting, person=person)
    assert count_queries(client, f"/bijeenkomsten/{meeting.pk}/") == small


# Closing: certificates ----------------------------------------------------------------------------


def test_a_closing_links_to_the_certificates_of_its_participants(client: Client, world: World) -> None:
    participant2 = make_person(world.org, [Role.PARTICIPANT], world.department)
    closing = make_meeting(
        world.org, world.coach, [world.participant, participant2, world.trainer], kind="closing", title="Viering"
    )
    intervision = make_meeting(world.org, world.coach, [world.trainer])
    login(client, world.coach)
    body = client.get(f"/bijeenkomsten/{closing.pk}/").content.decode()
    ids = ",".join(str(pk) for pk in sorted([world.participant.pk, participant2.pk]))
    found = body.split('href="/certificaten/printen/?personen=')[1].split('"')[0]
    assert ",".join(sorted(found.split(","), key=int)) == ids
    assert "Certificaten printen voor deze bijeenkomst" in body
    assert "Certificaten printen" not in client.get(f"/bijeenkomsten/{intervision.pk}/").content.decode()


# Demo -----------------------------------------------------------------------------------------------


def test_the_demo_has_a_held_start_a_planned_intervision_and_a_closing(db: None) -> None:
    org = Organization.objects.create(name="Demo", slug="demo")
    dept = Department.objects.create(organization=org, name="Inpak")
    people = {
        username: make_person(org, roles, dept, username=username)
        for username, roles in [
            ("coach", [Role.COACH]),
            ("projectmanager", [Role.PROJECT_MANAGER]),
            ("werkplekopleider", [Role.TRAINER]),
            ("werkplekopleider2", [Role.TRAINER]),
            ("deelnemer", [Role.PARTICIPANT]),
            ("mohamed", [Role.PARTICIPANT]),
            ("joyce", [Role.PARTICIPANT]),
            ("piotr", [Role.PARTICIPANT]),
            ("fatma", [Role.PARTICIPANT]),
        ]
    }
    populate_demo(org)
    today = timezone.localdate()
    meetings = Meeting.objects.filter(organization=org)
    assert all(timezone.localtime(m.starts_at).weekday() < 5 for m in meetings), "on working days"
    start = Meeting.objects.get(organization=org, kind=Meeting.Kind.START)
    # Eight weeks back, moved to the Friday before when that is a weekend day (two days on a Sunday).
    assert 56 <= (today - timezone.localtime(start.starts_at).date()).days <= 58
    assert start.recorded_at is not None and start.notes
    assert start.attendances.filter(status=Status.PRESENT).count() >= 5
    assert not start.attendances.filter(status=Status.INVITED).exists()
    intervision = Meeting.objects.get(organization=org, kind=Meeting.Kind.INTERVISION)
    assert 21 <= (timezone.localtime(intervision.starts_at).date() - today).days <= 23
    assert set(intervision.invitees.all()) == {people["werkplekopleider"], people["werkplekopleider2"]}
    closing = Meeting.objects.get(organization=org, kind=Meeting.Kind.CLOSING)
    assert 35 <= (timezone.localtime(closing.starts_at).date() - today).days <= 37
    assert people["fatma"] in closing.invitees.all() and not mail.outbox


def test_the_demo_copes_with_missing_people(db: None) -> None:
    org = Organization.objects.create(name="Leeg", slug="leeg")
    populate_demo(org)
    assert Meeting.objects.filter(organization=org).count() == 3


def test_a_proposed_date_falls_on_a_working_day_within_the_quarter() -> None:
    saturday = date(2026, 12, 26)
    assert _working_day(saturday, earliest=date(2026, 12, 1)) == date(2026, 12, 28)
    assert _working_day(saturday, earliest=date(2026, 12, 1), latest=date(2026, 12, 27)) == date(2026, 12, 25)
    assert _working_day(saturday, earliest=date(2026, 12, 26), latest=date(2026, 12, 27)) == saturday
    assert _working_day(date(2026, 12, 23), earliest=date(2026, 12, 1)) == date(2026, 12, 23)
