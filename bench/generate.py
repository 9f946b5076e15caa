"""A national data set for the benchmark: organisations with years of trajectories, in bulk.

At scale 1.0: 100 organisations and 200,000 participants over the years. Organisation 0 is the
big one whose coach sees about 2,000 running trajectories; the other organisations' sizes follow
a skewed (log-normal) spread, from a few hundred to several thousand participants. Each
participant has one trajectory, one in ten an earlier one as well (a long history). A trajectory
has 1–3 skills mostly, sometimes more; per skill the assignments run level by level, each with
its step history, practice and look-back answers, observations and an assessment. Closed
trajectories carry certificates. Rows are written with the fast writer (COPY on PostgreSQL) and
everything follows from the seed.
"""

import json
import random
import sys
import time as clock
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from wpo.certificates.models import CODE_ALPHABET, Certificate
from wpo.certificates.services import SNAPSHOT_VERSION
from wpo.curriculum.models import AssignmentVersion, Skill
from wpo.orgs.models import Department, Organization, Person, TrainerLink
from wpo.trajectories.models import (
    Assessment,
    CoachingConversation,
    LookBackAnswer,
    Observation,
    ParticipantAssignment,
    ParticipantQuestion,
    Phase,
    PracticeAnswer,
    Step,
    StepChange,
    Trajectory,
    TrajectorySkill,
)

from .writer import Writer

PASSWORD = "bench-wachtwoord"
FULL_ORGANIZATIONS = 100
FULL_PARTICIPANTS = 200_000
# The big organisation: 4% of all participants, a quarter of them in a running trajectory.
BIG_SHARE = 0.04
BIG_RUNNING = 2000
RUNNING_SHARE = 0.14

PATH = [
    Step.INTRODUCED,
    Step.PRACTISING,
    Step.WORKING,
    Step.LOOKING_BACK,
    Step.INDEPENDENT,
    Step.ASSESSING,
    Step.ACHIEVED,
]
OPEN_STEPS = PATH[:-1]
FIRST = ["Anna", "Bram", "Chantal", "Dirk", "Esra", "Fatima", "Gerrit", "Hanna", "Imre", "Joyce", "Kees", "Lotte"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Yilmaz", "Bos", "Vos"]
DEPARTMENTS = ["Groen", "Schoonmaak", "Inpak", "Montage", "Catering", "Logistiek", "Textiel", "Hout", "Post"]


@dataclass
class Plan:
    organizations: int
    participants: int
    sizes: list[int]
    running: list[int]


@dataclass
class Result:
    big_organization_id: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


def plan(scale: float, seed: int, organizations: int | None = None, participants: int | None = None) -> Plan:
    orgs = organizations or max(2, round(FULL_ORGANIZATIONS * scale))
    total = participants or max(orgs * 20, round(FULL_PARTICIPANTS * scale))
    rng = random.Random(seed)
    # The big one: 4% of everybody at full scale (8,000), at least an even share in a small run.
    big = max(20, round(total * BIG_SHARE), total // orgs) if orgs > 1 else total
    weights = [rng.lognormvariate(0, 0.8) for _ in range(orgs - 1)]
    rest = total - big
    sizes = [big] + [max(10, round(rest * w / sum(weights))) for w in weights]
    running = [max(5, round(big * BIG_RUNNING / (FULL_PARTICIPANTS * BIG_SHARE)))] + [
        max(2, round(s * RUNNING_SHARE)) for s in sizes[1:]
    ]
    return Plan(orgs, sum(sizes), sizes, running)


class Progress:
    """A plain-text progress bar on stderr: ``[#####.....] 52% participants 104000/200000 1m12s``."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.total, self.done, self.started = total, 0, clock.monotonic()
        self.stream = stream if stream is not None else sys.stderr

    def step(self, n: int) -> None:
        self.done += n
        share = self.done / self.total if self.total else 1.0
        bar = "#" * round(share * 30)
        seconds = int(clock.monotonic() - self.started)
        self.stream.write(
            f"\r[{bar:.<30}] {share:4.0%} participants {self.done}/{self.total} {seconds // 60}m{seconds % 60:02d}s"
        )
        self.stream.flush()
        if self.done >= self.total:
            self.stream.write("\n")


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.tz = timezone.get_default_timezone()
        self.password = make_password(PASSWORD)
        self.w = Writer()
        w, user = self.w, get_user_model()
        w.declare(Organization, ["name", "slug", "created_at", "logo"])
        w.declare(user, ["password", "username", "first_name", "last_name", "email", "is_active", "date_joined"])
        w.declare(Department, ["organization_id", "name", "agreed_capacity"])
        w.declare(
            Person,
            [
                "organization_id",
                "user_id",
                "department_id",
                "is_participant",
                "is_trainer",
                "is_coach",
                "is_project_manager",
                "is_administrator",
            ],
        )
        w.declare(TrainerLink, ["organization_id", "participant_id", "trainer_id"])
        w.declare(
            Trajectory,
            [
                "organization_id",
                "participant_id",
                "trainer_id",
                "department_id",
                "starts_on",
                "ends_on",
                "phase",
                "status",
                "stop_reason",
                "wish_develop",
                "closed_at",
                "created_at",
                "last_activity_at",
            ],
        )
        w.declare(
            TrajectorySkill,
            [
                "organization_id",
                "trajectory_id",
                "skill_id",
                "self_rating",
                "trainer_rating",
                "closed_at",
                "highest_level",
            ],
        )
        w.declare(
            ParticipantAssignment,
            [
                "organization_id",
                "trajectory_id",
                "version_id",
                "step",
                "step_since",
                "practice_position",
                "created_at",
                "achieved_at",
            ],
        )
        w.declare(
            StepChange, ["organization_id", "participant_assignment_id", "from_step", "to_step", "actor_id", "at"]
        )
        w.declare(
            PracticeAnswer,
            ["organization_id", "participant_assignment_id", "question_index", "answer", "is_correct", "answered_at"],
        )
        w.declare(
            LookBackAnswer,
            ["organization_id", "participant_assignment_id", "question_index", "feeling", "text", "answered_at"],
        )
        w.declare(
            Observation,
            [
                "organization_id",
                "participant_assignment_id",
                "author_id",
                "observed_at",
                "behaviours",
                "note",
                "went_well",
                "shared_with_participant",
            ],
        )
        w.declare(
            Assessment,
            [
                "organization_id",
                "participant_assignment_id",
                "assessor_id",
                "judgement",
                "assessed_at",
                "second_assessor_id",
                "second_judgement",
                "second_assessed_at",
            ],
        )
        w.declare(
            CoachingConversation,
            [
                "organization_id",
                "trajectory_id",
                "participant_assignment_id",
                "planned_at",
                "planned_by_id",
                "held_at",
                "recorded_by_id",
                "done_and_learned",
                "agreements",
                "ical_uid",
            ],
        )
        self.attendees = CoachingConversation.attendees.through
        w.declare(self.attendees, ["coachingconversation_id", "person_id"])
        w.declare(ParticipantQuestion, ["organization_id", "trajectory_id", "text", "asked_at"])
        w.declare(
            Certificate,
            [
                "organization_id",
                "participant_id",
                "trajectory_id",
                "kind",
                "trajectory_skill_id",
                "code",
                "participant_name",
                "snapshot",
                "issued_at",
                "issued_by_id",
            ],
        )
        self.skills = list(Skill.objects.filter(organization__isnull=True).order_by("order", "pk"))
        if not self.skills:
            raise RuntimeError("No national curriculum: run load_curriculum first.")
        versions = AssignmentVersion.objects.filter(
            assignment__subskill__skill__in=self.skills, assignment__current_version_id=F("pk")
        ).select_related("assignment__subskill")
        # (skill id) -> list of (version id, subskill, level, question count, look-back count), level by level.
        self.ladder: dict[int, list[tuple[int, Any, str, int, int]]] = {s.pk: [] for s in self.skills}
        for v in versions:
            a = v.assignment
            self.ladder[a.subskill.skill_id].append(
                (v.pk, a.subskill, a.level, len(v.content.get("questions", [])), len(v.content.get("look_back", [])))
            )
        for rungs in self.ladder.values():
            rungs.sort(key=lambda r: (r[2], r[1].number))
        self.skill_by_id = {s.pk: s for s in self.skills}
        self.user_n = self.w.tables[user].next_id

    # -- helpers -------------------------------------------------------------------------------

    def moment(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(8, 16), self.rng.randint(0, 59)), tzinfo=self.tz)

    def user(self, first: str, last: str) -> tuple[int, str]:
        n = self.user_n
        self.user_n += 1
        uid = self.w.add(get_user_model(), self.password, f"b{self.seed}-{n}", first, last, "", True, self.now)
        return uid, f"{first} {last}"

    def person(self, org: int, dept: int | None, **roles: bool) -> tuple[int, str]:
        rng = self.rng
        uid, name = self.user(rng.choice(FIRST), rng.choice(LAST))
        pid = self.w.add(
            Person,
            org,
            uid,
            dept,
            roles.get("participant", False),
            roles.get("trainer", False),
            roles.get("coach", False),
            roles.get("pm", False),
            roles.get("admin", False),
        )
        return pid, name

    # -- one organisation ----------------------------------------------------------------------

    def organization(self, index: int, size: int, running: int) -> None:
        rng, w = self.rng, self.w
        org = w.add(Organization, f"Bench-bedrijf {index:03d}", f"bench-{index:03d}", self.now, "")
        depts = [
            w.add(Department, org, f"{DEPARTMENTS[i % len(DEPARTMENTS)]} {i // len(DEPARTMENTS) + 1}", 50)
            for i in range(min(40, max(3, size // 150)))
        ]
        trainers = [self.person(org, depts[i % len(depts)], trainer=True) for i in range(min(200, max(2, size // 40)))]
        coaches = [self.person(org, None, coach=True) for _ in range(min(5, 1 + size // 1500))]
        pm = self.person(org, None, pm=True)
        self.person(org, None, admin=True)
        self.coaches = coaches
        for i in range(size):
            dept = depts[i % len(depts)]
            pid, name = self.person(org, dept, participant=True)
            trainer = trainers[rng.randrange(len(trainers))]
            w.add(TrainerLink, org, pid, trainer[0])
            ctx = (org, pid, name, dept, trainer, pm)
            if rng.random() < 0.10:
                self.trajectory(ctx, running=False, before=1500)
            self.trajectory(ctx, running=i < running, before=0)

    def trajectory(self, ctx: tuple[Any, ...], *, running: bool, before: int) -> None:
        rng, w, today = self.rng, self.w, self.today
        org, pid, _name, dept, trainer, _pm = ctx
        if running:
            starts = today - timedelta(days=rng.randint(0, 300))
            status, closed_at, stop_reason = Trajectory.Status.ACTIVE, None, ""
            end = today
        else:
            starts = today - timedelta(days=rng.randint(320, 2000) + before)
            length = rng.randint(120, 400)
            end = min(starts + timedelta(days=length), today - timedelta(days=10))
            stopped = rng.random() < 0.25
            status = Trajectory.Status.STOPPED if stopped else Trajectory.Status.CLOSED
            stop_reason = rng.choice(["Verhuisd", "Ziek", "Ander werk gevonden"]) if stopped else ""
            closed_at = self.moment(end)
        phase = (
            rng.choice([Phase.START, Phase.LEARN_WORK, Phase.LEARN_WORK, Phase.EVALUATION])
            if running
            else Phase.CLOSING
        )
        # The row is written last: ``last_activity_at`` is the newest moment among its children.
        tid = w.reserve(Trajectory)
        self.activity: datetime | None = None
        row = (
            org,
            pid,
            trainer[0],
            dept,
            starts,
            starts + timedelta(days=270),
            phase,
            status,
            stop_reason,
            "Beter samenwerken",
            closed_at,
            self.moment(starts),
        )
        r = rng.random()
        count = 1 if r < 0.45 else 2 if r < 0.75 else 3 if r < 0.9 else rng.randint(4, 8)
        chosen = rng.sample(self.skills, count)
        span = max(1, (end - starts).days)
        certified: list[tuple[int, str, str]] = []
        for skill in chosen:
            rungs = self.ladder[skill.pk]
            if running:
                achieved = rng.choice([0, 0, 1, 1, 2, 3])
                open_step: Step | None = rng.choice(OPEN_STEPS)
            elif status == Trajectory.Status.CLOSED:
                achieved, open_step = rng.randint(1, 3), None
            else:
                achieved, open_step = rng.randint(0, 2), Step.STOPPED
            achieved = min(achieved, len(rungs) - (1 if open_step else 0))
            highest = rungs[achieved - 1][2] if achieved else ""
            skill_closed = closed_at if status == Trajectory.Status.CLOSED and achieved else None
            tsid = w.add(
                TrajectorySkill, org, tid, skill.pk, rng.randint(1, 5), rng.randint(1, 5), skill_closed, highest
            )
            if skill_closed:
                certified.append((tsid, skill.name, highest))
            moment = self.moment(starts)
            step_days = max(1, span // (achieved + 2))
            for n in range(achieved + (1 if open_step else 0)):
                version, _sub, _level, questions, look_back = rungs[n]
                step = Step.ACHIEVED if n < achieved else open_step
                assert step is not None
                finish = moment + timedelta(days=rng.randint(max(1, step_days // 2), step_days))
                finish = min(finish, self.now - timedelta(hours=1))
                self.assignment(ctx, tid, version, step, moment, finish, questions, look_back)
                moment = finish
        self.conversations(ctx, tid, starts, end, running)
        if running and rng.random() < 0.3:
            w.add(
                ParticipantQuestion, org, tid, "Mag ik ook een keer in de keuken werken?", self.now - timedelta(days=2)
            )
        if certified:
            self.certificates(ctx, tid, starts, end, closed_at, certified)
        w.put(Trajectory, tid, *row, self.activity)

    def active(self, at: datetime) -> None:
        if self.activity is None or at > self.activity:
            self.activity = at

    def assignment(
        self,
        ctx: tuple[Any, ...],
        tid: int,
        version: int,
        step: Step,
        start: datetime,
        finish: datetime,
        questions: int,
        look_back: int,
    ) -> None:
        rng, w = self.rng, self.w
        org, pid, _name, _dept, trainer, _pm = ctx
        stopped = step == Step.STOPPED
        reached = PATH.index(step) if not stopped else rng.randint(1, 4)
        position = rng.randint(0, questions) if step == Step.PRACTISING else 0
        pa = w.add(
            ParticipantAssignment,
            org,
            tid,
            version,
            step,
            finish,
            position,
            start,
            finish if step == Step.ACHIEVED else None,
        )
        hops = reached + (1 if stopped else 0)
        stride = (finish - start) / max(1, hops)
        previous = ""
        for k in range(reached + 1):
            at = start + stride * k
            actor = pid if PATH[k] in (Step.WORKING, Step.LOOKING_BACK) else trainer[0]
            w.add(StepChange, org, pa, previous, PATH[k], actor, at)
            previous = PATH[k]
        self.active(start + stride * reached)
        if stopped:
            w.add(StepChange, org, pa, previous, Step.STOPPED, trainer[0], finish)
            self.active(finish)
        practised = questions if reached >= 2 else position
        at = start + stride
        for q in range(practised):
            if rng.random() < 0.2:
                w.add(PracticeAnswer, org, pa, q, "0", False, at)
            w.add(PracticeAnswer, org, pa, q, "1", True, at)
            self.active(at)
        if reached >= 4:
            at = start + stride * 3
            for q in range(look_back):
                if rng.random() < 0.4:
                    w.add(LookBackAnswer, org, pa, q, rng.choice(["good", "good", "bit", "not_yet"]), "", at)
                    self.active(at)
        if reached >= 3:
            for _ in range(2 if rng.random() < 0.2 else 1):
                observed = start + stride * 2 + timedelta(hours=rng.randint(1, 48))
                self.active(observed)
                w.add(
                    Observation,
                    org,
                    pa,
                    trainer[0],
                    observed,
                    '["Vraagt om hulp"]',
                    "Ging rustig en netjes.",
                    rng.random() < 0.7,
                    rng.random() < 0.5,
                )
        if step == Step.ACHIEVED:
            if rng.random() < 0.1:
                w.add(Assessment, org, pa, trainer[0], "not_yet", finish - timedelta(days=7), None, "", None)
            second = self.coaches[rng.randrange(len(self.coaches))][0] if rng.random() < 0.3 else None
            w.add(
                Assessment,
                org,
                pa,
                trainer[0],
                "achieved",
                finish,
                second,
                "achieved" if second else "",
                finish if second else None,
            )
        elif step == Step.ASSESSING and rng.random() < 0.3:
            coach = self.coaches[rng.randrange(len(self.coaches))][0]
            w.add(Assessment, org, pa, trainer[0], "achieved", finish, coach, "", None)

    def conversations(self, ctx: tuple[Any, ...], tid: int, starts: date, end: date, running: bool) -> None:
        rng, w = self.rng, self.w
        org, pid, _name, _dept, trainer, _pm = ctx
        day = starts + timedelta(days=14)
        while day < end:
            at = self.moment(day)
            self.active(at)
            cid = w.add(
                CoachingConversation,
                org,
                tid,
                None,
                at,
                trainer[0],
                at,
                trainer[0],
                "Heeft goed geoefend met vragen stellen.",
                "Volgende keer zelf beginnen.",
                uuid.UUID(int=rng.getrandbits(128), version=4),
            )
            if running:
                w.add(self.attendees, cid, pid)
                w.add(self.attendees, cid, trainer[0])
            day += timedelta(days=rng.randint(42, 70))
        if running:
            at = self.moment(self.today + timedelta(days=rng.randint(1, 30)))
            cid = w.add(
                CoachingConversation,
                org,
                tid,
                None,
                at,
                trainer[0],
                None,
                None,
                "",
                "",
                uuid.UUID(int=rng.getrandbits(128), version=4),
            )
            w.add(self.attendees, cid, pid)
            w.add(self.attendees, cid, trainer[0])

    def certificates(
        self,
        ctx: tuple[Any, ...],
        tid: int,
        starts: date,
        end: date,
        closed_at: datetime | None,
        certified: list[tuple[int, str, str]],
    ) -> None:
        rng, w = self.rng, self.w
        org, pid, name, _dept, trainer, pm = ctx
        skills = [
            {
                "name": skill_name,
                "closed_level": level,
                "subskills": [
                    {"number": 1, "name": "Deelskill 1", "level": level, "level_description": "Doet het zelfstandig."}
                ],
            }
            for _ts, skill_name, level in certified
        ]

        def code() -> str:
            return "".join(rng.choice(CODE_ALPHABET) for _ in range(12))

        def snapshot(kind: str, items: list[dict[str, Any]]) -> str:
            return json.dumps(
                {
                    "version": SNAPSHOT_VERSION,
                    "kind": kind,
                    "participant_name": name,
                    "organization_name": "Bench-bedrijf",
                    "skills": items,
                    "period_start": starts.isoformat(),
                    "period_end": end.isoformat(),
                    "trainer_name": trainer[1],
                    "coach_name": self.coaches[0][1],
                }
            )

        for (tsid, _s, _l), item in zip(certified, skills, strict=True):
            w.add(Certificate, org, pid, tid, "skill", tsid, code(), name, snapshot("skill", [item]), closed_at, pm[0])
        w.add(
            Certificate,
            org,
            pid,
            tid,
            "trajectory",
            None,
            code(),
            name,
            snapshot("trajectory", skills),
            closed_at,
            pm[0],
        )


def generate(
    scale: float,
    seed: int = 1,
    *,
    organizations: int | None = None,
    participants: int | None = None,
    stream: Any = None,
) -> Result:
    """Write the data set and return the rows written per table and the time it took."""
    started = clock.monotonic()
    p = plan(scale, seed, organizations, participants)
    gen = Generator(seed)
    offset = Organization.objects.filter(slug__startswith="bench-").count()
    big = gen.w.tables[Organization].next_id
    bar = Progress(p.participants, stream)
    fast = _skip_foreign_key_triggers(True)
    try:
        for index, (size, running) in enumerate(zip(p.sizes, p.running, strict=True)):
            # One transaction per organisation: the deferred foreign-key checks stay small.
            with transaction.atomic():
                gen.organization(offset + index, size, running)
                gen.w.flush()
            bar.step(size)
        gen.w.finish()
    finally:
        if fast:
            _skip_foreign_key_triggers(False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Result(big_organization_id=big, seconds=clock.monotonic() - started, rows=dict(gen.w.counts))


def _skip_foreign_key_triggers(skip: bool) -> bool:
    """On PostgreSQL as superuser, skip the per-row foreign-key triggers while loading.

    The generator writes consistent ids itself, and the checks triple the load time. Without the
    right to do so (not a superuser), the load just takes longer.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET session_replication_role = {'replica' if skip else 'DEFAULT'}")
    except DatabaseError:  # not allowed (no superuser): load with the checks on
        return False
    return True
