from collections.abc import Callable

from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse

from .access import SUSPENDED
from .models import Person


def _person_for(request: HttpRequest) -> Person | None:
    user = request.user
    if not user.is_authenticated:
        return None
    # Usually loaded with the user, in the session's one query (UsernameOrEmailBackend.get_user).
    if get_user_model().person.is_cached(user):
        try:
            return user.person
        except ObjectDoesNotExist:
            return None
    # The organisation's security policy rides along (wpo/accounts/middleware.py reads it).
    related = ("organization", "organization__security_policy", "user", "department")
    return Person.objects.select_related(*related).filter(user=user).first()


class PersonMiddleware:
    """Puts the logged-in user's ``Person`` (organisation and roles) on the request: one query.

    A person whose organisation the service desk suspended is logged out here, at their first
    request after the suspension, whatever way they logged in (password, card, single sign-on)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person = _person_for(request)
        if person is not None and person.organization.suspended_at is not None:
            auth.logout(request)
            messages.error(request, SUSPENDED)
            person = None
        request.person = person  # type: ignore[attr-defined]
        return self.get_response(request)
