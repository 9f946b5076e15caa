"""Finding (issue 14, LOW): a meeting's ``.ics`` invitation gave every invitee all other invitees' e-mail addresses.

The attack: anyone invited to a closing ceremony or an intervision opened the calendar attachment
(or downloaded it from the website) and read an ``ATTENDEE`` line, with the e-mail address, for
every other invitee: participants' private addresses handed to everyone on the list.

The fix: ``wpo.meetings.invitations`` writes each mailed invitation, change and cancellation for
one person, naming only the organiser and that person; the download on the website names only the
organiser. Who is invited stays visible in the app, to those who may see it. The tests plan,
change and call off a meeting over HTTP as the coach and read every mail as it goes over the wire.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import login
from tests.factories import World, make_person
from tests.test_meetings import attendees, calendar_of, plan_data, properties
from wpo.meetings.models import Meeting
from wpo.orgs.models import Role

pytestmark = pytest.mark.django_db


def _check_every_mail(invitees: dict[str, str], organiser: str) -> None:
    """Each mail names its own addressee, and the organiser, and nobody else invited."""
    assert mail.outbox
    for message in mail.outbox:
        [to] = message.to
        _method, text = calendar_of(message)
        assert attendees(text) == {to}
        assert any(k.startswith("ORGANIZER") and v == f"mailto:{organiser}" for k, v in properties(text).items())
        wire = message.message().as_bytes().decode("utf-8", "replace")
        for address in set(invitees.values()) - {to}:
            assert address not in wire and address not in text


def test_no_invitee_learns_the_others_addresses(
    client: Client, world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    second = make_person(world.org, [Role.PARTICIPANT], world.department, email="fatima.prive@example.org")
    third = make_person(world.org, [Role.PARTICIPANT], world.department, email="jan.thuis@example.org")
    later = make_person(world.org, [Role.TRAINER], world.department, email="later@example.org")
    people = [world.trainer, world.participant, second, third]
    invitees = {str(p.pk): p.user.email for p in [*people, later]}
    login(client, world.coach)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/bijeenkomsten/plannen/?soort=intervisie", plan_data(people)).status_code == 302
    meeting = Meeting.objects.get()
    assert len(mail.outbox) == 4
    _check_every_mail(invitees, world.coach.user.email)

    # A change: the ones who stay, the one who comes and the one who goes each get their own file.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changed = plan_data([world.trainer, world.participant, second, later], location="Kantine")
        assert client.post(f"/bijeenkomsten/{meeting.pk}/wijzigen/", changed).status_code == 302
    assert len(mail.outbox) == 5
    _check_every_mail(invitees, world.coach.user.email)

    # Calling it off.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/bijeenkomsten/{meeting.pk}/afzeggen/").status_code == 302
    assert len(mail.outbox) == 4
    _check_every_mail(invitees, world.coach.user.email)


def test_the_download_names_nobody_else(client: Client, world: World) -> None:
    from tests.factories import make_meeting

    second = make_person(world.org, [Role.PARTICIPANT], world.department, email="fatima.prive@example.org")
    meeting = make_meeting(world.org, world.coach, [world.participant, second, world.trainer])
    for who in (world.participant, world.coach):
        client.logout()
        login(client, who)
        text = client.get(f"/bijeenkomsten/{meeting.pk}/uitnodiging.ics").content.decode()
        assert "BEGIN:VEVENT" in text
        assert "fatima.prive@example.org" not in text and world.trainer.user.email not in text
        assert attendees(text) == set()
