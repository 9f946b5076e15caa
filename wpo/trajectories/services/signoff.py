"""The sign-off sequence of one assignment, from the independence week on.

After the look-back conversation decides the learning goal is reached (step ‘zelfstandig’), the
werkplekopleider watches for about a week whether the participant shows the skill on their own.
Then the assessment conversation settles it: ‘behaald’, or ‘nog niet’ and back to work (a normal
path). A coach may be asked as second assessor. After an achievement: what next, closing a skill
at the highest level reached, closing the trajectory.

How two judgements combine. Without a second assessor the werkplekopleider's judgement moves
the step at once. With one, the two judge blind: the first judgement waits, shown to nobody but its
author (not to the coach, not to the participant), until the coach has written their own. When the
two agree, the step moves. When they differ, no judgement wins: both assessors hold a short
conversation with the participant (a planned ``CoachingConversation``, the assessment's ``talk``),
and only its agreed outcome moves the step, with who was there and why. A second judgement never
changes the first, and history is never rewritten.

During the independence week the werkplekopleider ticks each day whether the participant showed the
behaviour on their own (``IndependenceDay``): the assessment then rests on what was seen.

Every write is one transaction and refuses with a Dutch message (``Refused``). Step changes go
through ``workflow.move``, which locks the assignment; ``expected`` is the step the user saw, so
that of two people recording the same step at once the second is told instead of overruling.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from wpo.certificates import services as certificates  # issue 6: certificates on closing
from wpo.curriculum.models import Assignment
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may, may_on

from .. import access, activity
from ..models import (
    OPEN_STEPS,
    Assessment,
    CoachingConversation,
    IndependenceDay,
    Judgement,
    ParticipantAssignment,
    Phase,
    SecondAssessorRequest,
    Step,
    StepChange,
    Trajectory,
    TrajectorySkill,
)
from ..selectors import (
    INDEPENDENCE_WEEK_DAYS,
    achieved_levels_of,
    closing_check,
    independence_days,
    talk_people_ids,
    week_of,
)
from ..workflow import StaleStep, follow_phase, give_assignment, move, set_phase
from .conversations import conversation_plan

NOTE_LENGTH = IndependenceDay._meta.get_field("note").max_length or 200


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


def _step_for(verdict: Judgement) -> Step:
    return Step.ACHIEVED if verdict == Judgement.ACHIEVED else Step.WORKING


def _label(verdict: Judgement) -> str:
    # History notes are written in the product's language, whoever's browser asked.
    with translation.override(settings.LANGUAGE_CODE):
        return str(verdict.label).lower()


def _open_assessments(pa: ParticipantAssignment) -> models.QuerySet[Assessment]:
    """Assessments of ``pa`` that wait for a second judgement or for the talk about two judgements."""
    return Assessment.objects.filter(
        organization_id=pa.organization_id,
        participant_assignment_id=pa.pk,
        second_assessor__isnull=False,
        settled_at__isnull=True,
    )


# The independence week and the assessment ---------------------------------------------------------


@transaction.atomic
def assessment_start(pa: ParticipantAssignment, *, actor: Person, expected: Step | None = None) -> StepChange:
    """The werkplekopleider ends the independence week and begins the assessment conversation.

    Allowed at any time: the trainer knows when they have seen enough. The history notes how
    many days the week ran, so a short week is visible afterwards.
    """
    _require_staff(actor, pa.trajectory)
    days = independence_days(pa)
    note = _("De zelfstandigheidsweek liep %(days)s dagen.") % {"days": days}
    week = week_of(pa) if pa.step == Step.INDEPENDENT else None
    if week is not None and week.day_count > week.unticked_count:
        note += " " + _("Zelf laten zien op %(shown)s van de %(days)s dagen.") % {
            "shown": week.shown_count,
            "days": week.day_count,
        }
    return move(pa, Step.ASSESSING, actor=actor, expected=expected, note=note)


@transaction.atomic
def independence_day_record(
    pa: ParticipantAssignment, *, actor: Person, day: date, shown: bool, note: str = ""
) -> IndependenceDay:
    """The werkplekopleider ticks one day of the independence week: did the participant show the
    behaviour on their own? One row per day; ticking the same day again corrects it.

    Only while the assignment is in ‘zelfstandig’, only days of that week (its first seven days)
    and never a day still to come.
    """
    _require_staff(actor, pa.trajectory)
    locked = ParticipantAssignment.objects.select_for_update().get(pk=pa.pk)
    if locked.step != Step.INDEPENDENT:
        raise Refused(_("Dagen afvinken kan alleen in de zelfstandigheidsweek."))
    now = timezone.now()
    first = timezone.localdate(locked.step_since)
    last = first + timedelta(days=INDEPENDENCE_WEEK_DAYS - 1)
    if day > timezone.localdate(now):
        raise Refused(_("Die dag is nog niet geweest. Vink een dag af als hij voorbij is, of vandaag."))
    if not first <= day <= last:
        raise Refused(
            _("Kies een dag van de zelfstandigheidsweek: van %(first)s tot en met %(last)s.")
            % {"first": formats.date_format(first, "j F"), "last": formats.date_format(last, "j F")}
        )
    note = note.strip()
    if len(note) > NOTE_LENGTH:
        raise Refused(_("Houd de notitie kort: hooguit %(n)s tekens.") % {"n": NOTE_LENGTH})
    row, _created = IndependenceDay.objects.update_or_create(
        organization_id=locked.organization_id,
        participant_assignment=locked,
        day=day,
        defaults={"shown": shown, "note": note, "recorded_by": actor, "recorded_at": now},
    )
    activity.record(locked.trajectory_id, now)
    return row


@transaction.atomic
def assessment_record(
    pa: ParticipantAssignment,
    *,
    assessor: Person,
    judgement: str,
    note: str = "",
    expected: Step | None = None,
) -> Assessment:
    """The first judgement of the assessment conversation: ‘behaald’, or ‘nog niet’ and back to work.

    Without a second assessor it moves the step at once. With one it waits, blind, for the second
    judgement (``second_assessment_record``), and the step stays ‘beoordelen’ until then.
    """
    verdict = _judgement(judgement)
    _require_staff(assessor, pa.trajectory)
    if (expected or pa.step) != Step.ASSESSING:
        raise Refused(_("Deze opdracht wacht niet op een beoordeling."))
    if verdict == Judgement.NOT_YET and not note.strip():
        raise Refused(_("Schrijf op wat de deelnemer nog gaat oefenen."))
    # Lock the assignment before anything else, as ``move`` does, so that a second person
    # recording at the same moment waits here and is then refused.
    locked = ParticipantAssignment.objects.select_for_update().get(pk=pa.pk)
    if locked.step != Step.ASSESSING:
        raise _stale()
    if _open_assessments(locked).exists():
        raise StaleStep(_("Het eerste oordeel is al vastgelegd. Het wacht op het oordeel van de tweede beoordelaar."))
    request = SecondAssessorRequest.objects.filter(participant_assignment=pa, assessment__isnull=True).first()
    if request is not None and request.coach_id == assessor.pk:
        raise Refused(_("U bent gevraagd als tweede beoordelaar. Het eerste oordeel komt van de werkplekopleider."))
    if request is None:
        # Always from ‘beoordelen’: a move from any other step is not an assessment.
        change = move(
            pa,
            _step_for(verdict),
            actor=assessor,
            expected=Step.ASSESSING,
            note=note.strip() or _("Beoordeeld: behaald."),
        )
        at, settled_at = change.at, change.at
    else:
        at, settled_at = timezone.now(), None
        activity.record(locked.trajectory_id, at)
    assessment = Assessment.objects.create(
        organization_id=pa.organization_id,
        participant_assignment=pa,
        assessor=assessor,
        judgement=verdict,
        note=note.strip(),
        assessed_at=at,
        second_assessor_id=request.coach_id if request else None,
        settled_at=settled_at,
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
    if _open_assessments(locked).exists():
        raise Refused(_("Deze beoordeling heeft al een tweede beoordelaar."))
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
    """The coach's own judgement, given blind and written once beside the first.

    When both agree, the step moves now. When they differ nothing moves: the two assessors plan a
    short conversation with the participant (``assessment_talk_plan``) and its outcome settles it.
    What the coach must write does not depend on the first judgement, which they have not seen:
    asking for a reason only when the two differ would tell them the first.
    """
    verdict = _judgement(judgement)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if coach.organization_id != locked.organization_id or locked.second_assessor_id != coach.pk:
        raise Refused(_("U bent niet gevraagd als tweede beoordelaar van deze beoordeling."))
    if locked.assessor_id == coach.pk:
        raise Refused(_("U gaf het eerste oordeel al. Het tweede oordeel komt van iemand anders."))
    if locked.second_judgement:
        raise Refused(_("Uw oordeel is al vastgelegd. Het blijft zoals het is."))
    if verdict == Judgement.NOT_YET and not note.strip():
        raise Refused(_("Schrijf op wat de deelnemer nog gaat oefenen."))
    now = timezone.now()
    locked.second_judgement = verdict
    locked.second_note = note.strip()
    locked.second_assessed_at = now
    fields = ["second_judgement", "second_note", "second_assessed_at"]
    pa = ParticipantAssignment.objects.select_related("trajectory").get(pk=locked.participant_assignment_id)
    # An assessment settled before blind judgement existed, or an assignment stopped meanwhile,
    # only gets the judgement beside the first.
    if locked.settled_at is None and pa.step == Step.ASSESSING:
        if verdict == locked.judgement:
            words = _("Beide beoordelaars: %(judgement)s.") % {"judgement": _label(verdict)}
            change = move(
                pa,
                _step_for(verdict),
                actor=coach,
                expected=Step.ASSESSING,
                note=" ".join(part for part in (words, locked.note) if part),
                at=now,
            )
            locked.settled_at = change.at
            fields.append("settled_at")
        else:
            activity.record(pa.trajectory_id, now)
    locked.save(update_fields=fields)
    assessment.second_judgement = locked.second_judgement
    assessment.second_note = locked.second_note
    assessment.second_assessed_at = locked.second_assessed_at
    assessment.settled_at = locked.settled_at
    return locked


# When the two judgements differ --------------------------------------------------------------------


def _differing(assessment: Assessment, actor: Person) -> tuple[Assessment, ParticipantAssignment]:
    """The locked assessment and its assignment, when its judgements differ and wait for the talk."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    pa = ParticipantAssignment.objects.select_related("trajectory").get(pk=locked.participant_assignment_id)
    _require_staff(actor, pa.trajectory)
    if locked.settled_at is not None:
        raise Refused(_("Deze beoordeling is al afgerond. De uitkomst blijft zoals hij is."))
    if not locked.judgements_differ or pa.step != Step.ASSESSING:
        raise Refused(_("De oordelen verschillen niet. Er is geen gesprek over nodig."))
    return locked, pa


@transaction.atomic
def assessment_talk_plan(
    assessment: Assessment,
    *,
    actor: Person,
    planned_at: datetime,
    duration_minutes: int = 15,
    location: str = "",
) -> CoachingConversation:
    """Plan the short conversation of both assessors with the participant, about their different
    judgements: a coaching conversation on the assignment, with both assessors invited."""
    locked, pa = _differing(assessment, actor)
    planned = CoachingConversation.objects.filter(pk=locked.talk_id).first() if locked.talk_id else None
    if planned is not None:
        raise Refused(
            _("Het gesprek is al gepland op %(when)s. Verzet het bij het gesprek zelf.")
            % {"when": formats.date_format(timezone.localtime(planned.planned_at), "j F H:i")}
        )
    assessors = Person.objects.filter(pk__in=[locked.assessor_id, locked.second_assessor_id])
    conversation = conversation_plan(
        trajectory=pa.trajectory,
        actor=actor,
        planned_at=planned_at,
        duration_minutes=duration_minutes,
        location=location,
        attendees=list(assessors),
        participant_assignment=pa,
    )
    locked.talk = conversation
    locked.save(update_fields=["talk"])
    assessment.talk = conversation
    return conversation


@transaction.atomic
def assessment_outcome_record(
    assessment: Assessment,
    *,
    actor: Person,
    judgement: str,
    note: str,
    present: list[Person],
) -> Assessment:
    """What the two assessors and the participant agreed in their talk; only this moves the step
    (to ‘behaald’, or back to ‘aan de slag’), with the outcome in the history."""
    verdict = _judgement(judgement)
    locked, pa = _differing(assessment, actor)
    talk = (
        CoachingConversation.objects.select_for_update().filter(pk=locked.talk_id).first() if locked.talk_id else None
    )
    if talk is None:
        raise Refused(_("Plan eerst het gesprek van beide beoordelaars met de deelnemer."))
    now = timezone.now()
    if talk.planned_at > now:
        raise Refused(
            _("Het gesprek is op %(when)s. Leg de uitkomst vast als het gesprek is geweest.")
            % {"when": formats.date_format(timezone.localtime(talk.planned_at), "j F H:i")}
        )
    if not note.strip():
        raise Refused(_("Schrijf op wat jullie samen hebben besloten, en waarom."))
    present_ids = {p.pk for p in present}
    if not present_ids <= set(talk_people_ids(locked, pa.trajectory)):
        raise Refused(_("Kies alleen mensen die bij dit gesprek hoorden."))
    if not {locked.assessor_id, locked.second_assessor_id} <= present_ids:
        raise Refused(_("De uitkomst spreken beide beoordelaars samen af. Vink aan wie er bij het gesprek was."))
    words = _("Na het gesprek over de oordelen: %(judgement)s.") % {"judgement": _label(verdict)}
    change = move(pa, _step_for(verdict), actor=actor, expected=Step.ASSESSING, note=f"{words} {note.strip()}", at=now)
    locked.outcome = verdict
    locked.outcome_note = note.strip()
    locked.outcome_by = actor
    locked.settled_at = change.at
    locked.save(update_fields=["outcome", "outcome_note", "outcome_by", "settled_at"])
    locked.outcome_present.set(sorted(present_ids))
    if talk.held_at is None:
        talk.held_at = now
        talk.recorded_by = actor
        talk.decision = words
        talk.agreements = note.strip()
        talk.save(update_fields=["held_at", "recorded_by", "decision", "agreements"])
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
