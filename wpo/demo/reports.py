"""History for the demo organisation, so that its report has something to show.

About 25 more participants over the two demo departments, with trajectories started over the
last two years: some closed with achieved assignments and closed skills (A, B or C), some
stopped with a reason, some still running. Assignments use the real versions of the national
curriculum and walk through the workflow with dates in the past, so the history (``StepChange``)
is complete. Deterministic: the same seed gives the same people and the same story, relative to
today. Without the national curriculum it adds nothing.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from wpo.curriculum.models import Assignment, AssignmentVersion, Skill
from wpo.orgs.models import Department, Organization, Person, Role
from wpo.orgs.services import person_create
from wpo.trajectories.models import ParticipantAssignment, Phase, Step, Trajectory, TrajectorySkill
from wpo.trajectories.workflow import give_assignment, move

SEED = 2026
NAMES = [
    ("Kevin", "Bakker"),
    ("Naima", "Bouzid"),
    ("Dennis", "van Dijk"),
    ("Esra", "Demir"),
    ("Rachid", "Amrani"),
    ("Melanie", "Visser"),
    ("Jurgen", "Mulder"),
    ("Shirley", "Wijngaarde"),
    ("Tomasz", "Kowalski"),
    ("Priya", "Ramdin"),
    ("Bas", "Hendriks"),
    ("Fenna", "de Jong"),
    ("Youssef", "Ait Taleb"),
    ("Angela", "Martina"),
    ("Ricardo", "Pinas"),
    ("Lotte", "Smits"),
    ("Hasan", "Kaya"),
    ("Marieke", "Jansen"),
    ("Daan", "Vermeulen"),
    ("Samira", "El Khatib"),
    ("Gerrit", "Postma"),
    ("Dewi", "Soekhoe"),
    ("Anouk", "Brouwer"),
    ("Mehmet", "Aydin"),
    ("Ilse", "Koster"),
]
STOP_REASONS = [
    "Verhuisd naar een andere gemeente",
    "Langdurig ziek",
    "Ander werk gevonden buiten het bedrijf",
    "Wil nu liever zonder WPO verder",
    "Langdurig ziek",
]
# Steps on the way to 'behaald', and who sets each one.
ROAD = [
    (Step.PRACTISING, "participant"),
    (Step.WORKING, "participant"),
    (Step.LOOKING_BACK, "participant"),
    (Step.INDEPENDENT, "trainer"),
    (Step.ASSESSING, "trainer"),
    (Step.ACHIEVED, "trainer"),
]

Versions = dict[Skill, dict[tuple[int, str], AssignmentVersion]]


def national_versions() -> Versions:
    found: Versions = defaultdict(dict)
    for a in Assignment.objects.filter(
        subskill__skill__organization=None, current_version__isnull=False
    ).select_related("current_version", "subskill__skill"):
        assert a.current_version is not None
        found[a.subskill.skill][(a.subskill.number, a.level)] = a.current_version
    return {skill: versions for skill, versions in found.items() if versions}


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


class _Story:
    """One participant's trajectory, told step by step with dates in the past."""

    def __init__(self, rng: random.Random, trajectory: Trajectory, participant: Person, trainer: Person) -> None:
        self.rng, self.trajectory, self.participant, self.trainer = rng, trajectory, participant, trainer

    def actor(self, who: str) -> Person:
        return self.participant if who == "participant" else self.trainer

    def walk(self, version: AssignmentVersion, given: datetime, to: Step, days: int) -> ParticipantAssignment:
        pa = give_assignment(self.trajectory, version, actor=self.trainer, at=given)
        road = ROAD[: [step for step, _who in ROAD].index(to) + 1] if to != Step.INTRODUCED else []
        for i, (step, who) in enumerate(road, start=1):
            move(pa, step, actor=self.actor(who), at=given + timedelta(days=days * i / len(ROAD), hours=i))
        return pa

    def achieve(self, version: AssignmentVersion, given: datetime, days: int | None = None) -> datetime:
        pa = self.walk(version, given, Step.ACHIEVED, days or self.rng.randint(14, 35))
        assert pa.achieved_at is not None
        return pa.achieved_at


def _run(
    rng: random.Random, story: _Story, road: list[AssignmentVersion | None], moment: datetime, stuck: bool
) -> bool:
    """A running trajectory, mostly going well: the earlier levels achieved one after the other, the
    current assignment given in the last weeks and its last step a few days ago. The first one with
    room for it (unless one is ``stuck`` already) has worked on its task for over two weeks without
    the look-back: the coach sees a handful of reasons, not a signal on every row (wpo/demo/coaching.py
    adds the conversations). Returns whether this one is the stuck one."""
    versions = [version for version in road if version is not None]
    now = timezone.now()
    if not versions or (now - moment).days < 3:
        return False  # started a few days ago: no assignment yet
    make_stuck = not stuck and (now - moment).days > 35
    given = max(moment, now - timedelta(days=28 if make_stuck else rng.randint(8, 30)))
    earlier = versions[: min(len(versions) - 1, (given - moment).days // 30)]
    for n, version in enumerate(earlier):
        days = max(14, (given - moment).days // (len(earlier) - n) - 3)
        moment = story.achieve(version, moment, days) + timedelta(days=rng.randint(1, 3))
    given = max(moment, given)
    age = (now - given).days
    if make_stuck:
        step, since = Step.WORKING, rng.randint(16, 20)
    else:
        step = rng.choice([Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK]) if age > 4 else Step.INTRODUCED
        since = rng.randint(1, max(1, min(6, age - 2)))
    moves = [s for s, _who in ROAD].index(step) + 1 if step != Step.INTRODUCED else 1
    # The walk spreads its moves over ``days``: the last one lands ``since`` days ago.
    story.walk(versions[len(earlier)], given, step, max(1, round((age - since) * len(ROAD) / moves)))
    return make_stuck


def _levels_up_to(highest: str) -> list[str]:
    return list("ABC"[: "ABC".index(highest) + 1])


@transaction.atomic
def populate_demo(org: Organization) -> None:
    versions = national_versions()
    if not versions:
        return  # no national curriculum loaded: nothing to build the history on
    if get_user_model().objects.filter(username__startswith="demo-deelnemer-").exists():
        return  # already there
    trainers = [
        p
        for p in (
            Person.objects.filter(organization=org, user__username=name).select_related("department").first()
            for name in ("werkplekopleider", "werkplekopleider2")
        )
        if p is not None
    ] or list(Person.objects.filter(organization=org, is_trainer=True).select_related("department")[:2])
    departments = list(Department.objects.filter(organization=org).order_by("name")[:2])
    if not trainers or not departments:
        return
    rng = random.Random(SEED)
    skills = sorted(versions, key=lambda s: (s.order, s.name))
    today = timezone.localdate()
    fates = ["closed"] * 11 + ["stopped"] * 5 + ["active"] * 9
    rng.shuffle(fates)
    stuck = False  # one running trajectory works on its task for weeks without the look-back
    for i, ((first, last), fate) in enumerate(zip(NAMES, fates, strict=True), start=1):
        trainer = trainers[i % len(trainers)]
        department = trainer.department if trainer.department in departments else departments[i % len(departments)]
        participant = person_create(
            organization=org,
            first_name=first,
            last_name=last,
            username=f"demo-deelnemer-{i:02d}",
            department=department,
            employee_number=f"30{i:02d}",
            roles=[Role.PARTICIPANT],
            trainers=[trainer],
        )
        closes_on = today - timedelta(days=rng.randint(5, 560))
        if fate == "closed":
            starts_on = max(closes_on - timedelta(days=rng.randint(150, 365)), today - timedelta(days=730))
        elif fate == "stopped":
            starts_on = today - timedelta(days=rng.randint(150, 650))
        else:
            starts_on = today - timedelta(days=rng.randint(7, 150))
        trajectory = Trajectory.objects.create(
            organization=org,
            participant=participant,
            trainer=trainer,
            department=department,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=rng.choice([180, 270, 365])),
            phase=Phase.LEARN_WORK,
            wish_develop="Beter samenwerken met mijn collega's.",
        )
        story = _Story(rng, trajectory, participant, trainer)
        chosen_skills = rng.sample(skills, 2 if fate == "closed" and rng.random() < 0.4 else 1)
        moment = _at(starts_on, 10) + timedelta(days=rng.randint(3, 10))
        # A closed trajectory's assignments share the time until its closing day.
        levels = {skill: _levels_up_to(rng.choice("ABBC")) for skill in chosen_skills}
        span = max(7, int((closes_on - starts_on).days * 0.8 / sum(len(v) for v in levels.values())))
        for skill in chosen_skills:
            chosen = TrajectorySkill.objects.create(
                organization=org,
                trajectory=trajectory,
                skill=skill,
                self_rating=rng.randint(1, 3),
                trainer_rating=rng.randint(1, 3),
            )
            subskill = rng.choice([1, 2])
            if fate == "closed":
                achieved = []
                for level in levels[skill]:
                    version = versions[skill].get((subskill, level))
                    if version is not None:
                        days = rng.randint(span * 2 // 3, span)
                        moment = story.achieve(version, moment, days) + timedelta(days=rng.randint(1, 3))
                        achieved.append(level)
                if achieved:
                    chosen.closed_at, chosen.highest_level = moment, achieved[-1]
                    chosen.save(update_fields=["closed_at", "highest_level"])
            elif fate == "stopped":
                if rng.random() < 0.5 and (version := versions[skill].get((subskill, "A"))) is not None:
                    moment = story.achieve(version, moment) + timedelta(days=rng.randint(2, 7))
                version = versions[skill].get((subskill, "B")) or next(iter(versions[skill].values()))
                pa = story.walk(version, moment, Step.WORKING, rng.randint(10, 30))
                moment = pa.step_since + timedelta(days=rng.randint(5, 20))
                reason = STOP_REASONS[i % len(STOP_REASONS)]
                move(pa, Step.STOPPED, actor=trainer, note=reason, at=moment)
                trajectory.stop_reason = reason
            else:
                stuck = stuck or _run(rng, story, [versions[skill].get((subskill, lv)) for lv in "ABC"], moment, stuck)
        trajectory.refresh_from_db(fields=["phase"])  # the sign-off's moves may have changed it (issue 16)
        if fate == "closed":
            trajectory.status, trajectory.phase = Trajectory.Status.CLOSED, Phase.CLOSING
            trajectory.closed_at = max(moment + timedelta(days=1), _at(closes_on, 15))
        elif fate == "stopped":
            trajectory.status, trajectory.closed_at = Trajectory.Status.STOPPED, moment
        trajectory.save()
