from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

# checked_upload is exported from here only until wpo/trajectories/forms.py imports it from wpo.lib.uploads.
from wpo.lib.uploads import PHOTO_MAX_BYTES, PHOTO_TYPES, VOICE_MAX_BYTES, VOICE_TYPES
from wpo.lib.uploads import checked_upload as checked_upload
from wpo.trajectories.models import LookBackAnswer


class LookBackQuestionForm(forms.Form):
    """One look-back question on its own screen: how it went (three faces), tell about it by voice or
    in writing, and a photo if you like. The field order is the order on the screen."""

    feeling = forms.ChoiceField(
        label=_("Hoe ging het?"), choices=LookBackAnswer.Feeling.choices, widget=forms.RadioSelect, required=False
    )
    voice_note = forms.FileField(
        label=_("Spreek het in"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*", "capture": "user"}),
    )
    text = forms.CharField(
        label=_("Of schrijf het op (mag ook kort)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    photo = forms.FileField(
        label=_("Een foto erbij"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def clean_photo(self) -> UploadedFile[Any] | None:
        return checked_upload(self.cleaned_data.get("photo"), PHOTO_TYPES, PHOTO_MAX_BYTES, str(_("foto")))

    def clean_voice_note(self) -> UploadedFile[Any] | None:
        return checked_upload(
            self.cleaned_data.get("voice_note"), VOICE_TYPES, VOICE_MAX_BYTES, str(_("geluidsopname"))
        )


class QuestionForConversationForm(forms.Form):
    text = forms.CharField(
        label=_("Wat wil je vragen of vertellen?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    voice_note = forms.FileField(
        label=_("Of spreek je vraag in"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*", "capture": "user"}),
    )

    def clean_voice_note(self) -> UploadedFile[Any] | None:
        return checked_upload(
            self.cleaned_data.get("voice_note"), VOICE_TYPES, VOICE_MAX_BYTES, str(_("geluidsopname"))
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not data.get("voice_note") and not self.errors:
            raise forms.ValidationError(_("Schrijf je vraag op, of neem hem op."))
        return data


class DisplayForm(forms.Form):
    """How the pages look for me: two choices, remembered on my own record."""

    large_text = forms.BooleanField(label=_("Grotere letters"), required=False)
    calm_colours = forms.BooleanField(
        label=_("Rustige kleuren"),
        help_text=_("Zwart op wit. Duidelijke randen. Niets beweegt."),
        required=False,
    )
