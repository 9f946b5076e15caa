"""The coach's writes: the organisation's thresholds for signals, and the triage of one signal of
one trajectory (snooze until a date, wake again, mark discussed with the werkplekopleider)."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused, checked
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may, may_on
from wpo.trajectories.models import Trajectory

from .early_signals import KIND_BY_CODE, SNOOZABLE, Kind
from .models import SignalEvent, SignalSettings

SETTINGS_FIELDS = (
    "assignment_weeks",
    "look_back_weeks",
    "conversation_weeks",
    "trajectory_months",
    "inactive_weeks",
    "interim_weeks",
    "digest_enabled",
)


@transaction.atomic
def signal_settings_save(*, actor: Person, values: dict[str, Any]) -> SignalSettings:
    """Set when the organisation's signals go up; the first save creates the row."""
    if not may(actor, Ability.SET_SIGNAL_THRESHOLDS):
        raise Refused(_("Alleen een coach of beheerder stelt de grenzen voor signalen in."))
    config, _created = SignalSettings.objects.select_for_update().get_or_create(organization_id=actor.organization_id)
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(config, name, values[name])
    checked(config)
    config.save()
    return config


# A snooze is a pause, not a way to hide a trajectory: at most a quarter ahead, then the signal is
# back (and can be snoozed again, which the history then shows).
MAX_SNOOZE_DAYS = 92
NOTE_MAX_LENGTH = 1000


def _triage_checks(actor: Person, trajectory: Trajectory, code: str) -> Kind:
    if not may(actor, Ability.TRIAGE_SIGNALS) or not may_on(actor, OnTrajectory.WORK, trajectory):
        raise Refused(_("Alleen een coach zet een signaal van een traject stil of legt vast dat het besproken is."))
    kind = KIND_BY_CODE.get(code)
    if kind is None or kind not in SNOOZABLE:
        raise Refused(_("Kies een signaal van dit traject."), field="soort")
    if trajectory.status != Trajectory.Status.ACTIVE:
        raise Refused(_("Dit traject loopt niet meer: er komen geen signalen meer over."))
    return kind


def _note(text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise Refused(_("Schrijf kort op waarom het signaal stil mag staan."), field="reden")
    if len(text) > NOTE_MAX_LENGTH:
        raise Refused(_("Schrijf het korter op: hooguit %(n)s tekens.") % {"n": NOTE_MAX_LENGTH})
    return text


def _record(
    actor: Person, trajectory: Trajectory, kind: Kind, action: str, note: str, at: datetime, until: date | None = None
) -> SignalEvent:
    event = SignalEvent(
        organization_id=trajectory.organization_id,
        trajectory=trajectory,
        kind=kind.code,
        action=action,
        until=until,
        note=note,
        actor=actor,
        at=at,
    )
    checked(event)
    event.save()
    return event


def is_snoozed(trajectory: Trajectory, kind: Kind, today: date) -> bool:
    """Python's reading of ``early_signals.snoozed_now`` for one signal (the services' own check)."""
    newest = (
        SignalEvent.objects.filter(
            trajectory=trajectory, kind=kind.code, action__in=[SignalEvent.Action.SNOOZED, SignalEvent.Action.WOKEN]
        )
        .order_by("-pk")
        .first()
    )
    return bool(newest and newest.action == SignalEvent.Action.SNOOZED and newest.until and newest.until >= today)


@transaction.atomic
def signal_snooze(
    *, actor: Person, trajectory: Trajectory, kind: str, until: date, reason: str, at: datetime | None = None
) -> SignalEvent:
    """Keep one kind of signal of a trajectory quiet up to and including ``until``, with a reason."""
    found = _triage_checks(actor, trajectory, kind)
    at = at or timezone.now()
    today = timezone.localdate(at)
    if until <= today:
        raise Refused(_("Kies een datum na vandaag."), field="tot")
    if until > today + timedelta(days=MAX_SNOOZE_DAYS):
        raise Refused(
            _("Zet een signaal hooguit %(days)s dagen stil; daarna kun je opnieuw kiezen.") % {"days": MAX_SNOOZE_DAYS},
            field="tot",
        )
    return _record(actor, trajectory, found, SignalEvent.Action.SNOOZED, _note(reason, required=True), at, until)


@transaction.atomic
def signal_wake(*, actor: Person, trajectory: Trajectory, kind: str, at: datetime | None = None) -> SignalEvent:
    """End a snooze before its date: the signal counts again from now on."""
    found = _triage_checks(actor, trajectory, kind)
    at = at or timezone.now()
    # Locks the trajectory, so two coaches waking the same signal at once write one row.
    Trajectory.objects.select_for_update().filter(pk=trajectory.pk).first()
    if not is_snoozed(trajectory, found, timezone.localdate(at)):
        raise Refused(_("Dit signaal staat niet stil."))
    return _record(actor, trajectory, found, SignalEvent.Action.WOKEN, "", at)


@transaction.atomic
def signal_discussed(
    *, actor: Person, trajectory: Trajectory, kind: str, note: str = "", at: datetime | None = None
) -> SignalEvent:
    """Record that the coach talked a signal over with the werkplekopleider (a note is optional)."""
    found = _triage_checks(actor, trajectory, kind)
    return _record(
        actor, trajectory, found, SignalEvent.Action.DISCUSSED, _note(note, required=False), at or timezone.now()
    )
