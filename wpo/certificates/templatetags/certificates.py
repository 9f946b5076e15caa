"""``{% trajectory_certificates trajectory as certificates %}`` for the panel on the trajectory page.

The trajectory page's view belongs to another app; the panel asks the access layer itself, once
per page (one query), for the certificates the person looking may download.
"""

from typing import Any

from django import template

from wpo.certificates.access import certificates_of_trajectory
from wpo.certificates.models import Certificate
from wpo.trajectories.models import Trajectory

register = template.Library()


@register.simple_tag(takes_context=True)
def trajectory_certificates(context: dict[str, Any], trajectory: Trajectory) -> list[Certificate]:
    request = context.get("request")
    person = getattr(request, "person", None)
    if person is None or not isinstance(trajectory, Trajectory):
        return []
    return list(certificates_of_trajectory(person, trajectory))
