"""The life of one WPO assignment for one participant, as a guarded state machine; and the phase of
the trajectory around it (``set_phase``).

Each move checks the current step and who is moving, then writes a ``StepChange`` row and records
the moment as the trajectory's latest activity (``activity.record``). The history is append-only: a
repeated work task is a new row, never an edit of an old one. A phase moves the same way, with a
``PhaseChange`` row.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.curriculum.models import AssignmentVersion
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person
from wpo.orgs.permissions import OnTrajectory, may_on

from . import activity
from .models import (
    OPEN_STEPS,
    ParticipantAssignment,
    Phase,
    PhaseChange,
    Step,
    StepChange,
    Trajectory,
    TrajectorySkill,
)


class StaleStep(Refused):
    """Someone else moved the assignment after the user loaded the page they acted on."""


@dataclass(frozen=True)
class Move:
    """A step the assignment may take. Whoever may work on the trajectory (its werkplekopleider, a
    coach: ``OnTrajectory.WORK``) makes every move; the participant themself only the moves marked
    ``by_participant``."""

    to: Step
    by_participant: bool = False
    needs_note: bool = False


MOVES: dict[Step, tuple[Move, ...]] = {
    Step.INTRODUCED: (Move(Step.PRACTISING, by_participant=True),),
    Step.PRACTISING: (Move(Step.WORKING, by_participant=True),),
    Step.WORKING: (Move(Step.LOOKING_BACK, by_participant=True),),
    # In the look-back conversation: goal reached, or another round of the work task.
    Step.LOOKING_BACK: (Move(Step.INDEPENDENT), Move(Step.WORKING)),
    Step.INDEPENDENT: (Move(Step.ASSESSING),),
    Step.ASSESSING: (Move(Step.ACHIEVED), Move(Step.WORKING)),
}


def allowed_moves(current: Step | str) -> tuple[Move, ...]:
    step = Step(current)
    if step not in OPEN_STEPS:
        return ()
    return (*MOVES.get(step, ()), Move(Step.STOPPED, needs_note=True))


def _may_act(actor: Person, pa: ParticipantAssignment, move: Move) -> bool:
    trajectory = pa.trajectory
    if actor.pk == trajectory.participant_id and actor.organization_id == trajectory.organization_id:
        # For their own assignment a person is its participant, whatever else they are.
        return move.by_participant
    return may_on(actor, OnTrajectory.WORK, trajectory)


@transaction.atomic
def move(
    pa: ParticipantAssignment,
    to: Step,
    *,
    actor: Person,
    note: str = "",
    at: datetime | None = None,
    expected: Step | None = None,
) -> StepChange:
    """Move ``pa`` to step ``to`` or raise ``Refused``; records who, when and why.

    ``expected`` is the step the user saw when they decided: if the assignment has moved on
    since, ``StaleStep`` is raised instead of applying a decision made on an old picture.
    """
    # Lock the row so two people pressing a button at once cannot both move from the same step.
    locked = ParticipantAssignment.objects.select_for_update().select_related("trajectory").get(pk=pa.pk)
    current = Step(locked.step)
    if expected is not None and current != expected:
        raise StaleStep(_("Iemand anders heeft deze stap net gezet. Bekijk de nieuwe stand."))
    candidate = next((m for m in allowed_moves(current) if m.to == to), None)
    if candidate is None:
        raise Refused(
            _("Van ‘%(current)s’ kan deze opdracht niet naar ‘%(target)s’.")
            % {"current": current.label, "target": Step(to).label}
        )
    if not _may_act(actor, locked, candidate):
        raise Refused(_("Deze stap mag u niet zetten."))
    if candidate.needs_note and not note.strip():
        raise Refused(_("Schrijf op waarom deze opdracht stopt."))
    when = at or timezone.now()
    locked.step = to
    locked.step_since = when
    fields = ["step", "step_since"]
    if to == Step.ACHIEVED:
        locked.achieved_at = when
        fields.append("achieved_at")
    locked.save(update_fields=fields)
    pa.step, pa.step_since, pa.achieved_at = locked.step, locked.step_since, locked.achieved_at
    change = StepChange.objects.create(
        organization_id=locked.organization_id,
        participant_assignment=locked,
        from_step=current,
        to_step=to,
        actor=actor,
        at=when,
        note=note.strip(),
    )
    activity.record(locked.trajectory_id, when)
    if to in SIGN_OFF_STEPS:
        follow_phase(locked.trajectory, actor=actor, at=when)
    elif current == Step.ASSESSING and to == Step.WORKING:
        follow_phase(locked.trajectory, actor=actor, at=when, more_to_learn=True)
    return change


@transaction.atomic
def give_assignment(
    trajectory: Trajectory, version: AssignmentVersion, *, actor: Person, note: str = "", at: datetime | None = None
) -> ParticipantAssignment:
    """Hand out an assignment (step ‘klaargezet’) on the given content version."""
    if not may_on(actor, OnTrajectory.WORK, trajectory):
        raise Refused(_("Alleen de werkplekopleider of coach kan een opdracht klaarzetten."))
    if trajectory.status != Trajectory.Status.ACTIVE:
        raise Refused(_("Dit WPO-traject loopt niet meer."))
    when = at or timezone.now()
    pa = ParticipantAssignment.objects.create(
        organization_id=trajectory.organization_id,
        trajectory=trajectory,
        version=version,
        step=Step.INTRODUCED,
        step_since=when,
        created_at=when,
    )
    StepChange.objects.create(
        organization_id=trajectory.organization_id,
        participant_assignment=pa,
        from_step="",
        to_step=Step.INTRODUCED,
        actor=actor,
        at=when,
        note=note.strip(),
    )
    activity.record(trajectory.pk, when)
    follow_phase(trajectory, actor=actor, at=when, more_to_learn=True)
    return pa


# Phase 3 follows the sign-off (issue 16) ----------------------------------------------------------
# The independence week and the assessment are the method's "Evaluatie en beoordeling". A trajectory
# enters phase 3 when its last chosen skill is in assessment: every chosen skill is closed (assessed
# and finished at its highest level), or all its open assignments are in the independence week or the
# assessment. It goes back to phase 2 when there is more to learn: an assessment says ‘nog niet’
# (back to work), a new assignment is handed out (the next level), or a skill is added
# (wpo.evaluations). The werkplekopleider can also start phase 3 by starting the final evaluation
# (wpo.evaluations.services.evaluation_plan).
SIGN_OFF_STEPS = (Step.INDEPENDENT, Step.ASSESSING)


def last_skill_in_assessment(trajectory_id: int) -> bool:
    """Every chosen skill of the trajectory is closed or in assessment (and it has at least one)."""
    chosen = TrajectorySkill.objects.filter(trajectory_id=trajectory_id)
    open_ones = ParticipantAssignment.objects.filter(
        trajectory_id=trajectory_id, version__assignment__subskill__skill_id=OuterRef("skill_id"), step__in=OPEN_STEPS
    )
    still_learning = chosen.filter(closed_at__isnull=True).filter(
        ~Exists(open_ones) | Exists(open_ones.exclude(step__in=SIGN_OFF_STEPS))
    )
    return chosen.exists() and not still_learning.exists()


def follow_phase(
    trajectory: Trajectory, *, actor: Person, at: datetime | None = None, more_to_learn: bool = False
) -> PhaseChange | None:
    """Move a running trajectory between phase 2 and 3 as its sign-off goes (see above); None when
    it stays. Phases 1 and 4 are left alone: the start conversation and the close move those."""
    phase, status = Trajectory.objects.filter(pk=trajectory.pk).values_list("phase", "status").get()
    if status != Trajectory.Status.ACTIVE:
        return None
    if more_to_learn and phase == Phase.EVALUATION and not last_skill_in_assessment(trajectory.pk):
        note = _("Er is nog meer te leren: terug naar de leer/werkperiode.")
        return set_phase(trajectory, Phase.LEARN_WORK, actor=actor, note=note, at=at)
    if not more_to_learn and phase == Phase.LEARN_WORK and last_skill_in_assessment(trajectory.pk):
        note = _("De laatste gekozen skill wordt beoordeeld.")
        return set_phase(trajectory, Phase.EVALUATION, actor=actor, note=note, at=at)
    return None


# The phase of a trajectory ------------------------------------------------------------------------

PHASE_MOVES: dict[Phase, tuple[Phase, ...]] = {
    Phase.START: (Phase.LEARN_WORK, Phase.CLOSING),
    Phase.LEARN_WORK: (Phase.EVALUATION, Phase.CLOSING),
    Phase.EVALUATION: (Phase.LEARN_WORK, Phase.CLOSING),
    Phase.CLOSING: (),
}


@transaction.atomic
def set_phase(
    trajectory: Trajectory, to: Phase, *, actor: Person, note: str = "", at: datetime | None = None
) -> PhaseChange:
    """Move the running ``trajectory`` to phase ``to`` or raise ``Refused``; records who, when and why.

    The legal moves (``PHASE_MOVES``), after the four phases of the method:

    - 1 Start → 2 Leer/werkperiode: the start conversation is held (``trajectory_start`` makes the
      trajectory in phase 1 and moves it on in the same transaction);
    - 2 → 3 Evaluatie en beoordeling, and 3 → 2 back to the learn/work period when the evaluation
      shows more is to be learned (as an assignment goes back from ‘beoordelen’ to ‘aan de slag’):
      ``follow_phase`` after the sign-off's moves, and the final evaluation (wpo.evaluations);
    - any phase → 4 Afsluiting, when the trajectory closes (``trajectory_close``); a trajectory
      older than this rule may still stand in phase 1.

    Phase 4 is final, and so is a trajectory that no longer runs: a stopped trajectory keeps the
    phase it stopped in (its status says it stopped). Whoever may work on the trajectory
    (``OnTrajectory.WORK``) moves its phase; the trajectory row is locked for the move.
    """
    locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    current = Phase(locked.phase)
    if not may_on(actor, OnTrajectory.WORK, locked):
        raise Refused(_("Alleen de werkplekopleider of coach kan de fase van dit WPO-traject veranderen."))
    if locked.status != Trajectory.Status.ACTIVE:
        raise Refused(_("Dit WPO-traject loopt niet meer."))
    if to not in PHASE_MOVES[current]:
        raise Refused(
            _("Van fase ‘%(current)s’ kan dit WPO-traject niet naar fase ‘%(target)s’.")
            % {"current": current.label, "target": Phase(to).label}
        )
    locked.phase = to
    locked.save(update_fields=["phase"])
    trajectory.phase = locked.phase
    return PhaseChange.objects.create(
        organization_id=locked.organization_id,
        trajectory=locked,
        from_phase=current,
        to_phase=to,
        actor=actor,
        at=at or timezone.now(),
        note=note.strip(),
    )


def phase_opened(trajectory: Trajectory, *, actor: Person, note: str = "", at: datetime | None = None) -> PhaseChange:
    """The first history row of a trajectory opened in phase 1 before its start conversation (from
    the intake, ``services.start.trajectory_open``): who opened it and when. Not a move: it stays in
    phase 1 until the start conversation moves it to 2 through ``set_phase``."""
    return PhaseChange.objects.create(
        organization_id=trajectory.organization_id,
        trajectory=trajectory,
        from_phase=Phase.START,
        to_phase=Phase.START,
        actor=actor,
        at=at or timezone.now(),
        note=note.strip(),
    )
