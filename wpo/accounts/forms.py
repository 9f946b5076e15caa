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
