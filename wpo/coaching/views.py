"""What the coach sees: the overview of every trajectory with its most urgent reason, the signals
(of everyone, or of one trajectory, with snooze and "discussed"), and their thresholds."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from wpo.coaching.widgets import QuickSelect
from wpo.lib.refusals import Refused
from wpo.lib.urls import PkUrl
from wpo.orgs import access
from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, may
from wpo.trajectories.access import assessments_awaiting_my_judgement
from wpo.trajectories.models import OPEN_STEPS, Phase, Step, Trajectory

from . import calibration as calibration_reads
from . import early_signals, selectors, signal_cache
from .access import triage_trajectory
from .forms import DiscussedForm, SnoozeForm, WakeForm
from .models import SignalSettings
from .services import MAX_SNOOZE_DAYS, signal_discussed, signal_settings_save, signal_snooze, signal_wake

PAGE_SIZE = 50

SORT_LABELS = {
    "afdeling": _("Afdeling en werkplekopleider"),
    "naam": _("Naam"),
    "opleider": _("Werkplekopleider"),
    "fase": _("Fase"),
    "weken": _("Langst in dezelfde stap"),
    "aandacht": _("Meest dringend eerst"),
}
# "Signalen": everyone, only those with a signal, or those whose most urgent reason is one kind.
SIGNAL_CHOICES = [
    ("", _("Iedereen")),
    ("ja", _("Alleen met een signaal")),
    *[(kind.code, kind.label) for kind in early_signals.SEVERITY],
]


class _DepartmentChoices(ModelChoiceIterator[Department]):
    """The options from one ``values_list`` query: no model instance per option on every visit.

    Only the options are built this way; a chosen value is still checked against the queryset.
    """

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class _TrainerChoices(ModelChoiceIterator[Person]):
    """As ``_DepartmentChoices``, for up to 200 werkplekopleiders; the label is ``Person.name``."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, first, last, username in self.queryset.values_list(
            "pk", "user__first_name", "user__last_name", "user__username"
        ):
            yield (pk, f"{first} {last}".strip() or username)


class OverviewFilter(forms.Form):
    q = forms.CharField(label=_("Zoek op naam"), required=False, max_length=100)
    # QuickSelect: an organisation has up to 200 werkplekopleiders, one template include each was slow.
    afdeling = forms.ModelChoiceField(
        label=_("Afdeling"), queryset=Department.objects.none(), required=False, widget=QuickSelect
    )
    opleider = forms.ModelChoiceField(
        label=_("Werkplekopleider"), queryset=Person.objects.none(), required=False, widget=QuickSelect
    )
    # The short lists too: each option through a template include cost about 3 ms per visit in all.
    fase = forms.TypedChoiceField(
        label=_("Fase"),
        choices=[("", _("Alle fasen")), *Phase.choices],
        coerce=int,
        required=False,
        empty_value=None,
        widget=QuickSelect,
    )
    stap = forms.ChoiceField(
        label=_("Stap"),
        choices=[("", _("Alle stappen")), *[(s.value, s.label) for s in OPEN_STEPS]],
        required=False,
        widget=QuickSelect,
    )
    signaal = forms.ChoiceField(label=_("Signalen"), choices=SIGNAL_CHOICES, required=False, widget=QuickSelect)
    sorteer = forms.ChoiceField(
        label=_("Sorteer op"), choices=list(SORT_LABELS.items()), required=False, widget=QuickSelect
    )

    def __init__(self, *args: Any, me: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        afdeling = self.fields["afdeling"]
        opleider = self.fields["opleider"]
        assert isinstance(afdeling, forms.ModelChoiceField) and isinstance(opleider, forms.ModelChoiceField)
        # Before the querysets: setting a queryset hands the widget its choices from ``iterator``.
        afdeling.iterator = _DepartmentChoices
        opleider.iterator = _TrainerChoices
        afdeling.queryset = selectors.overview_departments(me)
        afdeling.empty_label = _("Alle afdelingen")
        opleider.queryset = selectors.overview_trainers(me)
        opleider.empty_label = _("Alle werkplekopleiders")
        opleider.label_from_instance = lambda p: p.name  # type: ignore[method-assign,assignment]


PHASE_LABELS = dict(Phase.choices)


class _CountedPaginator(Paginator[dict[str, Any]]):
    """Counts ``counted``, the rows' queryset before values(): without the joins of the names,
    which a count keeps (an INNER join could drop rows, so Django does not strip it)."""

    def __init__(self, object_list: Any, per_page: int, counted: Any) -> None:
        super().__init__(object_list, per_page)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        return int(self.counted.count())


class _InOrder:
    """The overview's rows from a kept order of ids (``signal_cache.overview_order``): its length is
    the order's, and a page reads only its own rows."""

    def __init__(self, order: list[int], rows: Any) -> None:
        self.order = order
        self.rows = rows

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        ids = self.order[index]
        found = {row["pk"]: row for row in self.rows.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]  # one deleted since is left out


def _filter_query(request: HttpRequest) -> str:
    """The filter and sort the coach chose, without the page number: every page shares one order."""
    return urlencode(sorted((k, str(v)) for k, v in request.GET.items() if k != "pagina"))


def _person_name(row: dict[str, Any], prefix: str) -> str:
    """Person.name from a values() row: the full name, else the username ("" without a person)."""
    username = row[f"{prefix}user__username"]
    if username is None:
        return ""
    full = f"{row[f'{prefix}user__first_name']} {row[f'{prefix}user__last_name']}".strip()
    return full or str(username)


# The first six cells of an overview row, with the markup the template had for them: built in
# Python, fourteen template variables per row were a third of the page's rendering time.
ROW_CELLS = (
    '<th scope="row"><a href="{}">{}</a></th>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}">{}</td>'
)


def _cell_labels() -> tuple[str, ...]:
    """The column labels of the cells, translated once per page."""
    return (
        gettext("Afdeling"),
        gettext("Werkplekopleider"),
        gettext("Fase"),
        gettext("Opdracht en stap"),
        gettext("Weken in stap"),
    )


def row_cells(row: dict[str, Any], labels: tuple[str, ...]) -> SafeString:
    if row["step_label"]:
        step = format_html('{}<br><span class="badge badge-step">{}</span>', row["title"], row["step_label"])
    else:
        step = conditional_escape(gettext("Geen opdracht open"))
    weeks = formats.localize(row["weeks"]) if row["weeks"] is not None else "—"
    department, trainer, phase, step_label, weeks_label = labels
    return format_html(
        ROW_CELLS,
        row["url"],
        row["name"],
        department,
        row["department"],
        trainer,
        row["trainer"] or "—",
        phase,
        row["phase"],
        step_label,
        step,
        weeks_label,
        weeks,
    )


@access.ability_required(Ability.COACH_TRAJECTORIES)
def overview(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    main = signal_cache.kept_page(me, "overview", request.GET.urlencode(), lambda: _overview_main(request, me))
    return render(request, "coaching/overview.html", {"main": main})


def _overview_main(request: HttpRequest, me: Person) -> str:
    """The overview below its heading, rendered: the signal counts, the capacity, the filter and the rows."""
    form = OverviewFilter(request.GET or None, me=me)
    # Counted in the database; the signals themselves are built only for the trajectories on this page.
    summary = signal_cache.summary_for(me)
    filters = selectors.OverviewFilters()
    if form.is_valid():
        data = form.cleaned_data
        reason = early_signals.KIND_BY_CODE.get(data["signaal"])
        flagged = None
        if reason is not None:
            flagged = summary.triage.top_is(reason)
        elif data["signaal"]:
            flagged = summary.flagged
        filters = selectors.OverviewFilters(
            words=data["q"].split(),
            department=data["afdeling"],
            trainer=data["opleider"],
            phase=data["fase"],
            step=data["stap"],
            flagged=flagged,
            sort=data["sorteer"] or selectors.DEFAULT_SORT,
            urgency=summary.triage.rank() if data["sorteer"] == "aandacht" else None,
        )
    trajectories = selectors.overview_trajectories(me, filters)
    chosen = _filter_query(request)
    fields = selectors.kept_order_fields(filters)
    order = None
    if fields is not None:
        order = signal_cache.overview_order(me, trajectories, fields, chosen)
    if order is not None:
        rows_in_order: Any = _InOrder(order, selectors.overview_rows(trajectories))
        page = Paginator[dict[str, Any]](rows_in_order, PAGE_SIZE).get_page(request.GET.get("pagina"))
    else:
        page = _CountedPaginator(selectors.overview_rows(trajectories), PAGE_SIZE, trajectories).get_page(
            request.GET.get("pagina")
        )
    shown = list(page.object_list)
    now = timezone.now()
    # One most urgent reason per row, built only for the trajectories on this page.
    triaged = signal_cache.overview_triage(me, [t["pk"] for t in shown], now)
    detail_url = PkUrl("trajectories:trajectory_detail")
    signals_url = PkUrl("coaching:trajectory_signals")
    rows = []
    previous_group = None
    for t in shown:
        # The cells as strings (selectors.ROW_FIELDS, a values() row: no model instances to build).
        trainer = _person_name(t, "trainer__")
        group = (t["department__name"], trainer)
        rows.append(
            {
                "name": _person_name(t, "participant__"),
                "department": t["department__name"],
                "trainer": trainer,
                "phase": PHASE_LABELS.get(t["phase"], t["phase"]),
                "title": t["current_title"],
                "url": detail_url(t["pk"]),
                "signals_url": signals_url(t["pk"]),
                "step_label": Step(t["current_step"]).label if t["current_step"] else None,
                "weeks": (now - t["current_step_since"]).days // 7 if t["current_step_since"] else None,
                "triage": triaged[t["pk"]],
                "cells": None,
                "group": group if filters.sort == "afdeling" and group != previous_group else None,
            }
        )
        previous_group = group
    labels = _cell_labels()
    for row in rows:
        row["cells"] = row_cells(row, labels)
    capacity = [
        {
            "department": d,
            "in_wpo": d.in_wpo,
            "agreed": d.agreed_capacity,
            "over": d.in_wpo > d.agreed_capacity,
            # Bar width in tens of percent of the agreed number (CSS classes: no inline style under CSP).
            "fill": min(100, round(10 * d.in_wpo / d.agreed_capacity) * 10) if d.agreed_capacity else 100,
        }
        for d in selectors.department_capacity(me)
    ]
    query: dict[str, str] = {k: v for k, v in request.GET.items() if k != "pagina" and isinstance(v, str) and v}
    filter_form = signal_cache.kept_fragment(
        me,
        "overview-filter",
        chosen,
        lambda: render_to_string(
            "coaching/overview.html#filter_form", {"form": form, "filtered": bool(query)}, request=request
        ),
    )
    return render_to_string(
        "coaching/overview.html#main",
        {
            "filter_form": filter_form,
            "page": page,
            "page_query": urlencode(query),
            "rows": rows,
            "total": page.paginator.count,
            "capacity": capacity,
            "signal_counts": [(kind, n) for kind, n in summary.counts if n],
            "signal_total": summary.total,
            "reasons": [(kind, n) for kind, n in summary.reasons if n],
            "needing_attention": summary.needing_attention,
            # Problems, departments and the intervision: not about one trajectory, listed apart.
            "organisation_signals": [
                (kind, n) for kind, n in summary.counts if n and kind not in early_signals.SEVERITY
            ],
            "waiting_for_me": assessments_awaiting_my_judgement(me).count(),
            "filtered": bool(query),
        },
        request=request,
    )


@access.ability_required(Ability.COACH_TRAJECTORIES)
def signals(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    kind = early_signals.KIND_BY_CODE.get(request.GET.get("soort", ""))
    # Counted in the database; only the signals on this page are fetched.
    shown, counts = early_signals.signal_list(me, kind)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("pagina"))
    triage_url = PkUrl("coaching:trajectory_signals")
    snoozable = early_signals.SNOOZABLE
    items = [
        (signal, triage_url(signal.trajectory_id) if signal.trajectory_id and signal.kind in snoozable else "")
        for signal in page.object_list
    ]
    return render(
        request,
        "coaching/signals.html",
        {
            "page": page,
            "items": items,
            "page_query": urlencode({"soort": kind.code}) if kind else "",
            "kind": kind,
            "counts": counts,
            "total": sum(n for _kind, n in counts),
            "config": early_signals.settings_for(me.organization_id),
        },
    )


class SignalSettingsForm(forms.ModelForm[SignalSettings]):
    class Meta:
        model = SignalSettings
        fields = [
            "assignment_weeks",
            "look_back_weeks",
            "conversation_weeks",
            "trajectory_months",
            "inactive_weeks",
            "interim_weeks",
            "digest_enabled",
        ]


@access.ability_required(Ability.SET_SIGNAL_THRESHOLDS)
def signal_settings(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    if request.method == "POST":
        # Validated on an unsaved copy: a refused form leaves no default row behind.
        form = SignalSettingsForm(request.POST, instance=early_signals.settings_for(me.organization_id))
        if form.is_valid():
            signal_settings_save(actor=me, values=form.cleaned_data)
            messages.success(request, _("De grenzen voor signalen zijn bewaard."))
            return redirect("coaching:signals" if may(me, Ability.COACH_TRAJECTORIES) else "coaching:signal_settings")
    else:
        form = SignalSettingsForm(instance=early_signals.settings_for(me.organization_id))
    return render(request, "coaching/signal_settings.html", {"form": form})


# One trajectory's signals: snooze, wake, discussed -----------------------------------------------


def _triage_page(
    request: HttpRequest, trajectory: Trajectory, failed: tuple[str, str, forms.Form] | None = None
) -> HttpResponse:
    """The trajectory's signals with a form per action; ``failed`` (signal code, action, bound form)
    is shown again with its errors in its own place."""
    me = access.person_of(request)
    triage = selectors.trajectory_triage(me, trajectory)
    today = timezone.localdate()
    min_date = (today + timedelta(days=1)).isoformat()
    max_date = (today + timedelta(days=MAX_SNOOZE_DAYS)).isoformat()
    shown_failed = False

    def form_for(code: str, action: str, form_class: type[forms.Form], place: str) -> forms.Form:
        nonlocal shown_failed
        if failed and not shown_failed and failed[0] == code and failed[1] == action:
            form, shown_failed = failed[2], True
        else:
            form = form_class(initial={"soort": code})
        form.auto_id = f"id_{place}_{action}_%s"  # unique ids: a form of each action per signal
        if "tot" in form.fields:
            form.fields["tot"].widget.attrs.update(min=min_date, max=max_date)
        return form

    rows = []
    for index, item in enumerate(triage.signals):
        code = item.signal.kind.code
        rows.append(
            {
                "signal": item.signal,
                "discussed_at": item.discussed_at,
                "first": index == 0,
                "snooze_form": form_for(code, "stil", SnoozeForm, str(index)),
                "discussed_form": form_for(code, "besproken", DiscussedForm, str(index)),
                "snooze_open": bool(failed and failed[0] == code and failed[1] == "stil"),
                "discussed_open": bool(failed and failed[0] == code and failed[1] == "besproken"),
            }
        )
    quiet = [
        {"quiet": q, "wake_form": form_for(q.kind.code, "aan", WakeForm, f"q{index}")}
        for index, q in enumerate(triage.quiet)
    ]
    # A form about a signal that is not on the page (gone meanwhile, or nonsense): its errors on top.
    unplaced = [str(m) for errors in failed[2].errors.values() for m in errors] if failed and not shown_failed else []
    return render(
        request,
        "coaching/trajectory_signals.html",
        {
            "trajectory": trajectory,
            "rows": rows,
            "quiet": quiet,
            "history": [
                (event, getattr(early_signals.KIND_BY_CODE.get(event.kind), "label", event.kind))
                for event in triage.history
            ],
            "is_active": trajectory.status == Trajectory.Status.ACTIVE,
            "unplaced_errors": unplaced,
        },
    )


@require_safe
@access.ability_required(Ability.COACH_TRAJECTORIES)
def trajectory_signals(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    me = access.person_of(request)
    return _triage_page(request, triage_trajectory(me, trajectory_id))


def _refused_into(form: forms.Form, refusal: Refused) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal)


@require_POST
@access.ability_required(Ability.TRIAGE_SIGNALS)
def signal_snooze_view(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    me = access.person_of(request)
    trajectory = triage_trajectory(me, trajectory_id)
    form = SnoozeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            signal_snooze(actor=me, trajectory=trajectory, kind=data["soort"], until=data["tot"], reason=data["reden"])
        except Refused as refusal:
            _refused_into(form, refusal)
        else:
            messages.success(
                request,
                _("Het signaal staat stil tot en met %(date)s.") % {"date": formats.date_format(data["tot"], "j F Y")},
            )
            return redirect("coaching:trajectory_signals", trajectory_id=trajectory.pk)
    return _triage_page(request, trajectory, (request.POST.get("soort", ""), "stil", form))


@require_POST
@access.ability_required(Ability.TRIAGE_SIGNALS)
def signal_wake_view(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    me = access.person_of(request)
    trajectory = triage_trajectory(me, trajectory_id)
    form = WakeForm(request.POST)
    if form.is_valid():
        try:
            signal_wake(actor=me, trajectory=trajectory, kind=form.cleaned_data["soort"])
        except Refused as refusal:
            _refused_into(form, refusal)
        else:
            messages.success(request, _("Het signaal telt weer mee."))
            return redirect("coaching:trajectory_signals", trajectory_id=trajectory.pk)
    return _triage_page(request, trajectory, (request.POST.get("soort", ""), "aan", form))


@require_POST
@access.ability_required(Ability.TRIAGE_SIGNALS)
def signal_discussed_view(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    me = access.person_of(request)
    trajectory = triage_trajectory(me, trajectory_id)
    form = DiscussedForm(request.POST)
    if form.is_valid():
        try:
            signal_discussed(
                actor=me, trajectory=trajectory, kind=form.cleaned_data["soort"], note=form.cleaned_data["notitie"]
            )
        except Refused as refusal:
            _refused_into(form, refusal)
        else:
            messages.success(request, _("Vastgelegd: besproken met de werkplekopleider."))
            return redirect("coaching:trajectory_signals", trajectory_id=trajectory.pk)
    return _triage_page(request, trajectory, (request.POST.get("soort", ""), "besproken", form))


@require_safe
@access.ability_required(Ability.COACH_TRAJECTORIES)
def calibration(request: HttpRequest) -> HttpResponse:
    """Calibration: per werkplekopleider the share of ‘nog niet’, the weeks to ‘behaald’ per level and
    the agreement with second assessors, beside the organisation's average."""
    me = access.person_of(request)
    period = request.GET.get("periode", calibration_reads.DEFAULT_PERIOD)
    result = calibration_reads.calibration(me, period if isinstance(period, str) else "")
    everyone = result.organisation
    rows = [
        {
            "row": row,
            "compared": result.compared(row),
            "levels": [(weeks, everyone.weeks_at(weeks.level)) for weeks in row.levels],
        }
        for row in result.rows
    ]
    return render(
        request,
        "coaching/calibration.html",
        {
            "result": result,
            "rows": rows,
            "chart": calibration_reads.not_yet_chart(result),
            "enough": calibration_reads.ENOUGH,
        },
    )
