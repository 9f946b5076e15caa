"""The forms of phase 3: plan an interim evaluation (or start the final one), and record it."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wpo.curriculum.models import Skill
from wpo.lib import ids
from wpo.lib.uploads import VOICE_MAX_BYTES, VOICE_TYPES, checked_upload
from wpo.orgs.models import Person
from wpo.trajectories.models import TrajectorySkill

from .models import Feeling
from .services import DURATIONS, PeriodDecision, SkillDecision, SkillsFit

TEXT_ROWS = {"rows": 3}
MAX_TEXT = 4000

# The three faces, in the words of an evaluation (the values are the look-back's).
FACES = (
    (Feeling.GOOD, "🙂", _("Het gaat goed")),
    (Feeling.BIT, "😐", _("Het gaat een beetje")),
    (Feeling.NOT_YET, "🙁", _("Het gaat nog niet")),
)


class PlanForm(forms.Form):
    """When, where and with whom; the participant and the werkplekopleider are always there."""

    date = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(label=_("Tijd"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.TypedChoiceField(label=_("Hoe lang duurt het?"), choices=[], coerce=int, initial=45)
    location = forms.CharField(
        label=_("Waar?"),
        max_length=200,
        required=False,
        help_text=_("Een rustige ruimte, bijvoorbeeld het kantoor van de afdeling."),
    )
    attendees = ids.ModelMultipleChoiceField(
        label=_("Wie doet er nog mee?"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De deelnemer en de werkplekopleider zijn er altijd bij. De coach kan meedoen."),
    )
    is_final = forms.BooleanField(
        label=_("Dit is de eindevaluatie"),
        required=False,
        help_text=_("Het traject gaat dan naar fase 3: evaluatie en beoordeling."),
    )

    def __init__(self, *args: Any, colleagues: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].choices = [  # type: ignore[attr-defined]
            (m, gettext("%(minutes)s minuten") % {"minutes": m}) for m in DURATIONS
        ]
        self.fields["attendees"].queryset = colleagues  # type: ignore[attr-defined]
        self.fields["attendees"].label_from_instance = lambda p: p.name  # type: ignore[attr-defined]

    def planned_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


class RecordForm(forms.Form):
    """What has been achieved, how the participant feels, whether the skills and the period still fit."""

    achieved = forms.CharField(
        label=_("Wat is er tot nu toe bereikt?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT,
        help_text=_("Al ingevuld met de gehaalde opdrachten en niveaus. Vul aan of pas aan."),
    )
    feeling = forms.ChoiceField(
        label=_("Hoe voelt de deelnemer zich erover?"),
        choices=[(value, label) for value, _face, label in FACES],
        widget=forms.RadioSelect,
    )
    participant_words = forms.CharField(
        label=_("In de eigen woorden van de deelnemer"),
        widget=forms.Textarea(attrs=TEXT_ROWS),
        required=False,
        max_length=MAX_TEXT,
    )
    voice_note = forms.FileField(
        label=_("Of laat de deelnemer het inspreken"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*", "capture": "user"}),
    )
    skills_fit = forms.ChoiceField(
        label=_("Passen de gekozen skills nog?"),
        choices=[
            (SkillsFit.KEEP, _("Ja, ze passen nog")),
            (SkillsFit.ADD, _("Er komt een skill bij")),
            (SkillsFit.DROP, _("Er gaat een skill af")),
            (SkillsFit.SWAP, _("We ruilen een skill voor een andere")),
        ],
        widget=forms.RadioSelect,
        initial=SkillsFit.KEEP,
    )
    skill_out = forms.ModelChoiceField(
        label=_("Welke skill gaat eraf?"),
        queryset=TrajectorySkill.objects.none(),
        required=False,
        empty_label="–",
        help_text=_("Alleen bij eraf of ruilen."),
    )
    skill_in = forms.ModelChoiceField(
        label=_("Welke skill komt erbij?"),
        queryset=Skill.objects.none(),
        required=False,
        empty_label="–",
        help_text=_("Alleen bij erbij of ruilen."),
    )
    skills_reason = forms.CharField(
        label=_("Waarom veranderen de skills?"),
        widget=forms.Textarea(attrs=TEXT_ROWS),
        required=False,
        max_length=MAX_TEXT,
    )
    period = forms.ChoiceField(
        label=_("Blijft de afgesproken periode staan?"), choices=[], widget=forms.RadioSelect, initial="stands"
    )
    new_ends_on = forms.DateField(
        label=_("Nieuwe einddatum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
        help_text=_("Alleen bij verlengen."),
    )
    period_reason = forms.CharField(
        label=_("Waarom duurt het traject langer?"),
        widget=forms.Textarea(attrs=TEXT_ROWS),
        required=False,
        max_length=MAX_TEXT,
    )
    agreements = forms.CharField(
        label=_("Wat spreken jullie af?"), widget=forms.Textarea(attrs=TEXT_ROWS), required=False, max_length=MAX_TEXT
    )
    # The end date the screen showed: an extension made meanwhile by someone else is not repeated.
    seen_ends_on = forms.DateField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        chosen: QuerySet[TrajectorySkill],
        addable: QuerySet[Skill],
        ends_on: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill_out"].queryset = chosen  # type: ignore[attr-defined]
        self.fields["skill_out"].label_from_instance = lambda ts: ts.skill.name  # type: ignore[attr-defined]
        self.fields["skill_in"].queryset = addable  # type: ignore[attr-defined]
        self.fields["skill_in"].label_from_instance = lambda s: s.name  # type: ignore[attr-defined]
        self.fields["period"].choices = [  # type: ignore[attr-defined]
            ("stands", gettext("Ja, de einddatum blijft %(date)s") % {"date": f"{ends_on:%d-%m-%Y}"}),
            ("extend", gettext("Nee, we verlengen het traject")),
        ]

    def clean_voice_note(self) -> UploadedFile[Any] | None:
        return checked_upload(
            self.cleaned_data.get("voice_note"), VOICE_TYPES, VOICE_MAX_BYTES, str(_("geluidsopname"))
        )

    def skills(self) -> SkillDecision:
        data = self.cleaned_data
        return SkillDecision(
            action=data["skills_fit"],
            chosen=data.get("skill_out"),
            skill=data.get("skill_in"),
            reason=data.get("skills_reason") or "",
        )

    def period_decision(self) -> PeriodDecision:
        data = self.cleaned_data
        return PeriodDecision(
            extend=data["period"] == "extend",
            ends_on=data.get("new_ends_on"),
            reason=data.get("period_reason") or "",
            seen_ends_on=data.get("seen_ends_on"),
        )

    def faces(self) -> list[tuple[Any, str]]:
        """The feeling's radio buttons with their face, for the template."""
        by_value = {str(value): face for value, face, _label in FACES}
        return [(choice, by_value.get(str(choice.data["value"]), "")) for choice in self["feeling"]]
