"""Read models of the trajectory page: plain data that the view builds, so no template runs a query.

``trajectory_page`` takes a trajectory from ``access.access_trajectory`` (its chosen skills, its
assignments and their history prefetched) and adds, with one query each, what the panels show: the
assessments and second-assessor requests of the sign-off panels, the ticked days of the independence
week (only when an assignment is in it or in its assessment), the coaches who can be asked as second
assessor (only when someone may ask), the curriculum for "what next", the conversations, the
certificates and, for who may work on the trajectory, the practice answers sent late from a phone
that was offline. A first judgement waiting blind for the second is left out for everyone but its
author. The number of queries does not grow with the number of assignments
(``tests/test_query_counts.py``).
"""

from dataclasses import dataclass, field
from operator import attrgetter

from django.db.models import Prefetch
from django.utils import timezone

from wpo.certificates.access import DossierPanel, certificates_of_trajectory, dossier_panel
from wpo.certificates.models import Certificate
from wpo.orgs.models import Person
from wpo.orgs.permissions import OnTrajectory, may_on

from . import access
from .models import (
    Assessment,
    CoachingConversation,
    IndependenceDay,
    ParticipantAssignment,
    SecondAssessorRequest,
    Step,
    StepChange,
    Trajectory,
    TrajectorySkill,
)
from .selectors import (
    INDEPENDENCE_WEEK_DAYS,
    IndependenceWeek,
    LatePractice,
    Suggestion,
    achieved_levels_in,
    independence_days,
    independence_started,
    independence_week,
    late_practice_of,
    next_suggestions,
)


@dataclass(frozen=True)
class AssessmentRow:
    """An assessment as the person looking may see it: a first judgement still waiting blind for the
    second one is shown only to its author."""

    assessment: Assessment
    show_first: bool


@dataclass
class SignoffPanel:
    """The sign-off part of one assignment's panel: independence week, assessment, what next."""

    pa: ParticipantAssignment
    # May the person looking act on the trajectory (OnTrajectory.WORK); otherwise they only read.
    may_act: bool
    assessments: list[AssessmentRow]
    open_request: SecondAssessorRequest | None
    days: int = 0
    week_over: bool = False
    # The independence week with its ticked days, in ‘zelfstandig’ and ‘beoordelen’.
    week: IndependenceWeek | None = None
    # The assessment waiting for the second judgement or for the talk about two judgements.
    open_assessment: Assessment | None = None
    coaches: list[Person] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    chosen_skill: TrajectorySkill | None = None
    closable_levels: list[str] = field(default_factory=list)
    show_what_next: bool = False
    offer_close: bool = False

    @property
    def may_ask_second_assessor(self) -> bool:
        return (
            self.pa.step in (Step.INDEPENDENT, Step.ASSESSING)
            and self.open_request is None
            and self.open_assessment is None
        )

    @property
    def may_assess(self) -> bool:
        return self.may_act and self.pa.step == Step.ASSESSING and self.open_assessment is None

    @property
    def highest_closable_level(self) -> str:
        return self.closable_levels[-1] if self.closable_levels else ""


@dataclass(frozen=True)
class AssignmentPanel:
    pa: ParticipantAssignment
    history: list[StepChange]
    signoff: SignoffPanel
    # Practice answers sent late from a phone that was offline; only for who may work on the trajectory.
    late_practice: list[LatePractice] = field(default_factory=list)


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
    dossier: DossierPanel | None


def trajectory_page(person: Person, trajectory: Trajectory) -> TrajectoryPage:
    """Everything the trajectory page shows to ``person``; ``trajectory`` comes from ``access_trajectory``."""
    may_work = may_on(person, OnTrajectory.WORK, trajectory)
    assignments = list(trajectory.assignments.all())
    signoff = signoff_panels(trajectory, assignments, may_act=may_work, viewer=person)
    certificates = list(certificates_of_trajectory(person, trajectory))
    late = late_practice_of(assignments) if may_work else {}
    return TrajectoryPage(
        trajectory=trajectory,
        may_work=may_work,
        chosen_skills=list(trajectory.chosen_skills.all()),
        assignments=[
            AssignmentPanel(pa, list(pa.history.all()), signoff[pa.pk], late.get(pa.pk, [])) for pa in assignments
        ],
        conversations=conversations_panel(trajectory),
        certificates=certificates,
        dossier=dossier_panel(person, trajectory, certificates),
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
    trajectory: Trajectory,
    assignments: list[ParticipantAssignment],
    *,
    may_act: bool,
    viewer: Person | None = None,
) -> dict[int, SignoffPanel]:
    """The sign-off panel of each assignment of ``trajectory`` (``assignments``: all of them, with
    their version's assignment, sub-skill and skill loaded, and their history prefetched) as
    ``viewer`` may see it."""
    scope = {"organization_id": trajectory.organization_id, "participant_assignment__trajectory": trajectory}
    assessments: dict[int, list[AssessmentRow]] = {}
    open_assessments: dict[int, Assessment] = {}
    for a in (
        Assessment.objects.filter(**scope)
        .select_related("assessor__user", "second_assessor__user", "outcome_by__user", "talk")
        .prefetch_related(Prefetch("outcome_present", queryset=Person.objects.select_related("user")))
        .order_by("-assessed_at", "-id")
    ):
        show_first = not a.is_blind or (viewer is not None and viewer.pk == a.assessor_id)
        assessments.setdefault(a.participant_assignment_id, []).append(AssessmentRow(a, show_first))
        if a.is_open:
            open_assessments.setdefault(a.participant_assignment_id, a)
    in_week = [pa for pa in assignments if pa.step in (Step.INDEPENDENT, Step.ASSESSING)]
    ticks: dict[int, list[IndependenceDay]] = {}
    if in_week:
        for tick in IndependenceDay.objects.filter(
            organization_id=trajectory.organization_id, participant_assignment__in=[pa.pk for pa in in_week]
        ).select_related("recorded_by__user"):
            ticks.setdefault(tick.participant_assignment_id, []).append(tick)
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
            open_assessment=open_assessments.get(pa.pk) if pa.step == Step.ASSESSING else None,
        )
        if pa.step == Step.INDEPENDENT:
            panel.days = independence_days(pa)
            panel.week_over = panel.days >= INDEPENDENCE_WEEK_DAYS
        if pa in in_week:
            started = independence_started(pa, pa.history.all())
            if started is not None:
                panel.week = independence_week(pa, ticks.get(pa.pk, []), started)
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
