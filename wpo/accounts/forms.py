from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Gebruikersnaam of e-mailadres"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        "invalid_login": _(
            "Deze gebruikersnaam of dit wachtwoord klopt niet. Let op hoofdletters. "
            "Lukt het niet? Vraag de beheerder van uw organisatie om hulp."
        ),
        "inactive": _("Dit account is uitgeschakeld. Vraag de beheerder van uw organisatie om hulp."),
    }


WRONG_PIN = _("Deze pincode klopt niet. Probeer het nog een keer.")


class PinForm(forms.Form):
    """The one field of the card login page. Any typed PIN is checked (and counted) by the service."""

    pin = forms.CharField(
        label=_("Typ je pincode"),
        max_length=20,
        error_messages={"required": _("Typ je pincode."), "max_length": WRONG_PIN},
        widget=forms.PasswordInput(
            attrs={
                "inputmode": "numeric",
                # Not a password to remember: a browser on a shared tablet must not offer to save it.
                "autocomplete": "one-time-code",
                "autofocus": True,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args: Any, digits: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pin"].help_text = _("Je pincode heeft %(count)d cijfers.") % {"count": digits}

    def clean_pin(self) -> str:
        return "".join(str(self.cleaned_data["pin"]).split())
