"""The writes of phase 3: plan, cancel and record an interim evaluation; change the chosen skills;
extend the agreed period. Each is one transaction that refuses on its own (``Refused``, in Dutch).

Who: whoever may work on the trajectory (``OnTrajectory.WORK``: its werkplekopleider, a coach).
When: the trajectory runs and its start conversation is held (phase 2 or 3). The phase moves only
through the trajectories' workflow (``set_phase``, ``follow_phase``), with a history row:

- planning the final evaluation (``is_final``) starts phase 3 (‘Eindevaluatie starten’);
  cancelling it before it is held goes back to phase 2, unless the sign-off put it there anyway;
- a skill added (or swapped in) means more to learn: phase 3 goes back to 2; a skill dropped
  may leave only skills in assessment: phase 2 goes on to 3.

Dropping a skill is refused while one of its assignments is open (stop that assignment first, with
its own reason: the history of the assignment says why it stopped) and when an assignment of it
was achieved (then the skill is closed at that level instead, so the achievement and its
certificate stay). A trajectory keeps at least one chosen skill.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.curriculum.models import Skill, published_or_legacy
from wpo.lib import clock
from wpo.lib.refusals import Refused, checked
from wpo.orgs.models import Person
from wpo.orgs.permissions import OnTrajectory, may_on
from wpo.trajectories.models import OPEN_STEPS, ParticipantAssignment, Phase, Step, Trajectory, TrajectorySkill
from wpo.trajectories.services import activity, follow_phase, last_skill_in_assessment, set_phase

from . import invitations
from .models import ChosenSkillChange, EndDateChange, Feeling, InterimEvaluation

DURATIONS = (30, 45, 60, 90)
# An evaluation is planned for the coming weeks or months; a date more than a year away is a typo.
FURTHEST_AHEAD = timedelta(days=366)
# An extension reaches a year ahead at most, for the same reason.
FURTHEST_EXTENSION = timedelta(days=366)
EVALUATED_PHASES = (Phase.LEARN_WORK, Phase.EVALUATION)


def _check_actor(actor: Person, trajectory: Trajectory) -> None:
    if not may_on(actor, OnTrajectory.WORK, trajectory):
        raise Refused(_("Alleen de werkplekopleider of een coach plant en houdt een tussentijdse evaluatie."))


def _lock(trajectory: Trajectory) -> Trajectory:
    return Trajectory.objects.select_for_update().get(pk=trajectory.pk)


def _check_running(trajectory: Trajectory) -> None:
    if trajectory.status != Trajectory.Status.ACTIVE:
        raise Refused(_("Dit WPO-traject loopt niet meer."))
    if trajectory.phase not in EVALUATED_PHASES:
        raise Refused(_("Een tussentijdse evaluatie komt na het startgesprek. Voer eerst het startgesprek."))


# Plan and cancel -----------------------------------------------------------------------------


@transaction.atomic
def evaluation_plan(
    *,
    trajectory: Trajectory,
    actor: Person,
    planned_at: datetime,
    duration_minutes: int = 45,
    location: str = "",
    attendees: list[Person] | None = None,
    final: bool = False,
) -> InterimEvaluation:
    """Plan an interim evaluation (or, with ``final``, start the final evaluation: phase 3) and
    mail the invitation to everyone invited who has an e-mail address, after the commit."""
    _check_actor(actor, trajectory)
    locked = _lock(trajectory)
    _check_running(locked)
    now = timezone.now()
    if planned_at <= now:
        raise Refused(_("Dit moment is al voorbij. Kies een dag en tijd in de toekomst."))
    if planned_at > now + FURTHEST_AHEAD:
        raise Refused(_("Plan de evaluatie binnen een jaar."))
    if duration_minutes not in DURATIONS:
        raise Refused(_("Kies hoe lang de evaluatie duurt."))
    people = [p for p in attendees or [] if p.pk != locked.trainer_id]
    if any(p.organization_id != locked.organization_id or p.pk == locked.participant_id for p in people):
        raise Refused(_("Kies collega's van je eigen organisatie om mee te doen."))
    if InterimEvaluation.objects.filter(trajectory=locked, held_at__isnull=True).exists():
        raise Refused(_("Er staat al een evaluatie gepland. Leg die eerst vast, of zeg hem af."))
    evaluation = InterimEvaluation(
        organization_id=locked.organization_id,
        trajectory=locked,
        is_final=final,
        planned_at=planned_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        planned_by=actor,
    )
    checked(evaluation)
    evaluation.save()
    evaluation.attendees.set(people)
    if final and locked.phase == Phase.LEARN_WORK:
        set_phase(locked, Phase.EVALUATION, actor=actor, note=_("Eindevaluatie gestart."), at=now)
    trajectory.phase = locked.phase
    invitations.send_after_commit(evaluation, method=invitations.REQUEST)
    return evaluation


@transaction.atomic
def evaluation_cancel(*, evaluation: InterimEvaluation, actor: Person) -> None:
    """Take a planned evaluation off the agenda; everyone invited gets the cancellation."""
    locked = InterimEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    trajectory = _lock(locked.trajectory)
    _check_actor(actor, trajectory)
    if locked.held_at is not None:
        raise Refused(_("Deze evaluatie is al gehouden; wat er is vastgelegd blijft bewaard."))
    # The cancellation is built now, while the evaluation and its invitees still exist.
    invitations.send_cancellation_after_commit(locked)
    in_phase_3 = trajectory.status == Trajectory.Status.ACTIVE and trajectory.phase == Phase.EVALUATION
    if locked.is_final and in_phase_3 and not last_skill_in_assessment(trajectory.pk):
        set_phase(trajectory, Phase.LEARN_WORK, actor=actor, note=_("Eindevaluatie afgezegd."))
    locked.delete()


# Chosen skills ---------------------------------------------------------------------------------


def _reason(reason: str) -> str:
    if not reason.strip():
        raise Refused(_("Schrijf op waarom de gekozen skills veranderen."))
    return reason.strip()


def _check_addable(trajectory: Trajectory, skill: Skill) -> None:
    if skill.organization_id not in (None, trajectory.organization_id):
        raise Refused(_("Kies een skill uit jullie eigen lijst."))
    # A new national skill of an edition that is still a draft is nobody's yet (wpo.curriculum.models).
    if not Skill.objects.filter(published_or_legacy(), pk=skill.pk).exists():
        raise Refused(_("Kies een skill uit jullie eigen lijst."))
    if TrajectorySkill.objects.filter(trajectory=trajectory, skill=skill).exists():
        raise Refused(_("‘%(skill)s’ is al gekozen.") % {"skill": skill.name})


def _check_droppable(chosen: TrajectorySkill, trajectory: Trajectory) -> None:
    if chosen.trajectory_id != trajectory.pk:
        raise Refused(_("Kies een skill van dit WPO-traject."))
    if chosen.closed_at is not None:
        raise Refused(_("Deze skill is al afgerond. Wat de deelnemer heeft gehaald, blijft staan."))
    of_skill = ParticipantAssignment.objects.filter(
        trajectory=trajectory, version__assignment__subskill__skill_id=chosen.skill_id
    )
    running = of_skill.filter(step__in=OPEN_STEPS).select_related("version").first()
    if running is not None:
        raise Refused(
            _(
                "Bij deze skill loopt nog de opdracht ‘%(title)s’. Stop die opdracht eerst, met een reden. "
                "Dan kan de skill eraf."
            )
            % {"title": running.version.title}
        )
    if of_skill.filter(step=Step.ACHIEVED).exists():
        raise Refused(
            _(
                "Bij deze skill heeft de deelnemer al een opdracht gehaald. Laat de skill niet vallen, "
                "maar rond hem af op het gehaalde niveau. Dan blijft het resultaat bewaard."
            )
        )


def _record_change(
    trajectory: Trajectory,
    *,
    kind: str,
    actor: Person,
    reason: str,
    dropped: Skill | None = None,
    added: Skill | None = None,
    evaluation: InterimEvaluation | None = None,
    at: datetime | None = None,
) -> ChosenSkillChange:
    return ChosenSkillChange.objects.create(
        organization_id=trajectory.organization_id,
        trajectory=trajectory,
        evaluation=evaluation,
        kind=kind,
        dropped=dropped,
        added=added,
        reason=reason,
        actor=actor,
        at=at or timezone.now(),
    )


def _add(trajectory: Trajectory, skill: Skill) -> TrajectorySkill:
    # One save (not bulk): the audit trail records the new choice.
    return TrajectorySkill.objects.create(
        organization_id=trajectory.organization_id, trajectory=trajectory, skill=skill
    )


@transaction.atomic
def chosen_skill_add(
    trajectory: Trajectory, skill: Skill, *, actor: Person, reason: str, evaluation: InterimEvaluation | None = None
) -> ChosenSkillChange:
    """Choose one more skill for the trajectory; in phase 3 that is more to learn (back to 2)."""
    _check_actor(actor, trajectory)
    locked = _lock(trajectory)
    _check_running(locked)
    why = _reason(reason)
    _check_addable(locked, skill)
    _add(locked, skill)
    change = _record_change(
        locked, kind=ChosenSkillChange.Kind.ADDED, actor=actor, reason=why, added=skill, evaluation=evaluation
    )
    follow_phase(locked, actor=actor, at=change.at, more_to_learn=True)
    return change


@transaction.atomic
def chosen_skill_drop(
    chosen: TrajectorySkill, *, actor: Person, reason: str, evaluation: InterimEvaluation | None = None
) -> ChosenSkillChange:
    """Let a chosen skill go (see the module's rules); what is left may all be in assessment (phase 3)."""
    trajectory = Trajectory.objects.get(pk=chosen.trajectory_id)
    _check_actor(actor, trajectory)
    locked = _lock(trajectory)
    _check_running(locked)
    why = _reason(reason)
    fresh = TrajectorySkill.objects.select_for_update().select_related("skill").get(pk=chosen.pk)
    _check_droppable(fresh, locked)
    if TrajectorySkill.objects.filter(trajectory=locked).count() <= 1:
        raise Refused(_("Een WPO-traject heeft minstens één skill. Ruil de skill, of kies eerst een andere erbij."))
    skill = fresh.skill
    fresh.delete()  # the audit trail keeps the deleted row
    change = _record_change(
        locked, kind=ChosenSkillChange.Kind.DROPPED, actor=actor, reason=why, dropped=skill, evaluation=evaluation
    )
    follow_phase(locked, actor=actor, at=change.at)
    return change


@transaction.atomic
def chosen_skill_swap(
    chosen: TrajectorySkill,
    skill: Skill,
    *,
    actor: Person,
    reason: str,
    evaluation: InterimEvaluation | None = None,
) -> ChosenSkillChange:
    """Swap a chosen skill for another, with one reason: the drop's rules and the add's together."""
    trajectory = Trajectory.objects.get(pk=chosen.trajectory_id)
    _check_actor(actor, trajectory)
    locked = _lock(trajectory)
    _check_running(locked)
    why = _reason(reason)
    fresh = TrajectorySkill.objects.select_for_update().select_related("skill").get(pk=chosen.pk)
    _check_droppable(fresh, locked)
    _check_addable(locked, skill)
    dropped = fresh.skill
    fresh.delete()
    _add(locked, skill)
    change = _record_change(
        locked,
        kind=ChosenSkillChange.Kind.SWAPPED,
        actor=actor,
        reason=why,
        dropped=dropped,
        added=skill,
        evaluation=evaluation,
    )
    follow_phase(locked, actor=actor, at=change.at, more_to_learn=True)
    return change


# The agreed period -------------------------------------------------------------------------------


@transaction.atomic
def end_date_extend(
    trajectory: Trajectory,
    *,
    ends_on: date,
    reason: str,
    actor: Person,
    expected: date | None = None,
    evaluation: InterimEvaluation | None = None,
) -> EndDateChange:
    """Extend the agreed period to ``ends_on``; the old and new date, the reason, who and when are
    kept. The only writer of ``Trajectory.ends_on`` after the start. ``expected`` is the end date the
    user saw: if someone extended it meanwhile, this one is refused instead of extending twice."""
    _check_actor(actor, trajectory)
    locked = _lock(trajectory)
    if locked.status != Trajectory.Status.ACTIVE:
        raise Refused(_("Dit WPO-traject loopt niet meer."))
    if expected is not None and locked.ends_on != expected:
        raise Refused(
            _("De einddatum is intussen al veranderd, in %(date)s. Bekijk de nieuwe stand.")
            % {"date": f"{locked.ends_on:%d-%m-%Y}"}
        )
    if not reason.strip():
        raise Refused(_("Schrijf op waarom het traject langer duurt."))
    today = clock.today()
    if ends_on <= locked.ends_on:
        raise Refused(
            _("Kies een nieuwe einddatum na de huidige einddatum (%(date)s).") % {"date": f"{locked.ends_on:%d-%m-%Y}"}
        )
    if ends_on <= today:
        raise Refused(_("Kies een nieuwe einddatum in de toekomst."))
    if ends_on > today + FURTHEST_EXTENSION:
        raise Refused(_("Verleng hoogstens een jaar vooruit. Bij de volgende evaluatie kun je weer verlengen."))
    change = EndDateChange.objects.create(
        organization_id=locked.organization_id,
        trajectory=locked,
        evaluation=evaluation,
        from_date=locked.ends_on,
        to_date=ends_on,
        reason=reason.strip(),
        actor=actor,
        at=timezone.now(),
    )
    locked.ends_on = ends_on
    locked.save(update_fields=["ends_on"])  # one save: the audit trail records the new date
    trajectory.ends_on = ends_on
    return change


# Record ---------------------------------------------------------------------------------------------


class SkillsFit:
    """Whether the chosen skills still fit: the answer of the record form."""

    KEEP, ADD, DROP, SWAP = "keep", "add", "drop", "swap"


@dataclass(frozen=True)
class SkillDecision:
    action: str = SkillsFit.KEEP
    chosen: TrajectorySkill | None = None  # the skill that goes (drop, swap)
    skill: Skill | None = None  # the skill that comes (add, swap)
    reason: str = ""


@dataclass(frozen=True)
class PeriodDecision:
    extend: bool = False
    ends_on: date | None = None
    reason: str = ""
    seen_ends_on: date | None = None  # the end date the form showed


def _apply_skills(
    evaluation: InterimEvaluation, trajectory: Trajectory, actor: Person, decision: SkillDecision
) -> None:
    if decision.action == SkillsFit.KEEP:
        return
    if decision.chosen is not None and decision.chosen.trajectory_id != trajectory.pk:
        raise Refused(_("Kies een skill van dit WPO-traject."))
    needs_old = decision.action in (SkillsFit.DROP, SkillsFit.SWAP)
    needs_new = decision.action in (SkillsFit.ADD, SkillsFit.SWAP)
    if needs_old and decision.chosen is None:
        raise Refused(_("Kies welke skill eraf gaat."))
    if needs_new and decision.skill is None:
        raise Refused(_("Kies welke skill erbij komt."))
    if decision.action == SkillsFit.ADD:
        assert decision.skill is not None
        chosen_skill_add(trajectory, decision.skill, actor=actor, reason=decision.reason, evaluation=evaluation)
    elif decision.action == SkillsFit.DROP:
        assert decision.chosen is not None
        chosen_skill_drop(decision.chosen, actor=actor, reason=decision.reason, evaluation=evaluation)
    elif decision.action == SkillsFit.SWAP:
        assert decision.chosen is not None and decision.skill is not None
        chosen_skill_swap(decision.chosen, decision.skill, actor=actor, reason=decision.reason, evaluation=evaluation)
    else:
        raise Refused(_("Kies of de skills nog passen."))


@transaction.atomic
def evaluation_record(
    *,
    evaluation: InterimEvaluation,
    actor: Person,
    achieved: str,
    feeling: str,
    participant_words: str = "",
    voice_note: UploadedFile[Any] | None = None,
    agreements: str = "",
    skills: SkillDecision | None = None,
    period: PeriodDecision | None = None,
) -> InterimEvaluation:
    """Record what was said and agreed, and mark the evaluation held. A change of skills and an
    extension happen in the same transaction: a refusal in either saves nothing at all.
    ``voice_note`` must have passed ``wpo.lib.uploads.checked_upload`` (the form does that)."""
    locked = InterimEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    trajectory = _lock(locked.trajectory)
    _check_actor(actor, trajectory)
    if locked.held_at is not None:
        raise Refused(_("Deze evaluatie is al vastgelegd."))
    _check_running(trajectory)
    if feeling not in Feeling.values:
        raise Refused(_("Kies hoe de deelnemer zich erover voelt: een van de drie gezichten."))
    if not achieved.strip():
        raise Refused(_("Schrijf op wat er tot nu toe is bereikt."))
    _apply_skills(locked, trajectory, actor, skills or SkillDecision())
    period = period or PeriodDecision()
    if period.extend:
        if period.ends_on is None:
            raise Refused(_("Kies de nieuwe einddatum."))
        end_date_extend(
            trajectory,
            ends_on=period.ends_on,
            reason=period.reason,
            actor=actor,
            expected=period.seen_ends_on,
            evaluation=locked,
        )
    now = timezone.now()
    locked.held_at = now
    locked.recorded_by = actor
    locked.achieved = achieved.strip()
    locked.feeling = feeling
    locked.participant_words = participant_words.strip()
    locked.agreements = agreements.strip()
    locked.agreed_ends_on = Trajectory.objects.values_list("ends_on", flat=True).get(pk=trajectory.pk)
    fields = ["held_at", "recorded_by", "achieved", "feeling", "participant_words", "agreements", "agreed_ends_on"]
    if voice_note:
        locked.voice_note.save(voice_note.name or "spraak", voice_note, save=False)
        fields.append("voice_note")
    locked.save(update_fields=fields)
    activity.record(trajectory.pk, now)
    return locked
