"""Who reaches which interim evaluation, built on ``wpo.orgs.access`` and the permission policy.

- plan, record, cancel, download the invitation: whoever may work on the trajectory
  (``OnTrajectory.WORK``: its werkplekopleider, a coach);
- read: ``OnTrajectory.EVALUATIONS`` (also the project manager; the participant their own, in
  their app); the administrator reads none;
- hear the voice note: ``OnTrajectory.MEDIA`` (the participant, the werkplekopleider, a coach).

Anything of another organisation, or of a trajectory the person has no such relation to, is 404.
"""

from django.db.models import Prefetch, QuerySet

from wpo.curriculum.access import visible_skills
from wpo.curriculum.models import Skill
from wpo.orgs.access import get_in_org, in_org
from wpo.orgs.models import Person
from wpo.orgs.permissions import OnTrajectory
from wpo.trajectories.access import conversation_attendee_choices, trajectories_for
from wpo.trajectories.models import Trajectory, TrajectorySkill

from .models import ChosenSkillChange, EndDateChange, InterimEvaluation

RELATED = (
    "trajectory__participant__user",
    "trajectory__trainer__user",
    "trajectory__department",
    "planned_by__user",
    "recorded_by__user",
)


def evaluations_in(person: Person, action: OnTrajectory) -> QuerySet[InterimEvaluation]:
    """The evaluations of the trajectories on which ``person`` may do ``action``."""
    allowed = trajectories_for(person, action).values("pk")
    return in_org(person, InterimEvaluation).filter(trajectory__in=allowed)


def with_details(qs: QuerySet[InterimEvaluation]) -> QuerySet[InterimEvaluation]:
    return qs.select_related(*RELATED).prefetch_related(
        Prefetch("attendees", queryset=Person.objects.select_related("user")),
        Prefetch("skill_changes", queryset=ChosenSkillChange.objects.select_related("added", "dropped")),
        Prefetch("end_date_changes", queryset=EndDateChange.objects.all()),
    )


def trajectory_to_evaluate(person: Person, trajectory_id: int) -> Trajectory:
    """A trajectory for which ``person`` may plan an interim evaluation."""
    qs = trajectories_for(person, OnTrajectory.WORK).select_related("participant__user", "trainer__user")
    return get_in_org(qs, pk=trajectory_id)


def access_evaluation(person: Person, evaluation_id: int) -> InterimEvaluation:
    """An evaluation ``person`` may read (the views add that only staff open the staff page)."""
    return get_in_org(with_details(evaluations_in(person, OnTrajectory.EVALUATIONS)), pk=evaluation_id)


def access_evaluation_for_work(person: Person, evaluation_id: int) -> InterimEvaluation:
    """An evaluation ``person`` may record, cancel or download the invitation of."""
    return get_in_org(with_details(evaluations_in(person, OnTrajectory.WORK)), pk=evaluation_id)


def access_evaluation_voice(person: Person, evaluation_id: int) -> InterimEvaluation:
    """An evaluation whose spoken answer ``person`` may hear."""
    return get_in_org(evaluations_in(person, OnTrajectory.MEDIA), pk=evaluation_id)


def colleagues_who_can_join(person: Person, trajectory: Trajectory) -> QuerySet[Person]:
    """Staff who can be invited to join (a coach), without the participant and the werkplekopleider."""
    return conversation_attendee_choices(person, trajectory)


def chosen_skills(person: Person, trajectory: Trajectory) -> QuerySet[TrajectorySkill]:
    return (
        in_org(person, TrajectorySkill).filter(trajectory=trajectory).select_related("skill").order_by("skill__order")
    )


def skills_to_add(person: Person, trajectory: Trajectory) -> QuerySet[Skill]:
    """The skills of the curriculum (national and the organisation's own) not chosen yet."""
    chosen = in_org(person, TrajectorySkill).filter(trajectory=trajectory).values("skill_id")
    return visible_skills(person).exclude(pk__in=chosen).order_by("order", "name")
