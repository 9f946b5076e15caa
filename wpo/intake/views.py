"""The intake (aanmeldingen): the departments with their places and queues, one department's queue,
putting someone forward, and the coach's moves (invite, start, not now, back, reorder)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wpo.lib import ids
from wpo.lib.refusals import Refused
from wpo.orgs import access as org_access
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, may
from wpo.trajectories.models import Phase

from . import access, selectors, services
from .forms import NoteForm, NotNowForm, PutForwardForm, StartForm
from .models import Interest

readers = org_access.ability_required(Ability.READ_INTAKE)
proposers = org_access.ability_required(Ability.PUT_FORWARD)
managers = org_access.ability_required(Ability.MANAGE_INTAKE)


def _department_url(interest: Interest) -> str:
    return reverse("intake:department", args=[interest.department_id])


def _expected(raw: str) -> str | None:
    """The status the user saw, from the form; anything else is ignored (no check)."""
    return raw if raw in Interest.Status.values else None


def _help(me: Person) -> dict[str, Any]:
    """The help box on the intake's page: the coach's phase 1, the trainer's ‘iemand aanmelden’."""
    if access.may_manage(me):
        return {"role": "coach", "subject": Phase.START.value}
    if may(me, Ability.GUIDE_PARTICIPANTS):
        return {"role": "trainer", "subject": "aanmelden"}
    return {}


@require_safe
@readers
def index(request: HttpRequest) -> HttpResponse:
    me = org_access.person_of(request)
    return render(
        request,
        "intake/index.html",
        {
            "rows": selectors.department_rows(me),
            "may_put_forward": may(me, Ability.PUT_FORWARD),
            "may_manage": access.may_manage(me),
            "help": _help(me),
        },
    )


@require_safe
@readers
def department(request: HttpRequest, department_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    dept = access.access_department(me, department_id)
    page = selectors.department_page(me, dept)
    return render(
        request,
        "intake/department.html",
        {
            "page": page,
            "may_put_forward": may(me, Ability.PUT_FORWARD),
            "may_manage": access.may_manage(me),
        },
    )


@require_http_methods(["GET", "POST"])
@proposers
def put_forward(request: HttpRequest) -> HttpResponse:
    me = org_access.person_of(request)
    manager = access.may_manage(me)
    departments = selectors.departments_to_put_forward(me)
    initial: dict[str, Any] = {"source": Interest.Source.COACH if manager else Interest.Source.TRAINER}
    chosen = ids.parse_id(request.GET.get("afdeling", ""))
    only = list(departments.values_list("pk", flat=True)[:2])
    initial["department"] = chosen or me.department_id or (only[0] if len(only) == 1 else None)
    if may(me, Ability.GUIDE_PARTICIPANTS):
        initial["trainer"] = me.pk
    form = PutForwardForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        employees=selectors.employees_to_put_forward(me),
        departments=departments,
        trainers=selectors.trainers_to_choose(me),
        sources=list(Interest.Source.values) if manager else [Interest.Source.TRAINER, Interest.Source.EMPLOYEE],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interest = services.interest_put_forward(
                actor=me,
                department=data["department"],
                trainer=data["trainer"],
                source=data["source"],
                employee=data["employee"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                put_forward_on=data["put_forward_on"],
                note=data["note"],
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s staat op de wachtlijst van %(department)s.")
                % {"name": interest.employee.name, "department": interest.department.name},
            )
            return redirect(_department_url(interest))
    return render(request, "intake/put_forward.html", {"form": form, "has_departments": departments.exists()})


@require_safe
@readers
def interest_detail(request: HttpRequest, interest_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    interest = access.access_interest(me, interest_id)
    manage = access.may_manage(me)
    return render(
        request,
        "intake/interest.html",
        {
            "interest": interest,
            "history": list(interest.history.all()),
            "may_manage": manage,
            "note_form": NoteForm(initial={"expected": interest.status}) if manage else None,
        },
    )


@require_POST
@managers
def interest_invite(request: HttpRequest, interest_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    interest = access.access_interest_to_manage(me, interest_id)
    form = NoteForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"note": "", "expected": ""}
    try:
        services.interest_invite(actor=me, interest=interest, note=data["note"], expected=_expected(data["expected"]))
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is uitgenodigd voor de start.") % {"name": interest.employee.name})
    return redirect(_department_url(interest))


@require_http_methods(["GET", "POST"])
@managers
def interest_start(request: HttpRequest, interest_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    interest = access.access_interest_to_manage(me, interest_id)
    form = StartForm(request.POST if request.method == "POST" else None, initial={"expected": interest.status})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.interest_start(
                actor=me,
                interest=interest,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
                expected=_expected(data["expected"]),
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s is gestart. Het WPO-traject staat in fase 1; %(trainer)s voert nu het startgesprek.")
                % {"name": interest.employee.name, "trainer": interest.trainer.name},
            )
            return redirect(_department_url(interest))
    return render(request, "intake/start.html", {"interest": interest, "form": form})


@require_http_methods(["GET", "POST"])
@managers
def interest_not_now(request: HttpRequest, interest_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    interest = access.access_interest_to_manage(me, interest_id)
    form = NotNowForm(request.POST if request.method == "POST" else None, initial={"expected": interest.status})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.interest_not_now(
                actor=me,
                interest=interest,
                reason=data["reason"],
                ask_again_on=data["ask_again_on"],
                expected=_expected(data["expected"]),
            )
        except Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc)
        else:
            messages.success(request, _("%(name)s staat nu bij ‘niet nu’.") % {"name": interest.employee.name})
            return redirect(_department_url(interest))
    return render(request, "intake/not_now.html", {"interest": interest, "form": form})


@require_POST
@managers
def interest_back(request: HttpRequest, interest_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    interest = access.access_interest_to_manage(me, interest_id)
    form = NoteForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"note": "", "expected": ""}
    try:
        services.interest_back(actor=me, interest=interest, note=data["note"], expected=_expected(data["expected"]))
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(name)s staat weer achteraan op de wachtlijst.") % {"name": interest.employee.name}
        )
    return redirect(_department_url(interest))


@require_POST
@managers
def interest_move(request: HttpRequest, interest_id: int) -> HttpResponse:
    """One place up or down in the department's queue (``richting``: omhoog or omlaag)."""
    me = org_access.person_of(request)
    interest = access.access_interest_to_manage(me, interest_id)
    direction = request.POST.get("richting", "")
    if direction in ("omhoog", "omlaag"):
        try:
            services.interest_move_in_queue(actor=me, interest=interest, up=direction == "omhoog")
        except Refused as exc:
            messages.error(request, str(exc))
    return redirect(f"{_department_url(interest)}#wachtlijst")
