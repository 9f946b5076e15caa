"""The coach's triage of one signal of one trajectory: snooze it, wake it, mark it discussed.

One form per action and per signal on the trajectory's signals page; ``soort`` says which signal.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .early_signals import SNOOZABLE
from .services import NOTE_MAX_LENGTH

KIND_CHOICES = [(kind.code, kind.label) for kind in SNOOZABLE]


class WakeForm(forms.Form):
    """Which signal: the only field of a wake, the first of the others."""

    soort = forms.ChoiceField(label=_("Signaal"), choices=KIND_CHOICES, widget=forms.HiddenInput)


class SnoozeForm(WakeForm):
    tot = forms.DateField(
        label=_("Stil tot en met"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reden = forms.CharField(
        label=_("Waarom mag het signaal zo lang stil staan?"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DiscussedForm(WakeForm):
    notitie = forms.CharField(
        label=_("Wat spraken jullie af?"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
