"""The country's figures (wpo.national): exact numbers on a small known data set, suppression,
who may read them, and the pages' query counts."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from time_machine import TimeMachineFixture

from wpo.curriculum.models import AssignmentVersion
from wpo.national.models import Measure, NationalFigure
from wpo.national.services import median_days, national_figures_compute
from wpo.orgs.models import Department, Organization, Person, Role
from wpo.orgs.services import person_create
from wpo.trajectories.models import Assessment, ParticipantAssignment, Step, Trajectory, TrajectorySkill

from .conftest import login
from .factories import World, make_person, make_skill

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour), TZ)


@pytest.fixture
def in_may_2026(time_machine: TimeMachineFixture) -> None:
    """Q2 2026: the eight quarters are Q3 2024 up to Q2 2026, the last whole one Q1 2026."""
    time_machine.move_to(at(date(2026, 5, 15), 12), tick=False)


def national_editor(org: Organization) -> Person:
    editor = make_person(org, [Role.CONTENT_EDITOR])
    editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    return editor


class Country:
    """Four organisations with 10, 4, 3 and 1 participants, all started in January 2026.

    Each participant achieved one level-A assignment in Q1 2026 after ``DAYS`` days; all chose
    skill S1, the first five of A, all of B and one of C chose S2 as well, D's one chose S3. Twelve
    assessments (A 5, B 4, C 3) got a blind second judgement in Q1 2026; three of them differed.
    Two of A's and one of B's trajectories were closed in April (Q2), and one of A's achieved a
    level-B assignment in April.
    """

    SIZES = {"A": 10, "B": 4, "C": 3, "D": 1}
    DAYS = {
        "A": [14, 14, 21, 21, 28, 28, 28, 35, 35, 35],
        "B": [7, 7, 35, 35],
        "C": [14, 42, 42],
        "D": [70],
    }

    def __init__(self) -> None:
        self.s1, self.s2, self.s3 = (make_skill(None, code=f"s{n}") for n in (1, 2, 3))
        self.orgs: dict[str, Organization] = {}
        self.managers: dict[str, Person] = {}
        for n, (name, size) in enumerate(self.SIZES.items()):
            org = Organization.objects.create(name=f"Werkbedrijf {name}", slug=f"wb-{name.lower()}")
            self.orgs[name] = org
            dept = Department.objects.create(organization=org, name=f"Afdeling {name}")
            trainer = make_person(org, [Role.TRAINER], dept)
            coach = make_person(org, [Role.COACH])
            self.managers[name] = make_person(org, [Role.PROJECT_MANAGER])
            for i in range(size):
                participant = person_create(
                    organization=org, first_name=f"D{name}{i}", last_name="X", roles=[Role.PARTICIPANT], department=dept
                )
                t = Trajectory.objects.create(
                    organization=org,
                    participant=participant,
                    trainer=trainer,
                    department=dept,
                    starts_on=date(2026, 1, 5 + n),
                    ends_on=date(2026, 12, 31),
                )
                TrajectorySkill.objects.create(organization=org, trajectory=t, skill=self.s1)
                if (name == "A" and i < 5) or name == "B" or (name == "C" and i == 0):
                    TrajectorySkill.objects.create(organization=org, trajectory=t, skill=self.s2)
                if name == "D":
                    TrajectorySkill.objects.create(organization=org, trajectory=t, skill=self.s3)
                given = at(date(2026, 1, 12))
                pa = self.achieved(t, "A", given, given + timedelta(days=self.DAYS[name][i]))
                if name != "D" and (name != "A" or i < 5):
                    Assessment.objects.create(
                        organization=org,
                        participant_assignment=pa,
                        assessor=trainer,
                        judgement="achieved",
                        assessed_at=at(date(2026, 3, 1)),
                        second_assessor=coach,
                        second_judgement="not_yet" if i == 0 else "achieved",
                        second_assessed_at=at(date(2026, 3, 2)),
                    )
                if (name == "A" and i < 2) or (name == "B" and i == 0):
                    t.status, t.closed_at = Trajectory.Status.CLOSED, at(date(2026, 4, 20))
                    t.save(update_fields=["status", "closed_at"])
                if name == "A" and i == 9:
                    self.achieved(t, "B", at(date(2026, 3, 30)), at(date(2026, 4, 10)))

    def achieved(self, t: Trajectory, level: str, given: datetime, done: datetime) -> ParticipantAssignment:
        version = AssignmentVersion.objects.get(
            assignment__subskill__skill=self.s1, assignment__subskill__number=1, assignment__level=level
        )
        return ParticipantAssignment.objects.create(
            organization=t.organization,
            trajectory=t,
            version=version,
            step=Step.ACHIEVED,
            step_since=done,
            created_at=given,
            achieved_at=done,
        )


def row(org: Organization | None, y: int, q: int, measure: str, key: str = "") -> NationalFigure:
    return NationalFigure.objects.get(organization=org, year=y, quarter=q, measure=measure, key=key)


@pytest.fixture
def country(in_may_2026: None) -> Country:
    c = Country()
    national_figures_compute()
    return c


# The computation --------------------------------------------------------------------------------


def test_the_national_figures_of_a_known_country(country: Country) -> None:
    started = row(None, 2026, 1, Measure.STARTED)
    assert (started.value, started.people_count, started.org_count, started.suppressed) == (18, 18, 4, False)
    assert row(None, 2026, 1, Measure.ORGANISATIONS).value == 4
    assert row(None, 2026, 1, Measure.ACTIVE).value == 18
    assert row(None, 2026, 2, Measure.ACTIVE).value == 18  # closed in April: still running in Q2
    level_a = row(None, 2026, 1, Measure.LEVEL_REACHED, "A")
    assert (level_a.value, level_a.people_count, level_a.org_count) == (18, 18, 4)
    # 7 7 14 14 14 21 21 28 [28 28] 35 35 35 35 35 42 42 70: the middle two are 28 days.
    assert row(None, 2026, 1, Measure.MEDIAN_WEEKS, "A").value == 4.0
    judged = row(None, 2026, 1, Measure.SECOND_JUDGED)
    assert (judged.value, judged.people_count, judged.org_count) == (12, 12, 3)
    assert row(None, 2026, 1, Measure.SECOND_DIFFERED).value == 25.0  # 3 of 12
    assert row(None, 2026, 1, Measure.SKILL_CHOSEN, "s1").value == 18
    # Nothing before 2026: no rows, and no quarter outside the eight.
    assert not NationalFigure.objects.filter(year__lt=2024).exists()
    assert not NationalFigure.objects.filter(year=2026, quarter=1, measure=Measure.STOPPED).exists()


def test_an_organisations_own_figures(country: Country) -> None:
    a, b = country.orgs["A"], country.orgs["B"]
    assert row(a, 2026, 1, Measure.STARTED).value == 10
    # 14 14 21 21 [28 28] 28 35 35 35
    assert row(a, 2026, 1, Measure.MEDIAN_WEEKS, "A").value == 4.0
    # Four people: suppressed, and the value is not stored at all.
    small = row(b, 2026, 1, Measure.STARTED)
    assert small.suppressed and small.value is None and small.people_count == 4


def test_too_few_people_or_organisations_is_suppressed(country: Country) -> None:
    finished = row(None, 2026, 2, Measure.FINISHED)  # three people in two organisations
    assert finished.suppressed and finished.value is None
    level_b = row(None, 2026, 2, Measure.LEVEL_REACHED, "B")  # one person
    assert level_b.suppressed and level_b.value is None
    median_b = row(None, 2026, 2, Measure.MEDIAN_WEEKS, "B")
    assert median_b.suppressed and median_b.value is None


def test_one_hidden_cell_of_a_breakdown_takes_the_smallest_other_with_it(country: Country) -> None:
    # S3 is one person in one organisation; S2 (10 people, 3 organisations) would be shown on its own, but
    # the number of skill choices minus S1 and S2 would give S3 away.
    assert row(None, 2026, 1, Measure.SKILL_CHOSEN, "s3").suppressed
    assert row(None, 2026, 1, Measure.SKILL_CHOSEN, "s2").suppressed
    assert row(None, 2026, 1, Measure.SKILL_CHOSEN, "s1").value == 18
    # Within organisation A: S2 (5 people) hidden, so S1 (10) too.
    assert row(country.orgs["A"], 2026, 1, Measure.SKILL_CHOSEN, "s2").suppressed
    assert row(country.orgs["A"], 2026, 1, Measure.SKILL_CHOSEN, "s1").suppressed


def test_a_second_run_replaces_the_quarters_and_an_organisations_own_skill_is_never_counted(
    country: Country,
) -> None:
    before = NationalFigure.objects.count()
    own = make_skill(country.orgs["A"], code="eigen-skill")
    TrajectorySkill.objects.create(
        organization=country.orgs["A"],
        trajectory=Trajectory.objects.filter(organization=country.orgs["A"]).first(),
        skill=own,
    )
    national_figures_compute()
    assert NationalFigure.objects.count() == before
    assert not NationalFigure.objects.filter(key="eigen-skill").exists()


def test_the_median_of_a_histogram() -> None:
    assert median_days({}) is None
    assert median_days({5: 1}) == 5
    assert median_days({1: 1, 3: 1}) == 2
    assert median_days({1: 2, 9: 1}) == 1
    assert median_days({2: 1, 4: 2, 10: 1}) == 4


def test_the_number_of_queries_does_not_grow_with_the_data(country: Country) -> None:
    with CaptureQueriesContext(connection) as small:
        national_figures_compute()
    extra = Organization.objects.create(name="Nog een", slug="nog-een")
    dept = Department.objects.create(organization=extra, name="X")
    trainer = make_person(extra, [Role.TRAINER], dept)
    for i in range(15):
        p = person_create(organization=extra, first_name=f"E{i}", last_name="Y", roles=[Role.PARTICIPANT])
        t = Trajectory.objects.create(
            organization=extra,
            participant=p,
            trainer=trainer,
            department=dept,
            starts_on=date(2025, 3 + i % 9, 1),
            ends_on=date(2026, 12, 1),
        )
        TrajectorySkill.objects.create(organization=extra, trajectory=t, skill=country.s2)
    with CaptureQueriesContext(connection) as large:
        national_figures_compute()
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_command_and_the_nightly_task(country: Country, capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from wpo.national import tasks

    NationalFigure.objects.all().delete()
    call_command("compute_national_figures")
    assert "Landelijke cijfers berekend voor 8 kwartalen" in capsys.readouterr().out
    assert row(None, 2026, 1, Measure.STARTED).value == 18
    call_command("schedule_national_figures")
    call_command("schedule_national_figures")  # the second finds the first waiting
    waiting = DBTaskResult.objects.filter(task_path=tasks.compute_national_figures.module_path, status="READY")
    assert waiting.count() == 1
    assert timezone.localtime(waiting.get().run_after) == at(date(2026, 5, 16), 4)


# Who sees it ------------------------------------------------------------------------------------


def test_the_method_owners_editor_sees_the_national_page_and_its_csv(country: Country, client: Client) -> None:
    editor = national_editor(Organization.objects.create(name="Methode-eigenaar", slug="methode"))
    login(client, editor)
    body = client.get(reverse("national:figures")).content.decode()
    assert "Landelijke cijfers" in body and "<svg" in body
    assert "te weinig om te tonen" in body and "—" in body
    assert 'href="/landelijk/"' in body  # in the menu
    # No organisation is named on the page.
    for org in country.orgs.values():
        assert org.name not in body
    csv_text = client.get(reverse("national:export_csv")).content.decode("utf-8-sig")
    assert "K1 2026;Gestarte trajecten;;18" in csv_text
    assert "K2 2026;Afgeronde trajecten;;te weinig om te tonen" in csv_text
    # A quarter chosen in the table shows its skills; an unknown one says so and shows the last.
    chosen = client.get(reverse("national:figures") + "?kwartaal=2026-1").content.decode()
    assert "Skills en niveaus in K1 2026" in chosen
    unknown = client.get(reverse("national:figures") + "?kwartaal=1999-9").content.decode()
    assert "Dat kwartaal kennen we niet" in unknown and "Skills en niveaus in K2 2026" in unknown


@pytest.mark.parametrize("role", list(Role))
def test_every_organisation_role_without_the_national_permission_is_refused(
    role: Role, world: World, client: Client
) -> None:
    login(client, world.by_role(role))
    assert client.get(reverse("national:figures")).status_code == 403
    assert client.get(reverse("national:export_csv")).status_code == 403


def test_someone_not_logged_in_is_sent_to_the_login_page(client: Client, db: None) -> None:
    response = client.get(reverse("national:figures"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_project_manager_sees_their_own_beside_the_national_and_nobody_elses(
    country: Country, client: Client
) -> None:
    # B: its own figures are about four people ("—"); the other organisations are 14 people in 3.
    login(client, country.managers["B"])
    body = client.get(reverse("reports:report")).content.decode()
    assert "Uw organisatie en landelijk" in body and "K1 2026" in body
    section = body.split('id="landelijk-kop"')[1].split("</section>")[0]
    started = section.split("Gestarte trajecten")[1].split("</tr>")[0]
    assert "te weinig om te tonen" in started and ">18<" in started  # own hidden, national 18
    for other in ("A", "C", "D"):
        assert country.orgs[other].name not in body


def test_national_minus_ones_own_is_never_too_small(country: Country, client: Client) -> None:
    # A has 10 of the 18 who started: the other 8 are too few, so the national figure is hidden beside A's.
    login(client, country.managers["A"])
    body = client.get(reverse("reports:report")).content.decode()
    section = body.split('id="landelijk-kop"')[1].split("</section>")[0]
    started = section.split("Gestarte trajecten")[1].split("</tr>")[0]
    assert ">10<" in started and "te weinig om te tonen" in started and ">18<" not in started


def test_an_editor_who_also_reads_the_report_gets_the_same_protection(country: Country, client: Client) -> None:
    editor = national_editor(country.orgs["A"])
    editor.is_project_manager = True
    editor.save(update_fields=["is_project_manager"])
    login(client, editor)
    csv_text = client.get(reverse("national:export_csv")).content.decode("utf-8-sig")
    assert "K1 2026;Gestarte trajecten;;te weinig om te tonen" in csv_text


def add_three_organisations() -> None:
    """Three more organisations of twelve trajectories each, and the figures computed again: more data
    for the checks that a page or an export reads a fixed number of queries."""
    for name in "EFG":
        org = Organization.objects.create(name=f"Werkbedrijf {name}", slug=f"wb-{name.lower()}")
        dept = Department.objects.create(organization=org, name="X")
        trainer = make_person(org, [Role.TRAINER], dept)
        for i in range(12):
            p = person_create(organization=org, first_name=f"{name}{i}", last_name="Y", roles=[Role.PARTICIPANT])
            Trajectory.objects.create(
                organization=org,
                participant=p,
                trainer=trainer,
                department=dept,
                starts_on=date(2025, 1 + i, 1),
                ends_on=date(2026, 12, 1),
            )
    national_figures_compute()


def queries_with_more_data(client: Client, url: str) -> tuple[int, int]:
    """How many queries ``url`` reads (after a first visit), before and after three more organisations."""
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    add_three_organisations()
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    return len(before.captured_queries), len(after.captured_queries)


def test_the_page_and_the_report_read_a_fixed_number_of_queries(country: Country, client: Client) -> None:
    editor = national_editor(Organization.objects.create(name="Methode-eigenaar", slug="methode"))
    login(client, editor)
    url = reverse("national:figures")
    before, after = queries_with_more_data(client, url)
    assert after == before <= 8


def test_the_one_door_gives_a_project_manager_no_row_of_another_organisation(country: Country) -> None:
    from django.core.exceptions import PermissionDenied

    from wpo.national.access import national_rows, own_and_national

    b = country.orgs["B"]
    rows = own_and_national(country.managers["B"])
    assert rows.exists()
    assert set(rows.values_list("organization_id", flat=True).distinct()) == {None, b.pk}
    # Neither door opens for a trainer, nor the national page for a project manager.
    trainer = Person.objects.filter(organization=b, is_trainer=True).first()
    with pytest.raises(PermissionDenied):
        own_and_national(trainer)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        national_rows(country.managers["B"])
    # The method owner's editor reads the national rows only.
    editor = national_editor(Organization.objects.create(name="Methode-eigenaar", slug="methode"))
    assert set(national_rows(editor).values_list("organization_id", flat=True).distinct()) == {None}


def test_before_the_first_run_the_report_says_so_instead_of_showing_zeros(world: World, client: Client) -> None:
    login(client, world.project_manager)
    body = client.get(reverse("reports:report")).content.decode()
    section = body.split('id="landelijk-kop"')[1].split("</section>")[0]
    assert "Er zijn nog geen landelijke cijfers over dit kwartaal" in section and "<table" not in section
