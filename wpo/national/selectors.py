"""The country's figures as pages show them: read from the aggregates table only, never from a
person's row, with the suppression rules of ``suppression.py`` applied once more for whoever also
sees their own organisation's figures (national minus one's own)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wpo.curriculum.models import LEVELS, Skill

from .models import Measure, NationalFigure
from .quarters import previous_quarter, quarter_label, quarter_of
from .services import BREAKDOWNS, Quarter, quarters_up_to
from .suppression import rest_shown

SUPPRESSED_TEXT = gettext_lazy("te weinig om te tonen")
SUPPRESSED_EXPLANATION = gettext_lazy(
    "Een streepje (—) betekent: te weinig om te tonen. Landelijk tonen we een cijfer alleen als het over "
    "minstens 10 deelnemers in minstens 3 organisaties gaat; een cijfer van uw eigen organisatie alleen als "
    "het over minstens 10 deelnemers gaat. Soms verbergen we ook een tweede cijfer, zodat niemand het "
    "verborgen cijfer kan terugrekenen."
)
TREND_MEASURES = (
    Measure.ORGANISATIONS,
    Measure.ACTIVE,
    Measure.STARTED,
    Measure.FINISHED,
    Measure.STOPPED,
    Measure.SECOND_JUDGED,
    Measure.SECOND_DIFFERED,
)
COMPARED = (Measure.ACTIVE, Measure.STARTED, Measure.FINISHED, Measure.STOPPED)
DECIMALS = {Measure.MEDIAN_WEEKS: 1, Measure.SECOND_DIFFERED: 1}

RowKey = tuple[int, int, str, str]  # (year, quarter, measure, key)


@dataclass(frozen=True)
class Shown:
    """One cell as a page shows it: a number, or hidden (too small to show)."""

    value: float | None
    decimals: int = 0

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        return number_format(self.value, self.decimals, force_grouping=True)

    def __str__(self) -> str:
        return self.text


@dataclass
class Figures:
    """The cells of some quarters, national and (for a reader of the report) one organisation's own."""

    national: dict[RowKey, Shown] = field(default_factory=dict)
    own: dict[RowKey, Shown] = field(default_factory=dict)
    computed_at: datetime | None = None

    def get(self, y: int, q: int, measure: str, key: str = "") -> Shown:
        return self.national.get((y, q, measure, key)) or _nobody(measure)

    def own_get(self, y: int, q: int, measure: str, key: str = "") -> Shown:
        return self.own.get((y, q, measure, key)) or _nobody(measure)


def _nobody(measure: str) -> Shown:
    """A figure about nobody: a count of 0; a median or a share of nothing cannot be shown."""
    return Shown(None) if measure in DECIMALS else Shown(0)


def _shown(row: NationalFigure | None) -> Shown:
    if row is None:
        return Shown(0)
    return Shown(None if row.suppressed else row.value, DECIMALS.get(Measure(row.measure), 0))


def _hide_complements(cells: dict[RowKey, Shown], people: dict[RowKey, int]) -> None:
    """As ``suppression.suppress_complements``, for cells hidden on this page only (the national
    minus one's own): within a breakdown, never exactly one hidden cell."""
    groups: dict[tuple[int, int, str], list[RowKey]] = defaultdict(list)
    for key in cells:
        if key[2] in BREAKDOWNS and people.get(key, 0) > 0:
            groups[key[:3]].append(key)
    for keys in groups.values():
        hidden = [k for k in keys if cells[k].hidden]
        shown = [k for k in keys if not cells[k].hidden]
        if len(hidden) == 1 and shown:
            smallest = min(shown, key=lambda k: people[k])
            cells[smallest] = Shown(None, cells[smallest].decimals)


def figures(rows: QuerySet[NationalFigure], quarters: list[Quarter], own_org_id: int | None) -> Figures:
    """The cells of ``quarters`` from ``rows`` (one query). With ``own_org_id``, its own cells too, and
    every national cell is shown only when the other organisations alone meet the thresholds."""
    return cells_of(rows.filter(year__gte=quarters[0][0], year__lte=quarters[-1][0]).order_by(), quarters, own_org_id)


def cells_of(rows: Iterable[NationalFigure], quarters: list[Quarter], own_org_id: int | None) -> Figures:
    """``figures`` on rows already read (pure: the property test calls it)."""
    wanted = set(quarters)
    national: dict[RowKey, NationalFigure] = {}
    own: dict[RowKey, NationalFigure] = {}
    result = Figures()
    for row in rows:
        if (row.year, row.quarter) not in wanted:
            continue
        key = (row.year, row.quarter, row.measure, row.key)
        if row.organization_id is None:
            national[key] = row
        elif row.organization_id == own_org_id:
            own[key] = row
        if result.computed_at is None or row.computed_at > result.computed_at:
            result.computed_at = row.computed_at
    for key, row in national.items():
        cell = _shown(row)
        if own_org_id is not None and not cell.hidden:
            own_row = own.get(key)
            if not rest_shown(row.people_count, row.org_count, own_row.people_count if own_row else 0):
                cell = Shown(None, cell.decimals)
        result.national[key] = cell
    if own_org_id is not None:
        _hide_complements(result.national, {key: row.people_count for key, row in national.items()})
        result.own = {key: _shown(row) for key, row in own.items()}
    return result


# The national page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendRow:
    year: int
    quarter: int
    cells: list[Shown]
    # For the chart: None when hidden.
    started: float | None
    finished: float | None
    stopped: float | None

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def labelled(self) -> list[tuple[str, Shown]]:
        """The cells with their column's name (a phone shows each cell under its name)."""
        return list(zip(trend_labels(), self.cells, strict=True))

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.quarter}"


def trend_labels() -> list[str]:
    return [str(Measure(m).label) for m in TREND_MEASURES]


@dataclass(frozen=True)
class DetailRow:
    label: str
    cells: list[Shown]


@dataclass
class NationalPage:
    figures: Figures
    trend: list[TrendRow]
    quarter: Quarter
    skills: list[DetailRow]
    levels: list[DetailRow]
    measures: list[str]

    @property
    def quarter_label(self) -> str:
        return quarter_label(*self.quarter)


def parse_quarter(text: str | None, quarters: list[Quarter]) -> Quarter | None:
    """``2026-4`` as one of ``quarters``; None for anything else."""
    try:
        year, quarter = (int(part) for part in (text or "").split("-"))
    except ValueError:
        return None
    return (year, quarter) if (year, quarter) in quarters else None


def national_skills() -> list[tuple[str, str]]:
    """(code, name) of the national skills, in their order: the only skills counted nationally."""
    return list(Skill.objects.filter(organization__isnull=True).order_by("order", "name").values_list("code", "name"))


def national_page(
    rows: QuerySet[NationalFigure], today: date, chosen: Quarter | None, own_org_id: int | None
) -> NationalPage:
    quarters = quarters_up_to(today)
    found = figures(rows, quarters, own_org_id)
    trend = []
    for y, q in quarters:
        cells = [found.get(y, q, m) for m in TREND_MEASURES]
        trend.append(
            TrendRow(
                y,
                q,
                cells,
                found.get(y, q, Measure.STARTED).value,
                found.get(y, q, Measure.FINISHED).value,
                found.get(y, q, Measure.STOPPED).value,
            )
        )
    y, q = chosen or quarters[-1]
    skills = [DetailRow(name, [found.get(y, q, Measure.SKILL_CHOSEN, code)]) for code, name in national_skills()]
    levels = [
        DetailRow(
            _("Niveau %(level)s") % {"level": level},
            [found.get(y, q, Measure.LEVEL_REACHED, level), found.get(y, q, Measure.MEDIAN_WEEKS, level)],
        )
        for level in LEVELS
    ]
    return NationalPage(found, trend, (y, q), skills, levels, trend_labels())


# Beside the organisation's own, in the report ---------------------------------------------------------


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    own: Shown
    national: Shown


@dataclass
class Comparison:
    quarter: Quarter
    rows: list[ComparisonRow]
    computed_at: datetime | None

    @property
    def label(self) -> str:
        return quarter_label(*self.quarter)


def comparison(rows: QuerySet[NationalFigure], today: date, own_org_id: int) -> Comparison:
    """The last whole quarter before ``today``'s: the organisation's own figures beside the national ones."""
    quarter = previous_quarter(*quarter_of(today))
    found = figures(rows, [quarter], own_org_id)
    y, q = quarter
    lines: list[tuple[str, str, str]] = [(str(Measure(m).label), m, "") for m in COMPARED]
    for level in LEVELS:
        lines.append((_("Opdrachten behaald op niveau %(level)s") % {"level": level}, Measure.LEVEL_REACHED, level))
    for level in LEVELS:
        lines.append(
            (_("Weken per opdracht op niveau %(level)s (mediaan)") % {"level": level}, Measure.MEDIAN_WEEKS, level)
        )
    lines.append((str(Measure.SECOND_DIFFERED.label), Measure.SECOND_DIFFERED, ""))
    return Comparison(
        quarter,
        [
            ComparisonRow(label, found.own_get(y, q, measure, key), found.get(y, q, measure, key))
            for label, measure, key in lines
        ],
        found.computed_at,
    )
