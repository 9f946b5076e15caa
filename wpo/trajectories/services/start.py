"""The start conversation's writes: make an employee a participant, start their trajectory."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wpo.audit.history import record_created
from wpo.curriculum.models import Assignment, Skill
from wpo.orgs.models import Department, Person, Role, TrainerLink
from wpo.orgs.permissions import Ability, may, may_make_participant
from wpo.orgs.services import person_create

from ..models import ParticipantAssignment, Phase, Trajectory, TrajectorySkill
from ..workflow import give_assignment, set_phase

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
        raise ValidationError(_("Alleen een werkplekopleider kan iemand uitnodigen."))
    if existing is None:
        if not first_name.strip() or not last_name.strip():
            raise ValidationError(_("Vul de voornaam en achternaam in, of kies iemand uit de lijst."))
        existing = person_create(
            organization=trainer.organization,
            first_name=first_name,
            last_name=last_name,
            department=trainer.department,
            roles=[Role.PARTICIPANT],
        )
    elif existing.organization_id != trainer.organization_id:
        raise ValidationError(_("Deze persoon hoort niet bij uw organisatie."))
    elif not may_make_participant(trainer, existing):
        # Someone with another role (a colleague, a coach, an editor) would get a login card from
        # the trainer and be logged in without their password: only the administrator gives roles.
        raise ValidationError(
            _("Deze persoon heeft al een andere rol. Vraag de beheerder om hem of haar deelnemer te maken.")
        )
    elif not existing.is_participant:
        existing.is_participant = True
        existing.save(update_fields=["is_participant"])
    TrainerLink.objects.get_or_create(organization_id=trainer.organization_id, participant=existing, trainer=trainer)
    return existing


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
) -> tuple[Trajectory, ParticipantAssignment]:
    """The start conversation's outcome: a trajectory with chosen skills and the first assignment."""
    if not may(trainer, Ability.GUIDE_PARTICIPANTS) or trainer.organization_id != participant.organization_id:
        raise ValidationError(_("U kunt voor deze persoon geen WPO-traject starten."))
    if department.organization_id != trainer.organization_id:
        raise ValidationError(_("Kies een afdeling van uw organisatie."))
    if ends_on <= starts_on:
        raise ValidationError(_("De einddatum moet na de startdatum liggen."))
    if not skills:
        raise ValidationError(_("Kies minstens één skill."))
    if Trajectory.objects.filter(participant=participant, status=Trajectory.Status.ACTIVE).exists():
        raise ValidationError(_("Deze deelnemer heeft al een lopend WPO-traject."))
    chosen = {c.skill.pk for c in skills}
    if first_assignment.subskill.skill_id not in chosen:
        raise ValidationError(_("Kies de eerste opdracht bij een van de gekozen skills."))
    version = first_assignment.current_version
    if version is None:
        raise ValidationError(_("Deze opdracht is nog niet geschreven. Kies een andere."))
    participant_invite(trainer=trainer, existing=participant)
    trajectory = Trajectory.objects.create(
        organization_id=trainer.organization_id,
        participant=participant,
        trainer=trainer,
        department=department,
        starts_on=starts_on,
        ends_on=ends_on,
        wish_develop=wish_develop.strip(),
        wish_learn=wish_learn.strip(),
        finds_hard=finds_hard.strip(),
        trainer_sees=trainer_sees.strip(),
    )
    chosen_skills = TrajectorySkill.objects.bulk_create(
        TrajectorySkill(
            organization_id=trainer.organization_id,
            trajectory=trajectory,
            skill=c.skill,
            self_rating=c.self_rating,
            trainer_rating=c.trainer_rating,
        )
        for c in skills
    )
    record_created(chosen_skills)
    # Made in phase 1 (start); the start conversation that this records ends it.
    set_phase(trajectory, Phase.LEARN_WORK, actor=trainer, note=_("Startgesprek gevoerd."))
    pa = give_assignment(trajectory, version, actor=trainer, note=_("Eerste opdracht, gekozen in het startgesprek."))
    return trajectory, pa
