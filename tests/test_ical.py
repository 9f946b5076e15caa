"""The iCalendar writer: line endings, folding, escaping and the fields calendar apps need."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wpo.lib import ical

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def unfold(text: str) -> list[str]:
    """Content lines as a calendar app reads them: CRLF + space joins a line to the one before."""
    assert text.endswith("\r\n")
    return text[: -len("\r\n")].replace("\r\n ", "").split("\r\n")


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(ch)
    return "".join(out)


def properties(text: str) -> dict[str, str]:
    """NAME (with parameters) -> value of each line inside the first VEVENT."""
    lines = unfold(text)
    event = lines[lines.index("BEGIN:VEVENT") + 1 : lines.index("END:VEVENT")]
    found: dict[str, str] = {}
    for line in event:
        # The name and parameters end at the first colon outside a quoted parameter value.
        quoted, split_at = False, -1
        for i, ch in enumerate(line):
            if ch == '"':
                quoted = not quoted
            elif ch == ":" and not quoted:
                split_at = i
                break
        found.setdefault(line[:split_at], line[split_at + 1 :])
    return found


def event(**changes: object) -> ical.Event:
    start = datetime(2026, 3, 5, 10, 0, tzinfo=AMSTERDAM)
    values: dict[str, object] = {
        "uid": "0d9c3f6e-4b7e-4f1c-9a51-2f4d1c3b7a10@wpo-platform",
        "start": start,
        "end": start + timedelta(minutes=30),
        "stamp": datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        "summary": "Begeleidingsgesprek Fatima",
        "location": "Kantoor, 1e verdieping; achter de kantine",
        "description": "Begeleidingsgesprek met Fatima.\nOpdracht: Om hulp vragen",
        "organizer": ical.Attendee("Jan de Vries", "jan@example.org"),
        "attendees": (ical.Attendee("Fatima El Amrani", "fatima@example.org"),),
    }
    values.update(changes)
    return ical.Event(**values)  # type: ignore[arg-type]


def test_every_line_ends_with_crlf_and_nothing_else_breaks_a_line() -> None:
    text = ical.calendar([event()])
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")


def test_the_calendar_has_the_required_properties() -> None:
    lines = unfold(ical.calendar([event()]))
    assert {"VERSION:2.0", "METHOD:PUBLISH", "CALSCALE:GREGORIAN"} <= set(lines)
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1


def test_times_are_in_utc() -> None:
    props = properties(ical.calendar([event()]))
    # 10:00 in Amsterdam in March (CET, UTC+1) is 09:00 UTC.
    assert props["DTSTART"] == "20260305T090000Z"
    assert props["DTEND"] == "20260305T093000Z"
    assert props["DTSTAMP"] == "20260301T120000Z"
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=AMSTERDAM)
    assert properties(ical.calendar([event(start=summer)]))["DTSTART"] == "20260701T080000Z"


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ical.calendar([event(start=datetime(2026, 3, 5, 10, 0))])


def test_text_is_escaped_and_comes_back_unchanged() -> None:
    props = properties(ical.calendar([event()]))
    assert props["LOCATION"] == "Kantoor\\, 1e verdieping\\; achter de kantine"
    assert unescape(props["LOCATION"]) == "Kantoor, 1e verdieping; achter de kantine"
    assert unescape(props["DESCRIPTION"]) == "Begeleidingsgesprek met Fatima.\nOpdracht: Om hulp vragen"
    assert properties(ical.calendar([event(summary="a\\b\r\nc")]))["SUMMARY"] == "a\\\\b\\nc"


def test_organizer_and_attendees_carry_name_and_mail_address() -> None:
    props = properties(ical.calendar([event()]))
    assert props['ORGANIZER;CN="Jan de Vries"'] == "mailto:jan@example.org"
    attendee = next(k for k in props if k.startswith("ATTENDEE"))
    assert attendee.startswith('ATTENDEE;CN="Fatima El Amrani"') and props[attendee] == "mailto:fatima@example.org"


def test_a_quote_in_a_name_cannot_break_out_of_the_parameter() -> None:
    text = ical.calendar([event(organizer=ical.Attendee('Jan "de baas"\r\nde Vries', "jan@example.org"))])
    # Quotes and the line break are encoded (RFC 6868: ^' and ^n) inside the one quoted value.
    assert "ORGANIZER;CN=\"Jan ^'de baas^'^nde Vries\":mailto:jan@example.org" in unfold(text)


def test_without_mail_addresses_there_is_no_organizer_or_attendee() -> None:
    props = properties(ical.calendar([event(organizer=None, attendees=())]))
    assert not any(k.startswith(("ORGANIZER", "ATTENDEE")) for k in props)


def test_long_lines_are_folded_at_75_octets() -> None:
    description = "Wat ging er goed? " * 30
    text = ical.calendar([event(description=description)])
    physical = text.split("\r\n")[:-1]
    assert max(len(line.encode("utf-8")) for line in physical) == 75
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    assert unescape(properties(text)["DESCRIPTION"]) == description


def test_folding_never_cuts_a_character_in_two() -> None:
    # é is two octets, 😊 four: a naive fold at 75 octets would split them.
    summary = "Begeleidingsgesprek Zoë " + "é😊" * 40
    text = ical.calendar([event(summary=summary)])
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
        line.encode("utf-8").decode("utf-8")
    assert properties(text)["SUMMARY"] == summary


def test_a_feed_has_a_name_and_a_refresh_interval() -> None:
    lines = unfold(ical.calendar([event(), event(uid="other@wpo-platform")], name="Gesprekken", refresh_minutes=60))
    assert "X-WR-CALNAME:Gesprekken" in lines and "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert lines.count("BEGIN:VEVENT") == 2


def test_an_empty_feed_is_still_a_valid_calendar() -> None:
    lines = unfold(ical.calendar([], name="Gesprekken"))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR" and "BEGIN:VEVENT" not in lines


# "Kijk je mee?" in the werkplekopleider's feed --------------------------------------------------------


def component(lines: list[str], name: str) -> dict[str, str]:
    """NAME -> value of the lines of the first component ``name`` (simple values, no quoted colons)."""
    inner = lines[lines.index(f"BEGIN:{name}") + 1 : lines.index(f"END:{name}")]
    return dict(line.split(":", 1) for line in inner)


@pytest.mark.django_db
def test_a_live_watch_request_is_a_to_do_in_the_trainers_feed(client, world, other_world, time_machine) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from wpo.trajectories.models import Step
    from wpo.trajectories.services.conversations import calendar_feed_create
    from wpo.trajectories.services.watch_requests import watch_request_answer, watch_request_ask
    from wpo.trajectories.workflow import move

    time_machine.move_to(datetime(2027, 3, 9, 10, 0, tzinfo=AMSTERDAM), tick=False)
    for w in (world, other_world):
        move(w.pa, Step.PRACTISING, actor=w.participant)
        move(w.pa, Step.WORKING, actor=w.participant)
    watch = watch_request_ask(world.pa, actor=world.participant, when="now")
    watch_request_ask(other_world.pa, actor=other_world.participant, when="now")
    feed = reverse("trajectories:calendar_feed_ics", args=[calendar_feed_create(person=world.trainer).token])

    text = client.get(feed).content.decode()
    lines = unfold(text)
    assert lines[-1] == "END:VCALENDAR" and lines.count("BEGIN:VTODO") == 1, "only this trainer's, one organisation"
    todo = component(lines, "VTODO")
    first_name = world.participant.user.first_name
    assert todo["UID"] == f"kijk-je-mee-{watch.pk}@wpo-platform"
    assert unescape(todo["SUMMARY"]) == f"Kijk je mee? {first_name} vraagt het (nu)"
    assert todo["STATUS"] == "NEEDS-ACTION" and todo["PRIORITY"] == "1"
    # Due when it lapses, at the end of the day (midnight in Amsterdam, 23:00 UTC in winter); in UTC.
    assert todo["DUE"] == "20270309T230000Z" and todo["CREATED"] == "20270309T090000Z"
    assert todo["URL"].endswith(reverse("trajectories:my_participants"))
    assert world.pa.version.title in unescape(todo["DESCRIPTION"])
    assert other_world.participant.user.first_name not in text

    watch_request_answer(watch, actor=world.trainer, answer="tomorrow")
    todo = component(unfold(client.get(feed).content.decode()), "VTODO")
    assert todo["STATUS"] == "IN-PROCESS" and todo["DUE"] == "20270310T230000Z"

    # The coach's feed has no to-do: the request is for the werkplekopleider.
    coach_feed = reverse("trajectories:calendar_feed_ics", args=[calendar_feed_create(person=world.coach).token])
    assert "BEGIN:VTODO" not in client.get(coach_feed).content.decode()
    # Lapsed, it leaves the feed.
    time_machine.move_to(datetime(2027, 3, 11, 0, 1, tzinfo=AMSTERDAM), tick=False)
    assert "BEGIN:VTODO" not in client.get(feed).content.decode()
