"""The forms to plan or change a meeting and to record who came."""

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from wpo.intake import selectors as intake_selectors
from wpo.intake.models import Interest
from wpo.lib import ids
from wpo.lib.forms import label_with, model_choice
from wpo.orgs.models import Department, Person

from . import access, services
from .models import MAX_DURATION, MIN_DURATION, RECORDED_STATUSES, MeetingAttendance
from .services import MeetingDetails

# Where the form shows each problem the services name. The invitee problem is shown at the top of
# the "whom to invite" section (see _invitees.html).
ERROR_FIELD = {"starts_at": "date", "duration_minutes": "duration_minutes", "invitees": "trainers"}


def _person_label(person: Person) -> str:
    return f"{person.name} ({person.department.name})" if person.department else person.name


def _interest_label(interest: Interest) -> str:
    return gettext("%(name)s, %(department)s, met %(trainer)s (%(status)s)") % {
        "name": interest.employee.name,
        "department": interest.department.name,
        "trainer": interest.trainer.name,
        "status": interest.get_status_display().lower(),
    }


def _people_field(label: StrOrPromise) -> forms.ModelMultipleChoiceField[Person]:
    return ids.ModelMultipleChoiceField(
        label=label, queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )


class MeetingForm(forms.Form):
    """When, where, what about, and whom to invite: quick choices (all werkplekopleiders, the
    participants of a department) and people picked one by one, all added together."""

    title = forms.CharField(label=_("Titel"), max_length=200, error_messages={"required": _("Geef een titel.")})
    date = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Kies een datum."), "invalid": _("Vul een datum in, bijvoorbeeld 12-06-2026.")},
    )
    time = forms.TimeField(
        label=_("Begintijd"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Kies een begintijd."), "invalid": _("Vul een tijd in, bijvoorbeeld 13:30.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Hoe lang duurt het? (minuten)"),
        widget=forms.NumberInput(attrs={"min": MIN_DURATION, "max": MAX_DURATION, "step": 15, "inputmode": "numeric"}),
        help_text=_("Tussen 15 en 480 minuten. 90 minuten is anderhalf uur."),
        error_messages={
            "required": _("Vul in hoeveel minuten het duurt."),
            "invalid": _("Vul een aantal minuten in, bijvoorbeeld 90."),
        },
    )
    location = forms.CharField(
        label=_("Waar?"),
        max_length=200,
        required=False,
        help_text=_("Bijvoorbeeld: de kantine, of vergaderruimte 2."),
    )
    department = forms.ModelChoiceField(
        label=_("Voor welke afdeling?"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Alle afdelingen"),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        widget=forms.Textarea(attrs={"rows": 9}),
        required=False,
        help_text=_("Pas de agenda aan als je wilt. De genodigden zien hem in de uitnodiging."),
    )
    all_trainers = forms.BooleanField(label=_("Alle werkplekopleiders"), required=False)
    departments = ids.ModelMultipleChoiceField(
        label=_("De deelnemers van een afdeling, met hun werkplekopleiders"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Deelnemers met een lopend WPO-traject, of een traject dat de laatste 3 maanden klaar is."),
    )
    trainers = _people_field(_("Werkplekopleiders"))
    participants = _people_field(_("Deelnemers"))
    staff = _people_field(_("Coaches en projectmanagers"))
    # Only for a kick-off (``kickoff=True``): the intake's waiting list, each with their werkplekopleider.
    interests = ids.ModelMultipleChoiceField(
        label=_("Van de wachtlijst (aanmeldingen), met hun werkplekopleider"),
        queryset=Interest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, me: Person, keep: list[int] | None = None, kickoff: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.me = me
        if kickoff:
            model_choice(self, "interests").queryset = intake_selectors.kickoff_candidates(me)
            label_with(self, "interests", _interest_label)
        else:
            del self.fields["interests"]
        model_choice(self, "department").queryset = access.departments(me)
        model_choice(self, "departments").queryset = access.departments(me)
        for name, queryset in (
            ("trainers", access.invitable_trainers(me, keep=keep)),
            ("participants", access.invitable_participants(me, keep=keep)),
            ("staff", access.invitable_staff(me, keep=keep)),
        ):
            model_choice(self, name).queryset = queryset
            label_with(self, name, _person_label)

    def starts_at(self) -> datetime | None:
        day, moment = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if day is None or moment is None:
            return None
        return timezone.make_aware(datetime.combine(day, moment))

    def _invitees(self) -> list[Person]:
        data = self.cleaned_data
        people: list[Person] = [*data.get("trainers", []), *data.get("participants", []), *data.get("staff", [])]
        for interest in data.get("interests", []):
            people += [interest.employee, interest.trainer]
        if data.get("all_trainers"):
            people += list(access.invitable_trainers(self.me))
        people += access.participants_of_departments(self.me, list(data.get("departments", [])))
        unique: dict[int, Person] = {}
        for person in people:
            unique.setdefault(person.pk, person)
        return list(unique.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        invitees = self._invitees()
        data["invitees"] = invitees
        errors = services.plan_errors(
            starts_at=self.starts_at(),
            duration_minutes=data.get("duration_minutes"),
            invitee_count=len(invitees),
            now=timezone.now(),
        )
        # The invitee error is shown at the top of the "whom to invite" section (see _invitees.html).
        for problem, message in errors.items():
            self.add_error(ERROR_FIELD[problem], message)
        return data

    def details(self) -> MeetingDetails:
        data = self.cleaned_data
        starts_at = self.starts_at()
        assert starts_at is not None  # a valid form has a date and a time
        return MeetingDetails(
            title=data["title"],
            starts_at=starts_at,
            duration_minutes=data["duration_minutes"],
            location=data["location"],
            agenda=data["agenda"],
            department=data["department"],
            invitees=data["invitees"],
        )


class AttendanceForm(forms.Form):
    """One choice per invitee (aanwezig, afgemeld, niet gekomen), and the notes."""

    notes = forms.CharField(
        label=_("Verslag en afspraken"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Wat is er besproken, en wat is er afgesproken?"),
    )

    def __init__(self, *args: Any, attendances: list[MeetingAttendance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s.value, s.label) for s in RECORDED_STATUSES]
        self.attendance_names: list[str] = []
        for attendance in attendances:
            name = f"persoon_{attendance.person_id}"
            status = attendance.status
            self.fields[name] = forms.ChoiceField(
                label=_person_label(attendance.person),
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "attendance-choice"}),
                # Most people come: everyone starts as present, the coach changes who did not.
                initial=status if status in RECORDED_STATUSES else MeetingAttendance.Status.PRESENT,
                error_messages={"required": _("Kies: aanwezig, afgemeld of niet gekomen.")},
            )
            self.attendance_names.append(name)
        # The notes come after the list of people.
        self.order_fields([*self.attendance_names, "notes"])

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.attendance_names]

    def statuses(self) -> dict[int, str]:
        return {int(name.removeprefix("persoon_")): self.cleaned_data[name] for name in self.attendance_names}
