"""The project manager's figures: for one organisation, one period and optionally one department.

Every figure is an aggregate query; the number of queries never depends on the amount of data
(tests/test_reports_scale.py). Dates are days in the organisation's time zone (settings.TIME_ZONE):
a moment such as ``closed_at`` counts for the day it happened in Amsterdam.

What we count (the page says the same in plain Dutch, see ``DEFINITIONS``):

- We count WPO-trajecten. A participant who does two trajectories counts twice.
- *started*: the start date (``starts_on``) lies in the period.
- *active in the period*: started on or before the period's last day and not ended before its
  first day (still running, or closed or stopped on or after the first day).
- *active on the reference day*: the same, on one day: the period's last day, or today when the
  period ends in the future.
- *finished*: status closed, closed (``closed_at``) in the period.
- *stopped*: status stopped, stopped (``closed_at``) in the period.
- *skills chosen*: the chosen skills of the trajectories active in the period.
- *levels reached*: assignments achieved in the period, per skill and level; and the chosen
  skills finished in the period, per highest level reached.
- *time per assignment*: from given (``created_at``) to achieved (``achieved_at``), for the
  assignments achieved in the period; *time per trajectory*: from start date to closing day,
  for the trajectories finished in the period.
- *trend*: started, finished and stopped per calendar quarter, for the eight quarters up to the
  quarter of the reference day.
- *intake* (wpo.intake): employees put forward (``put_forward_on``) in the period; interests invited
  to the start, started and set to niet nu in the period (their history rows); and waiting in the
  queue at the end of the reference day. Per department, as the trajectories.
- *interim evaluations held*: recorded (``held_at``) in the period, the final ones included
  (wpo.evaluations); *extensions*: end dates moved in the period (``EndDateChange.at``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear, TruncDate
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wpo.curriculum.models import LEVELS
from wpo.evaluations.selectors import EvaluationCounts, report_counts
from wpo.intake.selectors import IntakeCounts, intake_counts
from wpo.orgs.models import Department
from wpo.packages.selectors import PackageCounts
from wpo.packages.selectors import report_counts as package_counts
from wpo.trajectories.models import Step, Trajectory

from .access import ReportScope

TREND_QUARTERS = 8
DEPARTMENTS_PER_PAGE = 12
STOP_REASONS_SHOWN = 10
# Custom dates outside these years are refused: they are typing errors, and far dates overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100

ACTIVE = Trajectory.Status.ACTIVE
CLOSED = Trajectory.Status.CLOSED
STOPPED = Trajectory.Status.STOPPED


class Preset(StrEnum):
    THIS_QUARTER = "dit-kwartaal"
    LAST_QUARTER = "vorig-kwartaal"
    THIS_YEAR = "dit-jaar"
    LAST_YEAR = "vorig-jaar"
    ALL = "alles"
    CUSTOM = "eigen"


PRESET_LABELS = {
    Preset.THIS_QUARTER: gettext_lazy("Dit kwartaal"),
    Preset.LAST_QUARTER: gettext_lazy("Vorig kwartaal"),
    Preset.THIS_YEAR: gettext_lazy("Dit jaar"),
    Preset.LAST_YEAR: gettext_lazy("Vorig jaar"),
    Preset.ALL: gettext_lazy("Alles"),
    Preset.CUSTOM: gettext_lazy("Eigen periode"),
}
DEFAULT_PRESET = Preset.THIS_YEAR

DEFINITIONS = [
    (gettext_lazy("Wat we tellen"), gettext_lazy("WPO-trajecten. Een deelnemer met twee trajecten telt twee keer.")),
    (gettext_lazy("Gestart"), gettext_lazy("De startdatum van het traject ligt in de periode.")),
    (
        gettext_lazy("Lopend in de periode"),
        gettext_lazy(
            "Het traject is gestart vóór of in de periode en was op de eerste dag van de periode nog niet "
            "afgesloten of gestopt. Het liep dus minstens één dag in de periode."
        ),
    ),
    (
        gettext_lazy("Lopend op de peildatum"),
        gettext_lazy(
            "Het traject liep aan het eind van de peildatum: de laatste dag van de periode, "
            "of vandaag als de periode nog niet voorbij is."
        ),
    ),
    (gettext_lazy("Afgerond"), gettext_lazy("Het traject is afgesloten in de periode.")),
    (gettext_lazy("Gestopt"), gettext_lazy("Het traject is gestopt in de periode, voordat het af was.")),
    (
        gettext_lazy("Aanmeldingen"),
        gettext_lazy(
            "Medewerkers die in de periode zijn aangemeld voor WPO; wie in de periode is uitgenodigd voor de "
            "start, is gestart of ‘niet nu’ kreeg; en wie op de peildatum op de wachtlijst stond."
        ),
    ),
    (
        gettext_lazy("Tussentijdse evaluaties"),
        gettext_lazy("Evaluaties die in de periode zijn gehouden en vastgelegd, de eindevaluaties meegeteld."),
    ),
    (
        gettext_lazy("Verlengingen"),
        gettext_lazy("Keren dat in de periode de afgesproken einddatum van een traject is verlengd."),
    ),
    (
        gettext_lazy("Doorlooptijd"),
        gettext_lazy(
            "Een opdracht: van klaargezet tot behaald, voor opdrachten behaald in de periode. "
            "Een traject: van startdatum tot afsluiten, voor trajecten afgerond in de periode."
        ),
    ),
]


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    return (quarter_start(year + quarter // 4, quarter % 4 + 1)) - timedelta(days=1)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def quarter_label(year: int, quarter: int) -> str:
    return _("K%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def long_date(day: date) -> str:
    return date_format(day, "j F Y")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the last day, inclusive
    preset: Preset

    @property
    def label(self) -> str:
        return _("%(start)s t/m %(end)s") % {"start": long_date(self.start), "end": long_date(self.end)}

    @property
    def preset_label(self) -> str:
        return str(PRESET_LABELS[self.preset])


def preset_period(preset: Preset, today: date, first_start: date | None = None) -> Period:
    """The dates of a preset; ``first_start`` is the earliest start date, for 'alles'."""
    year, quarter = quarter_of(today)
    if preset == Preset.THIS_QUARTER:
        return Period(quarter_start(year, quarter), quarter_end(year, quarter), preset)
    if preset == Preset.LAST_QUARTER:
        year, quarter = previous_quarter(year, quarter)
        return Period(quarter_start(year, quarter), quarter_end(year, quarter), preset)
    if preset == Preset.THIS_YEAR:
        return Period(date(year, 1, 1), date(year, 12, 31), preset)
    if preset == Preset.LAST_YEAR:
        return Period(date(year - 1, 1, 1), date(year - 1, 12, 31), preset)
    if preset == Preset.ALL:
        return Period(min(first_start or today, today), today, preset)
    raise ValueError(preset)


def first_start_date(scope: ReportScope) -> date | None:
    first: date | None = scope.trajectories.aggregate(first=Min("starts_on"))["first"]
    return first


@dataclass(frozen=True)
class ReportFilter:
    period: Period
    department: Department | None = None
    today: date = field(default_factory=timezone.localdate)

    @property
    def reference_day(self) -> date:
        """The day 'running on the reference day' is counted for: the period's end, or today."""
        return min(self.period.end, self.today)

    def moment(self, day: date) -> datetime:
        """The start of ``day`` in the organisation's time zone."""
        return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


# Results ---------------------------------------------------------------------------------------


@dataclass
class Counts:
    started: int = 0
    active: int = 0
    active_on_reference_day: int = 0
    finished: int = 0
    stopped: int = 0
    avg_trajectory_days: float | None = None


@dataclass
class DepartmentRow(Counts):
    department_id: int = 0
    name: str = ""


@dataclass
class StopReason:
    reason: str
    count: int


@dataclass
class SkillRow:
    skill_id: int
    name: str
    order: int
    trajectories: int = 0  # chosen in trajectories active in the period
    achieved: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    closed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    @property
    def achieved_total(self) -> int:
        return sum(self.achieved.values())

    @property
    def closed_total(self) -> int:
        return sum(self.closed.values())


@dataclass
class Duration:
    label: str
    count: int
    avg_days: float | None


@dataclass
class QuarterRow:
    year: int
    quarter: int
    started: int = 0
    finished: int = 0
    stopped: int = 0

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)


@dataclass
class IntakeFigures:
    """The intake of the period (phase 1): for the whole selection and per department id."""

    total: IntakeCounts = field(default_factory=IntakeCounts)
    by_department: dict[int, IntakeCounts] = field(default_factory=dict)

    def of(self, department_id: int) -> IntakeCounts:
        return self.by_department.get(department_id) or IntakeCounts()


@dataclass
class Report:
    scope: ReportScope
    filter: ReportFilter
    totals: Counts
    departments: list[DepartmentRow]
    department_page: Page[Any] | None
    stop_reasons: list[StopReason]
    stopped_without_reason: int
    skills: list[SkillRow]
    assignment_durations: list[Duration]  # one per level, then all levels
    trajectory_duration: Duration
    trend: list[QuarterRow]
    evaluations: EvaluationCounts = field(default_factory=EvaluationCounts)  # phase 3 (issue 16)
    intake: IntakeFigures = field(default_factory=IntakeFigures)  # phase 1 (issue 16)
    packages: PackageCounts = field(default_factory=PackageCounts)  # e-learning packages (issue 22)

    @property
    def achieved_total(self) -> int:
        return sum(s.achieved_total for s in self.skills)

    @property
    def closed_skills_total(self) -> int:
        return sum(s.closed_total for s in self.skills)

    @property
    def chosen_skills(self) -> list[SkillRow]:
        return sorted((s for s in self.skills if s.trajectories), key=lambda s: (-s.trajectories, s.order, s.name))

    @property
    def trend_span(self) -> tuple[str, str]:
        return (self.trend[0].label, self.trend[-1].label) if self.trend else ("", "")

    @property
    def skills_with_levels(self) -> list[SkillRow]:
        return [s for s in self.skills if s.achieved_total or s.closed_total]


# Queries ---------------------------------------------------------------------------------------


def _prefixed(prefix: str, **lookups: Any) -> Q:
    return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})


class Conditions:
    """The filters behind each count, for trajectories reached directly or through a relation."""

    def __init__(self, flt: ReportFilter, prefix: str = "") -> None:
        self.flt, self.p = flt, prefix
        period = flt.period
        self.from_moment = flt.moment(period.start)
        self.until_moment = flt.moment(period.end + timedelta(days=1))

    def started(self) -> Q:
        return _prefixed(self.p, starts_on__gte=self.flt.period.start, starts_on__lte=self.flt.period.end)

    def running_on_or_after(self, start_day: date, moment: datetime) -> Q:
        """Started by ``start_day`` and not ended before ``moment``."""
        return _prefixed(self.p, starts_on__lte=start_day) & (
            _prefixed(self.p, status=ACTIVE) | _prefixed(self.p, closed_at__gte=moment)
        )

    def active(self) -> Q:
        return self.running_on_or_after(self.flt.period.end, self.from_moment)

    def active_on_reference_day(self) -> Q:
        day = self.flt.reference_day
        return self.running_on_or_after(day, self.flt.moment(day + timedelta(days=1)))

    def ended(self, status: str) -> Q:
        return _prefixed(self.p, status=status, closed_at__gte=self.from_moment, closed_at__lt=self.until_moment)

    def counts(self) -> dict[str, Any]:
        """Aggregates for ``Counts``, to use in ``aggregate`` or ``annotate``."""
        days = ExpressionWrapper(
            TruncDate(f"{self.p}closed_at", tzinfo=timezone.get_default_timezone()) - F(f"{self.p}starts_on"),
            output_field=DurationField(),
        )
        ids = f"{self.p}id" if self.p else "id"
        return {
            "started": Count(ids, filter=self.started()),
            "active": Count(ids, filter=self.active()),
            "active_on_reference_day": Count(ids, filter=self.active_on_reference_day()),
            "finished": Count(ids, filter=self.ended(CLOSED)),
            "stopped": Count(ids, filter=self.ended(STOPPED)),
            "avg_trajectory": Avg(days, filter=self.ended(CLOSED)),
        }


def days_of(value: timedelta | float | int | None) -> float | None:
    """A duration from the database in days. Backends differ: an interval, or microseconds."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    return float(value) / 86_400_000_000


def as_days(value: timedelta | float | int | None) -> float | None:
    """An average duration as days with one decimal."""
    days = days_of(value)
    return None if days is None else round(days, 1)


def _counts[C: Counts](row: Mapping[str, Any], target: C) -> C:
    target.started = row["started"] or 0
    target.active = row["active"] or 0
    target.active_on_reference_day = row["active_on_reference_day"] or 0
    target.finished = row["finished"] or 0
    target.stopped = row["stopped"] or 0
    target.avg_trajectory_days = as_days(row["avg_trajectory"])
    return target


def trajectories_of(scope: ReportScope, flt: ReportFilter) -> QuerySet[Trajectory]:
    qs = scope.trajectories
    if flt.department is not None:
        qs = qs.filter(department=flt.department)
    return qs.order_by()


def department_queryset(scope: ReportScope, flt: ReportFilter) -> QuerySet[Department]:
    qs = scope.departments
    if flt.department is not None:
        qs = qs.filter(pk=flt.department.pk)
    return qs.annotate(**Conditions(flt, "trajectory__").counts()).order_by("name", "pk")


def _department_rows(departments: Any) -> list[DepartmentRow]:
    return [
        _counts(
            {
                key: getattr(d, key)
                for key in ("started", "active", "active_on_reference_day", "finished", "stopped", "avg_trajectory")
            },
            DepartmentRow(department_id=d.pk, name=d.name),
        )
        for d in departments
    ]


def _stop_reasons(trajectories: QuerySet[Trajectory], cond: Conditions) -> tuple[list[StopReason], int]:
    rows = (
        trajectories.filter(cond.ended(STOPPED))
        .values("stop_reason")
        .annotate(n=Count("id"))
        .order_by("-n", "stop_reason")
    )
    grouped: dict[str, int] = defaultdict(int)
    without = 0
    for row in rows:
        reason = " ".join((row["stop_reason"] or "").split())
        if reason:
            grouped[reason] += row["n"]
        else:
            without += row["n"]
    ranked = sorted(grouped.items(), key=lambda item: (-item[1], item[0].lower()))
    shown = [StopReason(reason, n) for reason, n in ranked[:STOP_REASONS_SHOWN]]
    rest = sum(n for _reason, n in ranked[STOP_REASONS_SHOWN:])
    if rest:
        shown.append(StopReason(_("Andere redenen"), rest))
    return shown, without


def _skills(scope: ReportScope, flt: ReportFilter) -> list[SkillRow]:
    cond = Conditions(flt, "trajectory__")
    by_department = Q(trajectory__department=flt.department) if flt.department is not None else Q()
    skills: dict[int, SkillRow] = {}

    def row(item: Mapping[str, Any], prefix: str) -> SkillRow:
        skill_id = item[f"{prefix}id"]
        if skill_id not in skills:
            skills[skill_id] = SkillRow(skill_id, item[f"{prefix}name"], item[f"{prefix}order"])
        return skills[skill_id]

    # The running trajectories as ``IN`` the organisation's own: filtered through the join instead,
    # PostgreSQL scanned the trajectories of every organisation (about 45 ms at national scale).
    running = trajectories_of(scope, flt).filter(Conditions(flt).active()).values("pk")
    chosen = (
        scope.chosen_skills.filter(trajectory__in=running)
        .values("skill__id", "skill__name", "skill__order")
        .annotate(n=Count("trajectory_id", distinct=True))
        .order_by()
    )
    for item in chosen:
        row(item, "skill__").trajectories = item["n"]
    subskill = "version__assignment__subskill__skill__"
    achieved = (
        scope.assignments.filter(
            by_department,
            step=Step.ACHIEVED,
            achieved_at__gte=cond.from_moment,
            achieved_at__lt=cond.until_moment,
        )
        .values(f"{subskill}id", f"{subskill}name", f"{subskill}order", "version__assignment__level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for item in achieved:
        row(item, subskill).achieved[item["version__assignment__level"]] += item["n"]
    closed = (
        scope.chosen_skills.filter(by_department, closed_at__gte=cond.from_moment, closed_at__lt=cond.until_moment)
        .exclude(highest_level="")
        .values("skill__id", "skill__name", "skill__order", "highest_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for item in closed:
        if item["highest_level"] in LEVELS:
            row(item, "skill__").closed[item["highest_level"]] += item["n"]
    return sorted(skills.values(), key=lambda s: (s.order, s.name))


def _assignment_durations(scope: ReportScope, flt: ReportFilter) -> list[Duration]:
    cond = Conditions(flt)
    qs = scope.assignments.filter(
        step=Step.ACHIEVED, achieved_at__gte=cond.from_moment, achieved_at__lt=cond.until_moment
    )
    if flt.department is not None:
        qs = qs.filter(trajectory__department=flt.department)
    rows = (
        qs.values("version__assignment__level")
        .annotate(
            n=Count("id"),
            total=Sum(ExpressionWrapper(F("achieved_at") - F("created_at"), output_field=DurationField())),
        )
        .order_by()
    )
    found = {row["version__assignment__level"]: (row["n"], days_of(row["total"]) or 0.0) for row in rows}
    result = []
    for level in LEVELS:
        n, days = found.get(level, (0, 0.0))
        label = _("Opdracht op niveau %(level)s") % {"level": level}
        result.append(Duration(label, n, round(days / n, 1) if n else None))
    total_n = sum(n for n, _days in found.values())
    total_days = sum(days for _n, days in found.values())
    result.append(Duration(_("Opdracht, alle niveaus"), total_n, round(total_days / total_n, 1) if total_n else None))
    return result


def _trend(trajectories: QuerySet[Trajectory], flt: ReportFilter) -> list[QuarterRow]:
    year, quarter = quarter_of(flt.reference_day)
    quarters = [(year, quarter)]
    for _i in range(TREND_QUARTERS - 1):
        year, quarter = previous_quarter(year, quarter)
        quarters.append((year, quarter))
    quarters.reverse()
    rows = {q: QuarterRow(*q) for q in quarters}
    first, last = quarter_start(*quarters[0]), quarter_end(*quarters[-1])
    started = (
        trajectories.filter(starts_on__gte=first, starts_on__lte=last)
        .values(y=ExtractYear("starts_on"), q=ExtractQuarter("starts_on"))
        .annotate(n=Count("id"))
        .order_by()
    )
    for item in started:
        if (item["y"], item["q"]) in rows:
            rows[(item["y"], item["q"])].started = item["n"]
    tz = timezone.get_default_timezone()
    ended = (
        trajectories.filter(
            status__in=[CLOSED, STOPPED],
            closed_at__gte=flt.moment(first),
            closed_at__lt=flt.moment(last + timedelta(days=1)),
        )
        .values("status", y=ExtractYear("closed_at", tzinfo=tz), q=ExtractQuarter("closed_at", tzinfo=tz))
        .annotate(n=Count("id"))
        .order_by()
    )
    for item in ended:
        target = rows.get((item["y"], item["q"]))
        if target is None:
            continue
        if item["status"] == CLOSED:
            target.finished += item["n"]
        else:
            target.stopped += item["n"]
    return list(rows.values())


def _intake(scope: ReportScope, flt: ReportFilter, cond: Conditions) -> IntakeFigures:
    """Three aggregate queries, whatever the number of departments or interests."""
    by_department = intake_counts(
        scope.organization,
        first_day=flt.period.start,
        last_day=flt.period.end,
        since=cond.from_moment,
        until=cond.until_moment,
        reference_end=flt.moment(flt.reference_day + timedelta(days=1)),
        department=flt.department,
    )
    total = IntakeCounts()
    for counts in by_department.values():
        total.add(counts)
    return IntakeFigures(total=total, by_department=by_department)


def compute(scope: ReportScope, flt: ReportFilter, *, page: str | int | None = None) -> Report:
    """All figures for ``flt``. With ``page``, the departments are paginated (the web page);
    without, every department is listed (the exports)."""
    trajectories = trajectories_of(scope, flt)
    cond = Conditions(flt)
    totals = _counts(trajectories.aggregate(**cond.counts()), Counts())
    departments_qs = department_queryset(scope, flt)
    department_page: Page[Any] | None = None
    if page is None:
        departments = _department_rows(departments_qs)
    else:
        department_page = Paginator(departments_qs, DEPARTMENTS_PER_PAGE).get_page(page)
        departments = _department_rows(department_page.object_list)
    stop_reasons, without_reason = _stop_reasons(trajectories, cond)
    assignment_durations = _assignment_durations(scope, flt)
    return Report(
        scope=scope,
        filter=flt,
        totals=totals,
        departments=departments,
        department_page=department_page,
        stop_reasons=stop_reasons,
        stopped_without_reason=without_reason,
        skills=_skills(scope, flt),
        assignment_durations=assignment_durations,
        trajectory_duration=Duration(
            _("Traject, van start tot afsluiten"), totals.finished, totals.avg_trajectory_days
        ),
        trend=_trend(trajectories, flt),
        evaluations=report_counts(scope.organization, cond.from_moment, cond.until_moment, flt.department),
        intake=_intake(scope, flt, cond),
        packages=package_counts(scope.organization, cond.from_moment, cond.until_moment, flt.department),
    )
