"""What other apps' pages show of the intake, without importing it: ``{% load intake %}``.

- ``{% next_in_line trajectory.department %}``: who is next in the department's queue, for whoever
  may read that department's intake (the trajectory's close page: rotation, "wie is de volgende");
- ``{% intake_queue_link department %}``: a link to the department's queue (the coach's overview),
  without a query.

Both render nothing for someone who may not read the intake.
"""

from typing import Any

from django import template

from wpo.orgs.models import Department, Person
from wpo.orgs.permissions import Ability, may

from .. import selectors

register = template.Library()


def _reader(context: template.Context) -> Person | None:
    request = context.get("request")
    person = getattr(request, "person", None)
    return person if isinstance(person, Person) and may(person, Ability.READ_INTAKE) else None


def _sees_department(person: Person, department: Department) -> bool:
    return person.organization_id == department.organization_id and (
        may(person, Ability.READ_ALL_INTAKE) or person.department_id == department.pk
    )


@register.inclusion_tag("intake/_next_in_line.html", takes_context=True)
def next_in_line(context: template.Context, department: Department | None) -> dict[str, Any]:
    """Who is next in ``department``'s queue (one query), with a link to the queue."""
    person = _reader(context)
    if person is None or department is None:
        return {"shown": False}
    return {
        "shown": True,
        "department": department,
        "next_up": selectors.next_in_line(person, department.pk),
        "link": _sees_department(person, department),
    }


@register.inclusion_tag("intake/_queue_link.html", takes_context=True)
def intake_queue_link(context: template.Context, department: Department) -> dict[str, Any]:
    person = _reader(context)
    return {"department": department, "shown": person is not None and _sees_department(person, department)}
