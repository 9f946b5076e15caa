from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wpo.orgs.models import Person

from .models import PrivacySettings


class PrivacySettingsForm(forms.ModelForm[PrivacySettings]):
    class Meta:
        model = PrivacySettings
        fields = ["retention_months"]


class AnonymiseForm(forms.Form):
    """The administrator types the participant's full name to confirm an irreversible step."""

    name = forms.CharField(label=gettext_lazy("Typ de naam van de deelnemer"), max_length=300)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_name(self) -> str:
        typed = " ".join(self.cleaned_data["name"].split())
        if typed.casefold() != " ".join(self.person.name.split()).casefold():
            raise forms.ValidationError(
                _("Dit is niet de naam van de deelnemer. Typ de naam precies zoals hij er staat.")
            )
        return typed
