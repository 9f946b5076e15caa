from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wpo.lib import ids
from wpo.lib.forms import model_choice

from .models import Certificate
from .services import MAX_BATCH, normalize_code

EXAMPLE_CODE = "WPO-7K3M-Q9TX-H4PR"


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Waarom trekt u dit certificaat in?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen coaches en projectmanagers zien deze reden. Op de controlepagina staat hij niet."),
        error_messages={
            "required": _("Schrijf op waarom u dit certificaat intrekt."),
            "max_length": _("Houd de reden korter dan %(limit_value)d tekens."),
        },
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Schrijf op waarom u dit certificaat intrekt."))
        return reason


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Controlecode"),
        max_length=40,
        help_text=_("De code staat onderaan het certificaat, bijvoorbeeld %(example)s.") % {"example": EXAMPLE_CODE},
        error_messages={"required": _("Typ de code die onderaan het certificaat staat.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if code is None:
            typed = self.cleaned_data["code"].upper()
            if any(symbol in typed for symbol in "01IO"):
                raise forms.ValidationError(
                    _(
                        "Deze code klopt niet. In een code staan geen 0, O, 1 of I. "
                        "Kijk nog eens goed: misschien is het een D, Q, L of J."
                    )
                )
            raise forms.ValidationError(
                _("Deze code klopt niet. Een code ziet er zo uit: %(example)s.") % {"example": EXAMPLE_CODE}
            )
        return code


class ListFilterForm(forms.Form):
    STATUS_CHOICES = [("", _("Alle")), ("geldig", _("Geldig")), ("ingetrokken", _("Ingetrokken"))]

    q = forms.CharField(label=_("Zoek op naam"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Toon"), choices=STATUS_CHOICES, required=False)


class BatchForm(forms.Form):
    certificaten = ids.ModelMultipleChoiceField(
        label=_("Certificaten"),
        queryset=Certificate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Kies minstens één certificaat."),
            "invalid_choice": _(
                "Een van de gekozen certificaten kan niet meer geprint worden. Laad de pagina opnieuw."
            ),
            "invalid_pk_value": _(
                "Een van de gekozen certificaten kan niet meer geprint worden. Laad de pagina opnieuw."
            ),
        },
    )

    def __init__(self, *args: Any, choices: QuerySet[Certificate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "certificaten").queryset = choices

    def clean_certificaten(self) -> list[Certificate]:
        chosen = list(self.cleaned_data["certificaten"])
        if len(chosen) > MAX_BATCH:
            raise forms.ValidationError(
                _("Kies hoogstens %(max)s certificaten tegelijk. Maak anders twee printopdrachten.")
                % {"max": MAX_BATCH}
            )
        return chosen
