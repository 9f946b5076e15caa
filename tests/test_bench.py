"""The benchmark's instrument at a tiny scale: sane generated data, and key pages whose number of
queries does not grow with the data (the timings belong to ``make bench``, never to a test)."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.generate import generate, plan
from bench.measure import captured_statements, query_count, replay_once, sql_time
from bench.pages import key_pages
from wpo.certificates.models import Certificate
from wpo.orgs.models import Organization, Person
from wpo.trajectories.models import (
    Assessment,
    ParticipantAssignment,
    PracticeAnswer,
    Step,
    StepChange,
    Trajectory,
    TrajectorySkill,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_generated_data_is_sane_and_key_pages_run_the_same_queries_at_two_sizes() -> None:
    call_command("load_curriculum", verbosity=0)
    null = open("/dev/null", "w")  # noqa: SIM115 - the progress bar, not wanted in test output
    p = plan(0, seed=1, organizations=2, participants=120)
    result = generate(0, seed=1, organizations=2, participants=120, stream=null)
    connection.check_constraints()  # every foreign key points at a row that exists

    assert Organization.objects.count() == 2
    participants = Person.objects.filter(is_participant=True)
    assert participants.count() == p.participants == 120
    assert result.rows["orgs_person"] > 120  # and staff: trainers, coaches, a PM and an admin per organisation
    for flag in ("is_trainer", "is_coach", "is_project_manager", "is_administrator"):
        assert Person.objects.filter(**{flag: True}).values("organization").distinct().count() == 2, flag

    # Everyone has a trajectory, about one in ten an earlier one too.
    per_person = Counter(Trajectory.objects.values_list("participant_id", flat=True))
    assert set(per_person) == set(participants.values_list("pk", flat=True))
    assert 0 < sum(1 for n in per_person.values() if n == 2) < 40
    running = Trajectory.objects.filter(status=Trajectory.Status.ACTIVE)
    assert running.filter(organization_id=result.big_organization_id).count() == p.running[0]

    # Most trajectories have 1–3 skills; some a long history.
    skills = Counter(TrajectorySkill.objects.values("trajectory").annotate(n=Count("pk")).values_list("n", flat=True))
    few = sum(v for n, v in skills.items() if n <= 3)
    assert few / sum(skills.values()) > 0.75 and any(n > 3 for n in skills)

    # Each assignment has its history; achieved ones their assessment; answers and certificates exist.
    assert StepChange.objects.count() > 3 * ParticipantAssignment.objects.count()
    achieved = ParticipantAssignment.objects.filter(step=Step.ACHIEVED)
    assert achieved.exists() and not achieved.filter(assessments__isnull=True).exists()
    assert not achieved.filter(history__isnull=True).exists()
    assert PracticeAnswer.objects.exists() and Assessment.objects.exists()
    assert Certificate.objects.filter(trajectory__status=Trajectory.Status.CLOSED).exists()
    assert not Certificate.objects.exclude(trajectory__status=Trajectory.Status.CLOSED).exists()
    # The newest activity is kept on the trajectory, as the app's own writes keep it.
    assert not running.filter(assignments__history__isnull=False, last_activity_at__isnull=True).exists()

    # The same pages at four times the size: the same number of queries.
    small = result
    at_small = {page.key: query_count(page) for page in key_pages(small.big_organization_id)}
    large = generate(0, seed=2, organizations=2, participants=480, stream=null)
    big = large.big_organization_id
    assert (
        Trajectory.objects.filter(organization_id=big, status="active").count()
        == 4 * Trajectory.objects.filter(organization_id=small.big_organization_id, status="active").count()
    )
    at_large = {page.key: query_count(page) for page in key_pages(big)}
    assert at_large == at_small


def test_healthz_answers_ok_without_the_database(client: Client) -> None:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert len(ctx.captured_queries) == 0
    assert client.post("/healthz").status_code == 405


def test_each_key_page_is_held_against_its_own_sql_replayed_without_leaving_a_trace() -> None:
    """``make bench`` divides a page's server time by the time of its own captured SQL, replayed
    through a raw cursor; the replay of a page that writes is rolled back."""
    call_command("load_curriculum", verbosity=0)
    null = open("/dev/null", "w")  # noqa: SIM115 - the progress bar, not wanted in test output
    result = generate(0, seed=3, organizations=1, participants=60, stream=null)
    pages = key_pages(result.big_organization_id, variants=2)
    answer = next(page for page in pages if page.data is not None)

    statements = captured_statements(answer)
    assert any(s.sql.lstrip().upper().startswith(("INSERT", "UPDATE")) for s in statements)
    assert not any(s.sql.lstrip().upper().startswith("SAVEPOINT") for s in statements)
    before = (PracticeAnswer.objects.count(), StepChange.objects.count())
    assert replay_once(statements) > 0
    assert (PracticeAnswer.objects.count(), StepChange.objects.count()) == before

    for page in pages:
        if page.heavy:
            continue
        captured = captured_statements(page)
        # The statements the page runs, less the savepoints of its atomic blocks.
        assert 0 < len(captured) <= query_count(page), page.key
        timed = sql_time(page, 3)
        assert timed.iterations == 3 and timed.p50 > 0, page.key


def _result(p50: float, sql: float, queries: int, rps: float, finished: str) -> dict[str, object]:
    row = {
        "key": "participant_home",
        "title": "Deelnemer: start",
        "p50_ms": p50,
        "p95_ms": p50 * 1.2,
        "p99_ms": p50 * 1.5,
        "queries": queries,
        "sql_p50_ms": sql,
        "server_per_sql": round(p50 / sql, 1),
        "sql_budget_ms": 5.0,
        "sql_met": sql <= 5.0,
        "ratio_met": p50 / sql <= 2.0,
        "target_p95_ms": 20,
        "met": p50 * 1.2 <= 20,
        "p50_x_floor": 100.0,
    }
    machine = {"database": "postgresql 15", "cores": 2, "cpu": "x", "load_average_at_start": [1.0]}
    throughput = {
        "server": "gunicorn, 4 sync workers",
        "clients": 8,
        "seconds": 30,
        "floor_rps": 500.0,
        "mixed_rps": rps,
        "fraction_of_floor": rps / 500,
        "target_rps": 110,
        "rps_met": rps >= 110,
        "errors": 0,
        "error_examples": [],
    }
    return {
        "finished_at": finished,
        "scale": 1.0,
        "machine": machine,
        "floor": {"p50": 0.2, "p95": 0.3, "p99": 0.4},
        "pages": [row],
        "throughput": throughput,
    }


def test_the_table_holds_each_page_against_its_sql_budget_and_twice_its_sql() -> None:
    from bench.compare import side_by_side
    from bench.measure import markdown

    before = _result(p50=36.0, sql=9.0, queries=10, rps=37.0, finished="before")
    after = _result(p50=8.0, sql=4.0, queries=9, rps=111.0, finished="after")

    table = markdown(before)
    assert "| Deelnemer: start | 36.0 |" in table
    assert "≤ 5 ms (**no**) | 4.0 (**no**) |" in table  # 9 ms of SQL over its budget; 36 ms is 4 × it
    assert "≥ 110 requests/s (3 × 37) | **no** |" in table
    table = markdown(after)
    assert "≤ 5 ms (yes) | 2.0 (yes) |" in table
    assert "≥ 110 requests/s (3 × 37) | yes |" in table

    compared = side_by_side(before, after)
    assert "| Deelnemer: start | 36.0 | 8.0 | 4.5× | 10 → 9 | 9.00 → 4.00 | 4.0 → 2.0 |" in compared
    assert "| Mixed workload | 37 | 111 | 3.0× |" in compared


def test_the_bench_times_the_nightly_national_figures_against_five_minutes() -> None:
    from bench.measure import markdown, measure_national
    from wpo.national.models import NationalFigure

    call_command("load_curriculum", verbosity=0)
    generate(0, seed=1, organizations=2, participants=120, stream=open("/dev/null", "w"))  # noqa: SIM115
    national = measure_national(lambda line: None)
    assert national["rows"] > 0 and national["rows"] == NationalFigure.objects.count()  # really computed
    assert national["met"] and 0 < national["seconds"] <= 300.0 and national["quarters"] == 8
    result = _result(p50=8.0, sql=4.0, queries=9, rps=111.0, finished="now") | {"national": national}
    assert f"| Landelijke cijfers (every organisation, 8 quarters) | {national['seconds']:.1f} |" in markdown(result)
    slow = national | {"seconds": 301.0, "met": False}
    assert "| ≤ 300 s | **no** |" in markdown(result | {"national": slow})
