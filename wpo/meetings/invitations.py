"""A meeting's invitation as iCalendar, and the e-mails that carry it.

Mailed invitations follow iTIP (RFC 5546): METHOD:REQUEST for a new or changed meeting and
METHOD:CANCEL when it is called off or someone is no longer invited, always with the same UID
and a SEQUENCE that only goes up, so calendar apps replace or remove the event they have. The
download on the website is METHOD:PUBLISH, the same as the coaching conversations.

Each file names the organiser and, at most, the one person it is for: an invitation mailed to
everyone must not hand each invitee the e-mail addresses of all the others (who is invited is shown
in the app, to those who may see it). The download on the website names only the organiser.

The e-mails are sent only after the transaction that changed the meeting has committed: a write
that fails sends nothing, and a mail server that fails does not undo the meeting.
"""

import logging
from email.message import MIMEPart
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from wpo.lib import ical
from wpo.orgs.models import Person

from .models import Meeting, MeetingAttendance

logger = logging.getLogger(__name__)

PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"


def _attendee(person: Person | None) -> ical.Attendee | None:
    if person is None or not person.user.email:
        return None
    return ical.Attendee(name=person.name, email=person.user.email)


def _organizer(meeting: Meeting) -> ical.Attendee:
    """The coach who organises it; without an e-mail address, the platform's sender address
    (a REQUEST needs an ORGANIZER for calendar apps to accept it)."""
    found = _attendee(meeting.organiser)
    if found is not None:
        return found
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return ical.Attendee(name=name or _("WPO-platform"), email=address)


def when_text(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return _("%(day)s, %(start)s tot %(end)s") % {
        "day": formats.date_format(start, "l j F Y"),
        "start": formats.time_format(start, "H:i"),
        "end": formats.time_format(end, "H:i"),
    }


def event(
    meeting: Meeting, *, url: str = "", attendees: list[Person] | None = None, cancelled: bool = False
) -> ical.Event:
    people = attendees or []
    lines = [meeting.agenda] if meeting.agenda else []
    if meeting.organiser is not None:
        lines.append(_("Georganiseerd door %(name)s.") % {"name": meeting.organiser.name})
    return ical.Event(
        uid=f"{meeting.ical_uid}@wpo-platform",
        start=meeting.starts_at,
        end=meeting.ends_at,
        stamp=timezone.now(),
        summary=meeting.title,
        location=meeting.location,
        description="\n\n".join(lines),
        sequence=meeting.ical_sequence,
        organizer=_organizer(meeting),
        attendees=tuple(a for a in (_attendee(p) for p in people) if a is not None),
        url=url,
        cancelled=cancelled,
    )


def calendar_text(meeting: Meeting, method: str, *, url: str = "", attendees: list[Person] | None = None) -> str:
    """One VCALENDAR with this meeting; a cancellation (or a cancelled meeting) is STATUS:CANCELLED."""
    cancelled = method == CANCEL or meeting.is_cancelled
    return ical.calendar([event(meeting, url=url, attendees=attendees, cancelled=cancelled)], method=method)


def filename(meeting: Meeting) -> str:
    return f"bijeenkomst-{timezone.localtime(meeting.starts_at):%Y-%m-%d-%H%M}.ics"


def _attachment(meeting: Meeting, method: str, *, url: str, attendees: list[Person] | None = None) -> MIMEPart:
    part = MIMEPart()
    part.set_content(
        calendar_text(meeting, method, url=url, attendees=attendees),
        subtype="calendar",
        charset="utf-8",
        params={"method": method},
        disposition="attachment",
        filename=filename(meeting),
    )
    return part


def message(meeting: Meeting, person: Person, method: str, *, changed: bool = False) -> EmailMessage:
    """The e-mail to one invitee: a new invitation, a change, or a cancellation."""
    url = settings.SITE_URL + reverse("meetings:mine")
    when = when_text(meeting)
    organiser = meeting.organiser
    place = meeting.location or _("dat hoor je nog")
    body = [_("Hallo %(name)s,") % {"name": person.first_name}, ""]
    if method == CANCEL:
        subject = _("Gaat niet door: %(title)s") % {"title": meeting.title}
        facts = {"title": meeting.title, "when": when}
        if meeting.is_cancelled:
            body.append(_("De bijeenkomst ‘%(title)s’ van %(when)s gaat niet door.") % facts)
        else:
            body.append(_("Je hoeft niet te komen naar ‘%(title)s’ van %(when)s.") % facts)
        body += ["", _("In de bijlage staat de afzegging voor je agenda.")]
    else:
        if changed:
            subject = _("Gewijzigd: %(title)s") % {"title": meeting.title}
            changed_text = _("De bijeenkomst ‘%(title)s’ is gewijzigd. Dit zijn de nieuwe gegevens.")
            body.append(changed_text % {"title": meeting.title})
        else:
            subject = _("Uitnodiging: %(title)s") % {"title": meeting.title}
            inviter = organiser.name if organiser is not None else _("De coach")
            body.append(_("%(name)s nodigt je uit voor ‘%(title)s’.") % {"name": inviter, "title": meeting.title})
        body += ["", _("Wanneer: %(when)s") % {"when": when}, _("Waar: %(place)s") % {"place": place}]
        if meeting.agenda:
            body += ["", _("Agenda:"), meeting.agenda]
        body += ["", _("In de bijlage staat de afspraak voor je agenda.")]
        if organiser is not None:
            body.append(_("Kun je niet komen? Laat het %(name)s weten.") % {"name": organiser.first_name})
    body += ["", _("Je bijeenkomsten staan ook op %(url)s") % {"url": url}, "", _("Groet van het WPO-platform")]
    mail = EmailMessage(
        subject=f"{subject}, {formats.date_format(timezone.localtime(meeting.starts_at), 'j F')}",
        body="\n".join(body) + "\n",
        to=[person.user.email],
        reply_to=[organiser.user.email] if organiser is not None and organiser.user.email else [],
    )
    mail.attach(_attachment(meeting, method, url=url, attendees=[person]))
    return mail


def _load(meeting_id: int) -> Meeting:
    return Meeting.objects.select_related("organiser__user").get(pk=meeting_id)


def send(meeting_id: int, *, method: str, person_ids: list[int], changed: bool = False) -> int:
    """Mail the invitation (or cancellation) of the meeting to these people; returns how many were sent.
    Each message goes on its own, so one bad address does not stop the others."""
    meeting = _load(meeting_id)
    people = Person.objects.filter(pk__in=person_ids, organization_id=meeting.organization_id).select_related("user")
    sent = 0
    with translation.override(settings.LANGUAGE_CODE), timezone.override(timezone.get_default_timezone()):
        for person in people:
            if not person.user.email:
                continue
            try:
                message(meeting, person, method, changed=changed).send()
            except Exception:
                logger.exception("Meeting %s: the %s e-mail to person %s failed", meeting_id, method, person.pk)
            else:
                sent += 1
    return sent


def send_after_commit(meeting: Meeting, *, method: str, person_ids: list[int], changed: bool = False) -> None:
    if not person_ids:
        return
    meeting_id, ids = meeting.pk, list(person_ids)
    transaction.on_commit(lambda: send(meeting_id, method=method, person_ids=ids, changed=changed), robust=True)


def invited_person_ids(meeting: Meeting) -> list[int]:
    return list(MeetingAttendance.objects.filter(meeting=meeting).values_list("person_id", flat=True))
