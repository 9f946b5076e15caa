"""An interim evaluation outside the platform: its invitation as iCalendar (``wpo.lib.ical``) and the
e-mails that carry it, after the pattern of meetings (wpo/meetings/invitations.py).

A planned evaluation is mailed (METHOD:REQUEST) to everyone invited who has an e-mail address: the
werkplekopleider, who planned it, the colleagues who join (a coach) and the participant when they
have one; a cancelled one gets METHOD:CANCEL with the same UID and a higher SEQUENCE. Each file
names the organiser and the one person it is for. The e-mails go only after the transaction has
committed: a refused write sends nothing, and a mail server that fails does not undo the evaluation.
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

from .models import InterimEvaluation

logger = logging.getLogger(__name__)

PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"


def _attendee(person: Person | None) -> ical.Attendee | None:
    if person is None or not person.user.email:
        return None
    return ical.Attendee(name=person.name, email=person.user.email)


def invited_people(evaluation: InterimEvaluation) -> list[Person]:
    """Everyone who takes part: the participant, the werkplekopleider, who planned it and who joins."""
    trajectory = evaluation.trajectory
    people = [trajectory.participant, trajectory.trainer, evaluation.planned_by, *evaluation.attendees.all()]
    seen: set[int] = set()
    unique: list[Person] = []
    for person in people:
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique


def _organizer(evaluation: InterimEvaluation) -> ical.Attendee:
    """The werkplekopleider; without an e-mail address, the platform's sender address (a REQUEST
    needs an ORGANIZER for calendar apps to accept it)."""
    found = _attendee(evaluation.trajectory.trainer)
    if found is not None:
        return found
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return ical.Attendee(name=name or _("WPO-platform"), email=address)


def title(evaluation: InterimEvaluation) -> str:
    name = evaluation.trajectory.participant.first_name
    if evaluation.is_final:
        return _("Eindevaluatie WPO %(name)s") % {"name": name}
    return _("Tussentijdse evaluatie WPO %(name)s") % {"name": name}


def event(
    evaluation: InterimEvaluation, *, url: str = "", attendees: list[Person] | None = None, cancelled: bool = False
) -> ical.Event:
    participant = evaluation.trajectory.participant
    others = [p for p in invited_people(evaluation) if p.pk != participant.pk]
    lines = [
        _("We kijken samen terug: wat heeft %(name)s bereikt, passen de skills nog, blijft de periode staan?")
        % {"name": participant.first_name},
        _("Met: %(names)s") % {"names": ", ".join(p.name for p in others)},
    ]
    if url:
        lines.append(_("In het WPO-platform: %(url)s") % {"url": url})
    return ical.Event(
        uid=f"{evaluation.ical_uid}@wpo-platform",
        start=evaluation.planned_at,
        end=evaluation.ends_at,
        stamp=timezone.now(),
        summary=title(evaluation),
        location=evaluation.location,
        description="\n".join(lines),
        sequence=evaluation.ical_sequence,
        organizer=_organizer(evaluation),
        attendees=tuple(a for a in (_attendee(p) for p in attendees or []) if a is not None),
        url=url,
        cancelled=cancelled,
    )


def calendar_text(
    evaluation: InterimEvaluation, method: str, *, url: str = "", attendees: list[Person] | None = None
) -> str:
    cancelled = method == CANCEL
    return ical.calendar([event(evaluation, url=url, attendees=attendees, cancelled=cancelled)], method=method)


def filename(evaluation: InterimEvaluation) -> str:
    return f"evaluatie-{timezone.localtime(evaluation.planned_at):%Y-%m-%d-%H%M}.ics"


def when_text(evaluation: InterimEvaluation) -> str:
    local = timezone.localtime(evaluation.planned_at)
    return _("%(day)s om %(time)s") % {
        "day": formats.date_format(local, "l j F"),
        "time": formats.time_format(local, "H:i"),
    }


def message(evaluation: InterimEvaluation, person: Person, method: str) -> EmailMessage:
    """The e-mail to one person invited: the invitation, or its cancellation."""
    url = settings.SITE_URL + reverse("trajectories:trajectory_detail", args=[evaluation.trajectory_id])
    what = title(evaluation)
    when = when_text(evaluation)
    body = [_("Hallo %(name)s,") % {"name": person.first_name}, ""]
    if method == CANCEL:
        subject = _("Gaat niet door: %(title)s") % {"title": what}
        body += [_("‘%(title)s’ van %(when)s gaat niet door.") % {"title": what, "when": when}, ""]
        body.append(_("In de bijlage staat de afzegging voor je agenda."))
    else:
        subject = _("Uitnodiging: %(title)s") % {"title": what}
        body += [
            _("Je bent uitgenodigd voor ‘%(title)s’.") % {"title": what},
            "",
            _("Wanneer: %(when)s (%(minutes)s minuten)") % {"when": when, "minutes": evaluation.duration_minutes},
            _("Waar: %(place)s") % {"place": evaluation.location or _("dat hoor je van de werkplekopleider")},
            "",
            _("We kijken samen terug: wat is er bereikt, passen de skills nog, blijft de periode staan?"),
            _("In de bijlage staat de afspraak voor je agenda."),
        ]
    if person.pk != evaluation.trajectory.participant_id:
        body += ["", _("Het WPO-traject in het platform: %(url)s") % {"url": url}]
    body += ["", _("Groet van het WPO-platform")]
    mail = EmailMessage(subject=subject, body="\n".join(body) + "\n", to=[person.user.email])
    part = MIMEPart()
    part.set_content(
        calendar_text(evaluation, method, attendees=[person]),
        subtype="calendar",
        charset="utf-8",
        params={"method": method},
        disposition="attachment",
        filename=filename(evaluation),
    )
    mail.attach(part)
    return mail


def _messages(evaluation: InterimEvaluation, method: str) -> list[EmailMessage]:
    with translation.override(settings.LANGUAGE_CODE), timezone.override(timezone.get_default_timezone()):
        return [message(evaluation, p, method) for p in invited_people(evaluation) if p.user.email]


def _send(messages: list[EmailMessage], evaluation_id: int) -> None:
    for mail in messages:
        try:
            mail.send()
        except Exception:
            logger.exception("Evaluation %s: an invitation e-mail failed", evaluation_id)


def send_after_commit(evaluation: InterimEvaluation, *, method: str) -> None:
    """Mail the invitation to everyone invited, once the evaluation is committed."""
    evaluation_id = evaluation.pk

    def send() -> None:
        fresh = _load(evaluation_id)
        if fresh is not None:
            _send(_messages(fresh, method), evaluation_id)

    transaction.on_commit(send, robust=True)


def send_cancellation_after_commit(evaluation: InterimEvaluation) -> None:
    """The cancellation is written now (the evaluation is about to be deleted) and sent after the commit."""
    evaluation_id = evaluation.pk
    fresh = _load(evaluation_id) or evaluation
    # Calendar apps remove an event only when the cancellation's sequence is higher.
    fresh.ical_sequence += 1
    messages = _messages(fresh, CANCEL)
    transaction.on_commit(lambda: _send(messages, evaluation_id), robust=True)


def _load(evaluation_id: int) -> InterimEvaluation | None:
    return (
        InterimEvaluation.objects.select_related(
            "trajectory__participant__user", "trajectory__trainer__user", "planned_by__user"
        )
        .filter(pk=evaluation_id)
        .first()
    )
