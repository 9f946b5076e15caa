"""iCalendar (RFC 5545) text for invitations and calendar feeds, written out by hand.

Only what a meeting needs: one VCALENDAR with VEVENTs, times in UTC (so no VTIMEZONE block is
needed and every calendar app shows the right local time), escaped text, CRLF line endings and
lines folded at 75 octets without cutting a UTF-8 character in two. Outlook, Google Calendar
and Apple Calendar read the result both as a downloaded file and as a subscribed feed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

CRLF = "\r\n"
MAX_OCTETS = 75
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


def utc(moment: datetime) -> str:
    """``20260305T080000Z``; a naive datetime would be read as floating time, so it is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("iCalendar times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def param_value(value: str) -> str:
    """A parameter value such as CN: always quoted; quotes and control characters cannot appear."""
    cleaned = "".join(ch for ch in value if ch >= " " and ch not in '"\x7f')
    return f'"{cleaned}"'


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, continuation lines starting with a space."""
    pieces: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            # The leading space of a continuation line counts towards its 75 octets.
            current, size, limit = " ", 1, MAX_OCTETS
        current += ch
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def _person(name: str, person: Attendee, extra: str = "") -> str:
    return f"{name};CN={param_value(person.name)}{extra}:mailto:{person.email}"


def event_lines(event: Event) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc(event.stamp)}",
        f"DTSTART:{utc(event.start)}",
        f"DTEND:{utc(event.end)}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.organizer is not None:
        lines.append(_person("ORGANIZER", event.organizer))
    lines.extend(
        _person("ATTENDEE", a, ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE") for a in event.attendees
    )
    lines += [f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}", "TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def calendar(
    events: Iterable[Event], *, name: str = "", refresh_minutes: int | None = None, method: str = "PUBLISH"
) -> str:
    """A whole VCALENDAR. ``name`` and ``refresh_minutes`` are for a subscribed feed; ``method`` is
    PUBLISH for a download or feed, REQUEST for an e-mailed invitation, CANCEL for a cancellation."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", f"METHOD:{method}"]
    if name:
        lines += [f"NAME:{escape_text(name)}", f"X-WR-CALNAME:{escape_text(name)}"]
    if refresh_minutes:
        lines += [
            f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_minutes}M",
            f"X-PUBLISHED-TTL:PT{refresh_minutes}M",
        ]
    for event in events:
        lines += event_lines(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
