"""Accounts and trajectories for the simulated users, and the plan the load generator follows.

Runs inside Django against the soak database, after ``load_curriculum`` and ``load_demo``: the
simulated people join the demo organisation, so coaches browse real demo history as well.
"""

import random
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from wpo.curriculum.models import Assignment
from wpo.demo.organization import DEMO_ORG_SLUG
from wpo.orgs.models import Department, Organization, Person, Role
from wpo.orgs.services import person_create
from wpo.trajectories.models import Phase, Trajectory, TrajectorySkill
from wpo.trajectories.workflow import give_assignment


@dataclass
class Question:
    kind: str  # "order" or a choice question
    choices: int  # options of a choice question, steps of an order question


@dataclass
class ParticipantPlan:
    pa_id: int
    trajectory_id: int
    questions: list[Question]
    look_back: int


@dataclass
class TraineePlan:
    """What a trainer needs to know about one of their participants."""

    pa_id: int
    trajectory_id: int
    behaviours: list[str]


@dataclass
class UserPlan:
    username: str
    role: str  # "participant", "trainer" or "coach"
    participant: ParticipantPlan | None = None
    trainees: list[TraineePlan] = field(default_factory=list)
    trajectories: list[int] = field(default_factory=list)


def role_mix(users: int) -> tuple[int, int, int]:
    """Participants, trainers and coaches for ``users`` simulated people (60 / 25 / 15 per cent)."""
    coaches = max(1, round(users * 0.15))
    trainers = max(1, round(users * 0.25))
    return max(1, users - coaches - trainers), trainers, coaches


def _questions(content: dict[str, Any]) -> list[Question]:
    found = []
    for q in content.get("questions", []):
        kind = str(q.get("kind", "choice"))
        found.append(Question(kind, len(q.get("steps", [])) if kind == "order" else len(q.get("options", []))))
    return found


@transaction.atomic
def seed(*, users: int, password: str, probe_username: str, seed_value: int = 8) -> dict[str, Any]:
    """Create the simulated people with one shared password; return the plan as plain data."""
    rng = random.Random(seed_value)
    org = Organization.objects.get(slug=DEMO_ORG_SLUG)
    departments = list(Department.objects.filter(organization=org).order_by("pk"))
    # One Argon2 hash for everybody: hashing a hundred passwords one by one only costs time here.
    hashed = make_password(password)
    assignments = [
        a
        for a in Assignment.objects.filter(subskill__skill__organization=None, current_version__isnull=False)
        .select_related("current_version", "subskill__skill")
        .order_by("pk")
        if a.current_version is not None and a.current_version.content.get("questions")
    ]
    if not assignments:
        raise RuntimeError("No curriculum with practice questions: run load_curriculum first.")

    def person(username: str, roles: list[Role], dept: Department | None) -> Person:
        created = person_create(
            organization=org,
            first_name=username.replace("-", " ").title(),
            last_name="Soak",
            username=username,
            password=None,
            department=dept,
            roles=roles,
        )
        created.user.password = hashed
        created.user.save(update_fields=["password"])
        return created

    n_participants, n_trainers, n_coaches = role_mix(users)
    trainers = [
        person(f"soak-trainer-{i}", [Role.TRAINER], departments[i % len(departments)]) for i in range(n_trainers)
    ]
    coaches = [person(f"soak-coach-{i}", [Role.COACH], None) for i in range(n_coaches)]
    person(probe_username, [Role.COACH], None)
    plans: list[UserPlan] = [UserPlan(t.user.username, "trainer") for t in trainers]
    by_trainer = {t.pk: plans[i] for i, t in enumerate(trainers)}
    now = timezone.now()
    trajectory_ids: list[int] = []
    participant_plans: list[UserPlan] = []
    for i in range(n_participants):
        trainer = trainers[i % n_trainers]
        assert trainer.department is not None
        participant = person(f"soak-participant-{i}", [Role.PARTICIPANT], trainer.department)
        participant.trainers.add(trainer, through_defaults={"organization": org})
        assignment = rng.choice(assignments)
        version = assignment.current_version
        assert version is not None
        trajectory = Trajectory.objects.create(
            organization=org,
            participant=participant,
            trainer=trainer,
            department=trainer.department,
            starts_on=(now - timedelta(weeks=2)).date(),
            ends_on=(now + timedelta(days=160)).date(),
            phase=Phase.LEARN_WORK,
        )
        TrajectorySkill.objects.create(organization=org, trajectory=trajectory, skill=assignment.subskill.skill)
        pa = give_assignment(trajectory, version, actor=trainer)
        trajectory_ids.append(trajectory.pk)
        participant_plans.append(
            UserPlan(
                participant.user.username,
                "participant",
                participant=ParticipantPlan(
                    pa.pk, trajectory.pk, _questions(version.content), len(version.content.get("look_back", []))
                ),
            )
        )
        by_trainer[trainer.pk].trainees.append(
            TraineePlan(pa.pk, trajectory.pk, list(version.content.get("trainer", {}).get("observe", [])))
        )
    for plan in plans:
        plan.trajectories = [t.trajectory_id for t in plan.trainees]
    coach_plans = [UserPlan(c.user.username, "coach", trajectories=trajectory_ids) for c in coaches]
    # Interleaved, so that a ramp-up (and a short run with few users) starts every role early.
    everyone: list[UserPlan] = []
    groups = [participant_plans, plans, coach_plans]
    while any(groups):
        for group in groups:
            if group:
                everyone.append(group.pop(0))
    return {"users": [asdict(p) for p in everyone], "probe": probe_username}
