"""Named people and a small world to test against."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import count
from pathlib import Path

import yaml

from wpo.curriculum import content_format
from wpo.curriculum.models import Assignment, AssignmentVersion, Skill, SubSkill
from wpo.orgs.models import Department, Organization, Person, Role
from wpo.orgs.services import person_create
from wpo.trajectories.models import ParticipantAssignment, Trajectory, TrajectorySkill
from wpo.trajectories.workflow import give_assignment

PASSWORD = "Werkplek-2026!"
# Real, valid assignment text (content/assignments/overleggen/1-A.yaml) for test skills.
SAMPLE_CONTENT = content_format.check_assignment(
    yaml.safe_load((Path(__file__).resolve().parents[1] / "content/assignments/overleggen/1-A.yaml").read_text()),
    content_format.Checker("sample"),
)
_seq = count(1)


def make_person(org: Organization, roles: list[Role], dept: Department | None = None, **kw: str) -> Person:
    n = next(_seq)
    first = kw.pop("first_name", f"Voornaam{n}")
    return person_create(
        organization=org,
        first_name=first,
        last_name=kw.pop("last_name", f"Achternaam{n}"),
        username=kw.pop("username", f"user{n}"),
        email=kw.pop("email", f"user{n}@example.org"),
        password=PASSWORD,
        department=dept,
        roles=roles,
        **kw,  # type: ignore[arg-type]
    )


def make_skill(org: Organization | None = None, code: str | None = None) -> Skill:
    n = next(_seq)
    skill = Skill.objects.create(
        organization=org,
        code=code or f"skill-{n}",
        name=f"Skill {n}",
        order=n,
        explanation="Uitleg.",
        pictogram_svg='<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><title>x</title></svg>',
    )
    for number in (1, 2):
        sub = SubSkill.objects.create(
            skill=skill,
            number=number,
            name=f"Deelskill {number}",
            description="d",
            level_a="a",
            level_b="b",
            level_c="c",
        )
        for level in "ABC":
            a = Assignment.objects.create(subskill=sub, level=level)
            title = f"Opdracht {number}-{level}"
            content = {**SAMPLE_CONTENT, "skill": skill.code, "subskill": number, "level": level, "title": title}
            v = AssignmentVersion.objects.create(assignment=a, number=1, title=title, content=content)
            a.current_version = v
            a.save()
    return skill


@dataclass
class World:
    """One organisation with a person in each role and one running trajectory."""

    org: Organization
    department: Department
    participant: Person
    trainer: Person
    coach: Person
    project_manager: Person
    administrator: Person
    content_editor: Person
    skill: Skill
    trajectory: Trajectory
    pa: ParticipantAssignment

    def by_role(self, role: Role) -> Person:
        return {
            Role.PARTICIPANT: self.participant,
            Role.TRAINER: self.trainer,
            Role.COACH: self.coach,
            Role.PROJECT_MANAGER: self.project_manager,
            Role.ADMINISTRATOR: self.administrator,
            Role.CONTENT_EDITOR: self.content_editor,
        }[role]


def make_world(name: str) -> World:
    org = Organization.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    return world_in(org, f"Inpak {name}")


def world_in(org: Organization, department: str) -> World:
    """What ``make_world`` makes, inside an organisation that exists already (the demo, say)."""
    dept = Department.objects.create(organization=org, name=department)
    trainer = make_person(org, [Role.TRAINER], dept)
    participant = make_person(org, [Role.PARTICIPANT], dept)
    participant.trainers.add(trainer, through_defaults={"organization": org})
    skill = make_skill(org)
    trajectory = Trajectory.objects.create(
        organization=org,
        participant=participant,
        trainer=trainer,
        department=dept,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=120),
    )
    TrajectorySkill.objects.create(organization=org, trajectory=trajectory, skill=skill)
    version = Assignment.objects.filter(subskill__skill=skill).first().current_version  # type: ignore[union-attr]
    pa = give_assignment(trajectory, version, actor=trainer)  # type: ignore[arg-type]
    return World(
        org=org,
        department=dept,
        participant=participant,
        trainer=trainer,
        coach=make_person(org, [Role.COACH]),
        project_manager=make_person(org, [Role.PROJECT_MANAGER]),
        administrator=make_person(org, [Role.ADMINISTRATOR]),
        content_editor=make_person(org, [Role.CONTENT_EDITOR]),
        skill=skill,
        trajectory=trajectory,
        pa=pa,
    )


def all_roles(org: Organization) -> Person:
    """An outsider who holds every role in their own organisation."""
    return make_person(org, list(Role))


# The project manager's report (tests/test_reports*.py, tests/browser/test_report_journey.py) -----


def make_report_trajectory(
    org: Organization,
    department: Department,
    trainer: Person,
    starts_on: date,
    *,
    status: str = Trajectory.Status.ACTIVE,
    closed_at: datetime | None = None,
    stop_reason: str = "",
) -> Trajectory:
    """A trajectory of a new participant, possibly ended (closed or stopped) at ``closed_at``."""
    participant = make_person(org, [Role.PARTICIPANT], department)
    return Trajectory.objects.create(
        organization=org,
        participant=participant,
        trainer=trainer,
        department=department,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=180),
        status=status,
        closed_at=closed_at,
        stop_reason=stop_reason,
    )


def make_report_assignment(
    trajectory: Trajectory,
    skill: Skill,
    level: str,
    created_at: datetime,
    achieved_at: datetime | None = None,
    *,
    subskill: int = 1,
) -> ParticipantAssignment:
    """An assignment of ``skill`` at ``level``: achieved at ``achieved_at``, or still being worked on."""
    version = Assignment.objects.get(subskill__skill=skill, subskill__number=subskill, level=level).current_version
    return ParticipantAssignment.objects.create(
        organization=trajectory.organization,
        trajectory=trajectory,
        version=version,
        step="achieved" if achieved_at else "working",
        step_since=achieved_at or created_at,
        created_at=created_at,
        achieved_at=achieved_at,
    )


def generate_report_history(
    org: Organization, departments: list[Department], trainer: Person, skills: list[Skill], n: int, seed: int = 1
) -> None:
    """``n`` participants with trajectories over the last three years, in bulk: some running, some
    closed with achieved assignments and closed skills, some stopped with a reason."""
    import random

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    rng = random.Random(seed)
    tz = timezone.get_default_timezone()
    today = timezone.localdate()
    first = Person.objects.count()
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"rapport-{org.pk}-{seed}-{first + i}", first_name="Deelnemer", last_name="Bulk")
            for i in range(n)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(organization=org, user=u, is_participant=True, department=departments[i % len(departments)])
            for i, u in enumerate(users)
        ]
    )
    trajectories = []
    for i, p in enumerate(people):
        starts_on = today - timedelta(days=rng.randint(0, 1000))
        fate = rng.choice(["active", "closed", "closed", "stopped"])
        if fate == "active" or (today - starts_on).days < 30:
            status, closed_at = Trajectory.Status.ACTIVE, None
        else:
            status = Trajectory.Status.CLOSED if fate == "closed" else Trajectory.Status.STOPPED
            ended = starts_on + timedelta(days=rng.randint(20, max(21, (today - starts_on).days)))
            closed_at = datetime.combine(ended, time(rng.randint(8, 17)), tzinfo=tz)
        trajectories.append(
            Trajectory(
                organization=org,
                participant=p,
                trainer=trainer,
                department=departments[i % len(departments)],
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=270),
                status=status,
                closed_at=closed_at,
                stop_reason=rng.choice(["Verhuisd", "Ziek", "Ander werk gevonden", ""]) if fate == "stopped" else "",
            )
        )
    trajectories = Trajectory.objects.bulk_create(trajectories)
    versions = {
        (a.subskill.skill_id, a.level): a.current_version
        for a in Assignment.objects.filter(subskill__skill__in=skills, subskill__number=1).select_related("subskill")
    }
    chosen, assignments = [], []
    for t in trajectories:
        skill = skills[t.pk % len(skills)]
        start = datetime.combine(t.starts_on, time(9), tzinfo=tz)
        end = t.closed_at or timezone.now()
        level_count = rng.randint(1, 3) if t.status == Trajectory.Status.CLOSED else rng.randint(0, 2)
        moment = start
        for level in "ABC"[:level_count]:
            achieved = min(moment + timedelta(days=rng.randint(7, 60)), end)
            assignments.append(
                ParticipantAssignment(
                    organization=org,
                    trajectory=t,
                    version=versions[(skill.pk, level)],
                    step="achieved",
                    step_since=achieved,
                    created_at=moment,
                    achieved_at=achieved,
                )
            )
            moment = achieved
        if t.status == Trajectory.Status.ACTIVE:
            assignments.append(
                ParticipantAssignment(
                    organization=org,
                    trajectory=t,
                    version=versions[(skill.pk, "ABC"[min(level_count, 2)])],
                    step="working",
                    step_since=moment,
                    created_at=moment,
                )
            )
        closed = t.status == Trajectory.Status.CLOSED and level_count
        chosen.append(
            TrajectorySkill(
                organization=org,
                trajectory=t,
                skill=skill,
                closed_at=t.closed_at if closed else None,
                highest_level="ABC"[level_count - 1] if closed else "",
            )
        )
    TrajectorySkill.objects.bulk_create(chosen)
    ParticipantAssignment.objects.bulk_create(assignments)


# Meetings (tests/test_meetings*.py, tests/browser/test_meetings_journey.py) -----------------------


def make_meeting(
    org: Organization,
    organiser: Person,
    invitees: list[Person],
    *,
    kind: str = "intervision",
    starts_at: datetime | None = None,
    title: str = "Intervisie werkplekopleiders",
    location: str = "Vergaderruimte 2",
):  # -> Meeting, imported here so this file's imports stay as they are
    """A meeting written straight to the database (no e-mail), by default in a week at 13:30."""
    from django.utils import timezone

    from wpo.meetings.models import Meeting, MeetingAttendance

    meeting = Meeting.objects.create(
        organization=org,
        kind=kind,
        title=title,
        starts_at=starts_at or timezone.make_aware(datetime.combine(date.today() + timedelta(days=7), time(13, 30))),
        duration_minutes=90,
        location=location,
        agenda="1. Welkom",
        organiser=organiser,
    )
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(organization=org, meeting=meeting, person=p) for p in invitees
    )
    return meeting


# Department visits and problems (tests/test_followup*.py, tests/browser/test_followup_journey.py) --


def make_visit(
    org: Organization,
    coach: Person,
    department: Department,
    *,
    days_from_now: int = 7,
    held: bool = False,
    trainers: list[Person] | None = None,
):  # -> DepartmentVisit, imported here so this file's imports stay as they are
    """A department visit written straight to the database, at 10:00 ``days_from_now`` days from
    today: planned, or (``held``) held that day with a note."""
    from django.utils import timezone

    from wpo.followup.models import DepartmentVisit

    day = date.today() + timedelta(days=days_from_now)
    visit = DepartmentVisit.objects.create(
        organization=org,
        department=department,
        coach=coach,
        planned_at=timezone.make_aware(datetime.combine(day, time(10, 0))),
        purpose="Kijken hoe het gaat op de afdeling.",
        status=DepartmentVisit.Status.HELD if held else DepartmentVisit.Status.PLANNED,
        held_on=day if held else None,
        notes_seen="Het WPO-bord is bijgewerkt." if held else "",
        recorded_by=coach if held else None,
    )
    visit.trainers.set(trainers or [])
    return visit


def make_problem(raised_by: Person, *, title: str = "Geen rustige ruimte voor gesprekken", **kw):  # -> Problem
    """A new problem (status ‘nieuw’) raised through the workflow, with its first history row."""
    from wpo.followup.workflow import raise_problem

    return raise_problem(actor=raised_by, title=title, description=kw.pop("description", "Het is te druk."), **kw)


# Certificates (tests/test_certificates*.py, tests/browser/test_certificates_journey.py) -------------


def achieve(world: World, pa: ParticipantAssignment | None = None) -> ParticipantAssignment:
    """Walk an assignment (the world's own by default) through the workflow to ‘behaald’."""
    from wpo.trajectories.models import Step
    from wpo.trajectories.services.signoff import assessment_record
    from wpo.trajectories.workflow import move

    pa = pa or world.pa
    road = [Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK, Step.INDEPENDENT, Step.ASSESSING]
    start = road.index(Step(pa.step)) + 1 if pa.step in road else 0
    for step in road[start:]:
        move(pa, step, actor=world.participant if step in road[:3] else world.trainer)
    assessment_record(pa, assessor=world.trainer, judgement="achieved")
    return pa


def make_certificate(world: World):  # -> Certificate, imported here so this file's imports stay as they are
    """The world's assignment achieved and its skill closed at level A by the coach: the skill certificate."""
    from wpo.certificates.models import Certificate
    from wpo.trajectories.services.signoff import skill_close

    achieve(world)
    chosen = world.trajectory.chosen_skills.get()
    skill_close(chosen, actor=world.coach, level="A")
    return Certificate.objects.get(trajectory_skill=chosen)


def make_certificate_batch(world: World):  # -> CertificateBatch
    """A queued print batch of organisation A holding one certificate."""
    from wpo.certificates.models import CertificateBatch

    certificate = make_certificate(world)
    batch = CertificateBatch.objects.create(
        organization=world.org, created_by=world.coach, total=1, base_url="http://testserver"
    )
    batch.certificates.set([certificate])
    return batch


def make_interest(world: World, employee: Person | None = None, department: Department | None = None):  # -> Interest
    """An employee of ``world`` put forward by its coach, to be guided by its trainer (status ‘belangstelling’)."""
    from wpo.intake.services import interest_put_forward

    department = department or world.department
    return interest_put_forward(
        actor=world.coach,
        department=department,
        trainer=world.trainer,
        source="coach",
        employee=employee or make_person(world.org, [], department),
    )


def make_invitation(user, organization: Organization | None = None, days: int = 7) -> str:  # type: ignore[no-untyped-def]
    """An unused invitation link for ``user``; returns the token (only its hash is stored)."""
    import secrets

    from django.utils import timezone

    from wpo.service.models import Invitation, token_hash

    token = secrets.token_urlsafe(32)
    now = timezone.now()
    Invitation.objects.create(
        user=user,
        organization=organization,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return token


def make_operator(username: str = "", *, with_app: bool = True):  # type: ignore[no-untyped-def]  # -> ServiceOperator
    """A service-desk operator (no person of any organisation), with a confirmed authenticator app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wpo.service.services import operator_create

    operator = operator_create(username=username or f"operator{next(_seq)}", email="", password=PASSWORD)
    if with_app:
        TOTPDevice.objects.create(user=operator.user, name="authenticator", confirmed=True)
    return operator


def login_operator(client, operator, *, verified: bool = True):  # type: ignore[no-untyped-def]
    """Log ``operator`` in; ``verified``: as if they typed a code of their app in this session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(operator.user)
    if verified:
        device = TOTPDevice.objects.filter(user=operator.user, confirmed=True).get()
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
