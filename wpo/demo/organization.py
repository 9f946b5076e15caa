"""The demo organisation "Demo Werkbedrijf": people in every role and participants at different steps,
then the other parts of the demo (report history, visits and problems, meetings, certificates)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from wpo.curriculum.models import Assignment
from wpo.orgs.models import Department, Organization, Person, Role
from wpo.orgs.services import person_create
from wpo.trajectories.models import ParticipantAssignment, Phase, Step, Trajectory, TrajectorySkill, WatchRequest
from wpo.trajectories.services.watch_requests import end_of_day
from wpo.trajectories.workflow import give_assignment, move

from . import certificates, coaching, evaluations, followup, meetings, reports, signoff
from .intake import populate_demo as populate_intake

DEMO_ORG_SLUG = "demo-werkbedrijf"
DEMO_PASSWORD = "wpo-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str


DEMO_LOGINS = (
    DemoLogin("deelnemer", "deelnemer"),
    DemoLogin("werkplekopleider", "werkplekopleider"),
    DemoLogin("coach", "coach"),
    DemoLogin("projectmanager", "projectmanager"),
    DemoLogin("beheerder", "beheerder"),
    DemoLogin("redacteur", "inhoudsredacteur"),
)

# The road from 'klaargezet' to each step, as the method walks it.
ROAD = [Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK, Step.INDEPENDENT, Step.ASSESSING, Step.ACHIEVED]


def _walk(pa: ParticipantAssignment, to: Step, participant: Person, trainer: Person, start: datetime) -> None:
    when = start
    for step in ROAD[: ROAD.index(to) + 1]:
        when += timedelta(days=5)
        actor = participant if step in (Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK) else trainer
        move(pa, step, actor=actor, at=when, note="")


@transaction.atomic
def create_demo_organization() -> Organization:
    """Create the demo organisation once; a second call returns it unchanged."""
    existing = Organization.objects.filter(slug=DEMO_ORG_SLUG).first()
    if existing is not None:
        return existing
    org = create_demo_people()
    # History first (the report's two years), then what builds on it: visits and problems,
    # meetings, and certificates for the closed trajectories.
    reports.populate_demo(org)
    followup.populate_demo(org)
    meetings.populate_demo(org)
    populate_intake(org)  # phase 1: the queues of both departments, and the kick-off planned from them
    certificates.populate_demo(org)
    signoff.populate_demo(org)
    evaluations.populate_demo(org)  # phase 3: interim evaluations, an extension, the final evaluation
    # Last: the coaching rhythm over every running trajectory the parts above built, and the triage.
    coaching.populate_demo(org)
    return org


@transaction.atomic
def create_demo_people() -> Organization:
    """The organisation with its two departments, one login per role and five participants at
    different steps; nothing of the other parts of the demo."""
    org = Organization.objects.create(name="Demo Werkbedrijf", slug=DEMO_ORG_SLUG)
    inpak = Department.objects.create(organization=org, name="Inpak en montage", agreed_capacity=4)
    groen = Department.objects.create(organization=org, name="Groenvoorziening", agreed_capacity=3)

    def person(username: str, first: str, last: str, roles: list[Role], dept: Department | None, number: str) -> Person:
        return person_create(
            organization=org,
            first_name=first,
            last_name=last,
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@demo.invalid" if Role.PARTICIPANT not in roles else "",
            department=dept,
            employee_number=number,
            roles=roles,
        )

    trainer = person("werkplekopleider", "Ahmed", "Benali", [Role.TRAINER], inpak, "1001")
    trainer2 = person("werkplekopleider2", "Ingrid", "de Boer", [Role.TRAINER], groen, "1002")
    person("coach", "Marloes", "Verbeek", [Role.COACH], None, "1003")
    person("projectmanager", "Richard", "Hoekstra", [Role.PROJECT_MANAGER], None, "1004")
    person("beheerder", "Yvonne", "Smit", [Role.ADMINISTRATOR], None, "1005")
    editor = person("redacteur", "Els", "Kramer", [Role.CONTENT_EDITOR], None, "1006")
    # The demo editor may also edit the national curriculum, to show the whole editing flow.
    editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))

    participants = [
        ("deelnemer", "Sanne", "de Vries", inpak, trainer, "overleggen", Step.WORKING),
        ("mohamed", "Mohamed", "El Idrissi", inpak, trainer, "instructies-volgen", Step.INTRODUCED),
        ("joyce", "Joyce", "Pinas", inpak, trainer, "afspraak-is-afspraak", Step.LOOKING_BACK),
        ("piotr", "Piotr", "Nowak", groen, trainer2, "positief-blijven", Step.INDEPENDENT),
        ("fatma", "Fatma", "Yilmaz", groen, trainer2, "omgaan-met-feedback", Step.ASSESSING),
    ]
    now = timezone.now()
    for i, (username, first, last, dept, their_trainer, skill_code, step) in enumerate(participants):
        p = person(username, first, last, [Role.PARTICIPANT], dept, f"20{i:02d}")
        p.trainers.add(their_trainer, through_defaults={"organization": org})
        start = now - timedelta(weeks=8)
        trajectory = Trajectory.objects.create(
            organization=org,
            participant=p,
            trainer=their_trainer,
            department=dept,
            starts_on=start.date(),
            ends_on=(start + timedelta(days=180)).date(),
            phase=Phase.LEARN_WORK,
        )
        assignments = list(
            Assignment.objects.filter(subskill__skill__code=skill_code, subskill__skill__organization=None)
            .select_related("current_version", "subskill__skill")
            .order_by("subskill__number", "level")
        )
        versions = [a.current_version for a in assignments if a.current_version is not None]
        if not versions:
            continue  # curriculum not loaded yet: the trajectory exists without assignments
        TrajectorySkill.objects.create(
            organization=org,
            trajectory=trajectory,
            skill=assignments[0].subskill.skill,
            self_rating=2,
            trainer_rating=2,
        )
        if username == "deelnemer":
            # Sanne already achieved level A and now works on level B.
            first_pa = give_assignment(trajectory, versions[0], actor=their_trainer, at=start)
            _walk(first_pa, Step.ACHIEVED, p, their_trainer, start)
            second_start = start + timedelta(days=35)
            pa = give_assignment(trajectory, versions[1], actor=their_trainer, at=second_start)
            _walk(pa, step, p, their_trainer, second_start)
            # At work on her task, she just asked Ahmed "Kijk je mee?": at the top of his Mijn deelnemers
            # today (a request lapses at the end of its day).
            WatchRequest.objects.create(
                organization=org,
                participant_assignment=pa,
                asked_at=now - timedelta(minutes=15),
                when=WatchRequest.When.NOW,
                expires_at=end_of_day(now),
            )
        else:
            # Joyce had her first assignment three weeks after the start, when she had settled in.
            given = start + timedelta(days=21) if username == "joyce" else start
            pa = give_assignment(trajectory, versions[0], actor=their_trainer, at=given)
            if step != Step.INTRODUCED:
                _walk(pa, step, p, their_trainer, given)
    return org
