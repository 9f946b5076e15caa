"""The account's side of the administrator's person page: ``{% load accounts %}``."""

from typing import Any

from django import template

from wpo.orgs.models import Person

from ..services import login_locked_until

register = template.Library()


@register.inclusion_tag("accounts/_login_lock_panel.html")
def login_lock_panel(person: Person) -> dict[str, Any]:
    """Whether password logins of ``person`` are locked now, with the button that lifts the lock."""
    return {"person": person, "locked": login_locked_until(person) is not None}
