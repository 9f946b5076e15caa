"""Forms for content editors: an assignment's every part, a skill, the draft edition's number and
release notes, and an organisation's own example beside an assignment."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import content_format, safe_yaml
from .models import Skill
from .svg import UnsafeSvg, sanitise_svg

LINES_HELP = _("Eén punt per regel.")
MAX_VIDEO_BYTES = 300 * 1024 * 1024
# The questions of an assignment take about 3,000 characters; more than ten times that is not content.
MAX_QUESTIONS_CHARS = 30_000


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A list of short texts, edited one per line."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        kwargs.setdefault("help_text", LINES_HELP)
        super().__init__(**kwargs)


class AssignmentForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    goal = forms.CharField(label=_("Doel (1 of 2 zinnen)"), widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(label=_("Korte uitleg"), widget=forms.Textarea(attrs={"rows": 3}))
    video_url = forms.URLField(
        label=_("Video (adres)"),
        required=False,
        assume_scheme="https",
        help_text=_("Leeg laten als er geen video is: dan ziet de deelnemer het verhaal met plaatjes."),
    )
    video_file = forms.FileField(
        label=_("Of: video uploaden (mp4 of webm)"),
        required=False,
        help_text=_("Hoogstens 300 MB. De ondertiteling wordt gemaakt uit het verhaal hieronder."),
    )
    remove_video = forms.BooleanField(label=_("Geüploade video weghalen"), required=False)
    story = forms.CharField(
        label=_("Verhaal (tekst van de video)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Eén scène per regel: plaatje | beschrijving van het plaatje | tekst. De plaatjes staan in "
            "content/illustrations. De beschrijving is één zin over wat het plaatje laat zien, voor wie het "
            "plaatje niet kan zien."
        ),
    )
    questions = forms.CharField(
        label=_("Oefenvragen (YAML)"),
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        help_text=_(
            "Minstens 4 vragen. Soorten: multiple_choice, true_false, order, situation. "
            "Elk antwoord heeft eigen feedback; precies één antwoord is goed."
        ),
    )
    summary = LinesField(label=_("Samenvatting (3 tot 5 punten)"))
    work_task_what = forms.CharField(label=_("Aan de slag: wat"), widget=forms.Textarea(attrs={"rows": 2}))
    work_task_where = forms.CharField(label=_("Aan de slag: waar"))
    work_task_when = forms.CharField(label=_("Aan de slag: wanneer"))
    work_task_how_often = forms.CharField(label=_("Aan de slag: hoe vaak"))
    look_back = LinesField(label=_("Terugkijkvragen (minstens 3)"))
    trainer_introduction = forms.CharField(
        label=_("Voor de werkplekopleider: introductie"), widget=forms.Textarea(attrs={"rows": 3})
    )
    trainer_criterion = forms.CharField(
        label=_("Voor de werkplekopleider: wanneer is de opdracht gehaald?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Wat laat de deelnemer zien, en hoe vaak, op dit niveau? Iets wat je kunt zien en tellen. "
            "Bijvoorbeeld: ‘Vraagt in de zelfstandigheidsweek op minstens drie dagen zelf om hulp.’"
        ),
    )
    trainer_adapt_work = LinesField(label=_("Werk aanpassen op dit niveau (2 tot 6)"))
    trainer_observe = LinesField(label=_("Gedrag om op te letten (3 tot 5)"))
    trainer_feedback_examples = LinesField(label=_("Voorbeelden van positieve feedback (2 of 3)"))

    # Where a problem reported by content_format lands in this form.
    PROBLEM_FIELDS = {
        "title": "title",
        "goal": "goal",
        "explanation": "explanation",
        "video.url": "video_url",
        "video.story": "story",
        "questions": "questions",
        "summary": "summary",
        "work_task.what": "work_task_what",
        "work_task.where": "work_task_where",
        "work_task.when": "work_task_when",
        "work_task.how_often": "work_task_how_often",
        "look_back": "look_back",
        "trainer.introduction": "trainer_introduction",
        "trainer.criterion": "trainer_criterion",
        "trainer.adapt_work": "trainer_adapt_work",
        "trainer.observe": "trainer_observe",
        "trainer.feedback_examples": "trainer_feedback_examples",
    }

    @classmethod
    def initial_from(cls, content: dict[str, Any]) -> dict[str, Any]:
        video = content.get("video", {})
        task = content.get("work_task", {})
        trainer = content.get("trainer", {})
        return {
            "title": content.get("title", ""),
            "goal": content.get("goal", ""),
            "explanation": content.get("explanation", ""),
            "video_url": video.get("url", ""),
            "story": "\n".join(
                f"{s.get('picture') or ''} | {s.get('alt', '')} | {s.get('text', '')}" for s in video.get("story", [])
            ),
            "questions": safe_yaml.dump(content.get("questions", [])),
            "summary": "\n".join(content.get("summary", [])),
            "work_task_what": task.get("what", ""),
            "work_task_where": task.get("where", ""),
            "work_task_when": task.get("when", ""),
            "work_task_how_often": task.get("how_often", ""),
            "look_back": "\n".join(content.get("look_back", [])),
            "trainer_introduction": trainer.get("introduction", ""),
            "trainer_criterion": trainer.get("criterion", ""),
            "trainer_adapt_work": "\n".join(trainer.get("adapt_work", [])),
            "trainer_observe": "\n".join(trainer.get("observe", [])),
            "trainer_feedback_examples": "\n".join(trainer.get("feedback_examples", [])),
        }

    def clean_video_file(self) -> Any:
        upload = self.cleaned_data.get("video_file")
        if not upload:
            return None
        if upload.size > MAX_VIDEO_BYTES:
            raise forms.ValidationError(_("De video is te groot (hoogstens 300 MB)."))
        head = upload.read(16)
        upload.seek(0)
        # Trust the bytes, not the file name: mp4 has 'ftyp' at offset 4, webm starts with the EBML magic.
        if head[4:8] == b"ftyp":
            upload.wpo_extension = "mp4"
        elif head[:4] == b"\x1a\x45\xdf\xa3":
            upload.wpo_extension = "webm"
        else:
            raise forms.ValidationError(_("Dit is geen mp4- of webm-video."))
        return upload

    def clean_story(self) -> list[dict[str, str]]:
        scenes = []
        for number, line in enumerate(_lines(self.cleaned_data["story"]), start=1):
            picture, sep, rest = line.partition("|")
            alt, sep2, text = rest.partition("|")
            if not (sep and sep2):
                raise forms.ValidationError(
                    _(
                        "Regel %(n)d: schrijf eerst het plaatje, dan |, dan wat het plaatje laat zien, "
                        "dan | en dan de tekst."
                    )
                    % {"n": number}
                )
            scenes.append({"picture": picture.strip(), "alt": alt.strip(), "text": text.strip()})
        return scenes

    def clean_questions(self) -> Any:
        """The questions as YAML, read without anchors or aliases and within size caps (``safe_yaml``)."""
        try:
            questions = safe_yaml.load(self.cleaned_data["questions"], max_chars=MAX_QUESTIONS_CHARS)
        except safe_yaml.YamlRefused as exc:
            raise forms.ValidationError(_questions_refused(exc)) from exc
        if not isinstance(questions, list):
            raise forms.ValidationError(_("Schrijf de vragen als een lijst (elke vraag begint met ‘- kind:’)."))
        if len(questions) > content_format.MAX_QUESTIONS:
            raise forms.ValidationError(
                _("Dit zijn %(count)d vragen. Er mogen hoogstens %(max)d vragen in één opdracht.")
                % {"count": len(questions), "max": content_format.MAX_QUESTIONS}
            )
        return questions

    def to_content(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "goal": d["goal"],
            "explanation": d["explanation"],
            "video": {"url": d["video_url"], "story": d["story"]},
            "questions": d["questions"],
            "summary": _lines(d["summary"]),
            "work_task": {
                "what": d["work_task_what"],
                "where": d["work_task_where"],
                "when": d["work_task_when"],
                "how_often": d["work_task_how_often"],
            },
            "look_back": _lines(d["look_back"]),
            "trainer": {
                "introduction": d["trainer_introduction"],
                "criterion": d["trainer_criterion"],
                "adapt_work": _lines(d["trainer_adapt_work"]),
                "observe": _lines(d["trainer_observe"]),
                "feedback_examples": _lines(d["trainer_feedback_examples"]),
            },
        }

    def add_problems(self, problems: list[content_format.Problem]) -> None:
        for problem in problems:
            field = next(
                (f for prefix, f in self.PROBLEM_FIELDS.items() if problem.field.startswith(prefix)),
                None,
            )
            message = (
                f"{problem.field}: {problem.message}" if field in (None, "questions", "story") else problem.message
            )
            self.add_error(field, message)


def _questions_refused(exc: safe_yaml.YamlRefused) -> str:
    where = _("regel %(n)d") % {"n": exc.line} if exc.line else _("de tekst")
    if exc.kind == "too_large":
        return _("De vragen zijn te lang. Er mogen hoogstens %(max)d tekens in.") % {"max": exc.limit}
    if exc.kind == "alias":
        return _(
            "In de vragen staat een anker (&) of een verwijzing (*) (%(where)s). Dat kan hier niet: "
            "schrijf elke vraag helemaal uit."
        ) % {"where": where}
    if exc.kind == "too_deep":
        return _("De vragen zijn te diep ingesprongen (%(where)s).") % {"where": where}
    return _("De vragen zijn geen geldige YAML (%(where)s). Let op inspringen en dubbele punten.") % {"where": where}


class SkillForm(forms.ModelForm[Skill]):
    choice_card_hard_text = LinesField(
        label=_("Skill-keuzekaart: ‘Ik vind het moeilijk om …’ (2 tot 4)"),
        help_text=_("Eén zin per regel, elke zin begint met ‘Ik vind het moeilijk om’."),
    )
    choice_card_better_text = LinesField(
        label=_("Skill-keuzekaart: ‘Ik wil beter worden in …’ (2 tot 4)"),
        help_text=_("Eén zin per regel, elke zin begint met ‘Ik wil beter worden in’."),
    )
    pictogram_file = forms.FileField(
        label=_("Pictogram (SVG-bestand)"), required=False, help_text=_("Leeg laten om het huidige te houden.")
    )
    national = forms.BooleanField(
        label=_("Landelijke skill: voor alle organisaties"),
        required=False,
        help_text=_(
            "De skill komt in de concept-editie. Organisaties zien hem pas als die editie gepubliceerd is, "
            "met zijn 6 opdrachten."
        ),
    )

    class Meta:
        model = Skill
        fields = ["name", "code", "order", "explanation"]

    def __init__(self, *args: Any, national_editor: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subskill_prefixes = ("sub1", "sub2")
        # Only the method owner's editors add a national skill, and only a new one.
        if not national_editor or self.instance.pk:
            del self.fields["national"]
        if self.instance.pk:
            self.initial["choice_card_hard_text"] = "\n".join(self.instance.choice_card_hard)
            self.initial["choice_card_better_text"] = "\n".join(self.instance.choice_card_better)
            self.fields["code"].disabled = True
        else:
            self.fields["pictogram_file"].required = True
            self.fields["pictogram_file"].help_text = ""

    def _statements(self, key: str, start: str) -> list[str]:
        items = _lines(self.cleaned_data[key])
        if not 2 <= len(items) <= 4:
            raise forms.ValidationError(_("Schrijf 2 tot 4 zinnen."))
        for item in items:
            if not item.startswith(start):
                raise forms.ValidationError(_("Elke zin begint met ‘%(start)s’.") % {"start": start})
        return items

    def clean_choice_card_hard_text(self) -> list[str]:
        return self._statements("choice_card_hard_text", "Ik vind het moeilijk om")

    def clean_choice_card_better_text(self) -> list[str]:
        return self._statements("choice_card_better_text", "Ik wil beter worden in")

    def clean_pictogram_file(self) -> str | None:
        upload = self.cleaned_data.get("pictogram_file")
        if not upload:
            return None
        if upload.size > 50_000:
            raise forms.ValidationError(_("Het pictogram is te groot (hoogstens 50 kB)."))
        try:
            text: str = upload.read().decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("Dit is geen SVG-bestand.")) from exc
        # Pictograms are shown as <img>, where scripts never run; still, only a drawing is stored.
        try:
            return sanitise_svg(text)
        except UnsafeSvg as exc:
            raise forms.ValidationError(str(exc)) from None


class SubSkillForm(forms.Form):
    name = forms.CharField(label=_("Naam van de deelskill"), max_length=200)
    description = forms.CharField(label=_("Omschrijving"), widget=forms.Textarea(attrs={"rows": 2}))
    level_a = forms.CharField(label=_("Wat niveau A betekent"), widget=forms.Textarea(attrs={"rows": 2}))
    level_b = forms.CharField(label=_("Wat niveau B betekent"), widget=forms.Textarea(attrs={"rows": 2}))
    level_c = forms.CharField(label=_("Wat niveau C betekent"), widget=forms.Textarea(attrs={"rows": 2}))


class EditionForm(forms.Form):
    """The draft edition's number and its release notes."""

    number = forms.CharField(
        label=_("Nummer van de editie"),
        max_length=7,
        help_text=_("Het jaar, een punt en een volgnummer, zoals 2026.1."),
    )
    notes = forms.CharField(
        label=_("Wat is er nieuw"),
        required=False,
        max_length=content_format.MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "In gewone taal, voor coaches en beheerders: wat is er veranderd, en waarom? "
            "Wie al met een opdracht bezig is, houdt de eigen versie."
        ),
    )


class LocalExampleForm(forms.Form):
    """An organisation's own photo and line of context beside an assignment; the service checks the
    photo's bytes and takes its metadata off (``wpo.lib.uploads``)."""

    context = forms.CharField(
        label=_("Eén zin over hoe het bij ons gaat"),
        required=False,
        max_length=200,
        help_text=_("Bijvoorbeeld: ‘Bij ons vraag je hulp aan de teamleider van de inpakhal.’ Noem geen namen."),
    )
    photo = forms.FileField(
        label=_("Foto van onze werkplek"),
        required=False,
        help_text=_(
            "Een foto van de plek, de machine of het werk, zonder mensen erop. JPEG, PNG, WebP of HEIC, "
            "hoogstens 15 MB. Plaats en tijd worden uit de foto gehaald."
        ),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    photo_alt = forms.CharField(
        label=_("Wat staat er op de foto?"),
        required=False,
        max_length=200,
        help_text=_("Eén zin, voor wie de foto niet kan zien."),
    )
    remove_photo = forms.BooleanField(label=_("Foto weghalen"), required=False)
