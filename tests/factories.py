"""Named people and a small world to test against."""

from dataclasses import dataclass
from datetime import date, timedelta
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
    dept = Department.objects.create(organization=org, name=f"Inpak {name}")
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
