"""Charts as server-rendered inline SVG, the same on the page and in the PDF.

No JavaScript and no style attributes (strict CSP): only SVG presentation attributes. Every
chart has ``role="img"`` with a ``<title>`` and a ``<desc>`` that says the numbers in words, a
value label on every bar, and colours from a colour-blind-safe palette (Okabe-Ito; a light to
dark blue scale for the ordered levels A, B and C) that also differ in pattern, so that a grey
print still tells them apart. Bars have a dark outline for contrast on white.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from wpo.curriculum.models import LEVELS

from .figures import DepartmentRow, Report

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
INK = "#1a1a1a"
MUTED = "#4a5560"
GRID = "#c9d3de"
DEPARTMENTS_PER_CHART = 12
NAME_CHARS = 30
# Narrow charts are drawn at about their own size on a phone, so their text stays readable there.
NARROW = 320


@dataclass(frozen=True)
class Style:
    key: str
    label: str
    colour: str
    # "solid", "stripes" (diagonal lines), "dots" or "grid"; ``mark`` is the colour of the pattern.
    pattern: str = "solid"
    mark: str = "#ffffff"


def flow_styles() -> list[Style]:
    return [
        Style("started", _("Gestart"), "#0072B2"),
        Style("finished", _("Afgerond"), "#009E73", "stripes"),
        Style("stopped", _("Gestopt"), "#D55E00", "dots"),
    ]


def level_styles() -> list[Style]:
    return [
        Style("A", _("Niveau A"), "#c6dbef"),
        Style("B", _("Niveau B"), "#6baed6", "stripes", INK),
        Style("C", _("Niveau C"), "#08519c", "grid"),
    ]


def _pattern(chart_id: str, style: Style) -> SafeString:
    """The pattern's marks only, on a transparent ground: the bar's colour is a rect beneath it, so
    that tiles never show seams."""
    pid = f"{chart_id}-{style.key}"
    if style.pattern == "stripes":
        return format_html(
            '<pattern id="{}" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            '<path d="M2 -1V9" stroke="{}" stroke-width="2.5"/></pattern>',
            pid,
            style.mark,
        )
    if style.pattern == "dots":
        mark = format_html('<circle cx="3.5" cy="3.5" r="1.6" fill="{}"/>', style.mark)
    else:  # grid
        mark = format_html('<path d="M0 3.5H7M3.5 0V7" stroke="{}" stroke-width="1.4"/>', style.mark)
    return format_html('<pattern id="{}" width="7" height="7" patternUnits="userSpaceOnUse">{}</pattern>', pid, mark)


def _bar(chart_id: str, style: Style, x: float, y: float, width: float, height: float) -> SafeString:
    """A bar in the style's colour, its pattern on top, and a dark outline."""
    if style.pattern == "solid":
        return format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>', x, y, width, height, style.colour, INK
        )
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-{})" stroke="{}"/>',
        x,
        y,
        width,
        height,
        style.colour,
        x,
        y,
        width,
        height,
        chart_id,
        style.key,
        INK,
    )


def _defs(chart_id: str, styles: Sequence[Style]) -> SafeString:
    patterns = [_pattern(chart_id, s) for s in styles if s.pattern != "solid"]
    return format_html("<defs>{}</defs>", mark_safe("".join(patterns)))  # noqa: S308 (built with format_html)


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: SafeString, css: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg {}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-labelledby="{}-title" aria-describedby="{}-desc" font-family="{}" font-size="14" fill="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        css,
        width,
        height,
        width,
        height,
        chart_id,
        chart_id,
        FONT,
        INK,
        chart_id,
        title,
        chart_id,
        desc,
        body,
    )


def _legend(chart_id: str, styles: Sequence[Style], y: int) -> SafeString:
    x, parts = 0, []
    for style in styles:
        parts.append(
            format_html(
                '{}<text x="{}" y="{}" font-size="15">{}</text>',
                _bar(chart_id, style, x, y, 18, 18),
                x + 24,
                y + 15,
                style.label,
            )
        )
        x += 24 + round(8.6 * len(style.label)) + 14
    return mark_safe("".join(parts))  # noqa: S308 (built with format_html)


def _short(name: str, chars: int = NAME_CHARS) -> str:
    return name if len(name) <= chars else name[: chars - 1].rstrip() + "…"


def _bar_length(value: int, largest: int, room: float) -> float:
    return round(room * value / largest, 1) if largest else 0.0


# Started, finished and stopped per department: horizontal bars -------------------------------------


def department_charts(report: Report, chart_id: str = "afdelingen") -> list[SafeString]:
    """One chart per twelve departments, so that a chart never outgrows a printed page."""
    rows = report.departments
    chunks = [rows[i : i + DEPARTMENTS_PER_CHART] for i in range(0, len(rows), DEPARTMENTS_PER_CHART)]
    return [
        _department_chart(chunk, f"{chart_id}-{n}" if len(chunks) > 1 else chart_id)
        for n, chunk in enumerate(chunks, start=1)
    ]


def _department_chart(rows: Sequence[DepartmentRow], chart_id: str) -> SafeString:
    styles = flow_styles()
    width, bar_h, gap, room = NARROW, 18, 4, NARROW - 48.0
    largest = max((getattr(r, s.key) for r in rows for s in styles), default=0)
    parts, y = [_defs(chart_id, styles), _legend(chart_id, styles, 0)], 40
    sentences = []
    for row in rows:
        name = row.name
        parts.append(
            format_html('<text x="0" y="{}" font-weight="bold" font-size="16">{}</text>', y + 15, _short(name))
        )
        y += 23
        values = []
        for style in styles:
            value: int = getattr(row, style.key)
            values.append(f"{value} {style.label.lower()}")
            length = _bar_length(value, largest, room)
            parts.append(
                format_html(
                    '{}<text x="{}" y="{}" font-size="15">{}</text>',
                    _bar(chart_id, style, 0, y, length, bar_h) if value else "",
                    length + 6,
                    y + bar_h - 4,
                    value,
                )
            )
            y += bar_h + gap
        sentences.append(f"{name}: {', '.join(values)}.")
        y += 14
    title = _("Gestart, afgerond en gestopt per afdeling")
    return _svg(chart_id, width, y, title, " ".join(sentences), mark_safe("".join(parts)), "chart-hbar")  # noqa: S308


# Levels reached per skill: stacked bars ----------------------------------------------------------


def levels_chart(report: Report, chart_id: str = "niveaus") -> SafeString | None:
    rows = report.skills_with_levels
    if not any(r.achieved_total for r in rows):
        return None
    styles = level_styles()
    width, bar_h, room = NARROW, 24, NARROW - 48.0
    largest = max(r.achieved_total for r in rows)
    parts, y = [_defs(chart_id, styles), _legend(chart_id, styles, 0)], 40
    sentences = []
    for row in rows:
        parts.append(
            format_html('<text x="0" y="{}" font-weight="bold" font-size="16">{}</text>', y + 15, _short(row.name))
        )
        y += 23
        x = 0.0
        for style in styles:
            value = row.achieved[style.key]
            length = _bar_length(value, largest, room)
            if value:
                parts.append(_bar(chart_id, style, x, y, length, bar_h))
                if length >= 22:  # the level's letter on a white label, readable in grey print too
                    parts.append(
                        format_html(
                            '<rect x="{}" y="{}" width="18" height="18" rx="3" fill="#ffffff" stroke="{}"/>'
                            '<text x="{}" y="{}" font-size="14" font-weight="bold" text-anchor="middle">{}</text>',
                            x + length / 2 - 9,
                            y + 3,
                            INK,
                            x + length / 2,
                            y + 17,
                            style.key,
                        )
                    )
            x += length
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="16" font-weight="bold">{}</text>',
                x + 6,
                y + bar_h - 6,
                row.achieved_total,
            )
        )
        breakdown = " · ".join(f"{level} {row.achieved[level]}" for level in LEVELS)
        parts.append(format_html('<text x="0" y="{}" font-size="15">{}</text>', y + bar_h + 18, breakdown))
        y += bar_h + 24
        sentences.append(
            _("%(skill)s: %(total)s behaald, niveau A %(a)s, niveau B %(b)s, niveau C %(c)s.")
            % {
                "skill": row.name,
                "total": row.achieved_total,
                "a": row.achieved["A"],
                "b": row.achieved["B"],
                "c": row.achieved["C"],
            }
        )
        y += 14
    title = _("Behaalde WPO-opdrachten per skill en niveau")
    return _svg(chart_id, width, y, title, " ".join(sentences), mark_safe("".join(parts)), "chart-stacked")  # noqa: S308


# Trend per quarter: grouped columns ----------------------------------------------------------------


def nice_ticks(largest: int, most: int = 4) -> list[int]:
    """Round numbers for the value axis: 0 and up to ``most`` steps of 1, 2 or 5 times a power of ten."""
    if largest <= 0:
        return [0, 1]
    raw = largest / most
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return list(range(0, step * math.ceil(largest / step) + 1, step))


def trend_chart(report: Report, chart_id: str = "trend") -> SafeString:
    return quarters_chart(report.trend, chart_id, _("Trend per kwartaal: gestart, afgerond en gestopt"))


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def quarters_chart(quarters: Sequence[Any], chart_id: str, title: str) -> SafeString:
    """Started, finished and stopped per quarter, as grouped columns. A value of None is a figure
    too small to show (wpo.national): no bar, a dash as its label, and the words say so."""
    styles = flow_styles()
    width, left, top, plot_h = 720, 40, 44, 220
    group_w = (width - left - 4) / max(len(quarters), 1)
    bar_w, gap = 22.0, 3.0
    ticks = nice_ticks(max((getattr(q, s.key) or 0 for q in quarters for s in styles), default=0))
    scale = plot_h / ticks[-1]
    base = top + plot_h
    parts = [_defs(chart_id, styles), _legend(chart_id, styles, 0)]
    for tick in ticks:
        y = base - tick * scale
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
                '<text x="{}" y="{}" font-size="12" fill="{}" text-anchor="end">{}</text>',
                left,
                y,
                width,
                y,
                GRID if tick else INK,
                left - 6,
                y + 4,
                MUTED,
                tick,
            )
        )
    sentences = []
    for i, quarter in enumerate(quarters):
        x0 = left + i * group_w + (group_w - (3 * bar_w + 2 * gap)) / 2
        values = []
        for j, style in enumerate(styles):
            value: int | None = getattr(quarter, style.key)
            if value is None:
                values.append(_("%(what)s: te weinig om te tonen") % {"what": style.label.lower()})
            else:
                values.append(f"{_num(value)} {style.label.lower()}")
            h = round((value or 0) * scale, 1)
            x = x0 + j * (bar_w + gap)
            if value:
                parts.append(_bar(chart_id, style, x, base - h, bar_w, h))
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" text-anchor="middle">{}</text>',
                    x + bar_w / 2,
                    base - h - 4,
                    "—" if value is None else _num(value),
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="14" text-anchor="middle">{}</text>',
                left + i * group_w + group_w / 2,
                base + 22,
                quarter.label,
            )
        )
        sentences.append(f"{quarter.label}: {', '.join(values)}.")
    height = base + 34
    return _svg(chart_id, width, height, title, " ".join(sentences), mark_safe("".join(parts)), "chart-columns")  # noqa: S308
