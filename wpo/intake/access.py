"""Access to the intake (aanmeldingen), built on ``wpo.orgs.access``.

Who sees what (``wpo.orgs.permissions``: ``interests_filter``, ``intake_departments_filter``): the
coach and the project manager every department's queue; a werkplekopleider the queue of their own
department and the employees they would guide. Anything else of the organisation is a 404; a wrong
role a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet

from wpo.orgs.access import get_in_org, in_org
from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, intake_departments_filter, interests_filter, may

from .models import Interest, InterestChange


def may_read(person: Person) -> bool:
    return may(person, Ability.READ_INTAKE)


def may_manage(person: Person) -> bool:
    return may(person, Ability.MANAGE_INTAKE)


def _require_reader(person: Person) -> None:
    if not may_read(person):
        raise PermissionDenied


def visible_interests(person: Person) -> QuerySet[Interest]:
    """The interests of the organisation ``person`` may see."""
    return in_org(person, Interest).filter(interests_filter(person))


def visible_departments(person: Person) -> QuerySet[Department]:
    """The departments whose queue ``person`` may see."""
    return in_org(person, Department).filter(intake_departments_filter(person)).order_by("name")


def access_department(person: Person, department_id: int) -> Department:
    """A department whose queue ``person`` may see: 403 for other roles, 404 for the rest."""
    _require_reader(person)
    return get_in_org(visible_departments(person), pk=department_id)


def access_interest(person: Person, interest_id: int) -> Interest:
    """One interest ``person`` may see, with its history."""
    _require_reader(person)
    qs = (
        visible_interests(person)
        .select_related(
            "employee__user",
            "employee__department",
            "department",
            "trainer__user",
            "put_forward_by__user",
            "trajectory",
        )
        .prefetch_related(
            Prefetch("history", queryset=InterestChange.objects.select_related("actor__user").order_by("at", "pk"))
        )
    )
    return get_in_org(qs, pk=interest_id)


def access_interest_to_manage(person: Person, interest_id: int) -> Interest:
    """An interest to move (invite, start, not now, back, reorder): the coach's; 403 for others."""
    if not may_manage(person):
        raise PermissionDenied
    return access_interest(person, interest_id)
