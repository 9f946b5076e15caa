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

from .models import Department, OrgOwned, PeopleImport, Person, Role

View = Callable[..., HttpResponseBase]

STAFF_OVERVIEW_ROLES = (Role.COACH, Role.PROJECT_MANAGER, Role.ADMINISTRATOR)


def person_of(request: HttpRequest) -> Person:
    person: Person | None = getattr(request, "person", None)
    if person is None:
        raise PermissionDenied
    return person


def role_required(*roles: Role) -> Callable[[View], View]:
    """Let the view run only for a logged-in person holding one of ``roles``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            person = getattr(request, "person", None)
            if person is None or not person.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


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
    """Participants this person may follow: all for coach, project manager and administrator;
    their own trainees for a werkplekopleider; only themselves for a participant."""
    qs = people(person).filter(is_participant=True)
    if person.has_role(*STAFF_OVERVIEW_ROLES):
        return qs
    if person.is_trainer:
        return qs.filter(trainer_links__trainer=person).distinct()
    return qs.filter(pk=person.pk)


def access_person_for_admin(person: Person, person_id: int) -> Person:
    if not person.is_administrator:
        raise PermissionDenied
    return get_in_org(people(person), pk=person_id)


def access_department_for_admin(person: Person, department_id: int) -> Department:
    if not person.is_administrator:
        raise PermissionDenied
    return get_in_org(in_org(person, Department), pk=department_id)


def access_people_import(person: Person, import_id: int) -> PeopleImport:
    if not person.is_administrator:
        raise PermissionDenied
    return get_in_org(in_org(person, PeopleImport), pk=import_id)


def home_url_name(person: Person | None) -> str:
    """Where each role lands after logging in; a person with several roles lands on the first."""
    if person is None:
        return "accounts:no_organization"
    for role, name in (
        (Role.TRAINER, "trajectories:my_participants"),
        (Role.COACH, "coaching:overview"),
        (Role.PROJECT_MANAGER, "reports:report"),
        (Role.ADMINISTRATOR, "orgs:people"),
        (Role.PARTICIPANT, "learn:home"),
        (Role.CONTENT_EDITOR, "curriculum:catalogue"),
    ):
        if person.has_role(role):
            return name
    return "accounts:no_role"


def redirect_home(person: Person | None) -> HttpResponse:
    return redirect(home_url_name(person))
