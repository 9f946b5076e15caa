"""Who reads the country's figures, and which rows: built on ``wpo.orgs.access``.

The national page is the method owner's (``permissions.may_read_national_figures``); it reads only
the national rows of the aggregates table. An organisation's own rows are read only for that
organisation (``own_and_national``), by those who read its report. No other door leads to the table.
"""

from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from wpo.orgs.access import View, person_of
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, may, may_read_national_figures

from .models import NationalFigure


def national_view(view: View) -> View:
    """Decorator for the national page and its export: logged in, and one of the method owner's editors."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not may_read_national_figures(person_of(request)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def national_rows(person: Person) -> QuerySet[NationalFigure]:
    """The national rows (no organisation's own); for the method owner's editors, with the rows of
    their own organisation when they also read its report (to hold the national ones against)."""
    if not may_read_national_figures(person):
        raise PermissionDenied
    return (
        own_and_national(person)
        if may(person, Ability.READ_REPORT)
        else NationalFigure.objects.filter(organization__isnull=True)
    )


def own_and_national(person: Person) -> QuerySet[NationalFigure]:
    """The national rows and the person's own organisation's, for someone who reads its report."""
    if not may(person, Ability.READ_REPORT):
        raise PermissionDenied
    return NationalFigure.objects.filter(Q(organization__isnull=True) | Q(organization_id=person.organization_id))
