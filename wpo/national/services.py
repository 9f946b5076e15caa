"""The nightly computation of the country's figures (``national_figures_compute``).

Every figure is an aggregate query grouped in the database by organisation and quarter (and by skill
or level); Python only adds the organisations' rows up into national ones and applies the
suppression rules. The number of queries is fixed (one per measure, one per quarter for the running
trajectories), whatever the number of organisations or participants. A participant belongs to one
organisation, so the national number of participants in a figure is the sum of the organisations'.

What we count per calendar quarter (Europe/Amsterdam), for the last ``QUARTERS`` quarters:

- *running*: trajectories started on or before the quarter's last day and not closed or stopped
  before its first day; *organisations*: organisations with a running trajectory in the quarter;
- *started*: start date in the quarter; *finished* and *stopped*: closed or stopped in the quarter;
- *skills chosen*: the national skills chosen in the trajectories started in the quarter (an
  organisation's own skills are its own and never counted nationally);
- *levels reached*: assignments achieved in the quarter, per level; *weeks per assignment*: the
  median, per level, of the whole days from given (klaargezet) to achieved, for those assignments,
  from a histogram of days counted in the database;
- *second judgements*: assessments whose blind second judgement was given in the quarter, and the
  share of them in which it differed from the first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear, TruncDate
from django.utils import timezone

from wpo.trajectories.models import Assessment, ParticipantAssignment, Step, Trajectory, TrajectorySkill

from . import suppression
from .models import Measure, NationalFigure
from .quarters import days_of, previous_quarter, quarter_end, quarter_of, quarter_start
from .suppression import Cell

QUARTERS = 8
CLOSED = Trajectory.Status.CLOSED
STOPPED = Trajectory.Status.STOPPED
ACTIVE = Trajectory.Status.ACTIVE
# Breakdowns whose cells add up (suppression.suppress_complements).
BREAKDOWNS = (Measure.SKILL_CHOSEN, Measure.LEVEL_REACHED)

Quarter = tuple[int, int]
# (organisation, year, quarter, measure, key)
Key = tuple[int, int, int, str, str]


@dataclass
class Counted:
    """One organisation's figure: its value and the number of its participants it is about."""

    value: float = 0
    people: int = 0
    # The histogram (whole days -> assignments) a median is taken from; the share's parts.
    days: dict[int, int] = field(default_factory=dict)
    differed: int = 0


@dataclass
class Result:
    quarters: list[Quarter]
    rows: int
    national_shown: int
    national_suppressed: int


def quarters_up_to(today: date, count: int = QUARTERS) -> list[Quarter]:
    year, quarter = quarter_of(today)
    found = [(year, quarter)]
    for _i in range(count - 1):
        year, quarter = previous_quarter(year, quarter)
        found.append((year, quarter))
    return sorted(found)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _in_quarters(rows: Any, quarters: set[Quarter]) -> Any:
    return (row for row in rows if (row["y"], row["q"]) in quarters)


class _Counter:
    def __init__(self, quarters: list[Quarter]) -> None:
        self.quarters = quarters
        self.wanted = set(quarters)
        self.first, self.last = quarter_start(*quarters[0]), quarter_end(*quarters[-1])
        self.since, self.until = _moment(self.first), _moment(self.last + timedelta(days=1))
        self.tz = timezone.get_default_timezone()
        self.counted: dict[Key, Counted] = defaultdict(Counted)

    def add(self, org: int, y: int, q: int, measure: str, key: str, value: float, people: int) -> Counted:
        cell = self.counted[(org, y, q, measure, key)]
        cell.value += value
        cell.people += people
        return cell

    def trajectories(self) -> None:
        trajectories = Trajectory.objects.order_by()
        started = (
            trajectories.filter(starts_on__gte=self.first, starts_on__lte=self.last)
            .values("organization_id", y=ExtractYear("starts_on"), q=ExtractQuarter("starts_on"))
            .annotate(n=Count("id"), people=Count("participant_id", distinct=True))
        )
        for row in _in_quarters(started, self.wanted):
            self.add(row["organization_id"], row["y"], row["q"], Measure.STARTED, "", row["n"], row["people"])
        ended = (
            trajectories.filter(status__in=[CLOSED, STOPPED], closed_at__gte=self.since, closed_at__lt=self.until)
            .values(
                "organization_id",
                "status",
                y=ExtractYear("closed_at", tzinfo=self.tz),
                q=ExtractQuarter("closed_at", tzinfo=self.tz),
            )
            .annotate(n=Count("id"), people=Count("participant_id", distinct=True))
        )
        for row in _in_quarters(ended, self.wanted):
            measure = Measure.FINISHED if row["status"] == CLOSED else Measure.STOPPED
            self.add(row["organization_id"], row["y"], row["q"], measure, "", row["n"], row["people"])
        for y, q in self.quarters:
            running = (
                trajectories.filter(
                    Q(starts_on__lte=quarter_end(y, q)),
                    Q(status=ACTIVE) | Q(closed_at__gte=_moment(quarter_start(y, q))),
                )
                .values("organization_id")
                .annotate(n=Count("id"), people=Count("participant_id", distinct=True))
            )
            for row in running:
                self.add(row["organization_id"], y, q, Measure.ACTIVE, "", row["n"], row["people"])

    def skills(self) -> None:
        chosen = (
            TrajectorySkill.objects.filter(
                skill__organization__isnull=True,
                trajectory__starts_on__gte=self.first,
                trajectory__starts_on__lte=self.last,
            )
            .values(
                "organization_id",
                "skill__code",
                y=ExtractYear("trajectory__starts_on"),
                q=ExtractQuarter("trajectory__starts_on"),
            )
            .annotate(
                n=Count("trajectory_id", distinct=True), people=Count("trajectory__participant_id", distinct=True)
            )
            .order_by()
        )
        for row in _in_quarters(chosen, self.wanted):
            self.add(
                row["organization_id"],
                row["y"],
                row["q"],
                Measure.SKILL_CHOSEN,
                row["skill__code"],
                row["n"],
                row["people"],
            )

    def _achieved(self) -> QuerySet[ParticipantAssignment]:
        return ParticipantAssignment.objects.filter(
            step=Step.ACHIEVED, achieved_at__gte=self.since, achieved_at__lt=self.until
        ).order_by()

    def levels(self) -> None:
        quarter = {"y": ExtractYear("achieved_at", tzinfo=self.tz), "q": ExtractQuarter("achieved_at", tzinfo=self.tz)}
        achieved = (
            self._achieved()
            .values("organization_id", "version__assignment__level", **quarter)
            .annotate(n=Count("id"), people=Count("trajectory__participant_id", distinct=True))
        )
        for row in _in_quarters(achieved, self.wanted):
            level = row["version__assignment__level"]
            self.add(row["organization_id"], row["y"], row["q"], Measure.LEVEL_REACHED, level, row["n"], row["people"])
            # The median is about the same assignments, so the same participants.
            self.add(row["organization_id"], row["y"], row["q"], Measure.MEDIAN_WEEKS, level, 0, row["people"])
        # Whole days from given to achieved, counted per day in the database: a histogram, not a row per assignment.
        days = ExpressionWrapper(
            TruncDate("achieved_at", tzinfo=self.tz) - TruncDate("created_at", tzinfo=self.tz),
            output_field=DurationField(),
        )
        histogram = (
            self._achieved()
            .values("organization_id", "version__assignment__level", days=days, **quarter)
            .annotate(n=Count("id"))
        )
        for row in _in_quarters(histogram, self.wanted):
            cell = self.counted[
                (row["organization_id"], row["y"], row["q"], Measure.MEDIAN_WEEKS, row["version__assignment__level"])
            ]
            day = round(days_of(row["days"]) or 0)
            cell.days[day] = cell.days.get(day, 0) + row["n"]

    def second_judgements(self) -> None:
        judged = (
            Assessment.objects.filter(second_assessed_at__gte=self.since, second_assessed_at__lt=self.until)
            .exclude(second_judgement="")
            .order_by()
            .values(
                "organization_id",
                y=ExtractYear("second_assessed_at", tzinfo=self.tz),
                q=ExtractQuarter("second_assessed_at", tzinfo=self.tz),
            )
            .annotate(
                n=Count("id"),
                differed=Count("id", filter=~Q(second_judgement=F("judgement"))),
                people=Count("participant_assignment__trajectory__participant_id", distinct=True),
            )
        )
        for row in _in_quarters(judged, self.wanted):
            self.add(row["organization_id"], row["y"], row["q"], Measure.SECOND_JUDGED, "", row["n"], row["people"])
            share = self.add(row["organization_id"], row["y"], row["q"], Measure.SECOND_DIFFERED, "", 0, row["people"])
            share.value, share.differed = row["n"], row["differed"]  # the share is worked out at the end


def median_days(histogram: dict[int, int]) -> float | None:
    """The median of a histogram (value -> how often), as the middle value or the mean of the two middle ones."""
    total = sum(histogram.values())
    if not total:
        return None
    low, high = (total - 1) // 2, total // 2  # the positions of the middle one or two, counted from 0
    seen, found = 0, []
    for value in sorted(histogram):
        count = histogram[value]
        for position in (low, high):
            if seen <= position < seen + count:
                found.append(value)
        seen += count
    return sum(found) / len(found)


def _final_value(measure: str, cell: Counted) -> float | None:
    if measure == Measure.MEDIAN_WEEKS:
        days = median_days(cell.days)
        return None if days is None else round(days / 7, 1)
    if measure == Measure.SECOND_DIFFERED:
        return round(100 * cell.differed / cell.value, 1) if cell.value else None
    return cell.value


def _national(counted: dict[Key, Counted]) -> dict[tuple[int, int, str, str], tuple[Counted, int]]:
    """The organisations' cells added up: (national cell, number of organisations with people in it)."""
    national: dict[tuple[int, int, str, str], tuple[Counted, int]] = {}
    for (_org, y, q, measure, key), cell in counted.items():
        if not cell.people:
            continue
        total, orgs = national.get((y, q, measure, key), (Counted(), 0))
        total.value += cell.value
        total.people += cell.people
        total.differed += cell.differed
        for day, n in cell.days.items():
            total.days[day] = total.days.get(day, 0) + n
        national[(y, q, measure, key)] = (total, orgs + 1)
    for (y, q, measure, _key), (running, orgs) in list(national.items()):
        if measure == Measure.ACTIVE:
            national[(y, q, Measure.ORGANISATIONS, "")] = (Counted(value=orgs, people=running.people), orgs)
    return national


def _breakdowns(cells: dict[Any, Cell], group_of: Any) -> list[list[Cell]]:
    groups: dict[Any, list[Cell]] = defaultdict(list)
    for key, cell in cells.items():
        groups[group_of(key)].append(cell)
    return list(groups.values())


def build_rows(counted: dict[Key, Counted], now: datetime) -> list[NationalFigure]:
    """The rows to store (unsaved): each organisation's cells, the national sums, suppression applied.
    Pure, so that the property test (tests/property/test_national_suppression.py) runs it on many
    small random countries."""
    # Organisation cells: (org, y, q, measure, key); national: (None, y, q, measure, key).
    cells: dict[tuple[int | None, int, int, str, str], Cell] = {}
    values: dict[tuple[int | None, int, int, str, str], float | None] = {}
    for (org, y, q, measure, key), cell in counted.items():
        if cell.people:
            cells[(org, y, q, measure, key)] = Cell(cell.value, cell.people, 1, national=False)
            values[(org, y, q, measure, key)] = _final_value(measure, cell)
    for (y, q, measure, key), (total, orgs) in _national(counted).items():
        cells[(None, y, q, measure, key)] = Cell(total.value, total.people, orgs, national=True)
        values[(None, y, q, measure, key)] = _final_value(measure, total)

    def group_of(key: tuple[int | None, int, int, str, str]) -> tuple[Any, ...]:
        org, y, q, measure, _item = key
        return (org, y, q, measure) if measure in BREAKDOWNS else key

    suppression.apply(_breakdowns(cells, group_of))
    return [
        NationalFigure(
            organization_id=org,
            year=y,
            quarter=q,
            measure=measure,
            key=key,
            value=None if cell.suppressed else values[(org, y, q, measure, key)],
            people_count=cell.people,
            org_count=cell.orgs,
            suppressed=cell.suppressed,
            computed_at=now,
        )
        for (org, y, q, measure, key), cell in cells.items()
    ]


def national_figures_compute(*, today: date | None = None, quarters: int = QUARTERS) -> Result:
    """Count the last ``quarters`` quarters up to ``today``'s and replace their rows in one transaction."""
    today = today or timezone.localdate()
    wanted = quarters_up_to(today, quarters)
    counter = _Counter(wanted)
    counter.trajectories()
    counter.skills()
    counter.levels()
    counter.second_judgements()
    rows = build_rows(counter.counted, timezone.now())
    in_range = Q()
    for y, q in wanted:
        in_range |= Q(year=y, quarter=q)
    with transaction.atomic():
        NationalFigure.objects.filter(in_range).delete()
        NationalFigure.objects.bulk_create(rows, batch_size=2000)
    national = [row for row in rows if row.organization_id is None]
    return Result(
        quarters=wanted,
        rows=len(rows),
        national_shown=sum(1 for row in national if not row.suppressed),
        national_suppressed=sum(1 for row in national if row.suppressed),
    )
