"""Access to trajectories and participants' assignments, built on ``wpo.orgs.access``."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet

from wpo.orgs.access import STAFF_OVERVIEW_ROLES, get_in_org, in_org
from wpo.orgs.models import Person, Role

from .models import LookBackAnswer, ParticipantAssignment, StepChange, Trajectory


def visible_trajectories(person: Person) -> QuerySet[Trajectory]:
    """Coach, project manager, administrator: all in the organisation; a werkplekopleider:
    the trajectories they lead or of participants they train; a participant: their own."""
    qs = in_org(person, Trajectory)
    if person.has_role(*STAFF_OVERVIEW_ROLES):
        return qs
    if person.is_trainer:
        return qs.filter(trainer=person) | qs.filter(participant__trainer_links__trainer=person)
    return qs.filter(participant=person)


def access_trajectory(person: Person, trajectory_id: int) -> Trajectory:
    qs = (
        visible_trajectories(person)
        .select_related("participant__user", "trainer__user", "department")
        .prefetch_related(
            "chosen_skills__skill",
            Prefetch(
                "assignments",
                queryset=ParticipantAssignment.objects.select_related(
                    "version__assignment__subskill__skill"
                ).prefetch_related(Prefetch("history", queryset=StepChange.objects.select_related("actor__user"))),
            ),
        )
    )
    return get_in_org(qs.distinct(), pk=trajectory_id)


def open_assignments(person: Person) -> QuerySet[ParticipantAssignment]:
    return (
        in_org(person, ParticipantAssignment)
        .filter(trajectory__in=visible_trajectories(person), trajectory__status=Trajectory.Status.ACTIVE)
        .exclude(step__in=["achieved", "stopped"])
        .select_related("version__assignment__subskill__skill", "trajectory__participant__user")
    )


def access_own_assignment(person: Person, pa_id: int) -> ParticipantAssignment:
    """One of the participant's own assignments; nobody else's, whatever their roles."""
    qs = in_org(person, ParticipantAssignment).filter(trajectory__participant=person)
    return get_in_org(
        qs.select_related("trajectory", "version__assignment__subskill__skill"),
        pk=pa_id,
    )


def access_look_back_answer(person: Person, answer_id: int) -> LookBackAnswer:
    """A look-back answer (with its photo or voice note) for the participant and the staff who follow them."""
    qs = in_org(person, LookBackAnswer).filter(participant_assignment__trajectory__in=visible_trajectories(person))
    return get_in_org(qs, pk=answer_id)


def access_own_trajectory(person: Person) -> Trajectory | None:
    """The participant's running trajectory, if any."""
    return (
        in_org(person, Trajectory)
        .filter(participant=person, status=Trajectory.Status.ACTIVE)
        .order_by("-starts_on")
        .first()
    )


def access_assignment_for_trainer(person: Person, pa_id: int) -> ParticipantAssignment:
    """An assignment the person may work on as werkplekopleider or coach (not only view)."""
    if not person.has_role(Role.TRAINER, Role.COACH):
        raise PermissionDenied
    qs = in_org(person, ParticipantAssignment).filter(trajectory__in=visible_trajectories(person))
    return get_in_org(
        qs.select_related("trajectory__participant__user", "version__assignment__subskill__skill"),
        pk=pa_id,
    )
