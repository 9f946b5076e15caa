"""Landelijke cijfers as Excel (.xlsx) and PDF, built with the report's machinery (``exports.Table``,
its sheets, its print stylesheet and PDF renderer).

Both hold the figures of the CSV export (``national_views.export_csv``) for the same page: the trend
per quarter, and per quarter the chosen skills, the assignments achieved per level and the weeks per
assignment. A figure too small to show is never a number here either: the workbook says
"te weinig om te tonen", the PDF shows the page's dash and explains it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from wpo.curriculum.models import LEVELS
from wpo.national import selectors
from wpo.national.models import Measure

from . import charts
from .exports import Table, Value, _put, add_table_sheet, generated_at, new_workbook, workbook_bytes

CellValue = Callable[[selectors.Shown], Value]


def as_number(cell: selectors.Shown) -> Value:
    """A cell for a spreadsheet: a number to count with, or the words for a hidden figure."""
    if cell.value is None:
        return str(selectors.SUPPRESSED_TEXT)
    return round(cell.value, cell.decimals) if cell.decimals else int(cell.value)


def as_shown(cell: selectors.Shown) -> Value:
    """A cell as the page shows it: the formatted number, or a dash for a hidden figure."""
    return cell.text


def tables(page: selectors.NationalPage, value: CellValue) -> list[Table]:
    quarters = [(row.year, row.quarter) for row in page.trend]
    quarter_labels = [row.label for row in page.trend]
    found = page.figures

    def per_quarter(measure: str, key: str) -> list[Value]:
        return [value(found.get(y, q, measure, key)) for y, q in quarters]

    def level_label(level: str) -> str:
        return _("Niveau %(level)s") % {"level": level}

    levels_note = _(
        "WPO-opdrachten behaald in dit kwartaal, en hoeveel weken een opdracht duurde van klaarzetten tot "
        "behalen (de middelste waarde)."
    )
    return [
        Table(
            "trend",
            _("Trend per kwartaal"),
            [_("Kwartaal"), *page.measures],
            [[row.label, *(value(cell) for cell in row.cells)] for row in page.trend],
        ),
        Table(
            "skills",
            _("Gekozen skills"),
            [_("Skill"), *quarter_labels],
            [[name, *per_quarter(Measure.SKILL_CHOSEN, code)] for code, name in selectors.national_skills()],
            note=_("In trajecten die in dit kwartaal zijn gestart. Alleen de skills van het landelijke basisproduct."),
        ),
        Table(
            "levels",
            _("Behaalde opdrachten"),
            [_("Niveau"), *quarter_labels],
            [[level_label(level), *per_quarter(Measure.LEVEL_REACHED, level)] for level in LEVELS],
            note=levels_note,
        ),
        Table(
            "weeks",
            _("Weken per opdracht (mediaan)"),
            [_("Niveau"), *quarter_labels],
            [[level_label(level), *per_quarter(Measure.MEDIAN_WEEKS, level)] for level in LEVELS],
            note=levels_note,
        ),
    ]


def filename(extension: str) -> str:
    return f"wpo-landelijke-cijfers-{generated_at().date().isoformat()}.{extension}"


def to_xlsx(page: selectors.NationalPage) -> bytes:
    from openpyxl.styles import Alignment, Font

    made = generated_at()
    wb, summary = new_workbook(_("Landelijke cijfers"), _("Landelijke cijfers"))
    _put(summary, 1, 1, _("Landelijke cijfers")).font = Font(bold=True, size=14)
    _put(summary, 3, 1, _("Gemaakt op"), bold=True)
    _put(summary, 3, 2, made.replace(tzinfo=None, microsecond=0))
    _put(summary, 4, 1, _("Berekend op"), bold=True)
    computed = page.figures.computed_at
    _put(summary, 4, 2, computed.astimezone(made.tzinfo).replace(tzinfo=None, microsecond=0) if computed else None)
    explanation = _put(summary, 6, 1, str(selectors.SUPPRESSED_EXPLANATION))
    explanation.alignment = Alignment(wrap_text=True, vertical="top")
    summary.merge_cells("A6:B6")
    summary.row_dimensions[6].height = 90
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 70
    for table in tables(page, as_number):
        add_table_sheet(wb, table)
    return workbook_bytes(wb)


def pdf_context(page: selectors.NationalPage) -> dict[str, Any]:
    return {
        "page": page,
        "made": generated_at(),
        "explanation": selectors.SUPPRESSED_EXPLANATION,
        "chart": charts.quarters_chart(
            page.trend, "pdf-landelijk-trend", _("Landelijke trend per kwartaal: gestart, afgerond en gestopt")
        ),
        "tables": {table.key: table for table in tables(page, as_shown)},
    }


def to_pdf(page: selectors.NationalPage) -> bytes:
    from .pdf import render_report_pdf

    return render_report_pdf(pdf_context(page), "reports/national_pdf.html")
