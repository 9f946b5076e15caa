"""The reads of phase 3: the evaluations panel of the trajectory page, the participant's own
evaluations, the text that pre-fills "what has been achieved", and the report's counts. Each is a
fixed number of queries, however many evaluations, skills or assignments a trajectory has."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.curriculum.models import LEVELS
from wpo.orgs.access import in_org
from wpo.orgs.models import Department, Organization, Person
from wpo.orgs.permissions import OnTrajectory, may_on
from wpo.trajectories.models import ParticipantAssignment, Phase, Step, Trajectory, TrajectorySkill

from .access import with_details
from .models import ChosenSkillChange, EndDateChange, InterimEvaluation

# A week, in days: "weeks since the last evaluation" on the trajectory page.
WEEK = 7


# What has been achieved so far ------------------------------------------------------------------


def achieved_text(trajectory: Trajectory) -> str:
    """The achieved assignments and levels per chosen skill, and what runs now: the first draft of
    "Wat is er bereikt?", in plain lines the werkplekopleider can change (two queries)."""
    chosen = list(
        TrajectorySkill.objects.filter(organization_id=trajectory.organization_id, trajectory=trajectory)
        .select_related("skill")
        .order_by("skill__order", "skill__name")
    )
    assignments = list(
        ParticipantAssignment.objects.filter(organization_id=trajectory.organization_id, trajectory=trajectory)
        .select_related("version__assignment__subskill")
        .order_by("created_at", "pk")
    )
    lines: list[str] = []
    for ts in chosen:
        mine = [pa for pa in assignments if pa.version.assignment.subskill.skill_id == ts.skill_id]
        achieved = [pa for pa in mine if pa.step == Step.ACHIEVED]
        levels = sorted({pa.version.assignment.level for pa in achieved}, key=LEVELS.index)
        if ts.closed_at is not None:
            lines.append(
                _("%(skill)s: afgerond op niveau %(level)s.") % {"skill": ts.skill.name, "level": ts.highest_level}
            )
        elif levels:
            lines.append(
                _("%(skill)s: niveau %(levels)s gehaald.") % {"skill": ts.skill.name, "levels": ", ".join(levels)}
            )
        else:
            lines.append(_("%(skill)s: nog geen opdracht gehaald.") % {"skill": ts.skill.name})
        lines += [_("– Gehaald: ‘%(title)s’.") % {"title": pa.version.title} for pa in achieved]
        lines += [
            _("– Nu bezig: ‘%(title)s’ (%(step)s).") % {"title": pa.version.title, "step": pa.get_step_display()}
            for pa in mine
            if pa.is_open
        ]
    return "\n".join(lines)


# The trajectory page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationsPanel:
    trajectory: Trajectory
    may_work: bool
    planned: InterimEvaluation | None
    held: Sequence[InterimEvaluation]  # newest first
    end_dates: list[EndDateChange]  # oldest first: the end date's history
    skill_changes: list[ChosenSkillChange]  # oldest first, also those made outside an evaluation
    today: date = field(default_factory=timezone.localdate)

    @property
    def running(self) -> bool:
        return self.trajectory.status == Trajectory.Status.ACTIVE

    @property
    def may_plan(self) -> bool:
        """A button to plan: the trajectory runs after its start conversation and nothing is planned."""
        return (
            self.may_work
            and self.running
            and self.trajectory.phase in (Phase.LEARN_WORK, Phase.EVALUATION)
            and self.planned is None
        )

    @property
    def may_start_final(self) -> bool:
        return self.may_plan and self.trajectory.phase == Phase.LEARN_WORK

    @property
    def last_held(self) -> datetime | None:
        return self.held[0].held_at if self.held else None

    @property
    def weeks_since(self) -> int:
        """Weeks since the last evaluation, or since the start when none was held yet."""
        since = timezone.localdate(self.last_held) if self.last_held else self.trajectory.starts_on
        return max(0, (self.today - since).days // WEEK)


def trajectory_panel(person: Person, trajectory: Trajectory) -> EvaluationsPanel | None:
    """The evaluations of ``trajectory`` as ``person`` may see them; None when they may read none
    (the administrator). Three queries with their details, one more for the end dates and skill
    changes each."""
    if not may_on(person, OnTrajectory.EVALUATIONS, trajectory):
        return None
    evaluations = list(
        with_details(in_org(person, InterimEvaluation).filter(trajectory=trajectory)).order_by("planned_at", "pk")
    )
    held = sorted((e for e in evaluations if e.held_at is not None), key=lambda e: (e.held_at, e.pk), reverse=True)
    return EvaluationsPanel(
        trajectory=trajectory,
        may_work=may_on(person, OnTrajectory.WORK, trajectory),
        planned=next((e for e in evaluations if e.held_at is None), None),
        held=held,
        end_dates=list(
            in_org(person, EndDateChange).filter(trajectory=trajectory).select_related("actor__user").order_by("at")
        ),
        skill_changes=list(
            in_org(person, ChosenSkillChange)
            .filter(trajectory=trajectory)
            .select_related("actor__user", "added", "dropped")
            .order_by("at", "pk")
        ),
    )


# The participant's own -------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnEvaluations:
    planned: InterimEvaluation | None
    held: Sequence[InterimEvaluation]  # newest first
    ends_on: date


SHOWN_TO_PARTICIPANT = 3


def own_evaluations(person: Person, trajectory: Trajectory | None) -> OwnEvaluations | None:
    """The participant's own evaluations on their running trajectory (only theirs, whatever other
    roles they hold): the next one and the last few held, with what was agreed.

    One narrow query for the evaluations, and only when some were held a second one for what each
    changed (the skill change and the new end date; the record form makes one of each at most). Most
    participants have none held yet, and the four correlated subqueries were the costliest query of
    their home page to build (issue 21): now they are built only for the few rows that show them.
    """
    if trajectory is None or trajectory.participant_id != person.pk:
        return None
    if not may_on(person, OnTrajectory.EVALUATIONS, trajectory):
        return None
    found = list(
        in_org(person, InterimEvaluation)
        .filter(trajectory=trajectory, trajectory__participant=person)
        .only(*OWN_FIELDS)
        .order_by("-planned_at", "-pk")
    )
    planned = next((e for e in found if e.held_at is None), None)
    held = [e for e in found if e.held_at is not None][:SHOWN_TO_PARTICIPANT]
    if planned is None and not held:
        return None
    if held:
        change = ChosenSkillChange.objects.filter(evaluation=OuterRef("pk")).order_by("at", "pk")
        extension = EndDateChange.objects.filter(evaluation=OuterRef("pk")).order_by("-at", "-pk")
        outcomes = {
            row["pk"]: row
            for row in in_org(person, InterimEvaluation)
            .filter(pk__in=[e.pk for e in held])
            .annotate(
                change_kind=Subquery(change.values("kind")[:1]),
                change_added=Subquery(change.values("added__name")[:1]),
                change_dropped=Subquery(change.values("dropped__name")[:1]),
                extended_to=Subquery(extension.values("to_date")[:1]),
            )
            .values("pk", *OUTCOME_FIELDS)
        }
        for evaluation in held:
            for field in OUTCOME_FIELDS:
                setattr(evaluation, field, outcomes[evaluation.pk][field])
    return OwnEvaluations(planned=planned, held=held, ends_on=trajectory.ends_on)


# What the participant's panel (evaluations/_own.html) reads of an evaluation, and of what it changed.
OWN_FIELDS = (
    "organization_id",
    "trajectory_id",
    "planned_at",
    "held_at",
    "feeling",
    "participant_words",
    "voice_note",
    "agreements",
)
OUTCOME_FIELDS = ("change_kind", "change_added", "change_dropped", "extended_to")


# The project manager's report -------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationCounts:
    held: int = 0  # interim evaluations held in the period (the final ones included)
    final_held: int = 0
    trajectories_evaluated: int = 0
    extensions: int = 0  # end dates moved in the period
    trajectories_extended: int = 0


def report_counts(
    organization: Organization, start: datetime, end: datetime, department: Department | None = None
) -> EvaluationCounts:
    """What the report counts of phase 3 in [start, end): two aggregate queries."""
    evaluations: QuerySet[InterimEvaluation] = InterimEvaluation.objects.filter(
        organization=organization, held_at__gte=start, held_at__lt=end
    )
    extensions: QuerySet[EndDateChange] = EndDateChange.objects.filter(
        organization=organization, at__gte=start, at__lt=end
    )
    if department is not None:
        evaluations = evaluations.filter(trajectory__department=department)
        extensions = extensions.filter(trajectory__department=department)
    held = evaluations.aggregate(
        held=Count("pk"), final=Count("pk", filter=Q(is_final=True)), trajectories=Count("trajectory", distinct=True)
    )
    extended = extensions.aggregate(extensions=Count("pk"), trajectories=Count("trajectory", distinct=True))
    return EvaluationCounts(
        held=held["held"],
        final_held=held["final"],
        trajectories_evaluated=held["trajectories"],
        extensions=extended["extensions"],
        trajectories_extended=extended["trajectories"],
    )
