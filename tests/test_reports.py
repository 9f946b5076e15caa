"""The project manager's figures against a hand-built data set with known answers.

The period is the third quarter of 2024. Trajectories start, end and reach levels on the days
around its edges, and at moments around midnight in Amsterdam (UTC is one or two hours behind),
so that a count taken in the wrong time zone or with the wrong bound shows.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from wpo.orgs.models import Department
from wpo.reports.access import report_scope
from wpo.reports.figures import (
    Counts,
    Period,
    Preset,
    Report,
    ReportFilter,
    compute,
    preset_period,
    quarter_end,
)
from wpo.trajectories.models import Trajectory

from .factories import World, make_report_assignment, make_report_trajectory, make_skill

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
Q3_2024 = Period(date(2024, 7, 1), date(2024, 9, 30), Preset.CUSTOM)
TODAY = date(2025, 1, 15)
CLOSED, STOPPED = Trajectory.Status.CLOSED, Trajectory.Status.STOPPED


def ams(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)  # type: ignore[misc]


@dataclass
class Data:
    world: World
    groen: Department
    trajectories: dict[str, Trajectory]


def build(world: World) -> Data:
    org, inpak, trainer = world.org, world.department, world.trainer
    groen = Department.objects.create(organization=org, name="Groen")
    second = make_skill(org)

    def t(dept: Department, start: date, **kw: object) -> Trajectory:
        return make_report_trajectory(org, dept, trainer, start, **kw)  # type: ignore[arg-type]

    ts = {
        "T1": t(inpak, date(2024, 7, 1)),  # starts on the first day
        "T2": t(inpak, date(2024, 9, 30)),  # starts on the last day
        "T3": t(inpak, date(2024, 10, 1)),  # starts the day after
        # Closed at 00:30 on 1 July in Amsterdam, which is still 30 June in UTC.
        "T4": t(inpak, date(2024, 6, 30), status=CLOSED, closed_at=ams(2024, 7, 1, 0, 30)),
        # Closed at 23:30 on 30 June in Amsterdam: before the period.
        "T5": t(groen, date(2024, 1, 10), status=CLOSED, closed_at=ams(2024, 6, 30, 23, 30)),
        "T6": t(groen, date(2024, 3, 1), status=STOPPED, closed_at=ams(2024, 9, 30, 23, 59), stop_reason="Verhuisd"),
        "T7": t(groen, date(2024, 2, 1), status=STOPPED, closed_at=ams(2024, 10, 1, 0, 0, 30), stop_reason="Ziek"),
        "T8": t(groen, date(2024, 5, 1), status=CLOSED, closed_at=ams(2024, 8, 31, 12)),
        "T9": t(inpak, date(2024, 8, 1), status=STOPPED, closed_at=ams(2024, 9, 1, 10), stop_reason=" Verhuisd  "),
        "T10": t(inpak, date(2024, 8, 15), status=STOPPED, closed_at=ams(2024, 9, 2, 10), stop_reason=""),
    }
    skill = world.skill
    chosen = [
        (ts["T1"], skill, None, ""),
        (ts["T4"], skill, ams(2024, 7, 1, 10), "B"),
        (ts["T8"], skill, ams(2024, 8, 30, 10), "C"),
        (ts["T8"], second, ams(2024, 8, 30, 10), "A"),
        (ts["T5"], second, ams(2024, 6, 15, 10), "A"),  # closed before the period
        (ts["T3"], skill, None, ""),  # trajectory not active in the period
    ]
    for trajectory, s, closed_at, level in chosen:
        trajectory.chosen_skills.create(organization=org, skill=s, closed_at=closed_at, highest_level=level)
    make_report_assignment(ts["T4"], skill, "A", ams(2024, 6, 1, 10), ams(2024, 7, 1, 10))  # 30 days
    make_report_assignment(ts["T4"], skill, "B", ams(2024, 7, 1, 10), ams(2024, 7, 11, 10))  # 10 days
    make_report_assignment(ts["T8"], skill, "C", ams(2024, 6, 1, 0), ams(2024, 6, 30, 23))  # before the period
    make_report_assignment(ts["T8"], skill, "C", ams(2024, 8, 1, 12), ams(2024, 8, 21, 12), subskill=2)  # 20 days
    make_report_assignment(ts["T8"], second, "A", ams(2024, 7, 10, 12), ams(2024, 8, 9, 12))  # 30 days
    make_report_assignment(ts["T1"], skill, "A", ams(2024, 7, 2, 9))  # still being worked on
    return Data(world, groen, ts)


def leak(other: World) -> None:
    """Another organisation, busy in the same period: none of this may be counted."""
    org, dept, trainer = other.org, other.department, other.trainer
    for day in (1, 5, 9):
        t = make_report_trajectory(org, dept, trainer, date(2024, 7, day), status=CLOSED, closed_at=ams(2024, 8, day))
        t.chosen_skills.create(organization=org, skill=other.skill, closed_at=ams(2024, 8, day), highest_level="A")
        make_report_assignment(t, other.skill, "A", ams(2024, 7, day), ams(2024, 7, day + 10))
    make_report_trajectory(org, dept, trainer, date(2024, 7, 3), status=STOPPED, closed_at=ams(2024, 9, 1))


def report(data: Data, department: Department | None = None, period: Period = Q3_2024) -> Report:
    scope = report_scope(data.world.project_manager)
    return compute(scope, ReportFilter(period, department, today=TODAY))


def counts(c: Counts) -> tuple[int, int, int, int, int, float | None]:
    return (c.started, c.active, c.active_on_reference_day, c.finished, c.stopped, c.avg_trajectory_days)


@pytest.fixture
def data(world: World, other_world: World) -> Data:
    leak(other_world)
    return build(world)


def test_counts_per_department_and_in_total(data: Data) -> None:
    r = report(data)
    rows = {row.name: counts(row) for row in r.departments}
    inpak = data.world.department.name
    # started, active in the period, active on the reference day, finished, stopped, average days
    assert rows == {inpak: (4, 5, 2, 1, 2, 1.0), "Groen": (0, 3, 1, 1, 1, 122.0)}
    assert counts(r.totals) == (4, 8, 3, 2, 3, 61.5)
    assert r.trajectory_duration.count == 2 and r.trajectory_duration.avg_days == 61.5


def test_department_filter(data: Data) -> None:
    r = report(data, data.groen)
    assert [row.name for row in r.departments] == ["Groen"]
    assert counts(r.totals) == (0, 3, 1, 1, 1, 122.0)
    levels = {s.name: (s.achieved, s.closed) for s in r.skills_with_levels}
    assert levels == {
        data.world.skill.name: ({"A": 0, "B": 0, "C": 1}, {"A": 0, "B": 0, "C": 1}),
        levels_second_name(r): ({"A": 1, "B": 0, "C": 0}, {"A": 1, "B": 0, "C": 0}),
    }
    assert [s.trajectories for s in r.chosen_skills] == [1, 1]
    assert [reason.reason for reason in r.stop_reasons] == ["Verhuisd"]


def levels_second_name(r: Report) -> str:
    return next(s.name for s in r.skills if s.order != r.skills[0].order)


def test_stop_reasons_are_grouped(data: Data) -> None:
    r = report(data)
    assert [(s.reason, s.count) for s in r.stop_reasons] == [("Verhuisd", 2)]
    assert r.stopped_without_reason == 1


def test_skills_chosen_and_levels_reached(data: Data) -> None:
    r = report(data)
    first, second = r.skills
    assert first.name == data.world.skill.name
    assert (first.trajectories, second.trajectories) == (3, 1)  # T1, T4, T8; T8
    assert first.achieved == {"A": 1, "B": 1, "C": 1}
    assert second.achieved == {"A": 1, "B": 0, "C": 0}
    assert first.closed == {"A": 0, "B": 1, "C": 1}
    assert second.closed == {"A": 1, "B": 0, "C": 0}
    assert r.achieved_total == 4 and r.closed_skills_total == 3


def test_average_time_per_assignment_per_level(data: Data) -> None:
    r = report(data)
    assert [(d.count, d.avg_days) for d in r.assignment_durations] == [(2, 30.0), (1, 10.0), (1, 20.0), (4, 22.5)]


def test_trend_per_quarter_in_amsterdam_time(data: Data) -> None:
    r = report(data)
    assert [q.label for q in r.trend] == [
        "K4 2022",
        "K1 2023",
        "K2 2023",
        "K3 2023",
        "K4 2023",
        "K1 2024",
        "K2 2024",
        "K3 2024",
    ]
    by_label = {q.label: (q.started, q.finished, q.stopped) for q in r.trend}
    assert by_label["K1 2024"] == (3, 0, 0)
    assert by_label["K2 2024"] == (2, 1, 0)  # T5 closed 30 June 23:30
    assert by_label["K3 2024"] == (4, 2, 3)  # T4 closed 1 July 00:30 (30 June in UTC)
    assert sum(q.started + q.finished + q.stopped for q in r.trend) == 15


def test_a_period_without_anything_gives_zeros(data: Data) -> None:
    r = report(data, period=Period(date(2021, 1, 1), date(2021, 3, 31), Preset.CUSTOM))
    assert counts(r.totals) == (0, 0, 0, 0, 0, None)
    assert r.skills == [] and r.stop_reasons == []
    assert [d.avg_days for d in r.assignment_durations] == [None, None, None, None]
    assert [row.started for row in r.departments] == [0, 0]


def test_the_reference_day_is_today_while_the_period_runs(data: Data) -> None:
    """In a period that ends in the future, 'running on the reference day' means running today."""
    scope = report_scope(data.world.project_manager)
    flt = ReportFilter(Period(date(2024, 7, 1), date(2024, 12, 31), Preset.CUSTOM), today=date(2024, 9, 30))
    assert flt.reference_day == date(2024, 9, 30)
    assert compute(scope, flt).totals.active_on_reference_day == 3


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        (Preset.THIS_QUARTER, date(2025, 1, 1), date(2025, 3, 31)),
        (Preset.LAST_QUARTER, date(2024, 10, 1), date(2024, 12, 31)),
        (Preset.THIS_YEAR, date(2025, 1, 1), date(2025, 12, 31)),
        (Preset.LAST_YEAR, date(2024, 1, 1), date(2024, 12, 31)),
        (Preset.ALL, date(2019, 5, 6), TODAY),
    ],
)
def test_presets(preset: Preset, start: date, end: date) -> None:
    period = preset_period(preset, TODAY, first_start=date(2019, 5, 6))
    assert (period.start, period.end) == (start, end)


def test_quarter_ends() -> None:
    assert [quarter_end(2024, q) for q in (1, 2, 3, 4)] == [
        date(2024, 3, 31),
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2024, 12, 31),
    ]
    assert preset_period(Preset.LAST_QUARTER, date(2025, 2, 1)).start == date(2024, 10, 1)
