"""Two-factor authentication, the organisation's security settings and single sign-on (issue 7)."""

import logging
from typing import Any

import django_otp
import segno
from django.contrib import auth, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from wpo.lib import clock
from wpo.lib.client_ip import client_ip
from wpo.orgs import access
from wpo.orgs.access import home_url_name
from wpo.orgs.permissions import Ability

from . import sso, sso_services, two_factor
from .forms import CodeForm, OidcProviderForm, SecurityPolicyForm, SsoStartForm
from .middleware import CARD_LOGIN_BACKEND, mark_sso_session, two_factor_satisfied
from .models import OidcDomain, OidcProvider, SecurityEvent, SecurityPolicy, User
from .privileged import has_extra_rights

log = logging.getLogger(__name__)

PENDING_KEY = "two_factor_pending"
PENDING_MAX_AGE = 10 * 60
WRONG_CODE = _("Deze code klopt niet. Kijk of de tijd op uw telefoon goed staat en typ de code die nu in de app staat.")


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return ""


def _locked_message(minutes: int) -> str:
    return ngettext(
        "Er is te vaak een verkeerde code ingevuld. Wacht ongeveer %(minutes)d minuut en probeer het dan "
        "opnieuw, of vraag de beheerder van uw organisatie om hulp.",
        "Er is te vaak een verkeerde code ingevuld. Wacht ongeveer %(minutes)d minuten en probeer het dan "
        "opnieuw, of vraag de beheerder van uw organisatie om hulp.",
        minutes,
    ) % {"minutes": minutes}


# The second login step -----------------------------------------------------------------------


def begin_two_factor_login(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The password was right and the person has an app: hold them in the session, not logged in."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", CARD_LOGIN_BACKEND),
        "hash": user.get_session_auth_hash(),
        "since": clock.epoch_seconds(),
        "next": next_url,
    }
    return redirect("accounts:two_factor_code")


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or clock.epoch_seconds() - int(pending.get("since", 0)) > PENDING_MAX_AGE:
        return None, {}
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None, {}
    user = User.objects.filter(pk=user_id, is_active=True).first()
    # A password changed in between ends the pending login, as it would end a session.
    if user is None or not constant_time_compare(user.get_session_auth_hash(), str(pending.get("hash", ""))):
        return None, {}
    return user, pending


@never_cache
def two_factor_code(request: HttpRequest) -> HttpResponse:
    """Second login step: a code from the app (or a backup code) before the session is verified."""
    pending: dict[str, Any] = {}
    if request.user.is_authenticated:
        # Logged in, but the organisation requires a verified session (see StaffSessionMiddleware).
        next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
        if two_factor_satisfied(request) or not two_factor.has_two_factor(request.user):
            return redirect(next_url or "home")
        user: User | None = request.user
    else:
        user, pending = _pending_user(request)
        if user is None:
            request.session.pop(PENDING_KEY, None)
            messages.info(request, _("Log opnieuw in met uw gebruikersnaam en wachtwoord."))
            return redirect("accounts:login")
        next_url = _safe_next(request, pending.get("next"))
    assert user is not None
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = two_factor.check_login_code(user=user, code=form.cleaned_data["code"], client=client_ip(request))
        if result.outcome is two_factor.CodeCheck.OK:
            if pending:
                request.session.pop(PENDING_KEY, None)
                auth.login(request, user, backend=str(pending["backend"]))
            django_otp.login(request, result.device)
            if isinstance(result.device, StaticDevice):
                left = two_factor.backup_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "U hebt een reservecode gebruikt. U hebt er nog %(count)d over.",
                        "U hebt een reservecode gebruikt. U hebt er nog %(count)d over.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url or "home")
        if result.outcome is two_factor.CodeCheck.LOCKED:
            form.add_error(None, _locked_message(result.minutes_left()))
            status = 429
        else:
            form.add_error("code", WRONG_CODE)
    return render(request, "accounts/two_factor_code.html", {"form": form, "next": next_url}, status=status)


# Setting it up -------------------------------------------------------------------------------


QR_SCALE, QR_BORDER = 5, 4


def _qr(config_url: str) -> tuple[str, int]:
    """The otpauth:// address as a QR code: an SVG data URI (the CSP allows data: images) and its size."""
    code = segno.make(config_url, error="m")
    width, _height = code.symbol_size(scale=QR_SCALE, border=QR_BORDER)
    return str(code.svg_data_uri(scale=QR_SCALE, border=QR_BORDER)), int(width)


@access.ability_required(Ability.STAFF_SESSION)
@never_cache
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Tweestapsverificatie: set up an authenticator app, make new backup codes, or switch it off."""
    me = access.person_of(request)
    user = me.user
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    required = two_factor.required_for(me)
    action = request.POST.get("action", "")
    form = CodeForm(request.POST if request.method == "POST" else None)
    device = two_factor.confirmed_totp(user)
    status = 200
    if device is None:
        pending_device = two_factor.pending_totp(user)
        if request.method == "POST" and action == "confirm" and form.is_valid():
            codes = two_factor.two_factor_confirm(person=me, device=pending_device, code=form.cleaned_data["code"])
            if codes is not None:
                pending_device.refresh_from_db()
                django_otp.login(request, pending_device)
                return render(
                    request, "accounts/two_factor_backup_codes.html", {"codes": codes, "next": next_url, "new": True}
                )
            form.add_error("code", WRONG_CODE)
        qr, qr_size = _qr(pending_device.config_url)
        context = {
            "form": form,
            "qr": qr,
            "qr_size": qr_size,
            "secret": two_factor.secret_in_groups(pending_device),
            "required": required,
            "next": next_url,
        }
        return render(request, "accounts/two_factor_setup.html", context)
    if request.method == "POST" and action in ("disable", "new_codes") and form.is_valid():
        if action == "disable" and required:
            form.add_error(None, _("Uw organisatie verplicht tweestapsverificatie. U kunt die niet uitzetten."))
        else:
            result = two_factor.check_login_code(user=user, code=form.cleaned_data["code"], client=client_ip(request))
            if result.outcome is two_factor.CodeCheck.OK and action == "disable":
                two_factor.two_factor_disable(person=me)
                messages.success(request, _("Tweestapsverificatie staat uit."))
                return redirect("accounts:two_factor")
            if result.outcome is two_factor.CodeCheck.OK:
                codes = two_factor.two_factor_new_backup_codes(person=me)
                return render(
                    request, "accounts/two_factor_backup_codes.html", {"codes": codes, "next": "", "new": False}
                )
            if result.outcome is two_factor.CodeCheck.LOCKED:
                form.add_error(None, _locked_message(result.minutes_left()))
                status = 429
            else:
                form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "device": device,
        "required": required,
        "backup_left": two_factor.backup_codes_left(user),
        "action": action,
    }
    return render(request, "accounts/two_factor_on.html", context, status=status)


@require_POST
@access.ability_required(Ability.MANAGE_PEOPLE)
def two_factor_reset(request: HttpRequest, person_id: int) -> HttpResponse:
    """The administrator removes a person's app and backup codes (a lost phone)."""
    me = access.person_of(request)
    person = access.access_person_for_admin(me, person_id)
    try:
        had = two_factor.two_factor_reset(person=person, by=me)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:person_edit", person_id=person.pk)
    if had:
        messages.success(
            request,
            _(
                "De tweestapsverificatie van %(name)s is weggehaald. "
                "Bij de volgende keer inloggen stelt %(name)s die opnieuw in."
            )
            % {"name": person.name},
        )
    else:
        messages.info(request, _("%(name)s had geen tweestapsverificatie.") % {"name": person.name})
    return redirect("orgs:person_edit", person_id=person.pk)


# The organisation's settings -----------------------------------------------------------------


@access.ability_required(Ability.MANAGE_PEOPLE)
@never_cache
def security_settings(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    policy = access.in_org(me, SecurityPolicy).first()
    initial = {"two_factor_required": policy is not None and policy.two_factor_required}
    form = SecurityPolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        two_factor.security_policy_update(by=me, two_factor_required=form.cleaned_data["two_factor_required"])
        messages.success(request, _("De beveiligingsinstellingen zijn opgeslagen."))
        return redirect("accounts:security_settings")
    context = {
        "form": form,
        "provider": access.in_org(me, OidcProvider).first(),
        "events": access.in_org(me, SecurityEvent).select_related("person__user", "actor__user")[:50],
    }
    return render(request, "accounts/security_settings.html", context)


@access.ability_required(Ability.MANAGE_PEOPLE)
@never_cache
def sso_settings(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    provider = access.in_org(me, OidcProvider).first() or OidcProvider(organization=me.organization)
    form = OidcProviderForm(request.POST if request.method == "POST" else None, instance=provider)
    if request.method == "POST" and form.is_valid():
        try:
            sso_services.oidc_provider_save(
                by=me,
                provider=form.save(commit=False),
                client_secret=form.cleaned_data["client_secret"],
                domains=form.cleaned_data["email_domains"],
            )
        except ValidationError as exc:
            form.add_error("email_domains", exc)
        else:
            messages.success(request, _("Inloggen via de organisatie is opgeslagen."))
            return redirect("accounts:security_settings")
    domains = access.in_org(me, OidcDomain).filter(provider_id=provider.pk).order_by("domain") if provider.pk else []
    context = {"form": form, "callback": sso.redirect_uri(provider), "domains": domains}
    return render(request, "accounts/sso_settings.html", context)


# Single sign-on ------------------------------------------------------------------------------


@never_cache
def sso_start(request: HttpRequest) -> HttpResponse:
    form = SsoStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        provider = sso.provider_for_login(form.cleaned_data["organization"])
        if provider is None:
            form.add_error(
                "organization",
                _(
                    "Voor deze organisatie kun je hier niet inloggen via je organisatie. "
                    "Kijk of je het goed hebt getypt, of log in met je gebruikersnaam en wachtwoord."
                ),
            )
        else:
            try:
                url = sso.start(request, provider, next_url=_safe_next(request, request.POST.get("next")))
            except sso.SsoError as exc:
                log.warning("SSO start failed for %s: %s", provider.organization.slug, exc.reason)
                form.add_error(None, _("Inloggen via je organisatie lukt nu niet. Probeer het later opnieuw."))
            else:
                return redirect(url)
    return render(request, "accounts/sso_start.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
def sso_callback(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Where the organisation's identity provider sends the browser back.

    Public by design: the identity provider's answer arrives before anyone is logged in. It logs in
    only the person the verified ID token names, in this organisation, and shows nothing else.
    """
    provider = sso.provider_for_callback(org_slug)
    try:
        if provider is None:
            # The same answer as any other failure: the address says nothing about the organisation.
            request.session.pop(sso.PENDING_KEY, None)
            raise sso.SsoError("no enabled provider for this organisation")
        outcome = sso.finish(request, provider)
    except sso.SsoError as exc:
        log.warning("SSO login failed for %s: %s", org_slug, exc.reason)
        return render(request, "accounts/sso_failed.html", {"reason": "failed"}, status=400)
    if outcome.person is None:
        value = outcome.claims.get(provider.claim, "")
        context = {"reason": "no_match", "provider": provider, "value": value if isinstance(value, str) else ""}
        return render(request, "accounts/sso_failed.html", context, status=403)
    user = outcome.person.user
    next_url = _safe_next(request, outcome.next_url)
    if has_extra_rights(user):
        # The organisation's administrator controls its identity provider, so for an account with
        # rights beyond the organisation single sign-on is not a second factor: its own app is.
        if not two_factor.has_two_factor(user):
            log.warning("SSO login refused for %s: extra rights and no authenticator app", org_slug)
            return render(
                request, "accounts/sso_failed.html", {"reason": "needs_code", "provider": provider}, status=403
            )
        return begin_two_factor_login(request, user, next_url)
    request.session.pop(PENDING_KEY, None)
    auth.login(request, user, backend=CARD_LOGIN_BACKEND)
    mark_sso_session(request)
    return redirect(next_url or home_url_name(outcome.person))
