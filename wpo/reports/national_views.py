"""Landelijke cijfers: the method owner's page of the country's figures, and its exports (CSV here,
Excel and PDF in ``national_exports``).

The figures are wpo.national's (its aggregates table, read through its access and selectors); the
page lives here, beside the report, because it is drawn with the report's charts and exports."""

import csv
import io

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.curriculum.models import LEVELS
from wpo.national import selectors
from wpo.national.access import national_rows, national_view
from wpo.national.models import Measure
from wpo.national.services import quarters_up_to
from wpo.orgs.access import person_of
from wpo.orgs.permissions import Ability, may

from . import charts, national_exports
from .exports import safe_text
from .views import CONTENT_TYPES


def _own_org_id(request: HttpRequest) -> int | None:
    """An editor who also reads their organisation's report knows its figures: national ones are then
    shown only when the other organisations alone meet the thresholds."""
    person = person_of(request)
    return person.organization_id if may(person, Ability.READ_REPORT) else None


@national_view
def national_figures(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    today = timezone.localdate()
    asked = request.GET.get("kwartaal")
    chosen = selectors.parse_quarter(asked, quarters_up_to(today))
    if asked and chosen is None:
        messages.warning(request, _("Dat kwartaal kennen we niet. U ziet het laatste kwartaal."))
    page = selectors.national_page(national_rows(person), today, chosen, _own_org_id(request))
    chart = charts.quarters_chart(
        page.trend, "landelijk-trend", _("Landelijke trend per kwartaal: gestart, afgerond en gestopt")
    )
    return render(
        request,
        "reports/national.html",
        {
            "page": page,
            "chart": chart,
            "explanation": selectors.SUPPRESSED_EXPLANATION,
            "suppressed_text": selectors.SUPPRESSED_TEXT,
        },
    )


def _export_page(request: HttpRequest) -> selectors.NationalPage:
    """The page's figures of the last quarters, for an export."""
    person = person_of(request)
    return selectors.national_page(national_rows(person), timezone.localdate(), None, _own_org_id(request))


@national_view
def export_csv(request: HttpRequest) -> HttpResponse:
    """Every national figure of the last quarters; a figure too small to show says so instead of a number."""
    page = _export_page(request)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_("Kwartaal"), _("Cijfer"), _("Onderdeel"), _("Waarde")])

    def value(cell: selectors.Shown) -> str:
        return str(selectors.SUPPRESSED_TEXT) if cell.hidden else cell.text

    for row in page.trend:
        for label, cell in zip(page.measures, row.cells, strict=True):
            writer.writerow([row.label, label, "", value(cell)])
    skills = selectors.national_skills()
    for row in page.trend:
        y, q = row.year, row.quarter
        for code, name in skills:
            cell = page.figures.get(y, q, Measure.SKILL_CHOSEN, code)
            writer.writerow([row.label, _("Gekozen skills"), safe_text(name, "'"), value(cell)])
        for level in LEVELS:
            writer.writerow(
                [
                    row.label,
                    _("Behaalde opdrachten"),
                    level,
                    value(page.figures.get(y, q, Measure.LEVEL_REACHED, level)),
                ]
            )
            writer.writerow(
                [
                    row.label,
                    _("Weken per opdracht (mediaan)"),
                    level,
                    value(page.figures.get(y, q, Measure.MEDIAN_WEEKS, level)),
                ]
            )
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="wpo-landelijke-cijfers-{timezone.localdate().isoformat()}.csv"'
    )
    return response


def _download(extension: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{national_exports.filename(extension)}"'
    return response


@national_view
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The figures of the CSV as a workbook: one sheet per table; a figure too small to show says so."""
    return _download("xlsx", national_exports.to_xlsx(_export_page(request)))


@national_view
def export_pdf(request: HttpRequest) -> HttpResponse:
    """The figures of the CSV as a PDF (A4): the trend with its chart and the tables per quarter."""
    return _download("pdf", national_exports.to_pdf(_export_page(request)))
