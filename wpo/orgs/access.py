"""The one door to an organisation's data.

Views never filter by organisation themselves: they ask this module for a queryset or an
object, given the person making the request. Anything outside the person's organisation, or
outside what their roles let them see, is reported as 404 so its existence does not leak.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from .models import Department, OrgOwned, PeopleImport, Person
from .permissions import Ability, OnTrajectory, may, may_ever, participants_filter

View = Callable[..., HttpResponseBase]


def person_of(request: HttpRequest) -> Person:
    person: Person | None = getattr(request, "person", None)
    if person is None:
        raise PermissionDenied
    return person


def ability_required(ability: Ability | OnTrajectory) -> Callable[[View], View]:
    """Let the view run only for a logged-in person with ``ability`` (wpo/orgs/permissions.py), or,
    given an ``OnTrajectory`` action, with a role that allows it on some trajectory; what they may
    do to the object the view is about, the access function it calls decides."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            person = getattr(request, "person", None)
            allowed = may_ever(person, ability) if isinstance(ability, OnTrajectory) else may(person, ability)
            if not allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


SUSPENDED = gettext_lazy("Uw organisatie is tijdelijk geschorst. Neem contact op met servicebeheer.")


def organization_suspended(user: Any) -> bool:
    """Is ``user`` a person of an organisation the service desk has suspended (``Organization.suspended_at``)?"""
    return bool(Person.objects.filter(user_id=user.pk, organization__suspended_at__isnull=False).exists())


def in_org[M: OrgOwned](person: Person, model: type[M]) -> models.QuerySet[M]:
    """Every row of ``model`` that belongs to the person's organisation."""
    return model._default_manager.filter(organization_id=person.organization_id)


def get_in_org[T: models.Model](queryset: models.QuerySet[T], **lookup: Any) -> T:
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def people(person: Person) -> models.QuerySet[Person]:
    return in_org(person, Person).select_related("user", "department")


def visible_participants(person: Person) -> models.QuerySet[Person]:
    """Participants this person may follow (``permissions.participants_filter``)."""
    return people(person).filter(participants_filter(person))


def _require(person: Person, ability: Ability) -> None:
    if not may(person, ability):
        raise PermissionDenied


def access_person_for_admin(person: Person, person_id: int) -> Person:
    _require(person, Ability.MANAGE_PEOPLE)
    return get_in_org(people(person), pk=person_id)


def access_department_for_admin(person: Person, department_id: int) -> Department:
    _require(person, Ability.MANAGE_PEOPLE)
    return get_in_org(in_org(person, Department), pk=department_id)


def access_people_import(person: Person, import_id: int) -> PeopleImport:
    _require(person, Ability.MANAGE_PEOPLE)
    return get_in_org(in_org(person, PeopleImport), pk=import_id)


# Where a person lands after logging in: the page of their first ability in this order.
LANDING: tuple[tuple[Ability, str], ...] = (
    (Ability.GUIDE_PARTICIPANTS, "trajectories:my_participants"),
    (Ability.COACH_TRAJECTORIES, "coaching:overview"),
    (Ability.ANSWER_ESCALATIONS, "reports:report"),
    (Ability.MANAGE_PEOPLE, "orgs:people"),
    (Ability.LEARN, "learn:home"),
    (Ability.EDIT_CURRICULUM, "curriculum:catalogue"),
)


def home_url_name(person: Person | None) -> str:
    """Where a person lands after logging in; with several roles, on the first page of the list."""
    if person is None:
        return "accounts:no_organization"
    return next((name for ability, name in LANDING if may(person, ability)), "accounts:no_role")


def redirect_home(person: Person | None) -> HttpResponse:
    return redirect(home_url_name(person))
