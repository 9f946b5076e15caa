from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from wpo.lib.uploads import PHOTO_MAX_BYTES, PHOTO_TYPES, VOICE_MAX_BYTES, VOICE_TYPES, sniff, stripped_photo
from wpo.trajectories.models import LookBackAnswer


def checked_upload(upload: UploadedFile[Any] | None, types: Any, max_bytes: int, kind: str) -> UploadedFile[Any] | None:
    """Accept a photo or voice note only when its bytes say it is one, and it is not too big."""
    if not upload:
        return None
    if upload.size and upload.size > max_bytes:
        raise forms.ValidationError(
            _("Dit bestand is te groot (hoogstens %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)}
        )
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head, types)
    if found is None:
        raise forms.ValidationError(_("Dit is geen %(kind)s. Probeer het nog een keer.") % {"kind": kind})
    extension, _content_type = found
    if types is PHOTO_TYPES:
        # Every photo loses its metadata (GPS position, time, phone) before it is stored.
        try:
            return stripped_photo(upload, extension)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
    upload.name = f"upload.{extension}"
    return upload


class LookBackQuestionForm(forms.Form):
    feeling = forms.ChoiceField(
        label=_("Hoe ging het?"), choices=LookBackAnswer.Feeling.choices, widget=forms.RadioSelect, required=False
    )
    text = forms.CharField(
        label=_("Vertel erover (mag ook kort)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    photo = forms.FileField(
        label=_("Of maak een foto"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    voice_note = forms.FileField(
        label=_("Of spreek het in"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*", "capture": "user"}),
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
