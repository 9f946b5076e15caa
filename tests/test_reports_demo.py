"""The report's demo history: realistic, on the national curriculum, deterministic, and quiet without it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from wpo.demo.reports import populate_demo
from wpo.orgs.models import Department, Organization, Person, Role
from wpo.reports.access import report_scope
from wpo.reports.figures import Preset, ReportFilter, compute, first_start_date, preset_period
from wpo.trajectories.models import ParticipantAssignment, Step, StepChange, Trajectory, TrajectorySkill

from .factories import make_person

pytestmark = pytest.mark.django_db


def demo_like_org() -> Organization:
    org = Organization.objects.create(name="Demo Werkbedrijf", slug="demo-werkbedrijf")
    inpak = Department.objects.create(organization=org, name="Inpak en montage")
    groen = Department.objects.create(organization=org, name="Groenvoorziening")
    make_person(org, [Role.TRAINER], inpak, username="werkplekopleider")
    make_person(org, [Role.TRAINER], groen, username="werkplekopleider2")
    make_person(org, [Role.PROJECT_MANAGER], username="projectmanager")
    return org


def test_without_the_curriculum_nothing_is_added() -> None:
    org = demo_like_org()
    populate_demo(org)
    assert not Trajectory.objects.filter(organization=org).exists()


def test_demo_history_gives_the_report_something_to_show() -> None:
    call_command("load_curriculum", verbosity=0)
    org = demo_like_org()
    populate_demo(org)
    participants = Person.objects.filter(organization=org, user__username__startswith="demo-deelnemer-")
    assert participants.count() == 25
    assert participants.filter(user__username="demo-deelnemer-01").exists()
    assert all(not p.user.has_usable_password() for p in participants.select_related("user"))
    trajectories = Trajectory.objects.filter(organization=org)
    statuses = {s: trajectories.filter(status=s).count() for s in Trajectory.Status}
    assert statuses == {"active": 9, "closed": 11, "stopped": 5}
    assert set(trajectories.values_list("department__name", flat=True)) == {"Inpak en montage", "Groenvoorziening"}
    assert all(t.stop_reason for t in trajectories.filter(status="stopped"))
    now = timezone.now()
    assert not trajectories.filter(closed_at__gt=now).exists()
    assert not StepChange.objects.filter(organization=org, at__gt=now).exists()
    # Closed skills carry the highest level, and that level was achieved with a national assignment.
    closed = TrajectorySkill.objects.filter(organization=org, closed_at__isnull=False)
    assert closed.count() >= 11
    assert {c.highest_level for c in closed} <= {"A", "B", "C"} and len({c.highest_level for c in closed}) >= 2
    achieved = ParticipantAssignment.objects.filter(organization=org, step=Step.ACHIEVED)
    assert achieved.exists()
    assert not achieved.filter(version__assignment__subskill__skill__organization__isnull=False).exists()
    for c in closed:
        assert achieved.filter(
            trajectory=c.trajectory,
            version__assignment__subskill__skill=c.skill,
            version__assignment__level=c.highest_level,
        ).exists()
    # Every achieved assignment walked the whole road.
    assert StepChange.objects.filter(participant_assignment__in=achieved, to_step=Step.ACHIEVED).count() == (
        achieved.count()
    )
    # The report over everything shows all of it.
    scope = report_scope(Person.objects.get(user__username="projectmanager"))
    report = compute(scope, ReportFilter(preset_period(Preset.ALL, timezone.localdate(), first_start_date(scope))))
    assert report.totals.started == 25 and report.totals.finished == 11 and report.totals.stopped == 5
    assert report.achieved_total == achieved.count()
    assert sum(q.started for q in report.trend) >= 20  # nearly all started in the last eight quarters
    # A second call adds nothing.
    populate_demo(org)
    assert get_user_model().objects.filter(username__startswith="demo-deelnemer-").count() == 25
