"""The report at the size of a large organisation: 2,000 participants, generated in bulk.

The page and every export run the same number of queries for 20 and for 2,000 participants,
and another organisation's data, generated beside it, is never counted.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wpo.orgs.models import Department
from wpo.reports.access import report_scope
from wpo.reports.figures import Preset, ReportFilter, compute, first_start_date, preset_period
from wpo.trajectories.models import ParticipantAssignment, Trajectory, TrajectorySkill

from .conftest import login
from .factories import World, generate_report_history, make_skill

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

URLS = [
    "/rapportage/",
    "/rapportage/?periode=alles",
    "/rapportage/?periode=vorig-jaar&pagina=2",
    "/rapportage/?periode=eigen&van=2025-01-01&tot=2025-06-30",
    "/rapportage/rapportage.xlsx?periode=alles",
    "/rapportage/rapportage.csv?periode=alles",
    "/rapportage/rapportage.pdf?periode=dit-jaar",
]


def departments(world: World, n: int = 15) -> list[Department]:
    return [world.department] + [
        Department.objects.create(organization=world.org, name=f"Afdeling {i:02d}") for i in range(n - 1)
    ]


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_data_and_nothing_leaks(client: Client, world: World, other_world: World) -> None:
    depts = departments(world)
    skills = [world.skill, make_skill(world.org)]
    other_skills = [other_world.skill]
    generate_report_history(world.org, depts, world.trainer, skills, 20, seed=1)
    generate_report_history(other_world.org, [other_world.department], other_world.trainer, other_skills, 50, seed=2)
    login(client, world.project_manager)
    small = {url: count(client, url) for url in URLS}

    generate_report_history(world.org, depts, world.trainer, skills, 1980, seed=3)
    generate_report_history(other_world.org, [other_world.department], other_world.trainer, other_skills, 300, seed=4)
    large = {url: count(client, url) for url in URLS}
    assert large == small
    # The ceiling grew with what the report shows: 20 until the national comparison ("uw organisatie /
    # landelijk", one query) and the e-learning packages (one aggregate) joined it.
    assert max(small.values()) <= 22, small

    # Everything of organisation A, nothing of organisation B.
    scope = report_scope(world.project_manager)
    everything = compute(scope, ReportFilter(preset_period(Preset.ALL, timezone.localdate(), first_start_date(scope))))
    mine = Trajectory.objects.filter(organization=world.org)
    assert mine.count() == 2001
    assert everything.totals.started == mine.count()
    assert everything.totals.finished == mine.filter(status="closed").count()
    assert everything.totals.stopped == mine.filter(status="stopped").count()
    assert everything.totals.active_on_reference_day == mine.filter(status="active").count()
    achieved = ParticipantAssignment.objects.filter(organization=world.org, step="achieved")
    assert everything.achieved_total == achieved.count()
    closed = TrajectorySkill.objects.filter(organization=world.org, closed_at__isnull=False)
    assert everything.closed_skills_total == closed.count()
    assert sum(d.started for d in everything.departments) == mine.count()
    assert {s.skill_id for s in everything.skills} <= {s.pk for s in skills}
