"""Read models of the trajectory page: plain data that the view builds, so no template runs a query.

``trajectory_page`` takes a trajectory from ``access.access_trajectory`` (its chosen skills, its
assignments and their history prefetched) and adds, with one query each, what the panels show: the
assessments and second-assessor requests of the sign-off panels, the coaches who can be asked as
second assessor (only when someone may ask), the curriculum for "what next", the conversations and
the certificates. The number of queries does not grow with the number of assignments
(``tests/test_query_counts.py``).
"""

from dataclasses import dataclass, field
from operator import attrgetter

from django.utils import timezone

from wpo.certificates.access import certificates_of_trajectory
from wpo.certificates.models import Certificate
from wpo.orgs.models import Person
from wpo.orgs.permissions import OnTrajectory, may_on

from . import access
from .models import (
    Assessment,
    CoachingConversation,
    ParticipantAssignment,
    SecondAssessorRequest,
    Step,
    StepChange,
    Trajectory,
    TrajectorySkill,
)
from .selectors import (
    INDEPENDENCE_WEEK_DAYS,
    Suggestion,
    achieved_levels_in,
    independence_days,
    next_suggestions,
)


@dataclass
class SignoffPanel:
    """The sign-off part of one assignment's panel: independence week, assessment, what next."""

    pa: ParticipantAssignment
    # May the person looking act on the trajectory (OnTrajectory.WORK); otherwise they only read.
    may_act: bool
    assessments: list[Assessment]
    open_request: SecondAssessorRequest | None
    days: int = 0
    week_over: bool = False
    coaches: list[Person] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    chosen_skill: TrajectorySkill | None = None
    closable_levels: list[str] = field(default_factory=list)
    show_what_next: bool = False
    offer_close: bool = False

    @property
    def may_ask_second_assessor(self) -> bool:
        return self.pa.step in (Step.INDEPENDENT, Step.ASSESSING) and self.open_request is None

    @property
    def highest_closable_level(self) -> str:
        return self.closable_levels[-1] if self.closable_levels else ""


@dataclass(frozen=True)
class AssignmentPanel:
    pa: ParticipantAssignment
    history: list[StepChange]
    signoff: SignoffPanel


@dataclass(frozen=True)
class ConversationsPanel:
    planned: list[CoachingConversation]
    held: list[CoachingConversation]


@dataclass(frozen=True)
class TrajectoryPage:
    trajectory: Trajectory
    may_work: bool
    chosen_skills: list[TrajectorySkill]
    assignments: list[AssignmentPanel]
    conversations: ConversationsPanel
    certificates: list[Certificate]


def trajectory_page(person: Person, trajectory: Trajectory) -> TrajectoryPage:
    """Everything the trajectory page shows to ``person``; ``trajectory`` comes from ``access_trajectory``."""
    may_work = may_on(person, OnTrajectory.WORK, trajectory)
    assignments = list(trajectory.assignments.all())
    signoff = signoff_panels(trajectory, assignments, may_act=may_work)
    return TrajectoryPage(
        trajectory=trajectory,
        may_work=may_work,
        chosen_skills=list(trajectory.chosen_skills.all()),
        assignments=[AssignmentPanel(pa, list(pa.history.all()), signoff[pa.pk]) for pa in assignments],
        conversations=conversations_panel(trajectory),
        certificates=list(certificates_of_trajectory(person, trajectory)),
    )


def conversations_panel(trajectory: Trajectory) -> ConversationsPanel:
    """The planned conversations, soonest first, and the held ones, newest first: one query."""
    conversations = list(
        CoachingConversation.objects.filter(organization_id=trajectory.organization_id, trajectory=trajectory)
        .select_related("participant_assignment__version")
        .order_by("planned_at", "pk")
    )
    held = sorted((c for c in conversations if c.held_at is not None), key=attrgetter("held_at"), reverse=True)
    return ConversationsPanel(planned=[c for c in conversations if c.held_at is None], held=held)


def signoff_panels(
    trajectory: Trajectory, assignments: list[ParticipantAssignment], *, may_act: bool
) -> dict[int, SignoffPanel]:
    """The sign-off panel of each assignment of ``trajectory`` (``assignments``: all of them, with
    their version's assignment, sub-skill and skill loaded)."""
    scope = {"organization_id": trajectory.organization_id, "participant_assignment__trajectory": trajectory}
    assessments: dict[int, list[Assessment]] = {}
    for a in (
        Assessment.objects.filter(**scope)
        .select_related("assessor__user", "second_assessor__user")
        .order_by("-assessed_at", "-id")
    ):
        assessments.setdefault(a.participant_assignment_id, []).append(a)
    open_requests = {
        r.participant_assignment_id: r
        for r in SecondAssessorRequest.objects.filter(**scope, assessment__isnull=True).select_related(
            "coach__user", "requested_by__user"
        )
    }
    running = trajectory.status == Trajectory.Status.ACTIVE
    achieved = [pa for pa in assignments if pa.step == Step.ACHIEVED and pa.achieved_at]
    latest_achieved = max(achieved, key=lambda pa: (pa.achieved_at, pa.pk)).pk if achieved else None
    # Closing the trajectory is offered once on the page: with what next on the newest
    # achievement, or on the newest assignment once the agreed end date has passed.
    close_link: int | None = None
    if running:
        if latest_achieved is not None:
            close_link = latest_achieved
        elif assignments and trajectory.ends_on < timezone.localdate():
            close_link = max(assignments, key=lambda pa: (pa.created_at, pa.pk)).pk
    coaches: list[Person] | None = None
    panels: dict[int, SignoffPanel] = {}
    for pa in assignments:
        panel = SignoffPanel(
            pa=pa,
            may_act=may_act,
            assessments=assessments.get(pa.pk, []),
            open_request=open_requests.get(pa.pk),
            offer_close=pa.pk == close_link,
        )
        if pa.step == Step.INDEPENDENT:
            panel.days = independence_days(pa)
            panel.week_over = panel.days >= INDEPENDENCE_WEEK_DAYS
        if may_act and panel.may_ask_second_assessor:
            if coaches is None:
                coaches = list(access.coaches_of(trajectory))
            panel.coaches = coaches
        # What next and closing the skill are offered once, on the newest achievement.
        if pa.pk == latest_achieved and running:
            panel.show_what_next = True
            panel.suggestions = next_suggestions(pa)
            skill_id = pa.version.assignment.subskill.skill_id
            panel.chosen_skill = next((ts for ts in trajectory.chosen_skills.all() if ts.skill_id == skill_id), None)
            if panel.chosen_skill is not None and not panel.chosen_skill.closed_at:
                panel.closable_levels = achieved_levels_in(assignments, skill_id)
        panels[pa.pk] = panel
    return panels
