"""The report's filter: a period (a preset or two dates) and optionally one department, read from GET."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import Department

from . import figures
from .access import ReportScope
from .figures import DEFAULT_PRESET, FIRST_YEAR, LAST_YEAR, PRESET_LABELS, Period, Preset, ReportFilter

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
BAD_DATE = _("Vul een geldige datum in, bijvoorbeeld 31-12-2025.")


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value: Any) -> str | None:
        return value.isoformat() if isinstance(value, date) else super().format_value(value)


class ReportFilterForm(forms.Form):
    periode = forms.ChoiceField(
        label=_("Periode"),
        choices=[(p.value, label) for p, label in PRESET_LABELS.items()],
        required=False,
        error_messages={"invalid_choice": _("Kies een periode uit de lijst.")},
    )
    van = forms.DateField(
        label=_("Van"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": BAD_DATE},
    )
    tot = forms.DateField(
        label=_("Tot en met"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": BAD_DATE},
    )
    afdeling = forms.ModelChoiceField(
        label=_("Afdeling"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Alle afdelingen"),
        error_messages={"invalid_choice": _("Kies een afdeling uit de lijst.")},
    )

    def __init__(self, *args: Any, scope: ReportScope, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.today = today or timezone.localdate()
        field = self.fields["afdeling"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = scope.departments.order_by("name")
        self.result: ReportFilter | None = None

    def clean_periode(self) -> Preset | None:
        value = self.cleaned_data.get("periode")
        return Preset(value) if value else None

    def _check_year(self, name: str) -> None:
        value = self.cleaned_data.get(name)
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            self.add_error(
                name,
                _("Kies een datum tussen het jaar %(first)s en %(last)s.")
                % {
                    "first": FIRST_YEAR,
                    "last": LAST_YEAR,
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preset: Preset | None = data.get("periode")
        start, end = data.get("van"), data.get("tot")
        dates_given = any(self.data.get(name) for name in ("van", "tot"))
        if preset is None:
            preset = Preset.CUSTOM if dates_given else DEFAULT_PRESET
        if self.errors:
            return data
        if preset != Preset.CUSTOM:
            first = figures.first_start_date(self.scope) if preset == Preset.ALL else None
            period = figures.preset_period(preset, self.today, first)
        else:
            if start is None:
                self.add_error("van", _("Vul de eerste dag van de periode in."))
            if end is None:
                self.add_error("tot", _("Vul de laatste dag van de periode in."))
            self._check_year("van")
            self._check_year("tot")
            if self.errors:
                return data
            assert start is not None and end is not None
            if start > end:
                self.add_error(
                    "tot",
                    _("De laatste dag ligt vóór de eerste dag. Kies een latere datum, of draai de datums om."),
                )
                return data
            period = Period(start, end, Preset.CUSTOM)
        self.result = ReportFilter(period, data.get("afdeling"), today=self.today)
        return data

    def query(self) -> str:
        """The filter as a query string, for the export links and the pages of the department table."""
        assert self.result is not None
        period = self.result.period
        params: dict[str, str] = {"periode": period.preset.value}
        if period.preset == Preset.CUSTOM:
            params.update(van=period.start.isoformat(), tot=period.end.isoformat())
        if self.result.department is not None:
            params["afdeling"] = str(self.result.department.pk)
        return urlencode(params)


def filter_form(data: Any, scope: ReportScope) -> ReportFilterForm:
    """The form, bound to the request's GET; an empty GET means the default period."""
    form = ReportFilterForm(data, scope=scope)
    if form.is_valid() and form.result is not None:
        # Show what was counted: the preset's own dates in the date fields, the chosen preset in the list.
        shown: dict[str, Any] = {key: form.data.get(key) for key in form.data}
        period = form.result.period
        shown["periode"] = period.preset.value
        shown["van"], shown["tot"] = period.start.isoformat(), period.end.isoformat()
        form.data = shown
    return form
