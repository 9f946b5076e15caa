"""The participant's reads: what their home page shows.

Built on the access layer (``wpo.trajectories.access``, ``wpo.orgs.access.in_org``): a participant
only ever reads their own trajectory.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Window
from django.utils import timezone

from wpo.orgs.access import in_org
from wpo.orgs.models import Person
from wpo.trajectories import access as trajectory_access
from wpo.trajectories.models import (
    CoachingConversation,
    Observation,
    ParticipantAssignment,
    Step,
    Trajectory,
    TrajectorySkill,
)

ACHIEVEMENTS_SHOWN = 6
SHARED_OBSERVATIONS_SHOWN = 5


@dataclass(frozen=True)
class Home:
    trajectory: Trajectory | None  # the running one
    current: list[ParticipantAssignment]  # open assignments, oldest first
    # The newest achievements with pictures (ACHIEVEMENTS_SHOWN); a long history stays one line of text.
    achieved: list[ParticipantAssignment]
    achieved_more: int
    skills: list[TrajectorySkill] = field(default_factory=list)
    conversation: CoachingConversation | None = None  # the next planned one
    shared: list[Observation] = field(default_factory=list)  # observations shared with the participant


def participant_home(person: Person) -> Home:
    """Everything the participant's home page shows, in a fixed number of queries."""
    # The running trajectories as ids first: ``IN`` a short literal list lets PostgreSQL start from
    # the assignments' trajectory index, where ``IN (subquery)`` made it hash the organisation's open
    # assignments (7 ms instead of 0.3 ms at a hundredth of national scale).
    running = trajectory_access.own_running_trajectories(person)
    trajectory = running[0] if running else None
    current = list(trajectory_access.own_open_assignments_in(person, running).order_by("created_at"))
    # The newest achievements and, in the same row, how many there are in all (a window count runs
    # before the LIMIT): one query instead of a list and a COUNT.
    achieved: list[ParticipantAssignment] = list(
        in_org(person, ParticipantAssignment)
        .filter(trajectory__participant=person, step=Step.ACHIEVED)
        .select_related("version__assignment__subskill")
        .only("organization_id", "version__title", "version__assignment__subskill__skill_id")
        .annotate(achieved_total=Window(Count("pk")))
        .order_by("-achieved_at")[:ACHIEVEMENTS_SHOWN]
    )
    achieved_more = achieved[0].achieved_total - len(achieved) if achieved else 0  # type: ignore[attr-defined]
    if trajectory is None:
        return Home(trajectory=None, current=current, achieved=achieved, achieved_more=achieved_more)
    return Home(
        trajectory=trajectory,
        current=current,
        achieved=achieved,
        achieved_more=achieved_more,
        skills=list(
            in_org(person, TrajectorySkill)
            .filter(trajectory=trajectory)
            .select_related("skill")
            .only("organization_id", "trajectory_id", "skill__name")
        ),
        conversation=in_org(person, CoachingConversation)
        .filter(trajectory=trajectory, held_at__isnull=True, planned_at__gte=timezone.now())
        .only("organization_id", "trajectory_id", "planned_at", "location")
        .order_by("planned_at")
        .first(),
        shared=list(
            in_org(person, Observation)
            .filter(participant_assignment__trajectory=trajectory, shared_with_participant=True)
            .select_related("author__user")
            .only(
                "organization_id",
                "observed_at",
                "behaviours",
                "note",
                "author__user__username",
                "author__user__first_name",
                "author__user__last_name",
            )
            .order_by("-observed_at")[:SHARED_OBSERVATIONS_SHOWN]
        ),
    )
