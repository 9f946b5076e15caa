from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_PLACES = 100_000


class OrganizationForm(forms.Form):
    """A new organisation, its contract and its first administrator."""

    name = forms.CharField(label=_("Naam van de organisatie"), max_length=200)
    slug = forms.SlugField(
        label=_("Korte naam"),
        max_length=50,
        help_text=_("Kleine letters, cijfers en streepjes, bijvoorbeeld werkbedrijf-noord. Dit kan later niet meer."),
        error_messages={"invalid": _("Gebruik alleen kleine letters, cijfers en streepjes.")},
    )
    sector_details = forms.CharField(
        label=_("Over de organisatie"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld de sector, de regio of de contactpersoon voor het contract."),
    )
    starts_on = forms.DateField(label=_("Contract vanaf"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Contract tot en met"), required=False, widget=DATE_WIDGET)
    places = forms.IntegerField(
        label=_("Aantal plaatsen"),
        help_text=_("Hoeveel deelnemers tegelijk in WPO mogen zitten volgens het contract."),
        min_value=1,
        max_value=MAX_PLACES,
        error_messages={
            "min_value": _("Vul een aantal van 1 of meer in."),
            "max_value": _("Dit aantal is te groot."),
            "invalid": _("Vul een heel getal in."),
        },
    )
    admin_first_name = forms.CharField(label=_("Voornaam van de beheerder"), max_length=150)
    admin_last_name = forms.CharField(label=_("Achternaam van de beheerder"), max_length=150)
    admin_email = forms.EmailField(
        label=_("E-mailadres van de beheerder"),
        max_length=254,
        help_text=_("Hierheen gaat de uitnodiging met een link om een wachtwoord te kiezen."),
    )

    def clean_slug(self) -> str:
        slug = str(slugify(self.cleaned_data["slug"]))
        if not slug:
            raise forms.ValidationError(_("Gebruik alleen kleine letters, cijfers en streepjes."))
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Het contract kan niet eindigen voordat het begint."))
        return cleaned


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Waarom schorst u deze organisatie?"),
        max_length=300,
        help_text=_("Dit komt in het logboek van servicebeheer."),
    )


class CloseForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Typ de korte naam van de organisatie"),
        max_length=50,
        help_text=_("Zo weet u zeker dat u de goede organisatie sluit."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )


class InvitationPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Choose a password with the invitation's link; Django's password validators check it."""

    error_messages = {"password_mismatch": _("De twee wachtwoorden zijn niet hetzelfde. Typ ze opnieuw.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Kies een wachtwoord")
        self.fields["new_password1"].help_text = _(
            "Minstens 10 tekens. Niet alleen cijfers, geen bekend wachtwoord en niet lijkend op uw naam."
        )
        self.fields["new_password2"].label = _("Typ het wachtwoord nog een keer")
        self.fields["new_password2"].help_text = ""

    def validate_password_for_user(self, user: Any, password_field_name: str = "password2") -> None:  # noqa: S107 - a field name
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error(password_field_name, [_in_dutch(e) for e in error.error_list])


def _in_dutch(error: ValidationError) -> ValidationError:
    """Django's Dutch translation lacks the message of the minimum length (its English text changed);
    the other validators' messages are translated by Django itself (as in wpo/orgs/forms.py)."""
    if error.code == "password_too_short":
        min_length = (error.params or {}).get("min_length", 10)
        return ValidationError(
            _("Dit wachtwoord is te kort. Gebruik minstens %(min_length)d tekens."),
            code=error.code,
            params={"min_length": min_length},
        )
    return error


class OperatorCodeForm(forms.Form):
    """The first code from the operator's authenticator app, to switch two-factor on."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("De 6 cijfers die de app nu laat zien."),
        error_messages={"required": _("Typ de code uit de app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split())
