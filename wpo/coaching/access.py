"""Access to the coach's triage of signals, built on ``wpo.orgs.access`` and the trajectories' access."""

from collections.abc import Collection

from django.db.models import QuerySet

from wpo.orgs.access import get_in_org, in_org
from wpo.orgs.models import Person
from wpo.orgs.permissions import OnTrajectory
from wpo.trajectories.access import trajectories_for
from wpo.trajectories.models import Trajectory

from .models import SignalEvent


def triage_trajectory(person: Person, trajectory_id: int) -> Trajectory:
    """A trajectory whose signals ``person`` may snooze or mark discussed (404 for anything else)."""
    return get_in_org(
        trajectories_for(person, OnTrajectory.WORK).select_related("participant__user", "trainer__user", "department"),
        pk=trajectory_id,
    )


def signal_events(person: Person, trajectory_ids: Collection[int]) -> QuerySet[SignalEvent]:
    """The triage history of some trajectories of the person's organisation, oldest first."""
    return in_org(person, SignalEvent).filter(trajectory_id__in=list(trajectory_ids)).order_by("pk")
