"""Error pages that need more than a template: a lost database, and a refusal no view caught.

A restarting database fails a request with ``OperationalError``/``InterfaceError`` in a view, in a
middleware, or when the session is saved (Django reports that as a 400). ``handler500`` and
``handler400`` (config/urls.py) answer 503 with ``Retry-After`` and the typed text in a form that
sends it again; rendered without a request context, whose processors would ask the absent database.
"""

import sys
from collections.abc import Callable, Iterator

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

from wpo.lib.refusals import Refused

RETRY_AFTER_SECONDS = 15
# Fields whose value never goes back into a page.
SECRET_FIELDS = ("csrfmiddlewaretoken", "password", "pin", "token", "otp", "secret")


def _chain(exception: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        yield exception
        exception = exception.__cause__ or exception.__context__


def database_unavailable(exception: BaseException | None) -> bool:
    return any(isinstance(e, OperationalError | InterfaceError) for e in _chain(exception))


def kept_fields(request: HttpRequest) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What the person sent, split into typed text to show again and the other fields to resend."""
    if request.method != "POST":
        return [], []
    try:
        items = [(k, v) for k, values in request.POST.lists() for v in values]
    except Exception:  # an unreadable body: there is nothing to keep
        return [], []
    text: list[tuple[str, str]] = []
    other: list[tuple[str, str]] = []
    for name, value in items:
        if any(secret in name.lower() for secret in SECRET_FIELDS):
            continue
        # Sentences are shown; choices and ids (no spaces) travel along unseen.
        typed = any(c.isalpha() for c in value) and any(c.isspace() for c in value.strip())
        (text if typed else other).append((name, value))
    return text, other


def service_unavailable(request: HttpRequest) -> HttpResponse:
    text, other = kept_fields(request)
    context = {
        "text_fields": text,
        "hidden_fields": other,
        "had_files": bool(request.method == "POST" and request.FILES) if text or other else False,
        "action": request.get_full_path(),
        "csrf_token": get_token(request) if text or other else "",
        "retry_after": RETRY_AFTER_SECONDS,
    }
    response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    response = defaults.server_error(request)
    assert isinstance(response, HttpResponseServerError)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Django turns a failed session save into a 400 (SessionInterrupted); when the database was
    # the cause, it is a 503 like any other lost connection.
    if database_unavailable(exception):
        return service_unavailable(request)
    response = defaults.bad_request(request, exception)
    assert isinstance(response, HttpResponseBadRequest)
    return response


class RefusalMiddleware:
    """The one place a refusal that no view caught becomes a page: the Dutch message, status 409
    (the request was understood; the state of things says no), and a way back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Refused):
            return None
        back = request.headers.get("Referer", "")
        safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure())
        return render(request, "refused.html", {"message": str(exception), "back": back if safe else ""}, status=409)
