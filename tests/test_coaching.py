"""The coach's overview, the early signals with their thresholds, and the weekly digest."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from time_machine import TimeMachineFixture

from wpo.coaching import digest, early_signals
from wpo.coaching.models import DigestSent, SignalSettings
from wpo.orgs.models import Department, Role
from wpo.trajectories.models import (
    Assessment,
    CoachingConversation,
    ParticipantAssignment,
    Phase,
    Step,
    StepChange,
    Trajectory,
)
from wpo.trajectories.workflow import move

from .conftest import login
from .factories import World, make_person

pytestmark = pytest.mark.django_db


def backdate(
    pa: ParticipantAssignment, *, weeks: float, step: Step | None = None, step_weeks: float | None = None
) -> None:
    """Pretend the assignment was given ``weeks`` ago and sits in ``step`` since ``step_weeks`` ago."""
    now = timezone.now()
    ParticipantAssignment.objects.filter(pk=pa.pk).update(
        created_at=now - timedelta(weeks=weeks),
        step=step or pa.step,
        step_since=now - timedelta(weeks=step_weeks if step_weeks is not None else weeks),
    )
    StepChange.objects.filter(participant_assignment=pa).update(at=now - timedelta(weeks=weeks))
    # A rewrite of history with update() bypasses wpo.trajectories.activity: set the last activity too.
    Trajectory.objects.filter(pk=pa.trajectory_id).update(
        created_at=now - timedelta(weeks=weeks),
        starts_on=(now - timedelta(weeks=weeks)).date(),
        last_activity_at=now - timedelta(weeks=weeks),
    )


def kinds(world: World) -> list[str]:
    """The signals about trajectories and departments (not the organisation-wide intervision reminder)."""
    return [s.kind.code for s in early_signals.signals_for(world.coach).signals if s.kind.code != "intervisie"]


def test_a_fresh_trajectory_raises_no_signal(world: World) -> None:
    assert kinds(world) == []


def test_long_assignment_after_the_threshold_and_not_before(world: World) -> None:
    backdate(world.pa, weeks=5.5, step=Step.PRACTISING, step_weeks=1)
    assert "opdracht-lang" not in kinds(world)
    backdate(world.pa, weeks=6.5, step=Step.PRACTISING, step_weeks=1)
    found = early_signals.signals_for(world.coach).of_kind(early_signals.LONG_ASSIGNMENT)
    assert len(found) == 1
    assert "6 weken" in found[0].reason and world.pa.version.title in found[0].reason
    assert found[0].url == f"/opleider/trajecten/{world.trajectory.pk}/"


def test_thresholds_are_set_per_organisation(world: World, other_world: World) -> None:
    backdate(world.pa, weeks=4.5, step=Step.PRACTISING, step_weeks=1)
    backdate(other_world.pa, weeks=4.5, step=Step.PRACTISING, step_weeks=1)
    SignalSettings.objects.create(organization=world.org, assignment_weeks=4)
    assert "opdracht-lang" in kinds(world)
    assert "opdracht-lang" not in kinds(other_world)


def test_work_task_without_look_back(world: World) -> None:
    backdate(world.pa, weeks=3, step=Step.WORKING, step_weeks=1.5)
    assert "geen-terugkijken" not in kinds(world)
    backdate(world.pa, weeks=3, step=Step.WORKING, step_weeks=2.5)
    [signal] = early_signals.signals_for(world.coach).of_kind(early_signals.NO_LOOK_BACK)
    assert signal.url == f"/opleider/trajecten/{world.trajectory.pk}/gesprek-plannen/"
    assert "2 weken aan de slag" in signal.reason


def test_no_conversation_unless_one_was_held_recently_or_is_planned(world: World) -> None:
    backdate(world.pa, weeks=4, step=Step.PRACTISING, step_weeks=0.1)
    assert "geen-gesprek" in kinds(world)
    conversation = CoachingConversation.objects.create(
        organization=world.org, trajectory=world.trajectory, planned_at=timezone.now() + timedelta(days=3)
    )
    assert "geen-gesprek" not in kinds(world)
    conversation.planned_at = conversation.held_at = timezone.now() - timedelta(weeks=5)
    conversation.save()
    [signal] = early_signals.signals_for(world.coach).of_kind(early_signals.NO_CONVERSATION)
    assert "5 weken geleden" in signal.reason
    conversation.held_at = timezone.now() - timedelta(days=3)
    conversation.save()
    assert "geen-gesprek" not in kinds(world)


def test_trajectory_past_its_end_or_longer_than_a_year(world: World) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(ends_on=date.today() - timedelta(days=1))
    [signal] = early_signals.signals_for(world.coach).of_kind(early_signals.OVERDUE)
    assert "klaar moeten zijn" in signal.reason
    Trajectory.objects.filter(pk=world.trajectory.pk).update(
        ends_on=date.today() + timedelta(days=30), starts_on=date.today() - timedelta(days=400)
    )
    [signal] = early_signals.signals_for(world.coach).of_kind(early_signals.OVERDUE)
    assert "langer dan 12 maanden" in signal.reason
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Trajectory.Status.CLOSED)
    assert "traject-te-lang" not in kinds(world)


def test_inactive_until_something_happens(world: World) -> None:
    backdate(world.pa, weeks=6, step=Step.PRACTISING, step_weeks=6)
    [signal] = early_signals.signals_for(world.coach).of_kind(early_signals.INACTIVE)
    assert "6 weken niets gebeurd" in signal.reason
    # Through the workflow, which records the step change as the trajectory's latest activity.
    move(world.pa, Step.WORKING, actor=world.participant, at=timezone.now() - timedelta(days=2))
    assert "stil" not in kinds(world)


def test_assessment_waiting_for_the_second_assessor_links_the_coach_to_her_judgement(world: World) -> None:
    assessment = Assessment.objects.create(
        organization=world.org,
        participant_assignment=world.pa,
        assessor=world.trainer,
        judgement="achieved",
        assessed_at=timezone.now() - timedelta(days=4),
        second_assessor=world.coach,
    )
    [signal] = early_signals.signals_for(world.coach).of_kind(early_signals.SECOND_ASSESSOR)
    assert "oordeel van jou" in signal.reason
    assert signal.url == f"/opleider/beoordelingen/{assessment.pk}/tweede-oordeel/"
    other_coach = make_person(world.org, [Role.COACH], first_name="Karin")
    [seen_by_other] = early_signals.signals_for(other_coach).of_kind(early_signals.SECOND_ASSESSOR)
    assert world.coach.name in seen_by_other.reason
    assessment.second_judgement = "achieved"
    assessment.save()
    assert "tweede-beoordelaar" not in kinds(world)


def test_department_over_its_agreed_capacity(world: World) -> None:
    Department.objects.filter(pk=world.department.pk).update(agreed_capacity=0)
    [signal] = early_signals.signals_for(world.coach).of_kind(early_signals.OVER_CAPACITY)
    assert "1 deelnemer in WPO; afgesproken is 0" in signal.reason
    assert signal.url == f"/coach/?afdeling={world.department.pk}"


def test_signals_never_include_another_organisation(world: World, other_world: World) -> None:
    backdate(other_world.pa, weeks=10, step=Step.WORKING, step_weeks=10)
    Department.objects.filter(pk=other_world.department.pk).update(agreed_capacity=0)
    assert kinds(world) == []
    assert len(early_signals.signals_for(other_world.coach)) >= 4


# The overview ---------------------------------------------------------------------------------


def test_overview_shows_phase_assignment_step_weeks_signals_and_capacity(client: Client, world: World) -> None:
    backdate(world.pa, weeks=7, step=Step.WORKING, step_weeks=3)
    login(client, world.coach)
    html = client.get("/coach/").content.decode()
    assert world.participant.name in html
    assert world.pa.version.title in html
    assert "Aan de slag" in html
    assert '<td data-label="Weken in stap">3</td>' in html
    # One reason per trajectory, the most urgent (early_signals.SEVERITY); the other three behind a link.
    assert '<span class="badge badge-warn signal-badge">Lang niets gebeurd</span>' in html and "+3 andere" in html
    assert "1 in WPO, afgesproken 3" in html
    assert str(Phase.START.label) in html


def test_overview_filters_searches_and_sorts(client: Client, world: World) -> None:
    other_department = Department.objects.create(organization=world.org, name="Groen")
    trainer = make_person(world.org, [Role.TRAINER], other_department, first_name="Ingrid")
    participant = make_person(world.org, [Role.PARTICIPANT], other_department, first_name="Zoë", last_name="Zwart")
    Trajectory.objects.create(
        organization=world.org,
        participant=participant,
        trainer=trainer,
        department=other_department,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=90),
        phase=Phase.LEARN_WORK,
    )
    login(client, world.coach)
    both = client.get("/coach/").content.decode()
    assert world.participant.name in both and "Zoë Zwart" in both
    only_groen = client.get(f"/coach/?afdeling={other_department.pk}").content.decode()
    assert "Zoë Zwart" in only_groen and world.participant.name not in only_groen
    by_trainer = client.get(f"/coach/?opleider={world.trainer.pk}").content.decode()
    assert "Zoë Zwart" not in by_trainer and world.participant.name in by_trainer
    by_phase = client.get(f"/coach/?fase={Phase.LEARN_WORK.value}").content.decode()
    assert "Zoë Zwart" in by_phase and world.participant.name not in by_phase
    searched = client.get("/coach/?q=zwart").content.decode()
    assert "Zoë Zwart" in searched and world.participant.name not in searched
    by_step = client.get("/coach/?stap=introduced").content.decode()
    assert world.participant.name in by_step and "Zoë Zwart" not in by_step
    by_name = client.get("/coach/?sorteer=naam").content.decode()
    assert by_name.index(world.participant.name) < by_name.index("Zoë Zwart")
    # Grouped per department and trainer by default.
    assert f"Groen · {trainer.name}" in both
    # Nonsense filters do not break the page.
    assert client.get("/coach/?afdeling=abc&fase=9&sorteer=x&pagina=zz").status_code == 200


def test_only_with_a_signal(client: Client, world: World) -> None:
    quiet = make_person(world.org, [Role.PARTICIPANT], world.department, first_name="Rustig")
    Trajectory.objects.create(
        organization=world.org,
        participant=quiet,
        trainer=world.trainer,
        department=world.department,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=90),
    )
    backdate(world.pa, weeks=8, step=Step.PRACTISING, step_weeks=1)
    login(client, world.coach)
    html = client.get("/coach/?signaal=ja").content.decode()
    assert world.participant.name in html and quiet.name not in html


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PARTICIPANT, Role.PROJECT_MANAGER])
def test_overview_and_signals_are_for_the_coach(client: Client, world: World, role: Role) -> None:
    login(client, world.by_role(role))
    assert client.get("/coach/").status_code == 403
    assert client.get("/coach/signalen/").status_code == 403


def test_signals_page_gives_each_reason_and_a_link_to_act(client: Client, world: World) -> None:
    backdate(world.pa, weeks=3, step=Step.WORKING, step_weeks=3)
    login(client, world.coach)
    html = client.get("/coach/signalen/").content.decode()
    assert "zonder terugkijkgesprek" in html
    assert f'href="/opleider/trajecten/{world.trajectory.pk}/gesprek-plannen/"' in html
    only = client.get("/coach/signalen/?soort=afdeling-vol").content.decode()
    assert "zonder terugkijkgesprek" not in only


# Thresholds -----------------------------------------------------------------------------------


def test_coach_sets_thresholds_with_dutch_validation(client: Client, world: World) -> None:
    login(client, world.coach)
    data = {
        "assignment_weeks": "8",
        "look_back_weeks": "3",
        "conversation_weeks": "4",
        "trajectory_months": "18",
        "inactive_weeks": "5",
        "interim_weeks": "10",
        "digest_enabled": "",
    }
    assert client.post("/coach/signalen/instellingen/", data).status_code == 302
    config = SignalSettings.objects.get(organization=world.org)
    assert (config.assignment_weeks, config.trajectory_months, config.digest_enabled) == (8, 18, False)
    bad = client.post("/coach/signalen/instellingen/", {**data, "assignment_weeks": "0", "inactive_weeks": "x"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "minstens 1" in html and "Voer een geheel getal in" in html
    config.refresh_from_db()
    assert config.assignment_weeks == 8 and config.inactive_weeks == 5


def test_thresholds_wrong_role_and_other_organisation(client: Client, world: World, outsider) -> None:  # type: ignore[no-untyped-def]
    login(client, world.trainer)
    assert client.post("/coach/signalen/instellingen/", {"assignment_weeks": "1"}).status_code == 403
    # Someone of another organisation changes only their own organisation's thresholds.
    login(client, outsider)
    data = {
        "assignment_weeks": "2",
        "look_back_weeks": "1",
        "conversation_weeks": "1",
        "trajectory_months": "2",
        "inactive_weeks": "1",
        "interim_weeks": "1",
    }
    assert client.post("/coach/signalen/instellingen/", data).status_code == 302
    assert early_signals.settings_for(world.org).assignment_weeks == 6
    assert early_signals.settings_for(outsider.organization).assignment_weeks == 2


# The weekly digest ----------------------------------------------------------------------------


def test_digest_goes_to_each_coach_once_a_week(
    world: World, other_world: World, time_machine: TimeMachineFixture
) -> None:
    monday = timezone.make_aware(datetime(2026, 11, 23, 7, 0))
    # The data is three weeks old on the Monday the digest goes out, whatever today is.
    time_machine.move_to(monday, tick=False)
    backdate(world.pa, weeks=3, step=Step.WORKING, step_weeks=3)
    assert digest.send_all(monday) == 2
    mine = next(m for m in mail.outbox if m.to == [world.coach.user.email])
    assert mine.subject.startswith("WPO deze week: ")
    assert "zonder terugkijkgesprek" in mine.body
    assert f"http://127.0.0.1:8000/opleider/trajecten/{world.trajectory.pk}/gesprek-plannen/" in mine.body
    theirs = next(m for m in mail.outbox if m.to == [other_world.coach.user.email])
    assert world.participant.user.first_name not in theirs.body
    # A second run in the same week sends nothing; the next week it sends again.
    assert digest.send_all(monday + timedelta(hours=3)) == 0
    assert len(mail.outbox) == 2
    assert digest.send_all(monday + timedelta(days=7)) == 2
    assert DigestSent.objects.filter(coach=world.coach).count() == 2


def test_digest_can_be_switched_off_per_organisation(world: World, other_world: World) -> None:
    SignalSettings.objects.create(organization=world.org, digest_enabled=False)
    assert digest.send_all() == 1
    assert mail.outbox[0].to == [other_world.coach.user.email]


def test_digest_is_scheduled_for_monday_morning_once() -> None:
    saturday = timezone.make_aware(datetime(2026, 11, 21, 12, 0))
    when = digest.next_run(saturday)
    assert (when.weekday(), when.hour, when.date()) == (0, 7, date(2026, 11, 23))
    monday_after_seven = timezone.make_aware(datetime(2026, 11, 23, 7, 30))
    assert digest.next_run(monday_after_seven).date() == date(2026, 11, 30)
    call_command("schedule_digest")
    call_command("schedule_digest")
    queued = DBTaskResult.objects.filter(task_path=digest.send_weekly_digests.module_path, status="READY")
    assert queued.count() == 1
    assert timezone.localtime(queued.get().run_after).hour == 7


@pytest.mark.django_db(transaction=True)
def test_digest_task_runs_on_the_worker_and_schedules_the_next(world: World) -> None:
    digest.send_weekly_digests.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1
    waiting = DBTaskResult.objects.filter(task_path=digest.send_weekly_digests.module_path, status="READY")
    assert waiting.count() == 1 and waiting.get().run_after > timezone.now()


def test_inactive_counts_from_the_start_when_nothing_ever_happened(world: World) -> None:
    backdate(world.pa, weeks=7, step=Step.INTRODUCED, step_weeks=7)
    StepChange.objects.filter(participant_assignment=world.pa).delete()
    Trajectory.objects.filter(pk=world.trajectory.pk).update(last_activity_at=None)
    [signal] = early_signals.signals_for(world.coach).of_kind(early_signals.INACTIVE)
    assert "7 weken niets gebeurd" in signal.reason
