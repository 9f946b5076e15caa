"""The life of a problem in the problem log, as a guarded state machine.

    nieuw ──► in behandeling ──► opgelost
                    │   ▲
                    ▼   │ (terug)
         bij projectmanager ──► beantwoord ──► opgelost

A werkplekopleider or coach raises a problem. A coach picks it up, then solves it or puts it to
the project manager with a question; the project manager answers; the coach closes it as solved
or takes it back into handling. Every move checks the current status, the actor's role and the
status the actor saw, and appends a ``ProblemEvent``; so does every comment. Nothing in the
history is ever changed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, may
from wpo.trajectories.models import Trajectory

from .models import Problem, ProblemEvent, ProblemStatus, Urgency

S = ProblemStatus
TITLE_MAX = 120
TEXT_MAX = 5000


class IllegalMove(Exception):
    """A change the problem log does not allow; the message is Dutch and fit to show a user."""


class WrongRole(IllegalMove):
    """The move exists, but not for this person's role."""


class StaleProblem(IllegalMove):
    """Someone else changed the problem after the user loaded the page they acted on."""


@dataclass(frozen=True)
class Transition:
    source: ProblemStatus
    target: ProblemStatus
    ability: Ability  # HANDLE_PROBLEMS (the coach) or ANSWER_ESCALATIONS (the project manager)
    # The button and the label of its text box.
    action: Promise
    text_label: Promise
    # When set, the move needs a text; this is the message when it is missing.
    text_required: Promise | None = None


COACH = Ability.HANDLE_PROBLEMS
PROJECT_MANAGER = Ability.ANSWER_ESCALATIONS

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        S.OPEN,
        S.IN_PROGRESS,
        COACH,
        gettext_lazy("Ik pak het op"),
        gettext_lazy("Wat ga je doen? (mag leeg blijven)"),
    ),
    Transition(
        S.IN_PROGRESS,
        S.SOLVED,
        COACH,
        gettext_lazy("Opgelost"),
        gettext_lazy("Hoe is het opgelost?"),
        gettext_lazy("Schrijf kort op hoe het is opgelost."),
    ),
    Transition(
        S.IN_PROGRESS,
        S.ESCALATED,
        COACH,
        gettext_lazy("Voorleggen aan de projectmanager"),
        gettext_lazy("Wat is je vraag aan de projectmanager?"),
        gettext_lazy("Schrijf je vraag aan de projectmanager op."),
    ),
    Transition(
        S.ESCALATED,
        S.ANSWERED,
        PROJECT_MANAGER,
        gettext_lazy("Antwoord sturen"),
        gettext_lazy("Je antwoord aan de coach"),
        gettext_lazy("Schrijf je antwoord op."),
    ),
    Transition(
        S.ANSWERED,
        S.SOLVED,
        COACH,
        gettext_lazy("Afsluiten: opgelost"),
        gettext_lazy("Hoe is het opgelost?"),
        gettext_lazy("Schrijf kort op hoe het is opgelost."),
    ),
    Transition(
        S.ANSWERED,
        S.IN_PROGRESS,
        COACH,
        gettext_lazy("Terug naar in behandeling"),
        gettext_lazy("Waarom is het nog niet opgelost? (mag leeg blijven)"),
    ),
)

# Whose turn it is ("wacht op jou"): a new or answered problem waits for a coach, one put to the
# project manager waits for them. In handling, the coach is already on it; solved waits for nobody.
AT_TURN: dict[Ability, tuple[ProblemStatus, ...]] = {
    Ability.HANDLE_PROBLEMS: (S.OPEN, S.ANSWERED),
    Ability.ANSWER_ESCALATIONS: (S.ESCALATED,),
}


def statuses_at_turn(person: Person) -> list[str]:
    """The statuses in which a problem waits for ``person`` (by what they may do)."""
    return [str(status) for ability, statuses in AT_TURN.items() if may(person, ability) for status in statuses]


def transitions_from(status: ProblemStatus | str) -> tuple[Transition, ...]:
    return tuple(t for t in TRANSITIONS if t.source == status)


def transition(source: ProblemStatus | str, target: ProblemStatus | str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


def transitions_for(person: Person, problem: Problem) -> tuple[Transition, ...]:
    """The moves ``person`` may make on ``problem`` now (the buttons on its page)."""
    if person.organization_id != problem.organization_id:
        return ()
    return tuple(t for t in transitions_from(problem.status) if may(person, t.ability))


def _label(status: str) -> str:
    return str(ProblemStatus(status).label)


def _clean_text(text: str) -> str:
    text = text.strip()
    if len(text) > TEXT_MAX:
        raise IllegalMove(_("Maak de tekst korter: hoogstens %(max)s tekens.") % {"max": TEXT_MAX})
    return text


@transaction.atomic
def change_status(
    problem: Problem,
    to: ProblemStatus | str,
    *,
    actor: Person,
    expected_status: str,
    expected_version: int | None = None,
    text: str = "",
    at: datetime | None = None,
) -> ProblemEvent:
    """Move ``problem`` to status ``to`` or raise ``IllegalMove`` (``WrongRole``, ``StaleProblem``).

    ``expected_status`` (and ``expected_version`` when given) is what the user saw when they
    decided: if the problem changed since, nothing is saved.
    """
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if actor.organization_id != locked.organization_id:
        raise WrongRole(_("Dit probleem hoort niet bij jouw organisatie."))
    current = ProblemStatus(locked.status)
    if current != expected_status or (expected_version is not None and locked.version != expected_version):
        raise StaleProblem(_("Iemand anders heeft dit probleem net veranderd. Bekijk de nieuwe stand hieronder."))
    if to not in ProblemStatus.values:
        raise IllegalMove(_("Deze status bestaat niet."))
    move = transition(current, to)
    if move is None:
        raise IllegalMove(
            _("Een probleem met de status ‘%(current)s’ kan niet naar ‘%(target)s’.")
            % {"current": current.label, "target": _label(to)}
        )
    if not may(actor, move.ability):
        if move.ability == PROJECT_MANAGER:
            raise WrongRole(_("Alleen de projectmanager kan hierop antwoorden."))
        raise WrongRole(_("Alleen een coach kan dit doen."))
    clean = _clean_text(text)
    if move.text_required is not None and not clean:
        raise IllegalMove(str(move.text_required))
    when = at or timezone.now()
    locked.status = move.target
    locked.version += 1
    locked.changed_at = when
    fields = ["status", "version", "changed_at"]
    if move.ability == COACH:
        # The coach who acted last is the one handling it.
        locked.handled_by = actor
        fields.append("handled_by")
    if move.target == S.SOLVED:
        locked.solved_at = when
        fields.append("solved_at")
    locked.save(update_fields=fields)
    problem.status, problem.version, problem.changed_at = locked.status, locked.version, locked.changed_at
    problem.handled_by_id, problem.solved_at = locked.handled_by_id, locked.solved_at
    return ProblemEvent.objects.create(
        organization_id=locked.organization_id,
        problem=locked,
        actor=actor,
        at=when,
        from_status=current,
        to_status=move.target,
        text=clean,
    )


@transaction.atomic
def comment(problem: Problem, *, actor: Person, text: str, at: datetime | None = None) -> ProblemEvent:
    """Add a comment to the conversation about the problem; its status stays as it is.

    Whether ``actor`` may see this problem is checked by the caller through the access layer.
    """
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if actor.organization_id != locked.organization_id or not may(actor, Ability.READ_PROBLEMS):
        raise WrongRole(_("Je kunt hier niet reageren."))
    clean = _clean_text(text)
    if not clean:
        raise IllegalMove(_("Schrijf eerst een reactie."))
    when = at or timezone.now()
    locked.changed_at = when
    locked.save(update_fields=["changed_at"])
    problem.changed_at = when
    return ProblemEvent.objects.create(
        organization_id=locked.organization_id,
        problem=locked,
        actor=actor,
        at=when,
        from_status=locked.status,
        to_status=locked.status,
        text=clean,
    )


@transaction.atomic
def raise_problem(
    *,
    actor: Person,
    title: str,
    description: str,
    urgency: Urgency | str = Urgency.NORMAL,
    trajectory: Trajectory | None = None,
    department: Department | None = None,
    at: datetime | None = None,
) -> Problem:
    """A new problem with status ‘nieuw’ and its first history row.

    The caller offers only trajectories and departments the actor may raise about (see
    ``access.raisable_trajectories``); here the organisation and role are checked once more.
    """
    if not may(actor, Ability.RAISE_PROBLEMS):
        raise WrongRole(_("Alleen een werkplekopleider of coach kan een probleem melden."))
    for thing in (trajectory, department):
        if thing is not None and thing.organization_id != actor.organization_id:
            raise WrongRole(_("Kies een deelnemer of afdeling van je eigen organisatie."))
    title = title.strip()
    if not title:
        raise IllegalMove(_("Geef het probleem een korte titel."))
    if len(title) > TITLE_MAX:
        raise IllegalMove(_("Maak de titel korter: hoogstens %(max)s tekens.") % {"max": TITLE_MAX})
    text = _clean_text(description)
    if not text:
        raise IllegalMove(_("Beschrijf het probleem."))
    if urgency not in Urgency.values:
        raise IllegalMove(_("Kies hoe dringend het is."))
    if trajectory is not None:
        department = trajectory.department
    when = at or timezone.now()
    problem = Problem.objects.create(
        organization_id=actor.organization_id,
        title=title,
        description=text,
        trajectory=trajectory,
        department=department,
        urgency=urgency,
        status=S.OPEN,
        raised_by=actor,
        raised_at=when,
        changed_at=when,
    )
    ProblemEvent.objects.create(
        organization_id=actor.organization_id,
        problem=problem,
        actor=actor,
        at=when,
        from_status="",
        to_status=S.OPEN,
        text="",
    )
    return problem
