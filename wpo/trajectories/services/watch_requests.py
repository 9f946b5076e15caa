"""“Kijk je mee?”: the participant asks their werkplekopleider to come and watch the work task,
now or today; the werkplekopleider answers with one tap; the observation they then record is linked
to the request, which is then done.

An assignment has one live request at most (open, or answered and not yet done): asking again while
one is live gives that one back, so the participant reads "Je vraag is verstuurd" and nothing is
written twice. A request lapses at the end of its day (or of the day the werkplekopleider said they
would come); a lapsed one is cancelled when the participant asks again.
"""

import uuid
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused
from wpo.orgs.models import Person
from wpo.orgs.permissions import OnTrajectory, may_on

from .. import activity
from ..models import Observation, ParticipantAssignment, Step, WatchRequest


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in the product's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def end_of_day(moment: datetime, days_later: int = 0) -> datetime:
    """The moment the local day of ``moment`` (or ``days_later`` after it) ends."""
    return start_of_day(timezone.localdate(moment) + timedelta(days=days_later + 1))


def _live(pa: ParticipantAssignment) -> WatchRequest | None:
    return (
        WatchRequest.objects.select_for_update()
        .filter(organization_id=pa.organization_id, participant_assignment=pa, status__in=WatchRequest.LIVE)
        .first()
    )


@transaction.atomic
def watch_request_ask(
    pa: ParticipantAssignment, *, actor: Person, when: str, key: uuid.UUID | None = None
) -> WatchRequest:
    """Ask to be watched during the work task. With ``key`` a second send writes nothing; while a
    request of this assignment is live, asking again gives that one back."""
    if pa.trajectory.participant_id != actor.pk:
        raise Refused(_("Dit is niet jouw opdracht."))
    if key is not None:
        earlier = WatchRequest.objects.filter(organization_id=pa.organization_id, idempotency_key=key).first()
        if earlier is not None:
            if earlier.participant_assignment_id != pa.pk:
                raise Refused(_("Deze vraag is al verstuurd."))
            return earlier
    if when not in WatchRequest.When.values:
        raise Refused(_("Kies: nu of vandaag."))
    if pa.step != Step.WORKING:
        raise Refused(_("Dit kun je vragen als je aan de slag bent met je opdracht."))
    now = timezone.now()
    live = _live(pa)
    if live is not None:
        if live.is_live(now):
            return live
        live.status = WatchRequest.Status.CANCELLED
        live.save(update_fields=["status"])
    request = WatchRequest(
        organization_id=pa.organization_id,
        participant_assignment=pa,
        asked_at=now,
        when=when,
        expires_at=end_of_day(now),
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:  # sent twice at the same moment: the other send wrote it
        found = _live(pa)
        if found is None:
            raise
        return found
    activity.record(pa.trajectory_id, now)
    return request


@transaction.atomic
def watch_request_answer(request: WatchRequest, *, actor: Person, answer: str) -> WatchRequest:
    """The werkplekopleider's one tap: coming now (``coming``) or tomorrow (``tomorrow``)."""
    pa = request.participant_assignment
    if not may_on(actor, OnTrajectory.WATCH, pa.trajectory):
        raise Refused(_("Alleen de werkplekopleider van deze deelnemer kan deze vraag beantwoorden."))
    if answer not in (WatchRequest.Status.COMING, WatchRequest.Status.TOMORROW):
        raise Refused(_("Kies: ik kom eraan, of morgen."))
    now = timezone.now()
    locked = WatchRequest.objects.select_for_update().get(organization_id=request.organization_id, pk=request.pk)
    if not locked.is_live(now):
        raise Refused(_("Deze vraag is al afgehandeld."))
    locked.status = answer
    locked.answered_at = now
    locked.answered_by = actor
    locked.expires_at = end_of_day(now, days_later=1 if answer == WatchRequest.Status.TOMORROW else 0)
    locked.save(update_fields=["status", "answered_at", "answered_by", "expires_at"])
    return locked


def watch_request_link(observation: Observation, pa: ParticipantAssignment, author: Person) -> WatchRequest | None:
    """Called by ``observation_record`` in its transaction: the live request of the assignment (if
    the author is the werkplekopleider who was asked) is linked to the observation and done."""
    if not may_on(author, OnTrajectory.WATCH, pa.trajectory):
        return None
    live = _live(pa)
    if live is None or not live.is_live(timezone.now()):
        return None
    live.status = WatchRequest.Status.DONE
    live.observation = observation
    if live.answered_at is None:
        live.answered_at, live.answered_by = timezone.now(), author
    live.save(update_fields=["status", "observation", "answered_at", "answered_by"])
    return live
