"""The one place that decides who may use the service desk (``/servicebeheer/``).

Only an active ``ServiceOperator`` who is no person of any organisation, in a session verified with a
code from their authenticator app. Someone not logged in goes to the login page; any other login,
of any role in any organisation, gets 404, so the pages do not even show they exist; an operator
whose session is not verified yet goes to set up their app or to type its code. Like a staff session
of an organisation (wpo/accounts/middleware.py), an operator's session ends after
``STAFF_IDLE_LOGOUT_SECONDS`` (2 hours) without a service-desk page.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from wpo.accounts import services as accounts
from wpo.lib import clock

from .models import ServiceOperator

View = Callable[..., HttpResponseBase]
LAST_SEEN_KEY = "service_last_seen"
# Written at most once a minute, so a busy page costs no session write.
LAST_SEEN_GRANULARITY = 60


def idle_seconds() -> int:
    return int(getattr(settings, "STAFF_IDLE_LOGOUT_SECONDS", 2 * 60 * 60))


def _idle_too_long(request: HttpRequest) -> bool:
    """True (and logged out) after too long without a service-desk page; else the clock restarts."""
    now = clock.epoch_seconds()
    last_seen = request.session.get(LAST_SEEN_KEY)
    if isinstance(last_seen, int) and now - last_seen > idle_seconds():
        auth.logout(request)
        messages.info(request, _("U bent uitgelogd, omdat u een tijd niets hebt gedaan. Log opnieuw in."))
        return True
    if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_GRANULARITY:
        request.session[LAST_SEEN_KEY] = now
    return False


def operator_of(request: HttpRequest) -> ServiceOperator | None:
    """The request's service-desk operator, verified or not; None for anyone else."""
    user = request.user
    if not user.is_authenticated or getattr(request, "person", None) is not None:
        return None
    operator: ServiceOperator | None = ServiceOperator.objects.filter(user_id=user.pk, is_active=True).first()
    return operator


def is_verified(request: HttpRequest) -> bool:
    """The session typed a code of this login's app (django-otp's ``OTPMiddleware`` says so)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check is not None and check())


def may_use_service_desk(request: HttpRequest) -> bool:
    return operator_of(request) is not None and is_verified(request)


def operator_required(*, verified: bool = True) -> Callable[[View], View]:
    """Let the view run only for a service-desk operator; with ``verified`` (every page but setting up
    the app) only in a session verified with a code. The view gets the operator as ``operator``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            operator = operator_of(request)
            if operator is None:
                raise Http404
            if _idle_too_long(request):
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if verified and not is_verified(request):
                has_app = accounts.has_two_factor(request.user)
                target = "accounts:two_factor_code" if has_app else "service:two_factor"
                return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
            return view(request, *args, operator=operator, **kwargs)

        return wrapper

    return decorator
