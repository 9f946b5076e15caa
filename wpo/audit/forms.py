from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .history import Kind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LogFilterForm(forms.Form):
    """The log's filters, read from the query string; a wrong value is ignored, not an error page."""

    naam = forms.CharField(label=_("Over wie (naam)"), required=False, max_length=100)
    soort = forms.ChoiceField(
        label=_("Soort wijziging"), required=False, choices=[("", _("Alle soorten")), *Kind.choices]
    )
    van = forms.DateField(label=_("Vanaf"), required=False, widget=DATE_WIDGET)
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=DATE_WIDGET)
    persoon = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("van"), data.get("tot")
        if start and end and start > end:
            self.add_error("tot", _("Kies een einddatum na de begindatum."))
        return data
