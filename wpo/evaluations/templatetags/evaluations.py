"""Phase 3 on other apps' pages, without those apps importing this one (tests/test_boundaries.py):

    {% load evaluations %}{% interim_evaluations_panel trajectory %}   the trajectory page (staff)
    {% load evaluations %}{% participant_evaluations trajectory %}     the participant's home

Each asks the selectors for a fixed number of queries; the person is the one logged in.
"""

from typing import Any

from django import template

from wpo.orgs.models import Person
from wpo.trajectories.models import Trajectory

from .. import selectors
from ..forms import FACES

register = template.Library()


def _faces() -> dict[str, str]:
    return {str(value): face for value, face, _label in FACES}


def _person(context: template.Context) -> Person | None:
    person = context.get("current_person")
    return person if isinstance(person, Person) else getattr(context.get("request"), "person", None)


@register.inclusion_tag("evaluations/_panel.html", takes_context=True)
def interim_evaluations_panel(context: template.Context, trajectory: Trajectory) -> dict[str, Any]:
    person = _person(context)
    panel = selectors.trajectory_panel(person, trajectory) if person is not None else None
    return {"panel": panel, "faces": _faces()}


@register.inclusion_tag("evaluations/_own.html", takes_context=True)
def participant_evaluations(context: template.Context, trajectory: Trajectory | None) -> dict[str, Any]:
    person = _person(context)
    own = selectors.own_evaluations(person, trajectory) if person is not None else None
    return {"own": own, "faces": _faces()}
