"""Forms for department visits and the problem log. Messages are Dutch and stand at the field."""

from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wpo.lib import ids
from wpo.lib.forms import choice, label_with, model_choice
from wpo.orgs.models import Department, Person
from wpo.trajectories.models import Trajectory

from .models import ProblemStatus, Urgency
from .services import DURATIONS, TEXT_MAX, ActionData
from .workflow import TITLE_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_ROWS = {"rows": 3}


def _person_label(person: Person) -> str:
    return person.name


def _duration_label(minutes: int) -> str:
    if minutes < 60:
        return _("%(minutes)s minuten") % {"minutes": minutes}
    if minutes == 60:
        return _("1 uur")
    if minutes % 60:
        return _("%(hours)s,5 uur") % {"hours": minutes // 60}
    return _("%(hours)s uur") % {"hours": minutes // 60}


# Visits ---------------------------------------------------------------------------------------


class ChooseDepartmentForm(forms.Form):
    afdeling = forms.ModelChoiceField(
        label=gettext_lazy("Welke afdeling ga je bezoeken?"),
        queryset=Department.objects.none(),
        empty_label=gettext_lazy("Kies een afdeling"),
        error_messages={
            "required": gettext_lazy("Kies een afdeling."),
            "invalid_choice": gettext_lazy("Kies een afdeling."),
        },
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "afdeling").queryset = departments


class VisitForm(forms.Form):
    """When, how long, why, and which werkplekopleiders of the department the coach wants to speak."""

    date = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=DATE_WIDGET,
        error_messages={"required": gettext_lazy("Kies een datum."), "invalid": gettext_lazy("Vul een datum in.")},
    )
    time = forms.TimeField(
        label=gettext_lazy("Tijd"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": gettext_lazy("Kies een tijd."),
            "invalid": gettext_lazy("Vul een tijd in, zoals 10:00."),
        },
    )
    duration_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Hoe lang blijf je?"), choices=[], coerce=int, initial=60
    )
    purpose = forms.CharField(
        label=gettext_lazy("Waarom kom je langs? Wat wil je bespreken?"),
        widget=forms.Textarea(attrs=TEXT_ROWS),
        max_length=TEXT_MAX,
        help_text=gettext_lazy("Dit zien de werkplekopleiders van de afdeling ook."),
        error_messages={"required": gettext_lazy("Schrijf kort op waarom je langskomt.")},
    )
    trainers = ids.ModelMultipleChoiceField(
        label=gettext_lazy("Welke werkplekopleiders wil je spreken?"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Kies werkplekopleiders van deze afdeling.")},
    )

    def __init__(self, *args: Any, trainers: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice(self, "duration_minutes").choices = [(m, _duration_label(m)) for m in DURATIONS]
        model_choice(self, "trainers").queryset = trainers
        label_with(self, "trainers", _person_label)

    def planned_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


class RecordVisitForm(forms.Form):
    held_on = forms.DateField(
        label=gettext_lazy("Wanneer was het bezoek?"),
        widget=DATE_WIDGET,
        error_messages={
            "required": gettext_lazy("Kies de datum van het bezoek."),
            "invalid": gettext_lazy("Vul een datum in."),
        },
    )
    notes_seen = forms.CharField(
        label=gettext_lazy("Wat zag je op de afdeling?"),
        widget=forms.Textarea(attrs=TEXT_ROWS),
        required=False,
        max_length=TEXT_MAX,
    )
    notes_participants = forms.CharField(
        label=gettext_lazy("Hoe gaat het met de deelnemers?"),
        widget=forms.Textarea(attrs=TEXT_ROWS),
        required=False,
        max_length=TEXT_MAX,
    )
    notes_trainers = forms.CharField(
        label=gettext_lazy("Hoe gaat het met de werkplekopleiders?"),
        widget=forms.Textarea(attrs=TEXT_ROWS),
        required=False,
        max_length=TEXT_MAX,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(f) or "").strip() for f in ("notes_seen", "notes_participants", "notes_trainers")):
            self.add_error(
                "notes_seen", _("Schrijf op wat je zag, of hoe het gaat met de deelnemers of de werkplekopleiders.")
            )
        held_on = data.get("held_on")
        if held_on and held_on > timezone.localdate():
            self.add_error("held_on", _("Deze datum is nog niet geweest. Leg het bezoek vast als het geweest is."))
        return data


class ActionForm(forms.Form):
    """One follow-up. On the record form an empty row is skipped; a half-filled row is an error."""

    description = forms.CharField(label=gettext_lazy("Wat moet er gebeuren?"), max_length=500, required=False)
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Wie doet het?"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=gettext_lazy("Kies iemand"),
        error_messages={"invalid_choice": gettext_lazy("Kies iemand uit de lijst.")},
    )
    due_on = forms.DateField(
        label=gettext_lazy("Klaar op"),
        widget=DATE_WIDGET,
        required=False,
        error_messages={"invalid": gettext_lazy("Vul een datum in.")},
    )

    def __init__(self, *args: Any, owners: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "owner").queryset = owners
        label_with(self, "owner", _person_label)

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("description", "").strip() or data.get("owner") or data.get("due_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank:
            return data
        if not data.get("description", "").strip() and "description" not in self.errors:
            self.add_error("description", _("Schrijf op wat er moet gebeuren."))
        if not data.get("owner") and "owner" not in self.errors:
            self.add_error("owner", _("Kies wie het doet."))
        if not data.get("due_on") and "due_on" not in self.errors:
            self.add_error("due_on", _("Kies wanneer het klaar moet zijn."))
        return data

    def check_due_on(self, held_on: date) -> bool:
        """The due date may not lie before the visit; the message stands at the field."""
        due_on = self.cleaned_data.get("due_on")
        if due_on is not None and due_on < held_on:
            self.add_error("due_on", _("Deze datum ligt vóór het bezoek. Kies een latere datum."))
            return False
        return True

    def action(self) -> ActionData | None:
        if self.is_blank:
            return None
        data = self.cleaned_data
        return ActionData(description=data["description"], owner=data["owner"], due_on=data["due_on"])


class RequiredActionForm(ActionForm):
    """The form that adds one follow-up to a held visit: every field is needed."""

    REQUIRED = {
        "description": gettext_lazy("Schrijf op wat er moet gebeuren."),
        "owner": gettext_lazy("Kies wie het doet."),
        "due_on": gettext_lazy("Kies wanneer het klaar moet zijn."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message


class ActionFormSet(forms.BaseFormSet[ActionForm]):
    def __init__(self, *args: Any, owners: QuerySet[Person], **kwargs: Any) -> None:
        self.owners = owners
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "owners": self.owners}

    def check_due_dates(self, held_on: date) -> bool:
        return all([form.check_due_on(held_on) for form in self.forms])

    def actions(self) -> list[ActionData]:
        return [a for a in (form.action() for form in self.forms) if a is not None]


def action_formset(data: Any, *, owners: QuerySet[Person]) -> ActionFormSet:
    """Three empty follow-up rows on the record form; an empty row is skipped."""
    factory = cast(
        type[ActionFormSet],
        forms.formset_factory(ActionForm, formset=ActionFormSet, extra=3, max_num=10, absolute_max=10),
    )
    return factory(data, owners=owners, prefix="actie")


class VisitFilterForm(forms.Form):
    afdeling = forms.ModelChoiceField(
        label=gettext_lazy("Afdeling"), queryset=Department.objects.none(), required=False
    )
    wie = forms.ChoiceField(
        label=gettext_lazy("Van wie"),
        choices=[("", gettext_lazy("Mijn bezoeken")), ("alle", gettext_lazy("Alle coaches"))],
        required=False,
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], coach: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["afdeling"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments.order_by("name")
        field.empty_label = _("Alle afdelingen")
        if not coach:
            del self.fields["wie"]


# Problems -------------------------------------------------------------------------------------


class RaiseProblemForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Korte titel"),
        max_length=TITLE_MAX,
        help_text=gettext_lazy("Bijvoorbeeld: Geen rustige ruimte voor gesprekken."),
        error_messages={"required": gettext_lazy("Geef het probleem een korte titel.")},
    )
    description = forms.CharField(
        label=gettext_lazy("Wat is het probleem?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX,
        help_text=gettext_lazy("Wat gebeurt er, sinds wanneer, en wat heb je al geprobeerd?"),
        error_messages={"required": gettext_lazy("Beschrijf het probleem.")},
    )
    trajectory = forms.ModelChoiceField(
        label=gettext_lazy("Over welke deelnemer?"),
        queryset=Trajectory.objects.none(),
        required=False,
        empty_label=gettext_lazy("Niet over één deelnemer"),
        error_messages={"invalid_choice": gettext_lazy("Kies een deelnemer uit de lijst.")},
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Over welke afdeling?"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=gettext_lazy("Geen afdeling in het bijzonder"),
        help_text=gettext_lazy("Gaat het over een deelnemer, dan vullen wij de afdeling zelf in."),
        error_messages={"invalid_choice": gettext_lazy("Kies een afdeling uit de lijst.")},
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("Hoe dringend is het?"),
        choices=[
            (Urgency.NORMAL.value, gettext_lazy("Normaal: het kan deze week")),
            (Urgency.URGENT.value, gettext_lazy("Dringend: er moet snel iets gebeuren")),
        ],
        initial=Urgency.NORMAL.value,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Kies hoe dringend het is.")},
    )

    def __init__(
        self, *args: Any, trajectories: QuerySet[Trajectory], departments: QuerySet[Department], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "trajectory").queryset = trajectories
        label_with(self, "trajectory", lambda t: f"{t.participant.name} ({t.department.name})")
        model_choice(self, "department").queryset = departments


class ProblemChangeForm(forms.Form):
    """A change of status, with what the screen showed when the person decided."""

    to = forms.ChoiceField(choices=ProblemStatus.choices)
    text = forms.CharField(widget=forms.Textarea(attrs=TEXT_ROWS), required=False, max_length=TEXT_MAX)
    expected_status = forms.ChoiceField(choices=ProblemStatus.choices, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Je reactie"),
        widget=forms.Textarea(attrs=TEXT_ROWS),
        max_length=TEXT_MAX,
        error_messages={"required": gettext_lazy("Schrijf eerst een reactie.")},
    )


STATUS_FILTERS: list[tuple[str, Any]] = [
    ("", gettext_lazy("Nog niet opgelost")),
    ("wacht", gettext_lazy("Wacht op mij")),
    *[(s.value, s.label) for s in ProblemStatus],
    ("alle", gettext_lazy("Alle problemen")),
]


class ProblemFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Zoek op titel"), required=False, max_length=100)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=STATUS_FILTERS, required=False)

    def __init__(self, *args: Any, waits: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not waits:
            # Nothing waits for a werkplekopleider: the coach acts on what they raise.
            choice(self, "status").choices = [c for c in STATUS_FILTERS if c[0] != "wacht"]
