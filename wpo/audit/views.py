from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wpo.orgs.access import ability_required, person_of
from wpo.orgs.permissions import Ability

from .access import access_audit_log
from .forms import LogFilterForm
from .log import Filters, page_of


@require_GET
@ability_required(Ability.MANAGE_PEOPLE)
def log(request: HttpRequest) -> HttpResponse:
    """Every recorded change in the administrator's organisation, newest first, with filters."""
    form = LogFilterForm(request.GET)
    form.is_valid()  # a wrong filter value shows its message; the valid ones still apply
    data = form.cleaned_data
    scope = access_audit_log(person_of(request), data.get("persoon"))
    filters = Filters(
        kind=data.get("soort") or "",
        person=scope.person,
        name=(data.get("naam") or "").strip(),
        start=data.get("van"),
        end=data.get("tot"),
    )
    page, entries = page_of(scope.tables, scope.people, filters, request.GET.get("pagina"))
    chosen = {key: request.GET[key] for key in ("naam", "soort", "van", "tot", "persoon") if request.GET.get(key)}
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "about": scope.person,
            "filtered": bool(chosen),
            "page_query": urlencode(chosen),
        },
    )
