"""Sessions started with a login card end by themselves on a shared tablet.

The browser logs out after ``CARD_IDLE_LOGOUT_SECONDS`` without a touch (static/js/app.js);
this middleware makes the server hold the same line when the script did not run: the tablet
was asleep, the tab was closed, or JavaScript is off. A session started with a username and
password is left alone.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

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
    request.session[LAST_SEEN_KEY] = int(time.time())


class CardSessionIdleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_card_session(request) and request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > idle_logout_seconds():
                auth.logout(request)
                messages.info(request, _("Je bent uitgelogd, omdat je een tijd niets hebt gedaan."))
            else:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
