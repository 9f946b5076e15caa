"""What the coach sees: the overview of every trajectory, the signals, and their thresholds."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from wpo.lib.urls import PkUrl
from wpo.lib.widgets import QuickSelect
from wpo.orgs import access
from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, may
from wpo.trajectories.access import assessments_awaiting_my_judgement
from wpo.trajectories.models import OPEN_STEPS, Phase, Step

from . import early_signals, selectors, signal_cache
from .models import SignalSettings
from .services import signal_settings_save

PAGE_SIZE = 50

SORT_LABELS = {
    "afdeling": _("Afdeling en werkplekopleider"),
    "naam": _("Naam"),
    "opleider": _("Werkplekopleider"),
    "fase": _("Fase"),
    "weken": _("Langst in dezelfde stap"),
}


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
    fase = forms.TypedChoiceField(
        label=_("Fase"), choices=[("", _("Alle fasen")), *Phase.choices], coerce=int, required=False, empty_value=None
    )
    stap = forms.ChoiceField(
        label=_("Stap"),
        choices=[("", _("Alle stappen")), *[(s.value, s.label) for s in OPEN_STEPS]],
        required=False,
    )
    signaal = forms.ChoiceField(
        label=_("Signalen"),
        choices=[("", _("Iedereen")), ("ja", _("Alleen met een signaal"))],
        required=False,
    )
    sorteer = forms.ChoiceField(label=_("Sorteer op"), choices=list(SORT_LABELS.items()), required=False)

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


@access.ability_required(Ability.COACH_TRAJECTORIES)
def overview(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    form = OverviewFilter(request.GET or None, me=me)
    # Counted in the database; the signals themselves are built only for the trajectories on this page.
    summary = signal_cache.summary_for(me)
    filters = selectors.OverviewFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.OverviewFilters(
            words=data["q"].split(),
            department=data["afdeling"],
            trainer=data["opleider"],
            phase=data["fase"],
            step=data["stap"],
            flagged=summary.flagged if data["signaal"] else None,
            sort=data["sorteer"] or selectors.DEFAULT_SORT,
        )
    trajectories = selectors.overview_trajectories(me, filters)
    page = Paginator(trajectories, PAGE_SIZE).get_page(request.GET.get("pagina"))
    shown = list(page.object_list)
    flagged = early_signals.signals_for(me, only=[t.pk for t in shown]).by_trajectory()
    now = timezone.now()
    detail_url = PkUrl("trajectories:trajectory_detail")
    rows = []
    previous_group = None
    for t in shown:
        group = (t.department.name, t.trainer.name if t.trainer else "")
        rows.append(
            {
                "trajectory": t,
                "url": detail_url(t.pk),
                "step_label": Step(t.current_step).label if t.current_step else None,
                "weeks": (now - t.current_step_since).days // 7 if t.current_step_since else None,
                "signals": flagged.get(t.pk, []),
                "group": group if filters.sort == "afdeling" and group != previous_group else None,
            }
        )
        previous_group = group
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
    return render(
        request,
        "coaching/overview.html",
        {
            "form": form,
            "page": page,
            "page_query": urlencode(query),
            "rows": rows,
            "total": page.paginator.count,
            "capacity": capacity,
            "signal_counts": [(kind, n) for kind, n in summary.counts if n],
            "signal_total": summary.total,
            "waiting_for_me": assessments_awaiting_my_judgement(me).count(),
            "filtered": bool(query),
        },
    )


@access.ability_required(Ability.COACH_TRAJECTORIES)
def signals(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    kind = early_signals.KIND_BY_CODE.get(request.GET.get("soort", ""))
    # Counted in the database; only the signals on this page are fetched.
    shown, counts = early_signals.signal_list(me, kind)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "coaching/signals.html",
        {
            "page": page,
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
