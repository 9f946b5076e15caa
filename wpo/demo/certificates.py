"""Demo certificates for the demo organisation.

Certificates come only from closings, as in real use: one per closed skill and one per trajectory
that ended as closed (the historic trajectories that ``wpo.demo.reports`` adds before this runs).
When the demo holds no closing at all, one past trajectory is added (assignments walked through
the workflow, then the skill and the trajectory closed on dates last year), so the demo always
shows at least one certificate.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from wpo.certificates.models import Certificate
from wpo.certificates.services import issue_skill_certificate, issue_trajectory_certificate
from wpo.curriculum.models import Assignment
from wpo.orgs.models import Organization, Person
from wpo.trajectories.models import Assessment, ParticipantAssignment, Phase, Step, Trajectory, TrajectorySkill
from wpo.trajectories.workflow import give_assignment, move

ROAD = [Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK, Step.INDEPENDENT, Step.ASSESSING, Step.ACHIEVED]


def _issue_for_closings(org: Organization) -> None:
    closed_skills = (
        TrajectorySkill.objects.filter(organization=org, closed_at__isnull=False)
        .exclude(certificates__isnull=False)
        .select_related("trajectory__trainer")
        .order_by("closed_at")
    )
    for chosen in closed_skills:
        issue_skill_certificate(chosen, actor=chosen.trajectory.trainer, at=chosen.closed_at)
    closed = (
        Trajectory.objects.filter(organization=org, status=Trajectory.Status.CLOSED)
        .exclude(certificates__kind=Certificate.Kind.TRAJECTORY)
        .select_related("trainer")
        .order_by("closed_at")
    )
    for trajectory in closed:
        issue_trajectory_certificate(trajectory, actor=trajectory.trainer, at=trajectory.closed_at)


def _walk(pa: ParticipantAssignment, participant: Person, trainer: Person, start: datetime) -> datetime:
    when = start
    for step in ROAD:
        when += timedelta(days=6)
        actor = participant if step in (Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK) else trainer
        move(pa, step, actor=actor, at=when, note="")
    Assessment.objects.create(
        organization_id=pa.organization_id,
        participant_assignment=pa,
        assessor=trainer,
        judgement="achieved",
        assessed_at=when,
    )
    return when


def _past_closed_trajectory(org: Organization) -> None:
    """Piotr finished an earlier trajectory last year: Instructies volgen, both sub-skills at level A."""
    participant = Person.objects.filter(organization=org, user__username="piotr").first()
    trainer = Person.objects.filter(organization=org, user__username="werkplekopleider2").first()
    if participant is None or trainer is None or participant.department is None:
        return
    assignments = [
        a
        for a in Assignment.objects.filter(
            subskill__skill__code="instructies-volgen", subskill__skill__organization=None, level="A"
        )
        .select_related("current_version", "subskill__skill")
        .order_by("subskill__number")
        if a.current_version is not None
    ]
    if not assignments:
        return  # curriculum not loaded: nothing to certify
    start = timezone.now() - timedelta(days=400)
    trajectory = Trajectory.objects.create(
        organization=org,
        participant=participant,
        trainer=trainer,
        department=participant.department,
        starts_on=start.date(),
        ends_on=(start + timedelta(days=180)).date(),
        phase=Phase.CLOSING,
    )
    chosen = TrajectorySkill.objects.create(
        organization=org, trajectory=trajectory, skill=assignments[0].subskill.skill, self_rating=2, trainer_rating=3
    )
    when = start
    for assignment in assignments:
        pa = give_assignment(trajectory, assignment.current_version, actor=trainer, at=when)  # type: ignore[arg-type]
        when = _walk(pa, participant, trainer, when)
    chosen.closed_at, chosen.highest_level = when + timedelta(days=1), "A"
    chosen.save(update_fields=["closed_at", "highest_level"])
    trajectory.status, trajectory.closed_at = Trajectory.Status.CLOSED, when + timedelta(days=2)
    trajectory.save(update_fields=["status", "closed_at"])


@transaction.atomic
def populate_demo(org: Organization) -> None:
    _issue_for_closings(org)
    if not Certificate.objects.filter(organization=org).exists():
        _past_closed_trajectory(org)
        _issue_for_closings(org)
