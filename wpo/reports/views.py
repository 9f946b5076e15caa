"""The project manager's report: the page, and the same figures as Excel, CSV and PDF."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from wpo.coaching import signal_cache
from wpo.national import selectors as national_selectors
from wpo.national.access import own_and_national
from wpo.orgs import access
from wpo.orgs.access import View
from wpo.orgs.models import Person

from . import charts, exports, figures
from .access import report_scope, report_view
from .forms import ReportFilterForm, filter_form

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


@report_view
def report(request: HttpRequest) -> HttpResponse:
    person = access.person_of(request)
    # Kept rendered under the organisation's signal generation, like the coach's overview (issue 21).
    main = signal_cache.kept_page(person, "report", request.GET.urlencode(), lambda: _report_main(request, person))
    return render(request, "reports/report.html", {"main": main})


def _report_main(request: HttpRequest, person: Person) -> str:
    scope = report_scope(person)
    form = filter_form(request.GET, scope)
    context: dict[str, object] = {"form": form, "organization": scope.organization}
    if form.result is not None:
        result = figures.compute(scope, form.result, page=request.GET.get("pagina") or 1)
        query = form.query()
        context.update(
            report=result,
            query=query,
            page=result.department_page,
            page_query=query,
            tables={table.key: table for table in exports.tables(result)},
            department_charts=charts.department_charts(result),
            levels_chart=charts.levels_chart(result),
            trend_chart=charts.trend_chart(result),
            definitions=figures.DEFINITIONS,
            department_label=exports.department_label(result),
            # The organisation's own figures of the last whole quarter beside the country's (wpo.national).
            comparison=national_selectors.comparison(
                own_and_national(person), timezone.localdate(), scope.organization.pk
            ),
            suppressed_explanation=national_selectors.SUPPRESSED_EXPLANATION,
        )
    return render_to_string("reports/report.html#main", context, request=request)


def _bad_filter(request: HttpRequest, form: ReportFilterForm) -> HttpResponse:
    return render(request, "reports/bad_filter.html", {"form": form}, status=400)


def _export(extension: str, build: Callable[[figures.Report], bytes]) -> View:
    @report_view
    def view(request: HttpRequest) -> HttpResponse:
        scope = report_scope(access.person_of(request))
        form = filter_form(request.GET, scope)
        if form.result is None:
            return _bad_filter(request, form)
        result = figures.compute(scope, form.result)
        response = HttpResponse(build(result), content_type=CONTENT_TYPES[extension])
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(result, extension)}"'
        return response

    view.__name__ = view.__qualname__ = f"export_{extension}"
    view.__doc__ = f"The report as .{extension}, for the filter in the query string; 400 for a bad filter."
    return view


export_xlsx = _export("xlsx", exports.to_xlsx)
export_csv = _export("csv", exports.to_csv)
export_pdf = _export("pdf", exports.to_pdf)
