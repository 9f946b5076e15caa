from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import lockout


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
    locked = False

    def clean(self) -> dict[str, Any]:
        """Check the password only when neither the name nor the address is locked (see ``lockout``)."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        attempt = lockout.begin(login_name=username, client=lockout.client_ip(self.request))
        if attempt.refused:
            self.locked = True
            minutes = attempt.minutes_left()
            # The same text for a locked name and a locked address, known account or not.
            raise ValidationError(
                ngettext(
                    "Er is te vaak een verkeerd wachtwoord ingevuld. Inloggen kan nu even niet. "
                    "Wacht ongeveer %(minutes)d minuut en probeer het dan opnieuw, "
                    "of vraag de beheerder van uw organisatie om hulp.",
                    "Er is te vaak een verkeerd wachtwoord ingevuld. Inloggen kan nu even niet. "
                    "Wacht ongeveer %(minutes)d minuten en probeer het dan opnieuw, "
                    "of vraag de beheerder van uw organisatie om hulp.",
                    minutes,
                )
                % {"minutes": minutes},
                code="locked",
            )
        cleaned = super().clean()  # a wrong password raises here; the failure row stays
        lockout.succeeded(attempt, login_name=username)
        return cleaned


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
