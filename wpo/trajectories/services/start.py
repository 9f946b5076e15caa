"""The start conversation's writes: make an employee a participant, start their trajectory."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wpo.curriculum.models import Assignment, Skill
from wpo.lib.refusals import Refused
from wpo.orgs.models import Department, Person, Role, TrainerLink
from wpo.orgs.permissions import Ability, may, may_make_participant, may_open_trajectory
from wpo.orgs.services import person_create

from ..models import ParticipantAssignment, Phase, Trajectory, TrajectorySkill
from ..selectors import waiting_for_start
from ..workflow import give_assignment, phase_opened, set_phase

MIN_MONTHS, MAX_MONTHS = 3, 12


def months_between(start: date, end: date) -> float:
    return (end - start).days / 30.44


def period_warning(start: date, end: date) -> str:
    """The method agrees 3 months to a year; outside that is allowed, but worth a second look."""
    months = months_between(start, end)
    if months < MIN_MONTHS:
        return _("Deze periode is korter dan 3 maanden. Meestal duurt een WPO-traject 3 maanden tot een jaar.")
    if months > MAX_MONTHS:
        return _("Deze periode is langer dan een jaar. Meestal duurt een WPO-traject 3 maanden tot een jaar.")
    return ""


@dataclass(frozen=True)
class ChosenSkill:
    skill: Skill
    self_rating: int | None
    trainer_rating: int | None


@transaction.atomic
def participant_invite(
    *, trainer: Person, existing: Person | None = None, first_name: str = "", last_name: str = ""
) -> Person:
    """Make an employee a participant of this trainer: someone already in the organisation who is
    nothing but a participant (or has no role yet), or a new employee."""
    if not may(trainer, Ability.GUIDE_PARTICIPANTS):
        raise Refused(_("Alleen een werkplekopleider kan iemand uitnodigen."))
    if existing is None:
        if not first_name.strip() or not last_name.strip():
            raise Refused(_("Vul de voornaam en achternaam in, of kies iemand uit de lijst."))
        existing = person_create(
            organization=trainer.organization,
            first_name=first_name,
            last_name=last_name,
            department=trainer.department,
            roles=[Role.PARTICIPANT],
        )
    elif existing.organization_id != trainer.organization_id:
        raise Refused(_("Deze persoon hoort niet bij uw organisatie."))
    elif not may_make_participant(trainer, existing):
        # Someone with another role (a colleague, a coach, an editor) would get a login card from
        # the trainer and be logged in without their password: only the administrator gives roles.
        raise Refused(_("Deze persoon heeft al een andere rol. Vraag de beheerder om hem of haar deelnemer te maken."))
    elif not existing.is_participant:
        existing.is_participant = True
        existing.save(update_fields=["is_participant"])
    TrainerLink.objects.get_or_create(organization_id=trainer.organization_id, participant=existing, trainer=trainer)
    return existing


@transaction.atomic
def trajectory_open(
    *,
    actor: Person,
    participant: Person,
    trainer: Person,
    department: Department,
    starts_on: date,
    ends_on: date,
    note: str = "",
    at: datetime | None = None,
) -> Trajectory:
    """Phase 1 before the start conversation: the employee takes their turn (from the intake) and
    gets a trajectory in phase 1 with ``trainer``, who holds the start conversation
    (``trajectory_start`` fills it in and moves it to phase 2). The employee becomes the trainer's
    participant under ``participant_invite``'s rules: only someone who is nothing but a participant,
    or has no role yet. The werkplekopleider opens one for themself, the coach for any of them."""
    if participant.organization_id != actor.organization_id or not may_open_trajectory(actor, trainer):
        raise Refused(_("Je kunt voor deze werkplekopleider geen WPO-traject openen."))
    if department.organization_id != actor.organization_id:
        raise Refused(_("Kies een afdeling van je eigen organisatie."))
    if ends_on <= starts_on:
        raise Refused(_("De einddatum moet na de startdatum liggen."))
    # Two requests for the same employee at once: the second waits here and then sees the first's.
    Person.objects.select_for_update().filter(pk=participant.pk).first()
    if Trajectory.objects.filter(participant=participant, status=Trajectory.Status.ACTIVE).exists():
        raise Refused(_("Deze medewerker heeft al een lopend WPO-traject."))
    participant_invite(trainer=trainer, existing=participant)
    trajectory = Trajectory.objects.create(
        organization_id=actor.organization_id,
        participant=participant,
        trainer=trainer,
        department=department,
        starts_on=starts_on,
        ends_on=ends_on,
        phase=Phase.START,
    )
    phase_opened(trajectory, actor=actor, note=note, at=at)
    return trajectory


@transaction.atomic
def trajectory_start(
    *,
    trainer: Person,
    participant: Person,
    department: Department,
    starts_on: date,
    ends_on: date,
    skills: list[ChosenSkill],
    first_assignment: Assignment,
    wish_develop: str = "",
    wish_learn: str = "",
    finds_hard: str = "",
    trainer_sees: str = "",
    submission: UUID | None = None,
) -> tuple[Trajectory, ParticipantAssignment]:
    """The start conversation's outcome: a trajectory with chosen skills and the first assignment.

    When the participant's trajectory was opened in phase 1 before this conversation (from the
    intake, ``trajectory_open``), the conversation fills in that trajectory and ends its phase 1;
    otherwise it makes the trajectory here. Any other running trajectory is refused.
    """
    if not may(trainer, Ability.GUIDE_PARTICIPANTS) or trainer.organization_id != participant.organization_id:
        raise Refused(_("U kunt voor deze persoon geen WPO-traject starten."))
    if department.organization_id != trainer.organization_id:
        raise Refused(_("Kies een afdeling van uw organisatie."))
    if ends_on <= starts_on:
        raise Refused(_("De einddatum moet na de startdatum liggen."))
    if not skills:
        raise Refused(_("Kies minstens één skill."))
    running = Trajectory.objects.select_for_update().filter(participant=participant, status=Trajectory.Status.ACTIVE)
    waiting = running.filter(waiting_for_start()).first()
    if waiting is None and running.exists():
        raise Refused(_("Deze deelnemer heeft al een lopend WPO-traject."))
    if waiting is not None and waiting.trainer_id != trainer.pk:
        raise Refused(_("Dit WPO-traject wacht op het startgesprek met %(name)s.") % {"name": waiting.trainer.name})
    chosen = {c.skill.pk for c in skills}
    if first_assignment.subskill.skill_id not in chosen:
        raise Refused(_("Kies de eerste opdracht bij een van de gekozen skills."))
    version = first_assignment.current_version
    if version is None:
        raise Refused(_("Deze opdracht is nog niet geschreven. Kies een andere."))
    participant_invite(trainer=trainer, existing=participant)
    conversation = {
        "department": department,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "wish_develop": wish_develop.strip(),
        "wish_learn": wish_learn.strip(),
        "finds_hard": finds_hard.strip(),
        "trainer_sees": trainer_sees.strip(),
        "start_submission": submission,
    }
    if waiting is not None:
        trajectory = waiting
        for name, value in conversation.items():
            setattr(trajectory, name, value)
        trajectory.save(update_fields=list(conversation))
    else:
        trajectory = Trajectory.objects.create(
            organization_id=trainer.organization_id, participant=participant, trainer=trainer, **conversation
        )
    for c in skills:
        # One save each (a few skills): the audit trail records each choice.
        TrajectorySkill.objects.create(
            organization_id=trainer.organization_id,
            trajectory=trajectory,
            skill=c.skill,
            self_rating=c.self_rating,
            trainer_rating=c.trainer_rating,
        )
    # Made in phase 1 (start); the start conversation that this records ends it.
    set_phase(trajectory, Phase.LEARN_WORK, actor=trainer, note=_("Startgesprek gevoerd."))
    pa = give_assignment(trajectory, version, actor=trainer, note=_("Eerste opdracht, gekozen in het startgesprek."))
    return trajectory, pa


@transaction.atomic
def start_conversation_record(
    *,
    trainer: Person,
    submission: UUID | None,
    employee: Person | None,
    first_name: str = "",
    last_name: str = "",
    **start: Any,
) -> tuple[Trajectory, bool]:
    """The whole start conversation in one transaction: make the employee (someone of the
    organisation, or a new employee by name) the trainer's participant and start their trajectory.
    A refusal anywhere leaves nothing behind. The form's ``submission`` key makes a second send of
    the same form (a double tap, a reload) return the trajectory it started: (trajectory, False).
    """
    if submission is not None:
        done = Trajectory.objects.filter(organization_id=trainer.organization_id, start_submission=submission).first()
        if done is not None:
            return done, False
    try:
        with transaction.atomic():
            participant = participant_invite(
                trainer=trainer, existing=employee, first_name=first_name, last_name=last_name
            )
            trajectory, _first = trajectory_start(
                trainer=trainer, participant=participant, submission=submission, **start
            )
    except IntegrityError:
        # The same form, sent twice at the same moment: the other request started it.
        done = Trajectory.objects.filter(organization_id=trainer.organization_id, start_submission=submission).first()
        if submission is None or done is None:
            raise
        return done, False
    return trajectory, True
