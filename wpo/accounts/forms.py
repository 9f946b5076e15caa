import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wpo.lib.client_ip import client_ip
from wpo.orgs.access import SUSPENDED, organization_suspended

from . import lockout, sso_fetch
from .models import OidcDomain, OidcProvider


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
        attempt = lockout.begin(login_name=username, client=client_ip(self.request))
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
        # Only after the right password: the message tells nothing to someone guessing names.
        if self.user_cache is not None and organization_suspended(self.user_cache):
            raise ValidationError(SUSPENDED, code="suspended")
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


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or one of the backup codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("De 6 cijfers uit de app op uw telefoon. Telefoon kwijt? Typ dan een van uw reservecodes."),
        error_messages={"required": _("Typ de code uit de app.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split())


class SecurityPolicyForm(forms.Form):
    two_factor_required = forms.BooleanField(
        label=_("Tweestapsverificatie verplicht voor coach, projectmanager en beheerder"),
        required=False,
        help_text=_(
            "Aan: wie coach, projectmanager of beheerder is, moet bij het inloggen ook een code uit een app "
            "op de telefoon typen. Wie dat nog niet heeft ingesteld, doet dat eerst."
        ),
    )


DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
MAX_DOMAINS = 10


class OidcProviderForm(forms.ModelForm[OidcProvider]):
    email_domains = forms.CharField(
        label=_("e-maildomeinen"),
        required=False,
        max_length=500,
        help_text=_(
            "Gescheiden door komma's, bijvoorbeeld werkbedrijf.nl. Zo vinden medewerkers hun organisatie. "
            "Een nieuw domein werkt pas als de beheerders van de dienst hebben gecontroleerd dat het van uw "
            "organisatie is."
        ),
    )
    client_secret = forms.CharField(
        label=_("client-secret"),
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Laat leeg om het opgeslagen geheim te houden."),
    )

    class Meta:
        model = OidcProvider
        fields = ["display_name", "issuer", "client_id", "client_secret", "claim", "match_field", "email_domains"]
        fields += ["enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["email_domains"] = ", ".join(self.instance.domain_names())

    def clean_email_domains(self) -> list[str]:
        """Lower-case domains, each of this organisation only (``OidcDomain`` is unique across all)."""
        typed = re.split(r"[,\s]+", str(self.cleaned_data["email_domains"]))
        domains = list(dict.fromkeys(d.strip().lower().lstrip("@").rstrip(".") for d in typed if d.strip()))
        if len(domains) > MAX_DOMAINS:
            raise ValidationError(_("Vul hoogstens %(max)d e-maildomeinen in.") % {"max": MAX_DOMAINS})
        wrong = [d for d in domains if not DOMAIN_RE.match(d)]
        if wrong:
            raise ValidationError(_("Dit is geen e-maildomein: %(domain)s") % {"domain": wrong[0]})
        taken = (
            OidcDomain.objects.filter(domain__in=domains)
            .exclude(organization_id=self.instance.organization_id)
            .values_list("domain", flat=True)
            .first()
        )
        if taken is not None:
            raise ValidationError(
                _(
                    "Het e-maildomein %(domain)s hoort al bij een andere organisatie. Is het toch van uw "
                    "organisatie? Neem dan contact op met de beheerders van de dienst."
                )
                % {"domain": taken}
            )
        return domains

    def clean_issuer(self) -> str:
        """The server fetches this address (sso_fetch): only https, and not an address inside our own
        network. A host name is resolved and checked again at every fetch."""
        issuer = str(self.cleaned_data["issuer"]).rstrip("/")
        try:
            sso_fetch.check_named_address(issuer)
        except sso_fetch.FetchRefused as exc:
            if not issuer.lower().startswith("https://"):
                raise ValidationError(_("Het adres moet met https:// beginnen.")) from exc
            raise ValidationError(
                _("Dit is geen openbaar adres. Vul het adres van de identity provider op internet in.")
            ) from exc
        host = (urlsplit(issuer).hostname or "").lower()
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise ValidationError(
                _("Dit is geen openbaar adres. Vul het adres van de identity provider op internet in.")
            )
        return issuer

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        stored = self.instance.pk is not None and bool(self.instance.client_secret_encrypted)
        if cleaned.get("enabled") and not cleaned.get("client_secret") and not stored:
            self.add_error("client_secret", _("Vul het client-secret in om inloggen via de organisatie aan te zetten."))
        return cleaned


class SsoStartForm(forms.Form):
    organization = forms.CharField(
        label=_("Je organisatie of je e-mailadres van het werk"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "organization", "autocapitalize": "none"}),
        error_messages={"required": _("Typ de naam van je organisatie of je e-mailadres van het werk.")},
    )
