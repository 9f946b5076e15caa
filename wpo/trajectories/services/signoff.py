"""The sign-off sequence of one assignment, from the independence week on.

After the look-back conversation decides the learning goal is reached (step ‘zelfstandig’), the
werkplekopleider watches for about a week whether the participant shows the skill on their own.
Then the assessment conversation settles it: ‘behaald’, or ‘nog niet’ and back to work (a normal
path). A coach may be asked as second assessor. After an achievement: what next, closing a skill
at the highest level reached, closing the trajectory.

How two judgements combine. The werkplekopleider's judgement moves the step; they lead the
participant and the method makes them the assessor. The coach, asked as second assessor before
the assessment, gives their own judgement after the first is recorded. It is written once, beside
the first, and never changes the step or the first judgement. When the two differ, the trajectory
page shows both with the coach's note, so that trainer and coach talk it through; an assignment
that turns out not to be mastered after all is picked up with a new assignment, not by rewriting
history.

Every write is one transaction and refuses with a Dutch message (``Refused``). Step changes go
through ``workflow.move``, which locks the assignment; ``expected`` is the step the user saw, so
that of two people recording the same step at once the second is told instead of overruling.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.certificates import services as certificates  # issue 6: certificates on closing
from wpo.curriculum.models import Assignment
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may, may_on

from .. import access
from ..models import (
    OPEN_STEPS,
    Assessment,
    Judgement,
    ParticipantAssignment,
    Phase,
    SecondAssessorRequest,
    Step,
    StepChange,
    Trajectory,
    TrajectorySkill,
)
from ..selectors import achieved_levels_of, closing_check, independence_days
from ..workflow import StaleStep, follow_phase, give_assignment, move, set_phase


def _require_staff(actor: Person, trajectory: Trajectory) -> None:
    if not access.may_act_for(actor, trajectory):
        raise Refused(_("Alleen de werkplekopleider van deze deelnemer of een coach kan dit doen."))


def _stale() -> StaleStep:
    return StaleStep(_("Iemand anders heeft deze stap net gezet. Bekijk de nieuwe stand."))


def _judgement(value: str) -> Judgement:
    try:
        return Judgement(value)
    except ValueError:
        raise Refused(_("Kies ‘behaald’ of ‘nog niet’.")) from None


# The independence week and the assessment ---------------------------------------------------------


@transaction.atomic
def assessment_start(pa: ParticipantAssignment, *, actor: Person, expected: Step | None = None) -> StepChange:
    """The werkplekopleider ends the independence week and begins the assessment conversation.

    Allowed at any time: the trainer knows when they have seen enough. The history notes how
    many days the week ran, so a short week is visible afterwards.
    """
    _require_staff(actor, pa.trajectory)
    days = independence_days(pa)
    return move(
        pa,
        Step.ASSESSING,
        actor=actor,
        expected=expected,
        note=_("De zelfstandigheidsweek liep %(days)s dagen.") % {"days": days},
    )


@transaction.atomic
def assessment_record(
    pa: ParticipantAssignment,
    *,
    assessor: Person,
    judgement: str,
    note: str = "",
    expected: Step | None = None,
) -> Assessment:
    """The first judgement of the assessment conversation: ‘behaald’, or ‘nog niet’ and back to work."""
    verdict = _judgement(judgement)
    _require_staff(assessor, pa.trajectory)
    if (expected or pa.step) != Step.ASSESSING:
        raise Refused(_("Deze opdracht wacht niet op een beoordeling."))
    if verdict == Judgement.NOT_YET and not note.strip():
        raise Refused(_("Schrijf op wat de deelnemer nog gaat oefenen."))
    # Lock the assignment before anything else, as ``move`` does, so that a second person
    # recording at the same moment waits here and is then refused.
    ParticipantAssignment.objects.select_for_update().get(pk=pa.pk)
    request = SecondAssessorRequest.objects.filter(participant_assignment=pa, assessment__isnull=True).first()
    if request is not None and request.coach_id == assessor.pk:
        raise Refused(_("U bent gevraagd als tweede beoordelaar. Het eerste oordeel komt van de werkplekopleider."))
    to = Step.ACHIEVED if verdict == Judgement.ACHIEVED else Step.WORKING
    # Always from ‘beoordelen’: a move from any other step is not an assessment.
    change = move(pa, to, actor=assessor, expected=Step.ASSESSING, note=note.strip() or _("Beoordeeld: behaald."))
    assessment = Assessment.objects.create(
        organization_id=pa.organization_id,
        participant_assignment=pa,
        assessor=assessor,
        judgement=verdict,
        note=note.strip(),
        assessed_at=change.at,
        second_assessor_id=request.coach_id if request else None,
    )
    if request is not None:
        request.assessment = assessment
        request.save(update_fields=["assessment"])
    return assessment


@transaction.atomic
def second_assessor_request(
    pa: ParticipantAssignment, *, actor: Person, coach: Person, expected: Step | None = None
) -> SecondAssessorRequest:
    """Ask a coach to join the coming assessment as second assessor."""
    _require_staff(actor, pa.trajectory)
    if coach.organization_id != pa.organization_id or not may(coach, Ability.COACH_TRAJECTORIES):
        raise Refused(_("Kies een coach van uw organisatie."))
    if not may_on(coach, OnTrajectory.WORK, pa.trajectory):
        raise Refused(_("Deze coach kan geen tweede beoordelaar zijn van zijn of haar eigen traject."))
    # Lock the assignment: the request belongs to the step the user saw.
    locked = ParticipantAssignment.objects.select_for_update().get(pk=pa.pk)
    if expected is not None and locked.step != expected:
        raise _stale()
    if locked.step not in (Step.INDEPENDENT, Step.ASSESSING):
        raise Refused(_("Een tweede beoordelaar vraagt u in de zelfstandigheidsweek of bij het beoordelen."))
    open_request = (
        SecondAssessorRequest.objects.filter(participant_assignment=locked, assessment__isnull=True)
        .select_related("coach__user")
        .first()
    )
    if open_request is not None:
        raise Refused(_("%(name)s is al gevraagd als tweede beoordelaar.") % {"name": open_request.coach.name})
    return SecondAssessorRequest.objects.create(
        organization_id=pa.organization_id,
        participant_assignment=locked,
        coach=coach,
        requested_by=actor,
        requested_at=timezone.now(),
    )


@transaction.atomic
def second_assessment_record(assessment: Assessment, *, coach: Person, judgement: str, note: str = "") -> Assessment:
    """The coach's own judgement, written once beside the first; it does not move the step."""
    verdict = _judgement(judgement)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if coach.organization_id != locked.organization_id or locked.second_assessor_id != coach.pk:
        raise Refused(_("U bent niet gevraagd als tweede beoordelaar van deze beoordeling."))
    if locked.assessor_id == coach.pk:
        raise Refused(_("U gaf het eerste oordeel al. Het tweede oordeel komt van iemand anders."))
    if locked.second_judgement:
        raise Refused(_("Uw oordeel is al vastgelegd. Het blijft zoals het is."))
    if not note.strip():
        if verdict != locked.judgement:
            raise Refused(_("U oordeelt anders dan de werkplekopleider. Schrijf op waarom."))
        if verdict == Judgement.NOT_YET:
            raise Refused(_("Schrijf op wat de deelnemer nog gaat oefenen."))
    locked.second_judgement = verdict
    locked.second_note = note.strip()
    locked.second_assessed_at = timezone.now()
    locked.save(update_fields=["second_judgement", "second_note", "second_assessed_at"])
    assessment.second_judgement = locked.second_judgement
    assessment.second_note = locked.second_note
    assessment.second_assessed_at = locked.second_assessed_at
    return locked


# What next ----------------------------------------------------------------------------------------


@transaction.atomic
def give_next(trajectory: Trajectory, assignment: Assignment, *, actor: Person) -> ParticipantAssignment:
    """Hand out the next assignment on its current content version."""
    _require_staff(actor, trajectory)
    # Lock the trajectory so that two people giving the same next assignment make one, not two.
    locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    fresh = Assignment.objects.select_related("subskill", "current_version").get(pk=assignment.pk)
    chosen = TrajectorySkill.objects.filter(trajectory=locked, skill_id=fresh.subskill.skill_id).first()
    if chosen is None:
        raise Refused(_("Kies een opdracht bij een van de gekozen skills."))
    if chosen.closed_at:
        raise Refused(_("Deze skill is al afgerond."))
    if fresh.current_version is None:
        raise Refused(_("Deze opdracht is nog niet geschreven. Kies een andere."))
    running = (
        ParticipantAssignment.objects.filter(trajectory=locked, version__assignment=fresh)
        .filter(step__in=OPEN_STEPS)
        .exists()
    )
    if running:
        raise Refused(_("Deze opdracht staat al klaar of loopt nog."))
    return give_assignment(locked, fresh.current_version, actor=actor, note=_("Volgende opdracht."))


# Closing ------------------------------------------------------------------------------------------


@transaction.atomic
def skill_close(chosen: TrajectorySkill, *, actor: Person, level: str) -> TrajectorySkill:
    """Close a chosen skill at the highest level this participant reached: one they achieved."""
    locked = TrajectorySkill.objects.select_for_update().select_related("trajectory", "skill").get(pk=chosen.pk)
    _require_staff(actor, locked.trajectory)
    if locked.closed_at:
        raise Refused(_("Deze skill is al afgerond op niveau %(level)s.") % {"level": locked.highest_level})
    if locked.trajectory.status != Trajectory.Status.ACTIVE:
        raise Refused(_("Dit WPO-traject loopt niet meer."))
    achieved = achieved_levels_of(locked)
    if not achieved:
        raise Refused(_("De deelnemer heeft bij deze skill nog geen opdracht gehaald."))
    if level not in achieved:
        raise Refused(
            _("Kies een niveau dat de deelnemer bij deze skill heeft gehaald: %(levels)s.")
            % {"levels": ", ".join(achieved)}
        )
    running = (
        ParticipantAssignment.objects.filter(
            trajectory_id=locked.trajectory_id, version__assignment__subskill__skill_id=locked.skill_id
        )
        .filter(step__in=OPEN_STEPS)
        .exists()
    )
    if running:
        raise Refused(_("Er loopt nog een opdracht bij deze skill. Rond die eerst af, of stop hem."))
    locked.closed_at = timezone.now()
    locked.highest_level = level
    locked.save(update_fields=["closed_at", "highest_level"])
    chosen.closed_at, chosen.highest_level = locked.closed_at, locked.highest_level
    # Issue 16: closing the last skill still being learned starts phase 3 (workflow.follow_phase).
    follow_phase(locked.trajectory, actor=actor)
    # Issue 6 (certificates): the skill certificate is issued in this same transaction.
    certificates.issue_skill_certificate(locked, actor=actor)
    return locked


@transaction.atomic
def trajectory_close(
    trajectory: Trajectory,
    *,
    actor: Person,
    stop_reason: str = "",
    expected_open: set[int] | None = None,
) -> Trajectory:
    """Phase 4 ‘Afsluiting’: when every chosen skill is closed, or the agreed end date has passed.

    Assignments still open are not left dangling: they are stopped, through the workflow, with
    the reason the user gives; without a reason closing is refused. ``expected_open`` is the set
    of open assignments the user saw, so an assignment handed out meanwhile is not stopped unseen.
    """
    locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    _require_staff(actor, locked)
    if locked.status != Trajectory.Status.ACTIVE:
        raise Refused(_("Dit WPO-traject is al afgesloten of gestopt."))
    check = closing_check(locked)
    if not check.may_close:
        raise Refused(
            _(
                "U kunt dit WPO-traject afsluiten als alle gekozen skills zijn afgerond, "
                "of als de afgesproken einddatum (%(date)s) voorbij is."
            )
            % {"date": f"{locked.ends_on:%d-%m-%Y}"}
        )
    if expected_open is not None and {pa.pk for pa in check.open_assignments} != expected_open:
        raise _stale()
    if check.open_assignments and not stop_reason.strip():
        raise Refused(_("Er lopen nog opdrachten. Schrijf op waarom ze stoppen; dan stoppen ze met die reden."))
    for pa in check.open_assignments:
        move(pa, Step.STOPPED, actor=actor, note=stop_reason.strip(), expected=Step(pa.step))
    set_phase(locked, Phase.CLOSING, actor=actor)
    locked.status = Trajectory.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    trajectory.status, trajectory.phase, trajectory.closed_at = locked.status, locked.phase, locked.closed_at
    # Issue 6 (certificates): the trajectory certificate is issued in this same transaction.
    certificates.issue_trajectory_certificate(locked, actor=actor)
    return locked


@transaction.atomic
def trajectory_stop(
    trajectory: Trajectory, *, actor: Person, reason: str, expected_open: set[int] | None = None
) -> Trajectory:
    """The participant stops before the end (other work, illness, moving away).

    Open assignments stop with the same reason, through the workflow; what was achieved stays.
    A stopped trajectory gets no certificate and counts as ‘gestopt’ in the report.
    """
    locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    _require_staff(actor, locked)
    if locked.status != Trajectory.Status.ACTIVE:
        raise Refused(_("Dit WPO-traject is al afgesloten of gestopt."))
    if not reason.strip():
        raise Refused(_("Schrijf op waarom het WPO-traject stopt."))
    open_assignments = list(locked.assignments.filter(step__in=OPEN_STEPS).order_by("pk"))
    if expected_open is not None and {pa.pk for pa in open_assignments} != expected_open:
        raise _stale()
    for pa in open_assignments:
        move(pa, Step.STOPPED, actor=actor, note=reason.strip(), expected=Step(pa.step))
    locked.status = Trajectory.Status.STOPPED
    locked.stop_reason = reason.strip()
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "stop_reason", "closed_at"])
    trajectory.status, trajectory.stop_reason, trajectory.closed_at = (
        locked.status,
        locked.stop_reason,
        locked.closed_at,
    )
    return locked
