"""What a coaching conversation looks like outside the platform: its invitation as iCalendar (a
downloaded ``.ics``, the werkplekopleider's calendar feed) and the reminder e-mail the day before.

Nothing here reads more than the conversation and the people it already holds, or writes anything.
"""

from collections.abc import Sequence
from datetime import UTC

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from wpo.lib import ical
from wpo.orgs.models import Person

from .models import CoachingConversation, TrainerCalendarFeed, WatchRequest

# How often a subscribed calendar app should fetch the feed again (Outlook and Apple honour it;
# Google decides for itself, typically every few hours).
FEED_REFRESH_MINUTES = 60


def _attendee(person: Person | None) -> ical.Attendee | None:
    if person is None or not person.user.email:
        return None
    return ical.Attendee(name=person.name, email=person.user.email)


def invited_people(conversation: CoachingConversation) -> list[Person]:
    """Everyone who takes part: the participant, the werkplekopleider, who planned it and who joins."""
    trajectory = conversation.trajectory
    people = [trajectory.participant, trajectory.trainer, conversation.planned_by, *conversation.attendees.all()]
    seen: set[int] = set()
    unique: list[Person] = []
    for person in people:
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique


def invitation_event(conversation: CoachingConversation, *, url: str = "") -> ical.Event:
    trajectory = conversation.trajectory
    participant = trajectory.participant
    others = [p for p in invited_people(conversation) if p.pk != participant.pk]
    lines = [_("Begeleidingsgesprek met %(name)s.") % {"name": participant.name}]
    if conversation.participant_assignment is not None:
        lines.append(_("Opdracht: %(title)s") % {"title": conversation.participant_assignment.version.title})
    lines.append(_("Met: %(names)s") % {"names": ", ".join(p.name for p in others)})
    if url:
        lines.append(_("Agenda en verslag: %(url)s") % {"url": url})
    organizer = _attendee(trajectory.trainer)
    attendees = tuple(
        a
        for a in (_attendee(p) for p in invited_people(conversation) if p.pk != trajectory.trainer_id)
        if a is not None
    )
    return ical.Event(
        uid=f"{conversation.ical_uid}@wpo-platform",
        start=conversation.planned_at,
        end=conversation.ends_at,
        stamp=timezone.now(),
        summary=_("Begeleidingsgesprek %(name)s") % {"name": participant.first_name},
        location=conversation.location,
        description="\n".join(lines),
        sequence=conversation.ical_sequence,
        organizer=organizer,
        attendees=attendees,
        url=url,
    )


def invitation_ics(conversation: CoachingConversation, *, url: str = "") -> str:
    return ical.calendar([invitation_event(conversation, url=url)])


def invitation_filename(conversation: CoachingConversation) -> str:
    local = timezone.localtime(conversation.planned_at)
    return f"begeleidingsgesprek-{local:%Y-%m-%d-%H%M}.ics"


def reminder_message(conversation: CoachingConversation) -> EmailMessage:
    participant = conversation.trajectory.participant
    local = timezone.localtime(conversation.planned_at)
    when = _("%(day)s om %(time)s") % {
        "day": formats.date_format(local, "l j F"),
        "time": formats.time_format(local, "H:i"),
    }
    people = invited_people(conversation)
    body = [
        _("Hallo,"),
        "",
        _("Dit is een herinnering aan het begeleidingsgesprek van %(name)s.") % {"name": participant.first_name},
        "",
        _("Wanneer: %(when)s (%(minutes)s minuten)") % {"when": when, "minutes": conversation.duration_minutes},
        _("Waar: %(place)s") % {"place": conversation.location or _("dat hoor je van je werkplekopleider")},
        _("Wie: %(names)s") % {"names": ", ".join(p.name for p in people)},
    ]
    if conversation.participant_assignment is not None:
        body.append(_("Opdracht: %(title)s") % {"title": conversation.participant_assignment.version.title})
    body += [
        "",
        _("Denk alvast na: wat heb je gedaan, wat heb je geleerd, en wat wil je vragen?"),
        _("In de bijlage staat het gesprek voor je agenda."),
        "",
        _("Groet van het WPO-platform"),
    ]
    message = EmailMessage(
        subject=_("Herinnering: begeleidingsgesprek %(name)s, %(when)s")
        % {"name": participant.first_name, "when": when},
        body="\n".join(body) + "\n",
        to=sorted({p.user.email for p in people if p.user.email}),
    )
    message.attach(invitation_filename(conversation), invitation_ics(conversation), "text/calendar")
    return message


def watch_request_todo(watch: WatchRequest, *, url: str = "") -> icalendar.Todo:
    """A live "Kijk je mee?" request as a to-do (VTODO), due when it lapses: open is still to answer
    (NEEDS-ACTION), answered is still to do (IN-PROCESS). Times in UTC, as the feed's events."""
    pa = watch.participant_assignment
    name = pa.trajectory.participant.first_name
    when = _("nu") if watch.when == WatchRequest.When.NOW else _("vandaag")
    todo = icalendar.Todo()
    todo.add("uid", f"kijk-je-mee-{watch.pk}@wpo-platform")
    todo.add("dtstamp", timezone.now().astimezone(UTC))
    todo.add("created", watch.asked_at.astimezone(UTC))
    todo.add("due", watch.expires_at.astimezone(UTC))
    todo.add("summary", _("Kijk je mee? %(name)s vraagt het (%(when)s)") % {"name": name, "when": when})
    lines = [_("Opdracht: %(title)s") % {"title": pa.version.title}]
    if url:
        lines.append(url)
        todo.add("url", url)
    todo.add("description", "\n".join(lines))
    todo.add("status", "NEEDS-ACTION" if watch.status == WatchRequest.Status.OPEN else "IN-PROCESS")
    todo.add("priority", 1 if watch.when == WatchRequest.When.NOW else 5)
    return todo


def calendar_feed_ics(
    feed: TrainerCalendarFeed,
    conversations: list[CoachingConversation],
    *,
    urls: list[str],
    watch_requests: Sequence[WatchRequest] = (),
    watch_url: str = "",
) -> str:
    """The feed: conversations as events, and the live "Kijk je mee?" requests as to-dos (added
    after the events, as wpo.lib.ical writes events only)."""
    with translation.override(settings.LANGUAGE_CODE):
        events = [invitation_event(c, url=url) for c, url in zip(conversations, urls, strict=True)]
        text = ical.calendar(events, name=_("Begeleidingsgesprekken WPO"), refresh_minutes=FEED_REFRESH_MINUTES)
        todos = "".join(watch_request_todo(w, url=watch_url).to_ical().decode("utf-8") for w in watch_requests)
    end = "END:VCALENDAR\r\n"
    return text[: -len(end)] + todos + end
