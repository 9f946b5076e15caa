from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wpo.lib import clock
from wpo.lib.client_ip import client_ip
from wpo.orgs import access
from wpo.orgs.access import redirect_home
from wpo.orgs.permissions import Ability

from . import access as card_access
from . import card_print, lockout, services, two_factor
from .forms import WRONG_PIN, LoginForm, PinForm
from .middleware import CARD_LOGIN_BACKEND, idle_logout_seconds, mark_card_session
from .models import LoginCard
from .security_views import begin_two_factor_login
from .services import PIN_LENGTH


class LogoutView(auth_views.LogoutView):
    """Logging out also empties what this browser kept of the person: the participant's pages kept
    for offline use, the queue of answers (static/js/app.js sends it and deletes both first; this
    header does it when the script could not) and the browser's cache of their pages."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if two_factor.has_two_factor(user):
            # Not logged in yet: the second step (security_views.two_factor_code) does that.
            return begin_two_factor_login(self.request, user, self.get_success_url())
        return super().form_valid(form)

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429  # Too Many Requests
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the start page of their (first) role; a service-desk operator (wpo/service,
    not a person of any organisation) to the service desk."""
    person = getattr(request, "person", None)
    if person is None and hasattr(request.user, "service_operator"):
        return redirect("service:organizations")
    return redirect_home(person)


@login_required
def no_organization(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/no_organization.html", status=403)


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/no_role.html", status=403)


# Login cards ---------------------------------------------------------------------------------


# Where the scanned token waits, in the (server-side) session of the tablet's browser.
CARD_TOKEN_KEY = "card_login_token"


@never_cache
def card_login(request: HttpRequest, token: str | None = None) -> HttpResponse:
    """The page behind a card's QR code: the participant types their PIN and is logged in.

    Public by design: whoever holds the card (or a photo of it) sees this page and, with the
    PIN, logs in as the card's participant. It shows nothing but the first name on the card.

    The QR code holds ``/accounts/kaart/<token>/``. A GET of that address keeps the token in the
    session and sends the browser on (303) to ``/accounts/kaart/``, the same page without the token,
    so a shared tablet's history never holds a working card's address. A PIN posted to the card's
    own address is still accepted.
    """
    scanned = token is not None
    if token is None:
        token = _remembered_card_token(request)
        if token is None:
            return render(request, "accounts/card_scan_again.html", status=400)
    card = card_access.card_for_login(token)
    if card is None:
        request.session.pop(CARD_TOKEN_KEY, None)
        return render(request, "accounts/card_unusable.html", status=404)
    if scanned:
        request.session[CARD_TOKEN_KEY] = {"token": token, "at": clock.epoch_seconds()}
        if request.method != "POST":
            response = redirect("accounts:card_login")
            response.status_code = 303  # See Other: the next page is a GET of another address
            return response
    return _card_pin_page(request, card)


def _remembered_card_token(request: HttpRequest) -> str | None:
    """The token scanned last in this browser, for as long as an idle card session would last: a
    tablet left on the PIN page does not keep offering the next person that card."""
    remembered = request.session.get(CARD_TOKEN_KEY)
    if not isinstance(remembered, dict) or not isinstance(remembered.get("token"), str):
        return None
    if clock.epoch_seconds() - int(remembered.get("at", 0)) > idle_logout_seconds():
        request.session.pop(CARD_TOKEN_KEY, None)
        return None
    return str(remembered["token"])


def _card_pin_page(request: HttpRequest, card: LoginCard) -> HttpResponse:
    """The participant types their PIN and is logged in. It shows nothing but the first name on the card."""
    participant = card.person
    form = PinForm(request.POST if request.method == "POST" else None, digits=PIN_LENGTH)
    locked = card.is_locked(timezone.now())
    address_locked_minutes = 0
    if request.method == "POST" and not locked and form.is_valid():
        # The address's limit across all cards first, then the card's own (see lockout.py).
        attempt = lockout.card_begin(client=client_ip(request))
        if attempt.refused:
            address_locked_minutes = attempt.minutes_left()
        else:
            result = services.login_card_check_pin(card=card, pin=form.cleaned_data["pin"])
            # A wrong PIN stays counted, also the one that locks the card.
            if result in (services.PinCheck.OK, services.PinCheck.UNUSABLE):
                lockout.card_not_a_guess(attempt)
            if result is services.PinCheck.OK:
                request.session.pop(CARD_TOKEN_KEY, None)
                auth.login(request, participant.user, backend=CARD_LOGIN_BACKEND)
                mark_card_session(request)
                return redirect("home")
            if result is services.PinCheck.UNUSABLE:
                request.session.pop(CARD_TOKEN_KEY, None)
                return render(request, "accounts/card_unusable.html", status=404)
            if result is services.PinCheck.WRONG:
                form.add_error("pin", WRONG_PIN)
            locked = result is services.PinCheck.LOCKED
    context = {
        "first_name": participant.user.first_name or participant.name,
        "form": form,
        "locked": locked,
        "address_locked_minutes": address_locked_minutes,
    }
    return render(request, "accounts/card_login.html", context, status=429 if locked or address_locked_minutes else 200)


@access.ability_required(Ability.ISSUE_LOGIN_CARDS)
@never_cache
def login_card(request: HttpRequest, person_id: int) -> HttpResponse:
    """A participant's card: its state, and (POST) a new card with its PIN, shown only now."""
    me = access.person_of(request)
    participant = card_access.access_participant_for_cards(me, person_id)
    if request.method == "POST":
        issued = services.login_card_issue(participant=participant, issued_by=me)
        card_print.remember_for_printing(request.session, issued.card, issued.token)
        # Rendered, not redirected: the PIN is in this one response and stored nowhere else.
        return render(
            request,
            "accounts/login_card_issued.html",
            {
                "participant": participant,
                "pin": issued.pin,
                "print_until": timezone.now() + card_print.PRINT_WINDOW,
            },
        )
    card = card_access.active_card(me, participant)
    return render(
        request,
        "accounts/login_card.html",
        {
            "participant": participant,
            "card": card,
            "locked": card is not None and card.is_locked(timezone.now()),
            "printable": card_print.token_for_printing(request.session, card) is not None,
        },
    )


@access.ability_required(Ability.ISSUE_LOGIN_CARDS)
@never_cache
def login_card_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    me = access.person_of(request)
    participant = card_access.access_participant_for_cards(me, person_id)
    card = card_access.active_card(me, participant)
    token = card_print.token_for_printing(request.session, card)
    if card is None or token is None:
        messages.warning(
            request,
            _("Deze kaart kan niet meer geprint worden. Maak een nieuwe kaart; de oude werkt dan niet meer."),
        )
        return redirect("accounts:login_card", person_id=participant.pk)
    content = card_print.render_card(
        first_name=participant.user.first_name or participant.name,
        organization_name=participant.organization.name,
        login_url=request.build_absolute_uri(reverse("accounts:card_login", kwargs={"token": token})),
        issued_at=card.created_at,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="inlogkaart.pdf"'
    return response


@require_POST
@access.ability_required(Ability.ISSUE_LOGIN_CARDS)
def login_card_revoke(request: HttpRequest, person_id: int) -> HttpResponse:
    me = access.person_of(request)
    participant = card_access.access_participant_for_cards(me, person_id)
    card = card_access.active_card(me, participant)
    card_print.forget_for_printing(request.session, participant.pk)
    if card is None:
        messages.info(request, _("%(name)s had geen werkende inlogkaart.") % {"name": participant.name})
    else:
        services.login_card_revoke(card=card, revoked_by=me)
        messages.success(request, _("De inlogkaart van %(name)s werkt niet meer.") % {"name": participant.name})
    return redirect("accounts:login_card", person_id=participant.pk)


@login_required
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Someone is still typing on a shared tablet: keep the card session from expiring on the server."""
    return HttpResponse(status=204)
