"""Read helpers of trajectories: what next after an achievement, the levels achieved, whether a
trajectory may close, a conversation's agenda, and the rows of the werkplekopleider's lists (my
participants, the people a trajectory can start for).

They take rows the caller already got through the access layer (``access.py``), or ask it
themselves, and never write.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.curriculum.models import LEVELS, Assignment
from wpo.curriculum.selectors import fill_trainer
from wpo.orgs import access as org_access
from wpo.orgs.models import Department, Organization, Person, TrainerLink
from wpo.orgs.permissions import only_participants_filter

from . import access
from .models import (
    OPEN_STEPS,
    Assessment,
    CoachingConversation,
    IndependenceDay,
    LookBackAnswer,
    Observation,
    ParticipantAssignment,
    ParticipantQuestion,
    Phase,
    PracticeAnswer,
    SecondAssessorRequest,
    Step,
    StepChange,
    Trajectory,
    TrajectorySkill,
)

INDEPENDENCE_WEEK_DAYS = 7


# The werkplekopleider's lists ----------------------------------------------------------------------


@dataclass(frozen=True)
class MyParticipants:
    """The participants a werkplekopleider trains, with what the list shows of each (four queries)."""

    participants: list[Person]  # by first name
    trajectory_of: dict[int, Trajectory]  # participant id -> their running trajectory
    open_assignment_of: dict[int, ParticipantAssignment]  # participant id -> their first open assignment
    planned: set[int]  # ids of the trajectories with a conversation planned ahead


def my_participants(trainer: Person) -> MyParticipants:
    # The linked participants' ids first, then the people by id: joined or as a subquery,
    # PostgreSQL scanned every person of the organisation (0.7 ms at scale 0.1, growing with the
    # organisation); by id it reads only the trainer's own. No DISTINCT over every column, and the
    # same rows in the same order (first name, then id, as the DISTINCT's sort gave them). Only
    # what the list shows of a person is fetched: their name (from the account) and id.
    linked = list(
        org_access.in_org(trainer, TrainerLink).filter(trainer=trainer).values_list("participant_id", flat=True)
    )
    participants = list(
        org_access.visible_participants(trainer)
        .filter(pk__in=linked)
        .select_related(None)
        .select_related("user")
        .only("user__first_name", "user__last_name", "user__username")
        .order_by("user__first_name", "pk")
    )
    # Whether a conversation is planned ahead comes with each trajectory (one query fewer).
    planned_ahead = org_access.in_org(trainer, CoachingConversation).filter(
        trajectory=OuterRef("pk"), held_at__isnull=True, planned_at__gte=timezone.now()
    )
    trajectories: dict[int, Trajectory] = {
        t.participant_id: t
        for t in org_access.in_org(trainer, Trajectory)
        .filter(participant_id__in=[p.pk for p in participants], status=Trajectory.Status.ACTIVE)
        .only("participant_id", "phase")
        .annotate(planned_ahead=Exists(planned_ahead))
    }
    # The list shows an open assignment's title and step: only those columns, not the assignment's
    # content and the skill's pictures (a page's SQL was mostly fetching those).
    participant_of = {t.pk: t.participant_id for t in trajectories.values()}
    open_pa: dict[int, ParticipantAssignment] = {}
    for open_one in (
        access.open_assignments_in(trainer, access.visible_trajectories(trainer))
        .filter(trajectory_id__in=list(participant_of))
        .select_related("version")
        .only("trajectory_id", "step", "step_since", "created_at", "version__title")
    ):
        open_pa.setdefault(participant_of[open_one.trajectory_id], open_one)
    planned = {t.pk for t in trajectories.values() if getattr(t, "planned_ahead", False)}
    return MyParticipants(participants, trajectories, open_pa, planned)


def waiting_for_start() -> Q:
    """A trajectory opened in phase 1 before its start conversation (from the intake,
    ``services.start.trajectory_open``): running, in phase 1, no skill chosen yet. The start
    conversation fills it in; a trajectory of before the phases stands in phase 1 with its skills."""
    chosen = TrajectorySkill.objects.filter(trajectory=OuterRef("pk"))
    return Q(status=Trajectory.Status.ACTIVE, phase=Phase.START) & Q(~Exists(chosen))


def people_to_start(trainer: Person) -> models.QuerySet[Person]:
    """Whom a werkplekopleider can start a trajectory for: the organisation's people who are only a
    participant (no other role or permission), have no running trajectory, and are not themselves;
    and, first (``waiting_for_start`` true), their own participants whose trajectory waits in phase 1
    for this start conversation."""
    running = org_access.in_org(trainer, Trajectory).filter(status=Trajectory.Status.ACTIVE)
    waiting = running.filter(waiting_for_start(), trainer=trainer)
    busy = running.exclude(pk__in=waiting.values("pk")).values("participant_id")
    return (
        org_access.people(trainer)
        .exclude(pk=trainer.pk)
        .exclude(pk__in=busy)
        .filter(only_participants_filter())
        .annotate(waiting_for_start=Exists(waiting.filter(participant=OuterRef("pk"))))
        .order_by("-waiting_for_start", "user__first_name")
    )


def waiting_trajectory(trainer: Person, participant_id: int) -> Trajectory | None:
    """The participant's trajectory that waits for this werkplekopleider's start conversation."""
    return (
        org_access.in_org(trainer, Trajectory)
        .filter(waiting_for_start(), trainer=trainer, participant_id=participant_id)
        .first()
    )


# The sign-off sequence ------------------------------------------------------------------------------


def independence_days(pa: ParticipantAssignment, now: datetime | None = None) -> int:
    """How many days the independence week has run (or ran, when the assessment has begun)."""
    return max(((now or timezone.now()) - pa.step_since).days, 0)


@dataclass(frozen=True)
class WeekDay:
    """One day of the independence week and what the werkplekopleider ticked for it (None: not ticked)."""

    day: date
    tick: IndependenceDay | None

    @property
    def shown(self) -> bool | None:
        return None if self.tick is None else self.tick.shown


@dataclass(frozen=True)
class IndependenceWeek:
    """The independence week of an assignment: its first and last day, and the days that have come
    (up to today, or up to the day the assessment began), oldest first."""

    starts_on: date
    ends_on: date
    days: list[WeekDay]

    @property
    def shown_count(self) -> int:
        return sum(1 for d in self.days if d.shown is True)

    @property
    def not_shown_count(self) -> int:
        return sum(1 for d in self.days if d.shown is False)

    @property
    def unticked_count(self) -> int:
        return sum(1 for d in self.days if d.tick is None)

    @property
    def day_count(self) -> int:
        return len(self.days)

    @property
    def newest_first(self) -> list[WeekDay]:
        return self.days[::-1]


def independence_started(pa: ParticipantAssignment, history: Iterable[StepChange] | None = None) -> datetime | None:
    """When the (latest) independence week of ``pa`` began: its step's start while it runs, otherwise
    the latest move to ‘zelfstandig’ in ``history`` (read from the database when not given)."""
    if pa.step == Step.INDEPENDENT:
        return pa.step_since
    if history is None:
        history = StepChange.objects.filter(
            organization_id=pa.organization_id, participant_assignment_id=pa.pk, to_step=Step.INDEPENDENT
        )
    moves = [change.at for change in history if change.to_step == Step.INDEPENDENT]
    return max(moves) if moves else None


def independence_week(
    pa: ParticipantAssignment, ticks: Iterable[IndependenceDay], started: datetime, now: datetime | None = None
) -> IndependenceWeek:
    """The week that began at ``started``, with ``ticks`` (the assignment's ticked days) in place."""
    first = timezone.localdate(started)
    last = first + timedelta(days=INDEPENDENCE_WEEK_DAYS - 1)
    until = timezone.localdate(now or timezone.now())
    if pa.step != Step.INDEPENDENT:
        # The week ended when the assessment began (the day itself still counts).
        until = min(until, timezone.localdate(pa.step_since))
    by_day = {tick.day: tick for tick in ticks if first <= tick.day <= last}
    count = max(0, (min(until, last) - first).days + 1)
    days = [WeekDay(first + timedelta(days=i), by_day.get(first + timedelta(days=i))) for i in range(count)]
    return IndependenceWeek(starts_on=first, ends_on=last, days=days)


def week_of(pa: ParticipantAssignment) -> IndependenceWeek | None:
    """The independence week of ``pa`` as the assessment screen shows it (two queries)."""
    started = independence_started(pa)
    if started is None:
        return None
    ticks = IndependenceDay.objects.filter(organization_id=pa.organization_id, participant_assignment_id=pa.pk)
    return independence_week(pa, ticks, started)


def open_assessment(pa: ParticipantAssignment) -> Assessment | None:
    """The assessment of ``pa`` that waits for a second judgement or for the conversation about two
    different judgements; None when no judgement is pending."""
    return (
        Assessment.objects.filter(
            organization_id=pa.organization_id,
            participant_assignment_id=pa.pk,
            second_assessor__isnull=False,
            settled_at__isnull=True,
        )
        .select_related("assessor__user", "second_assessor__user", "talk")
        .order_by("-assessed_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class SecondJudgementCounts:
    """The project manager's report: second judgements given in a period, and how many differed
    from the first."""

    given: int = 0
    differed: int = 0

    @property
    def differed_percent(self) -> int | None:
        return round(100 * self.differed / self.given) if self.given else None


def second_judgement_counts(
    organization: Organization, start: datetime, end: datetime, department: Department | None = None
) -> SecondJudgementCounts:
    """Second judgements given in [start, end), and those that differed: one aggregate query."""
    given = Assessment.objects.filter(
        organization=organization, second_assessed_at__gte=start, second_assessed_at__lt=end
    ).exclude(second_judgement="")
    if department is not None:
        given = given.filter(participant_assignment__trajectory__department=department)
    counted = given.aggregate(given=Count("pk"), differed=Count("pk", filter=~Q(second_judgement=F("judgement"))))
    return SecondJudgementCounts(given=counted["given"], differed=counted["differed"])


def talk_people_ids(assessment: Assessment, trajectory: Trajectory) -> list[int]:
    """Who can have been at the talk about two judgements: the participant, both assessors and the
    werkplekopleider."""
    ids = [trajectory.participant_id, assessment.assessor_id, assessment.second_assessor_id, trajectory.trainer_id]
    return list(dict.fromkeys(pk for pk in ids if pk is not None))


def talk_people(assessment: Assessment, trajectory: Trajectory) -> models.QuerySet[Person]:
    return (
        Person.objects.filter(
            organization_id=assessment.organization_id, pk__in=talk_people_ids(assessment, trajectory)
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name")
    )


def open_second_assessor_request(pa: ParticipantAssignment) -> SecondAssessorRequest | None:
    """The coach asked to join the coming assessment of ``pa``, if one was asked."""
    return (
        SecondAssessorRequest.objects.filter(
            organization_id=pa.organization_id, participant_assignment=pa, assessment__isnull=True
        )
        .select_related("coach__user")
        .first()
    )


# The levels achieved ---------------------------------------------------------------------------
# One rule for "what next", closing a skill and the certificates: an assignment counts when its
# step is ‘behaald’; its level and sub-skill are those of its assignment; A < B < C (``LEVELS``).


def achieved_levels(assignments: Iterable[ParticipantAssignment]) -> dict[int, list[str]]:
    """The levels achieved per sub-skill id, lowest first (the assignments with their version's
    assignment loaded)."""
    found: dict[int, set[str]] = {}
    for pa in assignments:
        if pa.step == Step.ACHIEVED:
            found.setdefault(pa.version.assignment.subskill_id, set()).add(pa.version.assignment.level)
    return {subskill_id: [level for level in LEVELS if level in levels] for subskill_id, levels in found.items()}


def highest_levels(assignments: Iterable[ParticipantAssignment]) -> dict[int, str]:
    """The highest level achieved per sub-skill id."""
    return {subskill_id: levels[-1] for subskill_id, levels in achieved_levels(assignments).items()}


def achieved_levels_in(assignments: Iterable[ParticipantAssignment], skill_id: int) -> list[str]:
    """The levels achieved in any sub-skill of one skill, lowest first: the levels it may close at
    (the assignments with their version's assignment and sub-skill loaded)."""
    of_skill = [pa for pa in assignments if pa.version.assignment.subskill.skill_id == skill_id]
    levels = {level for found in achieved_levels(of_skill).values() for level in found}
    return [level for level in LEVELS if level in levels]


def achieved_levels_of(chosen: TrajectorySkill) -> list[str]:
    """``achieved_levels_in`` for a chosen skill, read from the database."""
    achieved = ParticipantAssignment.objects.filter(
        organization_id=chosen.organization_id,
        trajectory_id=chosen.trajectory_id,
        version__assignment__subskill__skill_id=chosen.skill_id,
        step=Step.ACHIEVED,
    ).select_related("version__assignment__subskill")
    return achieved_levels_in(achieved, chosen.skill_id)


# What next ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    assignment: Assignment
    reason: str


def next_suggestions(pa: ParticipantAssignment) -> list[Suggestion]:
    """What could follow ``pa``, best first: the next level of the same sub-skill (A→B→C), then the
    other sub-skill of the skill, then the sub-skills of the other chosen skills still open.

    Per sub-skill the suggestion is the level after the highest one achieved (A when none is);
    closed skills, assignments running now and assignments without text are left out.
    """
    trajectory = pa.trajectory
    # .all() so that the prefetched rows of the trajectory page are used when they are there.
    assignments = list(trajectory.assignments.all())
    chosen = list(trajectory.chosen_skills.all())
    closed = {ts.skill_id for ts in chosen if ts.closed_at}
    skill = pa.version.assignment.subskill.skill
    skill_ids = [skill.pk, *(ts.skill_id for ts in chosen if ts.skill_id != skill.pk)]
    skill_ids = [s for s in skill_ids if s not in closed]
    if not skill_ids:
        return []
    running = {a.version.assignment_id for a in assignments if a.is_open}
    highest = highest_levels(assignments)
    curriculum = list(
        Assignment.objects.filter(subskill__skill_id__in=skill_ids, current_version__isnull=False)
        .select_related("subskill__skill", "current_version")
        .order_by("subskill__skill__order", "subskill__number", "level")
    )

    def next_in(subskill_id: int) -> Assignment | None:
        above = LEVELS.index(highest[subskill_id]) + 1 if subskill_id in highest else 0
        for candidate in curriculum:
            if candidate.subskill_id == subskill_id and LEVELS.index(candidate.level) >= above:
                return None if candidate.pk in running else candidate
        return None

    this_subskill = pa.version.assignment.subskill_id
    ordered: list[tuple[int, str]] = []
    if skill.pk not in closed:
        ordered.append((this_subskill, _("Volgend niveau van deze deelskill")))
        ordered.extend(
            (sub_id, _("Andere deelskill van deze skill"))
            for sub_id in dict.fromkeys(a.subskill_id for a in curriculum if a.subskill.skill_id == skill.pk)
            if sub_id != this_subskill
        )
    ordered.extend(
        (sub_id, _("Andere gekozen skill"))
        for sub_id in dict.fromkeys(a.subskill_id for a in curriculum if a.subskill.skill_id != skill.pk)
    )
    suggestions = []
    for sub_id, reason in ordered:
        found = next_in(sub_id)
        if found is not None:
            suggestions.append(Suggestion(found, reason))
    return suggestions


@dataclass
class ClosingCheck:
    """Whether a trajectory may close now, and what closing would stop."""

    all_skills_closed: bool
    end_date_passed: bool
    open_assignments: list[ParticipantAssignment]

    @property
    def may_close(self) -> bool:
        return self.all_skills_closed or self.end_date_passed


def closing_check(trajectory: Trajectory) -> ClosingCheck:
    chosen = list(TrajectorySkill.objects.filter(trajectory=trajectory))
    return ClosingCheck(
        all_skills_closed=bool(chosen) and all(ts.closed_at for ts in chosen),
        end_date_passed=trajectory.ends_on < timezone.localdate(),
        open_assignments=list(
            ParticipantAssignment.objects.filter(trajectory=trajectory)
            .filter(step__in=OPEN_STEPS)
            .select_related("version")
            .order_by("created_at", "id")
        ),
    )


# A conversation's agenda ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaAnswer:
    question: str
    answer: LookBackAnswer


@dataclass(frozen=True)
class LatePractice:
    """A practice answer that arrived after the practice part had ended (sent late from a phone that
    was offline): kept, counted for nothing, and shown to the trainer (issue 18)."""

    question: str
    # The chosen option's text; empty for an order question (the positions alone do not read well).
    given: str
    answer: PracticeAnswer


def late_practice(pa: ParticipantAssignment, answer: PracticeAnswer) -> LatePractice:
    """``answer`` (of ``pa``, whose version is loaded) as the trainer reads it: the question and the
    chosen option from the version's content, filled for the staff as on paper."""
    questions = pa.version.content.get("questions", [])
    question = questions[answer.question_index] if answer.question_index < len(questions) else {}
    given = ""
    options = question.get("options") or []
    if question.get("kind") != "order" and isinstance(answer.answer, int) and 0 <= answer.answer < len(options):
        given = fill_trainer(str(options[answer.answer].get("text", "")))
    return LatePractice(fill_trainer(str(question.get("prompt", ""))), given, answer)


def late_practice_of(assignments: Iterable[ParticipantAssignment]) -> dict[int, list[LatePractice]]:
    """The late practice answers of these assignments (reached through the access layer, their
    versions loaded), per assignment, in the order they arrived: one query, whatever their number."""
    by_pk = {pa.pk: pa for pa in assignments}
    found: dict[int, list[LatePractice]] = {}
    if not by_pk:
        return found
    organization_id = next(iter(by_pk.values())).organization_id
    answers = PracticeAnswer.objects.filter(
        organization_id=organization_id, participant_assignment_id__in=by_pk, late=True
    ).order_by("answered_at", "id")
    for answer in answers:
        pa = by_pk[answer.participant_assignment_id]
        found.setdefault(pa.pk, []).append(late_practice(pa, answer))
    return found


@dataclass(frozen=True)
class AgendaLookBack:
    pa: ParticipantAssignment
    answers: list[AgendaAnswer]
    # The practice answers that arrived after the practice part had ended (sent late, offline).
    late_practice: list[LatePractice] = field(default_factory=list)


@dataclass(frozen=True)
class Agenda:
    since: datetime | None
    look_back: list[AgendaLookBack] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    questions: list[ParticipantQuestion] = field(default_factory=list)


def _between[M: models.Model](
    qs: models.QuerySet[M], at: str, since: datetime | None, until: datetime | None
) -> models.QuerySet[M]:
    if since is not None:
        qs = qs.filter(**{f"{at}__gt": since})
    if until is not None:
        qs = qs.filter(**{f"{at}__lte": until})
    return qs


def conversation_agenda(conversation: CoachingConversation) -> Agenda:
    """What to talk about: look-back answers and observations since the previous held
    conversation, and the participant's questions. A held conversation shows what it had."""
    scope = {"organization_id": conversation.organization_id}
    previous = CoachingConversation.objects.filter(
        **scope, trajectory_id=conversation.trajectory_id, held_at__isnull=False
    ).exclude(pk=conversation.pk)
    if conversation.held_at is not None:
        previous = previous.filter(held_at__lt=conversation.held_at)
    since: datetime | None = previous.aggregate(last=Max("held_at"))["last"]

    answers = LookBackAnswer.objects.filter(
        **scope, participant_assignment__trajectory_id=conversation.trajectory_id
    ).exclude(  # a look-back the participant is still answering, screen by screen, is not sent yet
        participant_assignment__step=Step.WORKING,
        late=False,
        answered_at__gte=F("participant_assignment__step_since"),
    )
    if conversation.participant_assignment_id is not None:
        answers = answers.filter(participant_assignment_id=conversation.participant_assignment_id)
    until = conversation.held_at
    answers = _between(answers, "answered_at", since, until).select_related("participant_assignment__version")
    grouped: dict[int, AgendaLookBack] = {}
    for answer in answers.order_by("participant_assignment_id", "question_index", "answered_at"):
        pa = answer.participant_assignment
        questions = pa.version.content.get("look_back", [])
        # As on paper ("je werkplekopleider"): the agenda is read by the staff.
        text = fill_trainer(questions[answer.question_index]) if answer.question_index < len(questions) else ""
        grouped.setdefault(pa.pk, AgendaLookBack(pa=pa, answers=[])).answers.append(AgendaAnswer(text, answer))

    # Practice answers sent late from a phone that was offline, in the same period: kept and shown
    # beside the look-back of their assignment, never lost (one query).
    late = PracticeAnswer.objects.filter(
        **scope, participant_assignment__trajectory_id=conversation.trajectory_id, late=True
    )
    if conversation.participant_assignment_id is not None:
        late = late.filter(participant_assignment_id=conversation.participant_assignment_id)
    late = _between(late, "answered_at", since, until).select_related("participant_assignment__version")
    for practice in late.order_by("participant_assignment_id", "answered_at", "id"):
        pa = practice.participant_assignment
        group = grouped.setdefault(pa.pk, AgendaLookBack(pa=pa, answers=[]))
        group.late_practice.append(late_practice(group.pa, practice))

    observations = _between(
        Observation.objects.filter(**scope, participant_assignment__trajectory_id=conversation.trajectory_id),
        "observed_at",
        since,
        until,
    ).select_related("author__user")  # the agenda shows who observed, not the assignment's version

    if conversation.held_at is not None:
        questions_qs = ParticipantQuestion.objects.filter(**scope, discussed_in=conversation)
    else:
        questions_qs = ParticipantQuestion.objects.filter(
            **scope, trajectory_id=conversation.trajectory_id, discussed_in__isnull=True
        )
    return Agenda(
        since=since,
        look_back=[grouped[pk] for pk in sorted(grouped)],
        observations=list(observations.order_by("-observed_at")),
        questions=list(questions_qs.order_by("asked_at")),
    )
