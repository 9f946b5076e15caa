"""The report as Excel (.xlsx), CSV and PDF, to send to clients (municipalities, UWV).

All three are built from the same ``Report`` and the same tables (``tables``), so they hold the
same numbers as the page.

The CSV is one long table with four columns, separated by semicolons and written in UTF-8 with
a byte order mark, so that Excel with Dutch settings opens it straight away:

    Sectie;Onderwerp;Kenmerk;Waarde
    Keuze;Organisatie;;Demo Werkbedrijf
    Samenvatting;Gestart;Aantal trajecten;12
    Per afdeling;Groenvoorziening;Gestart;5
    Behaalde niveaus;Overleggen;Opdrachten niveau A;3
    Doorlooptijd;Opdracht op niveau A;Dagen (gemiddeld);23,5
    Trend per kwartaal;K1 2026;Gestart;4

*Sectie* is the part of the report, *Onderwerp* the row (a department, skill, quarter, ...),
*Kenmerk* the column, *Waarde* the figure: whole numbers as digits, averages with a decimal
comma, dates as dd-mm-jjjj. The first section (*Keuze*) says for which organisation, period
and department the figures are, and when they were made. An empty *Waarde* means: not known
(an average over nothing).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wpo.curriculum.models import LEVELS
from wpo.intake.selectors import IntakeCounts

from . import charts
from .figures import DEFINITIONS, Report

Value = str | int | float | date | datetime | None
# Text that a spreadsheet would read as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    key: str
    title: str  # also the sheet's name: at most 31 characters
    headers: list[str]
    rows: list[list[Value]]
    total: list[Value] | None = None
    note: str = ""

    @property
    def wide(self) -> bool:
        """Too many columns for a phone: shown there as one small card per row."""
        return len(self.headers) > 2

    def labelled(self, row: list[Value]) -> list[tuple[str, Value]]:
        return list(zip(self.headers, row, strict=True))

    @property
    def labelled_rows(self) -> list[list[tuple[str, Value]]]:
        return [self.labelled(row) for row in self.rows]

    @property
    def labelled_total(self) -> list[tuple[str, Value]]:
        return self.labelled(self.total) if self.total else []


def generated_at() -> datetime:
    return timezone.localtime()


def department_label(report: Report) -> str:
    department = report.filter.department
    return department.name if department is not None else _("Alle afdelingen")


def filter_rows(report: Report, made: datetime) -> list[tuple[str, Value]]:
    period = report.filter.period
    return [
        (_("Organisatie"), report.scope.organization.name),
        (_("Periode van"), period.start),
        (_("Periode tot en met"), period.end),
        (_("Soort periode"), period.preset_label),
        (_("Afdeling"), department_label(report)),
        (_("Peildatum"), report.filter.reference_day),
        (_("Gemaakt op"), made.replace(tzinfo=None, microsecond=0)),
    ]


def headline_rows(report: Report) -> list[tuple[str, str, Value]]:
    t = report.totals
    all_levels = report.assignment_durations[-1]
    trajectories = _("Aantal trajecten")
    return [
        (_("Gestart"), trajectories, t.started),
        (_("Lopend in de periode"), trajectories, t.active),
        (_("Lopend op de peildatum"), trajectories, t.active_on_reference_day),
        (_("Afgerond"), trajectories, t.finished),
        (_("Gestopt"), trajectories, t.stopped),
        (_("Behaalde WPO-opdrachten"), _("Aantal opdrachten"), report.achieved_total),
        (_("Afgeronde skills"), _("Aantal skills"), report.closed_skills_total),
        (_("Duur van een afgerond traject"), _("Gemiddeld aantal dagen"), t.avg_trajectory_days),
        (_("Tijd per behaalde opdracht"), _("Gemiddeld aantal dagen"), all_levels.avg_days),
        (_("Tussentijdse evaluaties gehouden"), _("Aantal evaluaties"), report.evaluations.held),
        (_("Verlengingen"), _("Aantal verlengingen"), report.evaluations.extensions),
        (_("Oefenpakketten afgerond"), _("Aantal opdrachten"), report.packages.done),
        (_("Aangemeld voor WPO"), _("Aantal medewerkers"), report.intake.total.interested),
        (_("Op de wachtlijst op de peildatum"), _("Aantal medewerkers"), report.intake.total.waiting),
    ]


def intake_table(report: Report) -> Table:
    """Phase 1 per department: put forward, invited to the start, started, niet nu, and waiting."""

    def figures(counts: IntakeCounts) -> list[Value]:
        return [counts.interested, counts.invited, counts.started, counts.not_now, counts.waiting]

    return Table(
        "intake",
        _("Aanmeldingen"),
        [
            _("Afdeling"),
            _("Aangemeld"),
            _("Uitgenodigd voor de start"),
            _("Gestart"),
            _("Niet nu"),
            _("Op de wachtlijst op de peildatum"),
        ],
        [[d.name, *figures(report.intake.of(d.department_id))] for d in report.departments],
        total=[_("Totaal"), *figures(report.intake.total)],
        note=_(
            "Aangemeld, uitgenodigd, gestart en ‘niet nu’ in de periode; "
            "op de wachtlijst: belangstelling of uitgenodigd aan het eind van de peildatum."
        ),
    )


def tables(report: Report) -> list[Table]:
    t = report.totals
    result = [
        Table(
            "departments",
            _("Per afdeling"),
            [
                _("Afdeling"),
                _("Gestart"),
                _("Lopend in de periode"),
                _("Lopend op de peildatum"),
                _("Afgerond"),
                _("Gestopt"),
                _("Duur afgerond traject (gemiddeld, dagen)"),
            ],
            [
                [d.name, d.started, d.active, d.active_on_reference_day, d.finished, d.stopped, d.avg_trajectory_days]
                for d in report.departments
            ],
            total=[
                _("Totaal"),
                t.started,
                t.active,
                t.active_on_reference_day,
                t.finished,
                t.stopped,
                t.avg_trajectory_days,
            ],
        ),
        Table(
            "stop_reasons",
            _("Redenen van stoppen"),
            [_("Reden"), _("Aantal trajecten")],
            stop_rows(report),
            total=[_("Totaal"), t.stopped],
        ),
        Table(
            "skills",
            _("Gekozen skills"),
            [_("Skill"), _("Aantal trajecten")],
            [[s.name, s.trajectories] for s in report.chosen_skills],
            note=_("Gekozen skills in de trajecten die in de periode liepen."),
        ),
        Table(
            "levels",
            _("Behaalde niveaus"),
            [_("Skill")]
            + [_("Opdrachten niveau %(level)s") % {"level": level} for level in LEVELS]
            + [_("Opdrachten totaal")]
            + [_("Skills afgerond op niveau %(level)s") % {"level": level} for level in LEVELS],
            [
                [s.name, *(s.achieved[lv] for lv in LEVELS), s.achieved_total, *(s.closed[lv] for lv in LEVELS)]
                for s in report.skills_with_levels
            ],
            total=[
                _("Totaal"),
                *(sum(s.achieved[lv] for s in report.skills) for lv in LEVELS),
                report.achieved_total,
                *(sum(s.closed[lv] for s in report.skills) for lv in LEVELS),
            ],
            note=_("Opdrachten behaald in de periode, en skills afgerond in de periode op het hoogste niveau."),
        ),
        Table(
            "durations",
            _("Doorlooptijd"),
            [_("Onderdeel"), _("Aantal"), _("Dagen (gemiddeld)")],
            [[d.label, d.count, d.avg_days] for d in [*report.assignment_durations, report.trajectory_duration]],
        ),
        Table(
            "evaluations",
            _("Evaluaties en verlengingen"),
            [_("Onderdeel"), _("Aantal")],
            [
                [_("Tussentijdse evaluaties gehouden"), report.evaluations.held],
                [_("waarvan eindevaluaties"), report.evaluations.final_held],
                [_("Trajecten met een evaluatie"), report.evaluations.trajectories_evaluated],
                [_("Verlengingen van de einddatum"), report.evaluations.extensions],
                [_("Trajecten verlengd"), report.evaluations.trajectories_extended],
            ],
            note=_("Evaluaties gehouden in de periode, en einddatums verlengd in de periode."),
        ),
        intake_table(report),
        Table(
            "trend",
            _("Trend per kwartaal"),
            [_("Kwartaal"), _("Gestart"), _("Afgerond"), _("Gestopt")],
            [[q.label, q.started, q.finished, q.stopped] for q in report.trend],
        ),
    ]
    return result


def stop_rows(report: Report) -> list[list[Value]]:
    rows: list[list[Value]] = [[s.reason, s.count] for s in report.stop_reasons]
    if report.stopped_without_reason:
        rows.append([_("Geen reden opgegeven"), report.stopped_without_reason])
    return rows


def filename(report: Report, extension: str) -> str:
    parts = ["wpo-rapportage", slugify(report.scope.organization.slug) or "organisatie"]
    if report.filter.department is not None:
        parts.append(slugify(report.filter.department.name)[:40] or str(report.filter.department.pk))
    period = report.filter.period
    parts += [period.start.isoformat(), period.end.isoformat()]
    return "-".join(parts) + f".{extension}"


# CSV -----------------------------------------------------------------------------------------------


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return safe_text(value, "'")


def safe_text(text: str, prefix: str) -> str:
    return prefix + text if text.startswith(FORMULA_START) else text


def to_csv(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_("Sectie"), _("Onderwerp"), _("Kenmerk"), _("Waarde")])
    for label, value in filter_rows(report, generated_at()):
        writer.writerow([_("Keuze"), label, "", _csv_value(value)])
    for label, kind, value in headline_rows(report):
        writer.writerow([_("Samenvatting"), label, kind, _csv_value(value)])
    for table in tables(report):
        for row in [*table.rows, *([table.total] if table.total else [])]:
            subject = _csv_value(row[0])
            for header, value in zip(table.headers[1:], row[1:], strict=True):
                writer.writerow([table.title, subject, header, _csv_value(value)])
    return out.getvalue().encode("utf-8-sig")


# Excel -----------------------------------------------------------------------------------------------


def _put(ws: Any, row: int, column: int, value: Value, *, bold: bool = False) -> Any:
    from openpyxl.styles import Font

    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # never a formula, whatever the text starts with
    else:
        cell.value = value
    if isinstance(value, float):
        cell.number_format = "0.0"
    elif isinstance(value, datetime):
        cell.number_format = "dd-mm-yyyy hh:mm"
    elif isinstance(value, date):
        cell.number_format = "dd-mm-yyyy"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _width(value: Value) -> int:
    if value is None:
        return 4
    if isinstance(value, datetime):
        return 17
    if isinstance(value, date):
        return 11
    return len(str(value))


def _set_widths(ws: Any, rows: list[list[Value]]) -> None:
    from openpyxl.utils import get_column_letter

    columns = max((len(r) for r in rows), default=0)
    for col in range(columns):
        longest = max((_width(r[col]) for r in rows if col < len(r)), default=8)
        ws.column_dimensions[get_column_letter(col + 1)].width = min(max(longest + 2, 10), 60)


def _header(ws: Any, row: int, headers: list[str]) -> None:
    from openpyxl.styles import Alignment, PatternFill

    fill = PatternFill("solid", fgColor="DCE6F1")
    for col, text in enumerate(headers, start=1):
        cell = _put(ws, row, col, text, bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def add_table_sheet(wb: Any, table: Table) -> Any:
    """``table`` as a new sheet of the workbook ``wb``: headings, rows, the total in bold, the note below."""
    ws = wb.create_sheet(table.title[:31])
    _header(ws, 1, table.headers)
    all_rows = [*table.rows, *([table.total] if table.total else [])]
    for r, values in enumerate(all_rows, start=2):
        is_total = table.total is not None and r == len(all_rows) + 1
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value, bold=is_total)
    if table.note:
        _put(ws, len(all_rows) + 3, 1, table.note)
    ws.freeze_panes = "A2"
    _set_widths(ws, [list(table.headers), *all_rows])
    return ws


def new_workbook(title: str, summary_title: str) -> tuple[Any, Any]:
    """A workbook made by the platform, titled, with its first sheet (the summary) named."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = _("WPO-platform")
    wb.properties.title = title
    summary = wb.active
    assert summary is not None
    summary.title = summary_title
    return wb, summary


def workbook_bytes(wb: Any) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def to_xlsx(report: Report) -> bytes:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    made = generated_at()
    wb, summary = new_workbook(_("Rapportage WPO"), _("Samenvatting"))
    title = _put(summary, 1, 1, _("Rapportage WPO"))
    title.font = Font(bold=True, size=14)
    row = 3
    for label, value in filter_rows(report, made):
        _put(summary, row, 1, label, bold=True)
        _put(summary, row, 2, value)
        row += 1
    row += 1
    _header(summary, row, [_("Kerncijfer"), _("Waarde"), _("Eenheid")])
    for label, kind, value in headline_rows(report):
        row += 1
        _put(summary, row, 1, label)
        _put(summary, row, 2, value)
        _put(summary, row, 3, kind)
    row += 2
    _put(summary, row, 1, _("Hoe we tellen staat op het blad ‘Zo tellen we’."))
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 22
    summary.column_dimensions["C"].width = 26

    for table in tables(report):
        ws = add_table_sheet(wb, table)
        if table.key == "trend" and table.rows:
            chart = BarChart()
            chart.type = "col"
            chart.grouping = "clustered"
            chart.title = table.title
            chart.y_axis.title = _("Aantal trajecten")
            chart.x_axis.title = _("Kwartaal")
            data = Reference(ws, min_col=2, max_col=4, min_row=1, max_row=len(table.rows) + 1)
            categories = Reference(ws, min_col=1, min_row=2, max_row=len(table.rows) + 1)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(categories)
            chart.height, chart.width = 9, 20
            for series, colour in zip(chart.series, ("0072B2", "009E73", "D55E00"), strict=False):
                series.graphicalProperties.solidFill = colour
                series.graphicalProperties.line.solidFill = "1A1A1A"
            ws.add_chart(chart, "F2")
    definitions = wb.create_sheet(_("Zo tellen we"))
    _header(definitions, 1, [_("Begrip"), _("Betekenis")])
    for r, (term, meaning) in enumerate(DEFINITIONS, start=2):
        _put(definitions, r, 1, str(term), bold=True)
        cell = _put(definitions, r, 2, str(meaning))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    definitions.freeze_panes = "A2"
    definitions.column_dimensions["A"].width = 26
    definitions.column_dimensions["B"].width = 90
    return workbook_bytes(wb)


# PDF -------------------------------------------------------------------------------------------------


def pdf_context(report: Report) -> dict[str, Any]:
    return {
        "report": report,
        "made": generated_at(),
        "department_label": department_label(report),
        "definitions": DEFINITIONS,
        "department_charts": charts.department_charts(report, "pdf-afdelingen"),
        "levels_chart": charts.levels_chart(report, "pdf-niveaus"),
        "trend_chart": charts.trend_chart(report, "pdf-trend"),
        "tables": {table.key: table for table in tables(report)},
        "headlines": headline_rows(report),
    }


def to_pdf(report: Report) -> bytes:
    from .pdf import render_report_pdf

    return render_report_pdf(pdf_context(report))
