"""Every form of trajectories: the start conversation, the shop floor (work adaptation,
observation), coaching conversations and the sign-off sequence."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wpo.curriculum.models import Assignment, Skill
from wpo.lib import clock, ids
from wpo.lib.uploads import PHOTO_MAX_BYTES, PHOTO_TYPES, checked_upload
from wpo.orgs.models import Department, Person

from .models import Judgement, ParticipantAssignment
from .services.conversations import DURATIONS, Decision
from .services.start import period_warning

RATINGS = [("", "–"), *[(str(n), str(n)) for n in range(1, 6)]]
RECORD_ROWS = {"rows": 3}


class StartForm(forms.Form):
    # One key per opened form: sending the same start conversation twice starts one trajectory.
    submission = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    participant = forms.ModelChoiceField(
        label=_("Kies de medewerker"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Nieuwe medewerker (vul hieronder de naam in)"),
    )
    first_name = forms.CharField(label=_("Voornaam nieuwe medewerker"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Achternaam nieuwe medewerker"), required=False, max_length=150)
    department = forms.ModelChoiceField(label=_("Afdeling"), queryset=Department.objects.none())
    wish_develop = forms.CharField(
        label=_("Waarin wil jij je ontwikkelen?"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    wish_learn = forms.CharField(label=_("Wat wil je leren?"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    finds_hard = forms.CharField(
        label=_("Waar heb je moeite mee?"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    trainer_sees = forms.CharField(
        label=_("Ik zie dat …, herken je dat?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Pas na de vragen van de deelnemer: wat ziet u zelf?"),
    )
    starts_on = forms.DateField(
        label=_("Startdatum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Afgesproken einddatum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_confirmed = forms.BooleanField(label=_("Ik weet het: toch deze periode"), required=False)
    first_assignment = forms.ModelChoiceField(
        label=_("Eerste WPO-opdracht"), queryset=Assignment.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, people: Any, departments: Any, skills: list[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = people  # type: ignore[attr-defined]
        self.fields["participant"].label_from_instance = lambda p: (  # type: ignore[attr-defined]
            gettext("%(name)s (wacht op het startgesprek)") % {"name": p.name}
            if getattr(p, "waiting_for_start", False)
            else p.name
        )
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        assignments = (
            Assignment.objects.filter(subskill__skill__in=skills, current_version__isnull=False)
            .select_related("subskill__skill", "current_version")
            .order_by("subskill__skill__order", "subskill__number", "level")
        )
        self.fields["first_assignment"].queryset = assignments  # type: ignore[attr-defined]
        self.fields["first_assignment"].label_from_instance = lambda a: (  # type: ignore[attr-defined]
            f"{a.subskill.skill.name} · {a.subskill.name} · {a.level}: {a.current_version.title}"
        )
        self.skills = skills
        self.initial.setdefault("starts_on", clock.today())
        self.initial.setdefault("ends_on", clock.today() + timedelta(days=183))
        for skill in skills:
            self.fields[f"skill_{skill.pk}"] = forms.BooleanField(label=skill.name, required=False)
            self.fields[f"self_{skill.pk}"] = forms.TypedChoiceField(
                label=_("Deelnemer: hoe goed gaat het nu? (1–5)"),
                choices=RATINGS,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"trainer_{skill.pk}"] = forms.TypedChoiceField(
                label=_("Werkplekopleider: hoe goed gaat het nu? (1–5)"),
                choices=RATINGS,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def skill_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "skill": s,
                "choose": self[f"skill_{s.pk}"],
                "self": self[f"self_{s.pk}"],
                "trainer": self[f"trainer_{s.pk}"],
            }
            for s in self.skills
        ]

    def chosen_skills(self) -> list[tuple[Skill, int | None, int | None]]:
        return [
            (s, self.cleaned_data.get(f"self_{s.pk}"), self.cleaned_data.get(f"trainer_{s.pk}"))
            for s in self.skills
            if self.cleaned_data.get(f"skill_{s.pk}")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("participant") and not (data.get("first_name") and data.get("last_name")):
            self.add_error("participant", _("Kies een medewerker, of vul de naam van een nieuwe medewerker in."))
        if not any(data.get(f"skill_{s.pk}") for s in self.skills):
            raise forms.ValidationError(_("Kies minstens één skill op de skill-keuzekaart."))
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end:
            if end <= start:
                self.add_error("ends_on", _("De einddatum moet na de startdatum liggen."))
            elif (warning := period_warning(start, end)) and not data.get("period_confirmed"):
                self.add_error("period_confirmed", warning + " " + str(_("Vink aan als het toch zo is afgesproken.")))
        assignment = data.get("first_assignment")
        if assignment and not data.get(f"skill_{assignment.subskill.skill_id}"):
            self.add_error("first_assignment", _("Kies de eerste opdracht bij een van de gekozen skills."))
        return data


class WorkAdaptationForm(forms.Form):
    description = forms.CharField(
        label=_("Wat verandert er in het werk?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld: andere taken, met een andere collega, meer tijdsdruk."),
    )
    starts_on = forms.DateField(
        label=_("Vanaf"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), initial=clock.today
    )


class ObservationForm(forms.Form):
    behaviours = forms.MultipleChoiceField(
        label=_("Wat zag u?"), widget=forms.CheckboxSelectMultiple, required=False, choices=()
    )
    note = forms.CharField(label=_("Korte notitie"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    photo = forms.FileField(
        label=_("Foto"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    went_well = forms.BooleanField(label=_("Dit ging goed"), required=False)
    shared_with_participant = forms.BooleanField(label=_("De deelnemer mag dit zien"), required=False)

    def __init__(self, *args: Any, behaviours: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["behaviours"].choices = [(b, b) for b in behaviours]  # type: ignore[attr-defined]

    def clean_photo(self) -> Any:
        return checked_upload(self.cleaned_data.get("photo"), PHOTO_TYPES, PHOTO_MAX_BYTES, str(_("foto")))


# Coaching conversations -------------------------------------------------------------------------


class ConversationForm(forms.Form):
    """When, where, about what and with whom; the participant and trainer are always there."""

    date = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(label=_("Tijd"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.TypedChoiceField(
        label=_("Hoe lang duurt het?"),
        choices=[],
        coerce=int,
        initial=30,
    )
    location = forms.CharField(
        label=_("Waar?"),
        max_length=200,
        required=False,
        help_text=_("Een rustige ruimte, bijvoorbeeld het kantoor van de afdeling."),
    )
    participant_assignment = forms.ModelChoiceField(
        label=_("Over welke opdracht?"),
        queryset=ParticipantAssignment.objects.none(),
        required=False,
        empty_label=_("Geen opdracht in het bijzonder"),
    )
    attendees = ids.ModelMultipleChoiceField(
        label=_("Wie doet er nog mee?"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De deelnemer en de werkplekopleider zijn er altijd bij."),
    )

    def __init__(
        self,
        *args: Any,
        assignments: QuerySet[ParticipantAssignment],
        colleagues: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].choices = [  # type: ignore[attr-defined]
            (m, gettext("%(minutes)s minuten") % {"minutes": m}) for m in DURATIONS
        ]
        self.fields["participant_assignment"].queryset = assignments  # type: ignore[attr-defined]
        self.fields["participant_assignment"].label_from_instance = lambda pa: (  # type: ignore[attr-defined]
            f"{pa.version.title} ({pa.get_step_display()})"
        )
        self.fields["attendees"].queryset = colleagues  # type: ignore[attr-defined]
        self.fields["attendees"].label_from_instance = lambda p: p.name  # type: ignore[attr-defined]

    def planned_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


class RecordForm(forms.Form):
    done_and_learned = forms.CharField(
        label=_("Wat heeft de deelnemer gedaan en geleerd?"),
        widget=forms.Textarea(attrs=RECORD_ROWS),
        required=False,
        help_text=_("In de woorden van de deelnemer."),
    )
    trainer_saw = forms.CharField(
        label=_("Wat zag de werkplekopleider?"), widget=forms.Textarea(attrs=RECORD_ROWS), required=False
    )
    agreements = forms.CharField(label=_("Afspraken"), widget=forms.Textarea(attrs=RECORD_ROWS), required=False)
    decision = forms.ChoiceField(
        label=_("Besluit over de opdracht"),
        choices=[
            (Decision.GOAL_REACHED.value, Decision.GOAL_REACHED.label),
            (Decision.ANOTHER_WEEK.value, Decision.ANOTHER_WEEK.label),
            (Decision.NONE.value, Decision.NONE.label),
        ],
        initial=Decision.NONE.value,
        widget=forms.RadioSelect,
        help_text=_(
            "Nog een week oefenen is heel gewoon: zo leert iedereen. "
            "Is het leerdoel gehaald, dan kijkt u een week of de deelnemer het zelfstandig laat zien."
        ),
    )
    # The step the screen showed, so a decision on a step someone else has changed meanwhile is refused.
    step_seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, decides: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not decides:
            del self.fields["decision"]


# The sign-off sequence -------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    judgement = forms.ChoiceField(
        label=_("Oordeel"),
        choices=[
            (Judgement.ACHIEVED, _("Behaald: de deelnemer laat het zelfstandig zien")),
            (Judgement.NOT_YET, _("Nog niet: nog even oefenen")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Nodig bij ‘nog niet’: wat gaat de deelnemer nog oefenen?"),
    )


class SecondJudgementForm(AssessmentForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["judgement"].label = _("Jouw oordeel als tweede beoordelaar")
        self.fields["note"].help_text = _(
            "Nodig bij ‘nog niet’: wat gaat de deelnemer nog oefenen? Bij ‘behaald’ mag het ook."
        )


class IndependenceDayForm(forms.Form):
    """One day of the independence week, ticked on the trajectory page."""

    day = forms.DateField(label=_("Dag"), input_formats=["%Y-%m-%d"])
    shown = forms.TypedChoiceField(
        label=_("Liet de deelnemer het zelf zien?"),
        choices=[("1", _("Ja, zelf laten zien")), ("0", _("Nee, niet gezien"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Korte notitie"), max_length=200, required=False)


class TalkForm(forms.Form):
    """When and where the two assessors talk with the participant about their different judgements."""

    date = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(label=_("Tijd"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.TypedChoiceField(label=_("Hoe lang duurt het?"), choices=[], coerce=int, initial=15)
    location = forms.CharField(label=_("Waar?"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].choices = [  # type: ignore[attr-defined]
            (m, gettext("%(minutes)s minuten") % {"minutes": m}) for m in DURATIONS
        ]

    def planned_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


class OutcomeForm(forms.Form):
    """What both assessors and the participant agreed in their talk, and who was there."""

    judgement = forms.ChoiceField(
        label=_("Wat spraken jullie samen af?"),
        choices=[
            (Judgement.ACHIEVED, _("Behaald: de deelnemer laat het zelfstandig zien")),
            (Judgement.NOT_YET, _("Nog niet: nog even oefenen")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Waarom?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat gaf de doorslag? Bij ‘nog niet’: wat gaat de deelnemer nog oefenen?"),
    )
    present = ids.ModelMultipleChoiceField(
        label=_("Wie waren erbij?"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = people  # type: ignore[attr-defined]
        self.fields["present"].label_from_instance = lambda p: p.name  # type: ignore[attr-defined]


class CloseTrajectoryForm(forms.Form):
    stop_reason = forms.CharField(
        label=_("Waarom stoppen de opdrachten die nog lopen?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: object, needs_reason: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["stop_reason"].required = needs_reason


class StopTrajectoryForm(forms.Form):
    reason = forms.CharField(
        label=_("Waarom stopt het WPO-traject?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Schrijf op waarom het WPO-traject stopt.")},
    )
