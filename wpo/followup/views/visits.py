"""Department visits: the coach's list, planning, changing, cancelling and recording a visit,
its follow-ups, and the invitation. Project managers read; werkplekopleiders read the visits to
their department and tick off their own follow-ups."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from wpo.lib import ids
from wpo.lib.refusals import Refused
from wpo.orgs import access
from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, may

from .. import access as followup_access
from .. import selectors, services
from ..forms import (
    ChooseDepartmentForm,
    RecordVisitForm,
    RequiredActionForm,
    VisitFilterForm,
    VisitForm,
    action_formset,
)
from ..models import DepartmentVisit, VisitAction

readers = access.ability_required(Ability.READ_VISITS)
coach_only = access.ability_required(Ability.PLAN_VISITS)

HELD_PAGE_SIZE = 20


@require_safe
@readers
def visits(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    today = timezone.localdate()
    form = VisitFilterForm(
        request.GET or None, departments=followup_access.visible_departments(me), coach=may(me, Ability.PLAN_VISITS)
    )
    scope = selectors.VisitScope()
    if form.is_valid():
        scope = selectors.VisitScope(
            department=form.cleaned_data["afdeling"], all_coaches=form.cleaned_data.get("wie") == "alle"
        )
    upcoming = list(selectors.upcoming_visits(me, scope))
    page = Paginator(selectors.held_visits(me, scope), HELD_PAGE_SIZE).get_page(request.GET.get("pagina"))
    open_actions = list(selectors.open_actions(me, scope))
    for action in open_actions:
        action.may_tick = followup_access.may_tick_off(me, action)  # type: ignore[attr-defined]
    query = {k: request.GET.get(k, "") for k in ("afdeling", "wie") if request.GET.get(k)}
    return render(
        request,
        "followup/visits.html",
        {
            "form": form,
            "filtered": bool(scope.department) or bool(query),
            "upcoming": upcoming,
            "page": page,
            "page_query": urlencode(query),
            "open_actions": open_actions,
            "departments": selectors.department_rows(me, today),
            "today": today,
            "due_weeks": selectors.VISIT_DUE_AFTER.days // 7,
            "may_plan_visits": may(me, Ability.PLAN_VISITS),
        },
    )


def _next_workday_in_a_week(today: date) -> date:
    day = today + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@coach_only
def visit_plan(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the department (so the form can offer its werkplekopleiders); step 2: plan."""
    me = access.person_of(request)
    department_id = request.GET.get("afdeling", "")
    if not department_id:
        choose = ChooseDepartmentForm(departments=access.in_org(me, Department).order_by("name"))
        return render(request, "followup/visit_choose_department.html", {"form": choose})
    parsed_id = ids.parse_id(department_id)
    if parsed_id is None:
        raise Http404
    department = followup_access.access_department_for_visit(me, parsed_id)
    initial = {"date": _next_workday_in_a_week(timezone.localdate()), "time": "10:00", "duration_minutes": 60}
    form = VisitForm(
        request.POST if request.method == "POST" else None,
        trainers=followup_access.trainers_of(department),
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                visit = services.visit_plan(actor=me, department=department, **_visit_fields(form))
            except Refused as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Het bezoek is gepland. Zet het in je agenda met de knop hieronder."))
                return redirect("followup:visit_detail", visit_id=visit.pk)
        status = 400
    return render(request, "followup/visit_plan.html", {"form": form, "department": department}, status=status)


def _visit_fields(form: VisitForm) -> dict[str, Any]:
    """The planning fields of a valid visit form, as the services take them."""
    data = form.cleaned_data
    return {
        "planned_at": form.planned_at(),
        "duration_minutes": data["duration_minutes"],
        "purpose": data["purpose"],
        "trainers": list(data["trainers"]),
    }


@require_safe
@readers
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    me = access.person_of(request)
    visit = followup_access.access_visit(me, visit_id)
    return _render_detail(request, me, visit)


def _render_detail(
    request: HttpRequest, me: Person, visit: DepartmentVisit, *, add_form: Any = None, status: int = 200
) -> HttpResponse:
    actions = list(visit.actions.all())
    for action in actions:
        action.may_tick = followup_access.may_tick_off(me, action)  # type: ignore[attr-defined]
    if add_form is None and may(me, Ability.PLAN_VISITS) and visit.is_held:
        add_form = RequiredActionForm(owners=followup_access.action_owner_choices(me), auto_id="nieuw_%s")
    return render(
        request,
        "followup/visit_detail.html",
        {
            "visit": visit,
            "actions": actions,
            "add_form": add_form,
            "may_plan_visits": may(me, Ability.PLAN_VISITS),
            "today": timezone.localdate(),
        },
        status=status,
    )


@coach_only
def visit_edit(request: HttpRequest, visit_id: int) -> HttpResponse:
    me = access.person_of(request)
    visit = followup_access.access_visit_for_coach(me, visit_id)
    if not visit.is_planned:
        messages.error(request, _("Dit bezoek is niet meer gepland en kan niet meer veranderen."))
        return redirect("followup:visit_detail", visit_id=visit.pk)
    local = timezone.localtime(visit.planned_at)
    initial = {
        "date": local.date(),
        "time": local.time(),
        "duration_minutes": visit.duration_minutes,
        "purpose": visit.purpose,
        "trainers": [p.pk for p in visit.trainers.all()],
    }
    form = VisitForm(
        request.POST if request.method == "POST" else None,
        trainers=followup_access.trainers_of(visit.department),
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.visit_reschedule(visit=visit, actor=me, **_visit_fields(form))
            except Refused as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Het bezoek is gewijzigd. Zet het opnieuw in je agenda."))
                return redirect("followup:visit_detail", visit_id=visit.pk)
        status = 400
    return render(request, "followup/visit_edit.html", {"form": form, "visit": visit}, status=status)


@require_POST
@coach_only
def visit_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    me = access.person_of(request)
    visit = followup_access.access_visit_for_coach(me, visit_id)
    try:
        services.visit_cancel(visit=visit, actor=me)
    except Refused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("followup:visit_detail", visit_id=visit.pk)
    messages.success(
        request,
        _("Het bezoek aan %(department)s is afgezegd. Laat het de werkplekopleiders even weten.")
        % {"department": visit.department.name},
    )
    return redirect("followup:visits")


@coach_only
def visit_record(request: HttpRequest, visit_id: int) -> HttpResponse:
    me = access.person_of(request)
    visit = followup_access.access_visit_for_coach(me, visit_id)
    if not visit.is_planned:
        messages.error(request, _("Dit bezoek is al vastgelegd of afgezegd."))
        return redirect("followup:visit_detail", visit_id=visit.pk)
    owners = followup_access.action_owner_choices(me)
    bound = request.method == "POST"
    local_day = timezone.localtime(visit.planned_at).date()
    form = RecordVisitForm(request.POST if bound else None, initial={"held_on": min(local_day, timezone.localdate())})
    formset = action_formset(request.POST if bound else None, owners=owners)
    status = 200
    if bound:
        if form.is_valid() and formset.is_valid() and formset.check_due_dates(form.cleaned_data["held_on"]):
            data = form.cleaned_data
            try:
                services.visit_record(
                    visit=visit,
                    actor=me,
                    held_on=data["held_on"],
                    notes_seen=data["notes_seen"],
                    notes_participants=data["notes_participants"],
                    notes_trainers=data["notes_trainers"],
                    actions=formset.actions(),
                )
            except Refused as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Het bezoek is vastgelegd."))
                return redirect("followup:visit_detail", visit_id=visit.pk)
        status = 400
    return render(
        request,
        "followup/visit_record.html",
        {"form": form, "formset": formset, "visit": visit},
        status=status,
    )


@require_POST
@coach_only
def action_add(request: HttpRequest, visit_id: int) -> HttpResponse:
    me = access.person_of(request)
    visit = followup_access.access_visit_for_coach(me, visit_id)
    if not visit.is_held:
        messages.error(request, _("Een vervolgactie hoort bij een bezoek dat geweest is. Leg het bezoek eerst vast."))
        return redirect("followup:visit_detail", visit_id=visit.pk)
    form = RequiredActionForm(request.POST, owners=followup_access.action_owner_choices(me), auto_id="nieuw_%s")
    if form.is_valid() and (visit.held_on is None or form.check_due_on(visit.held_on)):
        action = form.action()
        assert action is not None
        try:
            services.action_add(visit=visit, actor=me, action=action)
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De vervolgactie is toegevoegd."))
            return redirect(reverse("followup:visit_detail", args=[visit.pk]) + "#vervolgacties")
    return _render_detail(request, me, visit, add_form=form, status=400)


@require_POST
def action_toggle(request: HttpRequest, action_id: int) -> HttpResponse:
    """Tick a follow-up off, or on again. For the one who does it, and for a coach."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    me = access.person_of(request)
    action: VisitAction = followup_access.access_action_to_tick(me, action_id)
    done = request.POST.get("klaar") == "ja"
    try:
        services.action_set_done(action=action, actor=me, done=done)
    except Refused as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if done:
            messages.success(request, _("Afgevinkt: %(what)s") % {"what": action.description})
        else:
            messages.success(request, _("Weer open gezet: %(what)s") % {"what": action.description})
    if request.POST.get("terug") == "lijst":
        return redirect(reverse("followup:visits") + "#open-acties")
    return redirect(reverse("followup:visit_detail", args=[action.visit_id]) + "#vervolgacties")


@require_safe
@readers
def visit_ics(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The planned visit as an iCalendar file, for Outlook, Google or Apple Calendar."""
    visit = followup_access.access_visit(access.person_of(request), visit_id)
    if not visit.is_planned:
        raise Http404
    url = request.build_absolute_uri(reverse("followup:visit_detail", args=[visit.pk]))
    response = HttpResponse(services.visit_ics(visit, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{services.visit_ics_filename(visit)}"'
    response["Cache-Control"] = "private, no-store"
    return response
