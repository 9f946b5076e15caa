"""iCalendar (RFC 5545) for invitations and calendar feeds, written by the ``icalendar`` package.

What the platform sends is small: one VCALENDAR with VEVENTs, times in UTC (so no VTIMEZONE block
is needed and every calendar app shows the right local time). ``icalendar`` escapes text, folds lines
at 75 octets without cutting a character in two, and quotes parameter values (RFC 6868 for quotes
and line breaks in a name). Outlook, Google Calendar and Apple Calendar read the result both as a
downloaded file and as a subscribed feed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import icalendar

PRODID = "-//WPO-platform//WPO-platform//NL"


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


@dataclass(frozen=True)
class Event:
    uid: str
    start: datetime
    end: datetime
    summary: str
    stamp: datetime
    location: str = ""
    description: str = ""
    sequence: int = 0
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = field(default=())
    url: str = ""
    cancelled: bool = False


def _utc(moment: datetime) -> datetime:
    """A naive datetime would be written as floating time (a different moment in every zone)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("iCalendar times must be timezone-aware")
    return moment.astimezone(UTC)


def _address(person: Attendee, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = icalendar.vText(person.name)
    address.params.update(params)
    return address


def _event(event: Event) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", _utc(event.stamp))
    vevent.add("dtstart", _utc(event.start))
    vevent.add("dtend", _utc(event.end))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    if event.organizer is not None:
        vevent.add("organizer", _address(event.organizer))
    for attendee in event.attendees:
        vevent.add("attendee", _address(attendee, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="FALSE"))
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    return vevent


def calendar(
    events: Iterable[Event], *, name: str = "", refresh_minutes: int | None = None, method: str = "PUBLISH"
) -> str:
    """A whole VCALENDAR. ``name`` and ``refresh_minutes`` are for a subscribed feed; ``method`` is
    PUBLISH for a download or feed, REQUEST for an e-mailed invitation, CANCEL for a cancellation."""
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("name", name)
        cal.add("x-wr-calname", name)
    if refresh_minutes:
        cal.add("refresh-interval", timedelta(minutes=refresh_minutes), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(timedelta(minutes=refresh_minutes)))
    for event in events:
        cal.add_component(_event(event))
    return str(cal.to_ical().decode("utf-8"))
