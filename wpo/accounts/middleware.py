"""Sessions end by themselves: card sessions on a shared tablet, staff sessions when idle.

The browser logs out after ``CARD_IDLE_LOGOUT_SECONDS`` without a touch (static/js/app.js);
this middleware makes the server hold the same line when the script did not run: the tablet
was asleep, the tab was closed, or JavaScript is off. A session started with a username and
password (or single sign-on) is left alone by ``CardSessionIdleMiddleware``; for staff,
``StaffSessionMiddleware`` below gives it an idle limit of its own and applies the organisation's
two-factor requirement.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from wpo.lib import clock

LOGIN_METHOD_KEY = "login_method"
CARD = "card"
LAST_SEEN_KEY = "card_last_seen"
# The card login checks the PIN itself; the session records the project's only backend.
CARD_LOGIN_BACKEND = "wpo.accounts.backends.UsernameOrEmailBackend"
DEFAULT_IDLE_SECONDS = 300


def idle_logout_seconds() -> int:
    return int(getattr(settings, "CARD_IDLE_LOGOUT_SECONDS", DEFAULT_IDLE_SECONDS))


def is_card_session(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(LOGIN_METHOD_KEY) == CARD


def mark_card_session(request: HttpRequest) -> None:
    """Call right after ``auth.login`` for a card: from now on the session ends when idle."""
    request.session[LOGIN_METHOD_KEY] = CARD
    request.session[LAST_SEEN_KEY] = clock.epoch_seconds()


class CardSessionIdleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_card_session(request) and request.user.is_authenticated:
            now = clock.epoch_seconds()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > idle_logout_seconds():
                auth.logout(request)
                messages.info(request, _("Je bent uitgelogd, omdat je een tijd niets hebt gedaan."))
            else:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# Staff sessions: an idle limit, and two-factor where the organisation requires it ---------------

SSO = "sso"
STAFF_LAST_SEEN_KEY = "staff_last_seen"
DEFAULT_STAFF_IDLE_SECONDS = 2 * 60 * 60
# The last-seen time is written at most once a minute, so a busy page costs no session write.
LAST_SEEN_GRANULARITY = 60
# Pages a person who still has to set up (or type) a code may open.
TWO_FACTOR_OPEN_URLS = {
    "accounts:two_factor",
    "accounts:two_factor_code",
    "accounts:logout",
    "accounts:keep_alive",
    "set_language",
}
TWO_FACTOR_OPEN_NAMESPACES = {"guidance"}


def staff_idle_logout_seconds() -> int:
    return int(getattr(settings, "STAFF_IDLE_LOGOUT_SECONDS", DEFAULT_STAFF_IDLE_SECONDS))


def mark_sso_session(request: HttpRequest) -> None:
    """Call right after ``auth.login`` for single sign-on: the identity provider did the second factor."""
    request.session[LOGIN_METHOD_KEY] = SSO


def two_factor_satisfied(request: HttpRequest) -> bool:
    """Verified with a code in this session, or logged in by single sign-on, which counts as the second
    factor, except for an account with extra rights (``privileged``): that one needs its own code."""
    is_verified = getattr(request.user, "is_verified", None)
    if is_verified and is_verified():
        return True
    if request.session.get(LOGIN_METHOD_KEY) == SSO:
        from .privileged import has_extra_rights

        return not has_extra_rights(request.user)  # type: ignore[arg-type]
    return False


def note_login(request: HttpRequest) -> None:
    """Every login (``user_logged_in``) starts the idle clock, so the first page writes no session."""
    request.session[STAFF_LAST_SEEN_KEY] = clock.epoch_seconds()


class StaffSessionMiddleware:
    """After PersonMiddleware. A staff session started with a password or single sign-on ends after
    ``STAFF_IDLE_LOGOUT_SECONDS`` (2 hours) without a request. A coach, project manager or
    administrator of an organisation that requires two-factor authentication reaches no page but
    the two-factor pages, logout and help until the session is verified: with a code when they have
    an authenticator app, or by setting one up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .two_factor import is_staff

        person = getattr(request, "person", None)
        if person is not None and not is_card_session(request) and is_staff(person):
            now = clock.epoch_seconds()
            last_seen = request.session.get(STAFF_LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > staff_idle_logout_seconds():
                auth.logout(request)
                request.person = None  # type: ignore[attr-defined]
                messages.info(request, _("U bent uitgelogd, omdat u een tijd niets hebt gedaan. Log opnieuw in."))
            elif not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_GRANULARITY:
                request.session[STAFF_LAST_SEEN_KEY] = now
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        from .two_factor import has_two_factor, required_for

        person = getattr(request, "person", None)
        if person is None or not required_for(person) or two_factor_satisfied(request):
            return None
        match = request.resolver_match
        if match is not None and (
            match.view_name in TWO_FACTOR_OPEN_URLS or match.namespace in TWO_FACTOR_OPEN_NAMESPACES
        ):
            return None
        target = "accounts:two_factor_code" if has_two_factor(person.user) else "accounts:two_factor"
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
