"""The intake's forms: put someone forward, start them, not now, back to the queue."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wpo.lib import clock
from wpo.lib.forms import choice, label_with, model_choice
from wpo.orgs.models import Department, Person

from .models import Interest

DATE_WIDGET = {"type": "date"}
# A trajectory is agreed for 3 months to a year; the start conversation settles the real period.
DEFAULT_PERIOD = timedelta(days=183)


def _date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 12-06-2026.")},
    )


class PutForwardForm(forms.Form):
    """Who wants to join, in which department, with which werkplekopleider, and who says so."""

    employee = forms.ModelChoiceField(
        label=_("Kies de medewerker"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Nieuwe medewerker (vul hieronder de naam in)"),
    )
    first_name = forms.CharField(label=_("Voornaam nieuwe medewerker"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Achternaam nieuwe medewerker"), required=False, max_length=150)
    department = forms.ModelChoiceField(label=_("Afdeling"), queryset=Department.objects.none())
    trainer = forms.ModelChoiceField(
        label=_("Werkplekopleider die de medewerker gaat begeleiden"), queryset=Person.objects.none()
    )
    source = forms.ChoiceField(
        label=_("Wie meldt de medewerker aan?"), choices=Interest.Source.choices, widget=forms.RadioSelect
    )
    put_forward_on = _date_field(_("Datum van aanmelden"))
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld: wat wil de medewerker leren?"),
    )

    def __init__(
        self,
        *args: Any,
        employees: Any,
        departments: Any,
        trainers: Any,
        sources: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "employee").queryset = employees
        label_with(self, "employee", lambda p: f"{p.name} ({p.department.name})" if p.department else p.name)
        model_choice(self, "department").queryset = departments
        model_choice(self, "trainer").queryset = trainers
        label_with(self, "trainer", lambda p: p.name)
        choice(self, "source").choices = [(v, label) for v, label in Interest.Source.choices if v in sources]
        self.initial.setdefault("put_forward_on", clock.today())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("employee") is None and not (
            (data.get("first_name") or "").strip() and (data.get("last_name") or "").strip()
        ):
            self.add_error("employee", _("Kies een medewerker, of vul de naam van een nieuwe medewerker in."))
        return data


class StartForm(forms.Form):
    """Their turn: the trajectory opens in phase 1; the start conversation follows."""

    starts_on = _date_field(_("Startdatum"))
    ends_on = _date_field(
        _("Afgesproken einddatum"),
        help_text=_("Meestal 3 maanden tot een jaar. In het startgesprek kan het nog anders."),
    )
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=2000)
    expected = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("starts_on", clock.today())
        self.initial.setdefault("ends_on", clock.today() + DEFAULT_PERIOD)


class NotNowForm(forms.Form):
    reason = forms.CharField(
        label=_("Waarom nu niet?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Schrijf op waarom het nu niet past.")},
    )
    ask_again_on = _date_field(
        _("Wanneer vraag je het opnieuw?"), required=False, help_text=_("Laat leeg als je dat nog niet weet.")
    )
    expected = forms.CharField(widget=forms.HiddenInput, required=False)


class NoteForm(forms.Form):
    """A short note with a move (invite, back to the queue)."""

    note = forms.CharField(label=_("Toelichting"), required=False, max_length=2000)
    expected = forms.CharField(widget=forms.HiddenInput, required=False)
