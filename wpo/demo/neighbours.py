"""The demo's smaller organisations, so that the country's figures (wpo.national) have a country.

"Werkbedrijf De Brug" is the second demo organisation, with its own logins (``brug-coach`` and so on,
password as the others). Two more, "Werkbedrijf Oost" and "Werkbedrijf West", have no logins: they are
there because a national figure is shown only when it is about at least three organisations, and beside
an organisation's own figure only when the other organisations are at least three (wpo/national/
suppression.py). Each has eight participants: four started about twenty weeks ago (mostly the last
whole quarter) and achieved level A, four started eight weeks ago and are on their way. With eight
participants every figure of such an organisation on its own is about fewer than ten people, so its
project manager sees its own column as "—": suppression as it is meant to be seen.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from wpo.curriculum.models import Assignment
from wpo.orgs.models import Department, Organization, Person, Role
from wpo.orgs.services import person_create
from wpo.trajectories.models import Phase, Step, Trajectory, TrajectorySkill
from wpo.trajectories.workflow import give_assignment, move

ROAD = [Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK, Step.INDEPENDENT, Step.ASSESSING, Step.ACHIEVED]
SKILLS = ["overleggen", "positief-blijven", "instructies-volgen", "afspraak-is-afspraak"]
NAMES = [
    ("Noah", "Peeters"),
    ("Lisa", "Wouters"),
    ("Omar", "Haddou"),
    ("Eva", "Schouten"),
    ("Jesse", "Dekker"),
    ("Zeynep", "Öztürk"),
    ("Ruben", "Vos"),
    ("Mila", "Prins"),
]


@dataclass(frozen=True)
class Neighbour:
    name: str
    slug: str
    prefix: str  # of every username
    department: str
    with_logins: bool


SECOND = Neighbour("Werkbedrijf De Brug", "demo-de-brug", "brug", "Productie", with_logins=True)
NEIGHBOURS = (
    SECOND,
    Neighbour("Werkbedrijf Oost", "demo-oost", "oost", "Montage", with_logins=False),
    Neighbour("Werkbedrijf West", "demo-west", "west", "Schoonmaak", with_logins=False),
)
# The second organisation's logins, printed by ``load_demo`` as the first organisation's are.
SECOND_LOGINS = (
    ("deelnemer", f"{SECOND.prefix}-deelnemer"),
    ("werkplekopleider", f"{SECOND.prefix}-werkplekopleider"),
    ("coach", f"{SECOND.prefix}-coach"),
    ("projectmanager", f"{SECOND.prefix}-projectmanager"),
    ("beheerder", f"{SECOND.prefix}-beheerder"),
)


def _versions(code: str) -> list[Assignment]:
    assignments = (
        Assignment.objects.filter(subskill__skill__code=code, subskill__skill__organization=None)
        .select_related("current_version", "subskill__skill")
        .order_by("subskill__number", "level")
    )
    return [a for a in assignments if a.current_version is not None]


@transaction.atomic
def create_neighbour(spec: Neighbour, password: str) -> Organization:
    """Create the organisation once; a second call returns it unchanged."""
    existing = Organization.objects.filter(slug=spec.slug).first()
    if existing is not None:
        return existing
    org = Organization.objects.create(name=spec.name, slug=spec.slug)
    department = Department.objects.create(organization=org, name=spec.department, agreed_capacity=8)

    def person(role: str, first: str, last: str, roles: list[Role], number: str) -> Person:
        username = f"{spec.prefix}-{role}"
        return person_create(
            organization=org,
            first_name=first,
            last_name=last,
            username=username,
            password=password if spec.with_logins else None,
            email=f"{username}@demo.invalid" if Role.PARTICIPANT not in roles else "",
            department=department if Role.PARTICIPANT in roles or Role.TRAINER in roles else None,
            employee_number=number,
            roles=roles,
        )

    trainer = person("werkplekopleider", "Kees", f"van {spec.name.split()[-1]}", [Role.TRAINER], "501")
    person("coach", "Wendy", "Hermans", [Role.COACH], "502")
    person("projectmanager", "Arjen", "Kuipers", [Role.PROJECT_MANAGER], "503")
    person("beheerder", "Ilona", "Bosman", [Role.ADMINISTRATOR], "504")
    now = timezone.now()
    for i, (first, last) in enumerate(NAMES):
        role = "deelnemer" if i == 0 else f"deelnemer-{i + 1}"
        participant = person(role, first, last, [Role.PARTICIPANT], f"6{i:02d}")
        participant.trainers.add(trainer, through_defaults={"organization": org})
        early = i % 2 == 1  # four started about twenty weeks ago, four eight weeks ago
        start = now - timedelta(weeks=20 if early else 8, days=i)
        trajectory = Trajectory.objects.create(
            organization=org,
            participant=participant,
            trainer=trainer,
            department=department,
            starts_on=start.date(),
            ends_on=(start + timedelta(days=270)).date(),
            phase=Phase.LEARN_WORK,
        )
        assignments = _versions(SKILLS[i % len(SKILLS)])
        if not assignments:
            continue  # no curriculum loaded: the trajectory exists without assignments
        TrajectorySkill.objects.create(
            organization=org,
            trajectory=trajectory,
            skill=assignments[0].subskill.skill,
            self_rating=2,
            trainer_rating=3,
        )
        version = assignments[0].current_version
        assert version is not None
        pa = give_assignment(trajectory, version, actor=trainer, at=start)
        road = ROAD if early else ROAD[: 1 + i % 3]
        when = start
        for step in road:
            when += timedelta(days=5)
            move(pa, step, actor=participant if step in ROAD[:3] else trainer, at=when, note="")
    return org
