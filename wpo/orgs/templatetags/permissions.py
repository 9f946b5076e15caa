"""The permission policy in templates: ``{% load permissions %}``.

    {% if current_person|may:"plan_meetings" %}…{% endif %}
    {% may_on current_person "work" trajectory as can_work %}
    {% if person|card_eligible %}…{% endif %}

Templates ask these, never a role: what a role may do is said once, in wpo/orgs/permissions.py.
"""

from django import template

from wpo.orgs import permissions
from wpo.orgs.models import Person

register = template.Library()


@register.filter
def may(person: Person | None, ability: str) -> bool:
    return permissions.may(person, permissions.Ability(ability))


@register.simple_tag
def may_on(person: Person | None, action: str, trajectory: permissions.TrajectoryLike) -> bool:
    return permissions.may_on(person, permissions.OnTrajectory(action), trajectory)


@register.filter
def card_eligible(person: Person) -> bool:
    return permissions.card_eligible(person)


@register.filter
def managed_by_operators(person: Person) -> bool:
    """Rights beyond the organisation: its administrator does not reset this person's login."""
    return permissions.has_extra_rights(person)
