"""Who may do what: the one permission policy of the platform.

Every question "may this person do this (to that)?" is answered here, and nowhere else: the access
layer scopes its querysets with it, every service refuses on its own by asking it, views are
decorated with ``ability_required``, and templates and the menu ask ``may``. No other module
lists roles to decide a permission. ``docs/permissions.md`` is the table of what follows from
these rules, tried cell by cell by ``tests/test_permission_matrix.py``.

Two kinds of rule:

- **Abilities** hold in the whole organisation and come from a person's roles (``GRANTS``): a
  coach sees the overview, a project manager plans meetings. A person with several roles has
  the abilities of each.
- **Relations** decide what a person may do to one participant's data. A person holding several
  roles gets, for each trajectory, what the role that *relates them to it* allows (``ON_TRAJECTORY``),
  never the union of all their roles applied to every trajectory: a werkplekopleider who is also a
  participant is, for their own trajectory, only its participant (they cannot sign themselves off),
  and a werkplekopleider relates to a trajectory they lead, or to the running trajectory of a
  participant they train now — not to the earlier trajectories of a participant they took over.

Login cards skip the password and the second factor, so they only ever log in someone who is
nothing but a participant (``card_eligible``); for the same reason a werkplekopleider can only make
someone a participant who holds no other role and no extra permission (``may_make_participant``).
"""

from enum import StrEnum
from typing import Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Permission
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from .models import ROLE_FIELDS, Person, Role, TrainerLink


class Ability(StrEnum):
    """What a person may do in their organisation, whatever the object."""

    USE_APP = "use_app"  # help, the privacy page, my own data and meetings, the curriculum's media
    LEARN = "learn"  # the participant's app: my assignments, look-back, questions
    GUIDE_PARTICIPANTS = "guide_participants"  # my participants, start a trajectory, invite an employee
    FOLLOW_ALL_TRAJECTORIES = "follow_all_trajectories"  # every trajectory of the organisation, read only
    COACH_TRAJECTORIES = "coach_trajectories"  # the overview, the signals, second assessor
    FOLLOW_TRAJECTORIES = "follow_trajectories"  # open trajectory pages (which ones: OnTrajectory.VIEW)
    WORK_ON_TRAJECTORIES = "work_on_trajectories"  # conversations, observations, sign-off (which: OnTrajectory.WORK)
    JOIN_CONVERSATIONS = "join_conversations"  # can be asked to join a coaching conversation
    SET_SIGNAL_THRESHOLDS = "set_signal_thresholds"
    TRIAGE_SIGNALS = "triage_signals"  # snooze a trajectory's signal, mark it discussed (which: OnTrajectory.WORK)
    READ_REPORT = "read_report"
    PLAN_MEETINGS = "plan_meetings"
    MANAGE_CERTIFICATES = "manage_certificates"  # list, revoke, print in a batch
    READ_VISITS = "read_visits"  # a werkplekopleider: of their own department and those they join
    READ_ALL_VISITS = "read_all_visits"  # every visit of the organisation
    PLAN_VISITS = "plan_visits"
    RAISE_PROBLEMS = "raise_problems"
    READ_PROBLEMS = "read_problems"  # a werkplekopleider: those they raised or about their participants
    READ_ALL_PROBLEMS = "read_all_problems"  # every problem of the organisation
    HANDLE_PROBLEMS = "handle_problems"  # take up, solve, put to the project manager
    ANSWER_ESCALATIONS = "answer_escalations"  # answer a problem put to the project manager
    READ_INTAKE = "read_intake"  # the intake (aanmeldingen); which rows: interests_filter
    READ_ALL_INTAKE = "read_all_intake"  # every department's intake
    PUT_FORWARD = "put_forward"  # put an employee forward for WPO (for which department: may_put_forward)
    MANAGE_INTAKE = "manage_intake"  # the queue: invite, start, not now, order; open a trajectory for a trainer
    MANAGE_PEOPLE = "manage_people"  # people, departments, organisation, security, audit log, AVG
    ISSUE_LOGIN_CARDS = "issue_login_cards"  # for which participant: may_issue_card
    READ_CURRICULUM = "read_curriculum"
    EDIT_CURRICULUM = "edit_curriculum"
    FOLLOW_EDITIONS = "follow_editions"  # told of a new national edition until they have read it
    ADD_LOCAL_EXAMPLES = "add_local_examples"  # the organisation's own photo and line beside an assignment
    STAFF_SESSION = "staff_session"  # works with staff data: idle logout after 2 hours, may use two-factor
    TWO_FACTOR_REQUIRED = "two_factor_required"  # when the organisation demands it


A = Ability
GRANTS: dict[Role, frozenset[Ability]] = {
    Role.PARTICIPANT: frozenset({A.USE_APP, A.LEARN}),
    Role.TRAINER: frozenset(
        {
            A.USE_APP,
            A.GUIDE_PARTICIPANTS,
            A.FOLLOW_TRAJECTORIES,
            A.WORK_ON_TRAJECTORIES,
            A.JOIN_CONVERSATIONS,
            A.READ_VISITS,
            A.RAISE_PROBLEMS,
            A.READ_PROBLEMS,
            A.ISSUE_LOGIN_CARDS,
            A.READ_CURRICULUM,
            A.STAFF_SESSION,
            A.READ_INTAKE,
            A.PUT_FORWARD,
        }
    ),
    Role.COACH: frozenset(
        {
            A.USE_APP,
            A.FOLLOW_ALL_TRAJECTORIES,
            A.COACH_TRAJECTORIES,
            A.FOLLOW_TRAJECTORIES,
            A.WORK_ON_TRAJECTORIES,
            A.JOIN_CONVERSATIONS,
            A.SET_SIGNAL_THRESHOLDS,
            A.TRIAGE_SIGNALS,
            A.READ_REPORT,
            A.PLAN_MEETINGS,
            A.MANAGE_CERTIFICATES,
            A.READ_VISITS,
            A.READ_ALL_VISITS,
            A.PLAN_VISITS,
            A.RAISE_PROBLEMS,
            A.READ_PROBLEMS,
            A.READ_ALL_PROBLEMS,
            A.HANDLE_PROBLEMS,
            A.READ_CURRICULUM,
            A.STAFF_SESSION,
            A.TWO_FACTOR_REQUIRED,
            A.READ_INTAKE,
            A.READ_ALL_INTAKE,
            A.PUT_FORWARD,
            A.MANAGE_INTAKE,
            A.FOLLOW_EDITIONS,
        }
    ),
    Role.PROJECT_MANAGER: frozenset(
        {
            A.USE_APP,
            A.FOLLOW_ALL_TRAJECTORIES,
            A.FOLLOW_TRAJECTORIES,
            A.JOIN_CONVERSATIONS,
            A.READ_REPORT,
            A.PLAN_MEETINGS,
            A.MANAGE_CERTIFICATES,
            A.READ_VISITS,
            A.READ_ALL_VISITS,
            A.READ_PROBLEMS,
            A.READ_ALL_PROBLEMS,
            A.ANSWER_ESCALATIONS,
            A.READ_CURRICULUM,
            A.STAFF_SESSION,
            A.TWO_FACTOR_REQUIRED,
            A.READ_INTAKE,
            A.READ_ALL_INTAKE,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            A.USE_APP,
            A.FOLLOW_ALL_TRAJECTORIES,
            A.FOLLOW_TRAJECTORIES,
            A.SET_SIGNAL_THRESHOLDS,
            A.READ_REPORT,
            A.MANAGE_PEOPLE,
            A.ISSUE_LOGIN_CARDS,
            A.READ_CURRICULUM,
            A.STAFF_SESSION,
            A.TWO_FACTOR_REQUIRED,
            # The administrator keeps the organisation's content too (wpo.md): its own examples.
            A.FOLLOW_EDITIONS,
            A.ADD_LOCAL_EXAMPLES,
        }
    ),
    Role.CONTENT_EDITOR: frozenset(
        {
            A.USE_APP,
            A.READ_CURRICULUM,
            A.EDIT_CURRICULUM,
            A.STAFF_SESSION,
            A.FOLLOW_EDITIONS,
            A.ADD_LOCAL_EXAMPLES,
        }
    ),
}


def abilities(person: Person | None) -> frozenset[Ability]:
    if person is None:
        return frozenset()
    return frozenset().union(*(GRANTS[role] for role in person.roles))


def may(person: Person | None, ability: Ability) -> bool:
    """May ``person`` do this anywhere in their organisation?"""
    return person is not None and any(ability in GRANTS[role] for role in person.roles)


def roles_with(ability: Ability) -> tuple[Role, ...]:
    """The roles that grant ``ability``: for queries over people ("who can be asked to …")."""
    return tuple(role for role, granted in GRANTS.items() if ability in granted)


def holders_of(ability: Ability) -> Q:
    """A filter on ``Person`` for everyone who has ``ability`` through one of their roles."""
    q = Q(pk__in=[])
    for role in roles_with(ability):
        q |= Q(**{ROLE_FIELDS[role]: True})
    return q


# One participant's trajectory -------------------------------------------------------------------


class TrajectoryLike(Protocol):
    """What the relation rules read of a trajectory (orgs sits below trajectories and does not import it)."""

    organization_id: int
    participant_id: int
    trainer_id: int
    status: str


class OnTrajectory(StrEnum):
    """What can be done to a trajectory and everything recorded in it."""

    VIEW = "view"  # the staff's trajectory page with its assignments, history and conversations
    WORK = "work"  # plan and hold conversations, observe, decide the next step, assess, stop, close
    MEDIA = "media"  # hear and see the participant's photos and voice notes
    DOWNLOAD_CERTIFICATES = "download_certificates"
    # Read the interim evaluations (wpo.evaluations): what the participant said and what was agreed.
    # Planning and recording one is WORK; the administrator, who keeps people, not trajectories, reads none.
    EVALUATIONS = "evaluations"
    # The evidence dossier (wpo.certificates.dossier): the participant gives or withdraws consent that
    # their werkplekopleider downloads it; the werkplekopleider downloads it only while that consent is
    # given (wpo.certificates.access.access_dossier_for_trainer). Coach and project manager are not
    # named in the consent, so they download the certificate but not the dossier.
    DOSSIER_CONSENT = "dossier_consent"
    DOWNLOAD_DOSSIER = "download_dossier"
    # "Kijk je mee?": see and answer the participant's request to come and watch. Only for the
    # werkplekopleider who trains them: the coach works on every trajectory but is not who is asked.
    WATCH = "watch"


T = OnTrajectory
# The relation is named after the role that makes it: PARTICIPANT is "it is my own trajectory".
ON_TRAJECTORY: dict[Role, frozenset[OnTrajectory]] = {
    # Their own certificates and Open Badges, on "Mijn certificaten" (wpo.certificates.access.own_certificates).
    Role.PARTICIPANT: frozenset({T.MEDIA, T.DOWNLOAD_CERTIFICATES, T.EVALUATIONS, T.DOSSIER_CONSENT}),
    Role.TRAINER: frozenset(
        {T.VIEW, T.WORK, T.MEDIA, T.DOWNLOAD_CERTIFICATES, T.EVALUATIONS, T.DOWNLOAD_DOSSIER, T.WATCH}
    ),
    Role.COACH: frozenset({T.VIEW, T.WORK, T.MEDIA, T.DOWNLOAD_CERTIFICATES, T.EVALUATIONS}),
    Role.PROJECT_MANAGER: frozenset({T.VIEW, T.DOWNLOAD_CERTIFICATES, T.EVALUATIONS}),
    Role.ADMINISTRATOR: frozenset({T.VIEW}),
    Role.CONTENT_EDITOR: frozenset(),
}
# Roles that relate to every trajectory of their organisation (but never to their own).
ORGANISATION_WIDE = (Role.COACH, Role.PROJECT_MANAGER, Role.ADMINISTRATOR)


def _trains_now(person: Person, participant_id: int) -> bool:
    return TrainerLink.objects.filter(
        organization_id=person.organization_id, trainer=person, participant_id=participant_id
    ).exists()


def relations(person: Person, trajectory: TrajectoryLike) -> frozenset[Role]:
    """The roles that relate ``person`` to ``trajectory``; empty for another organisation."""
    if person.organization_id != trajectory.organization_id:
        return frozenset()
    if trajectory.participant_id == person.pk:
        # Whatever else they are, for their own trajectory they are its participant.
        return frozenset({Role.PARTICIPANT}) if person.is_participant else frozenset()
    related = {role for role in ORGANISATION_WIDE if person.has_role(role)}
    if person.is_trainer and (
        trajectory.trainer_id == person.pk
        or (trajectory.status == "active" and _trains_now(person, trajectory.participant_id))
    ):
        related.add(Role.TRAINER)
    return frozenset(related)


def may_ever(person: Person | None, action: OnTrajectory) -> bool:
    """Does one of the person's roles allow ``action`` on some trajectory? If not, asking is the
    wrong role (403); if so, which trajectories is the access layer's question (404 for the rest)."""
    return person is not None and any(action in ON_TRAJECTORY[role] for role in person.roles)


def may_on(person: Person | None, action: OnTrajectory, trajectory: TrajectoryLike) -> bool:
    """May ``person`` do ``action`` to this trajectory, through a role that relates them to it?"""
    if person is None:
        return False
    return any(action in ON_TRAJECTORY[role] for role in relations(person, trajectory))


def trajectories_filter(person: Person, action: OnTrajectory) -> Q:
    """``may_on`` as a filter on ``Trajectory`` (within the person's organisation, which the access
    layer adds): one condition per relation that grants the action."""
    q = Q(pk__in=[])
    granting = {role for role, actions in ON_TRAJECTORY.items() if action in actions}
    if Role.PARTICIPANT in granting and person.is_participant:
        q |= Q(participant=person)
    not_own = ~Q(participant=person)
    if any(person.has_role(role) for role in ORGANISATION_WIDE if role in granting):
        return q | not_own
    if Role.TRAINER in granting and person.is_trainer:
        trainees = TrainerLink.objects.filter(organization_id=person.organization_id, trainer=person).values(
            "participant_id"
        )
        q |= not_own & (Q(trainer=person) | Q(status="active", participant_id__in=trainees))
    return q


# The curriculum -----------------------------------------------------------------------------------

NATIONAL_EDIT_PERMISSION = "curriculum.edit_national_curriculum"


def may_edit_skill(person: Person, skill_organization_id: int | None) -> bool:
    """A content editor edits their organisation's own skills; the national curriculum (a skill
    without an organisation) needs the national editorial permission as well."""
    if not may(person, Ability.EDIT_CURRICULUM):
        return False
    if skill_organization_id is None:
        return person.user.has_perm(NATIONAL_EDIT_PERMISSION)
    return skill_organization_id == person.organization_id


def may_edit_editions(person: Person) -> bool:
    """The national curriculum's editions (the draft, its release notes, publishing) are the method
    owner's: a content editor with the national editorial permission."""
    return may_edit_skill(person, None)


def may_read_national_figures(person: Person) -> bool:
    """The country's figures (wpo.national), anonymised and aggregated, are the method owner's: the
    same editors who publish the national curriculum. An organisation's project manager sees them
    only beside their own figures, in the report (``READ_REPORT``)."""
    return may_edit_editions(person)


def may_add_local_example(person: Person, skill_organization_id: int | None) -> bool:
    """An organisation's content editor or administrator puts the organisation's own example beside
    an assignment it reads: a national one, or one of its own skills. Never into another tenant."""
    if not may(person, Ability.ADD_LOCAL_EXAMPLES):
        return False
    return skill_organization_id is None or skill_organization_id == person.organization_id


# People -------------------------------------------------------------------------------------------


MANAGED_BY_OPERATORS = gettext_lazy(
    "Dit account heeft extra rechten buiten uw organisatie. Het wachtwoord, de tweestapsverificatie en "
    "de manier van inloggen (e-mailadres, personeelsnummer) beheren de beheerders van de dienst. "
    "Vraag het hun."
)


def user_has_extra_rights(user: AbstractUser) -> bool:
    """Rights beyond the organisation's roles: Django staff or superuser, or any Django permission
    (such as editing the national curriculum), directly or through a group. Those accounts are the
    service's, not the organisation's, to manage (wpo/accounts/privileged.py). Asked of the account,
    so that it also answers for one that is switched off."""
    if user.is_staff or user.is_superuser:
        return True
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).exists()


def has_extra_rights(person: Person) -> bool:
    return user_has_extra_rights(person.user)


def is_only_participant(person: Person) -> bool:
    """Holds no role but participant (or none at all: a new employee) and no extra rights."""
    return not any(person.has_role(role) for role in Role if role != Role.PARTICIPANT) and not has_extra_rights(person)


def only_participants_filter() -> Q:
    """``is_only_participant`` as a filter on ``Person``: no other role, not Django staff or
    superuser, no permission and no group (subqueries, so the rows are not multiplied by joins)."""
    user_model = get_user_model()
    q = Q(user__is_staff=False, user__is_superuser=False)
    for role in Role:
        if role != Role.PARTICIPANT:
            q &= Q(**{ROLE_FIELDS[role]: False})
    permissions = user_model.user_permissions.through.objects.filter(user_id=OuterRef("user_id"))
    groups = user_model.groups.through.objects.filter(user_id=OuterRef("user_id"))
    return q & ~Exists(permissions) & ~Exists(groups)


def card_eligible(person: Person) -> bool:
    """A login card (card and PIN, no password, no second factor) only ever logs in a participant
    who is nothing else."""
    return person.is_participant and is_only_participant(person)


def may_issue_card(person: Person, participant: Person) -> bool:
    """Issue, print or revoke ``participant``'s login card: the organisation's administrator, or a
    werkplekopleider who trains them now; never for someone who is more than a participant."""
    if person.organization_id != participant.organization_id or person.pk == participant.pk:
        return False
    if not card_eligible(participant):
        return False
    if person.is_administrator:
        return True
    return person.is_trainer and _trains_now(person, participant.pk)


def may_make_participant(trainer: Person, employee: Person) -> bool:
    """A werkplekopleider may make an employee of their organisation their participant only when
    the employee is nothing but a participant, or a new employee without any role."""
    return (
        may(trainer, Ability.GUIDE_PARTICIPANTS)
        and trainer.organization_id == employee.organization_id
        and trainer.pk != employee.pk
        and is_only_participant(employee)
    )


def participants_filter(person: Person) -> Q:
    """Participants ``person`` may follow, as a filter on ``Person``: everyone for the roles that follow
    the whole organisation, a werkplekopleider's own trainees, and a participant themself."""
    if may(person, Ability.FOLLOW_ALL_TRAJECTORIES):
        return Q(is_participant=True)
    q = Q(pk=person.pk, is_participant=True)
    if person.is_trainer:
        trainees = TrainerLink.objects.filter(organization_id=person.organization_id, trainer=person)
        q |= Q(is_participant=True, pk__in=trainees.values("participant_id"))
    return q


# The intake (aanmeldingen) ------------------------------------------------------------------------
# The coach keeps the organisation's intake: who wants to join WPO, per department, in a queue. A
# werkplekopleider follows the intake of their own department and the employees they would guide,
# and puts employees of their department forward, to be guided by themselves; a project manager
# reads it all. Field names below are those of ``wpo.intake.models.Interest`` (orgs does not import it).


def interests_filter(person: Person) -> Q:
    """The interests (aanmeldingen) ``person`` may see, as a filter on ``Interest`` (within the
    organisation, which the access layer adds)."""
    if may(person, Ability.READ_ALL_INTAKE):
        return ~Q(pk__in=[])
    if not may(person, Ability.READ_INTAKE):
        return Q(pk__in=[])
    q = Q(trainer=person)
    if person.department_id is not None:
        q |= Q(department_id=person.department_id)
    return q


def intake_departments_filter(person: Person) -> Q:
    """The departments whose queue ``person`` may see, as a filter on ``Department``."""
    if may(person, Ability.READ_ALL_INTAKE):
        return ~Q(pk__in=[])
    if may(person, Ability.READ_INTAKE) and person.department_id is not None:
        return Q(pk=person.department_id)
    return Q(pk__in=[])


def may_put_forward(person: Person, *, department_id: int, trainer: Person) -> bool:
    """Put an employee forward in ``department_id``, to be guided by ``trainer``: the coach for any
    department and werkplekopleider of the organisation; a werkplekopleider in their own department,
    guided by themself."""
    if trainer.organization_id != person.organization_id or not may(trainer, Ability.GUIDE_PARTICIPANTS):
        return False
    if may(person, Ability.MANAGE_INTAKE):
        return True
    return may(person, Ability.PUT_FORWARD) and trainer.pk == person.pk and department_id == person.department_id


def may_mark_invited(person: Person) -> bool:
    """Marking an interest 'uitgenodigd voor de start' is what inviting someone to the kick-off does:
    whoever keeps the intake, or plans the meeting."""
    return may(person, Ability.MANAGE_INTAKE) or may(person, Ability.PLAN_MEETINGS)


def may_open_trajectory(actor: Person, trainer: Person) -> bool:
    """Open a trajectory in phase 1 (before the start conversation) to be guided by ``trainer``: the
    werkplekopleider for themself, or the coach who keeps the intake."""
    if actor.organization_id != trainer.organization_id or not may(trainer, Ability.GUIDE_PARTICIPANTS):
        return False
    return actor.pk == trainer.pk or may(actor, Ability.MANAGE_INTAKE)
