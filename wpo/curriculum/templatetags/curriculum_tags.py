"""What other apps' pages show of the curriculum, without importing it: ``{% load curriculum_tags %}``.

- ``{% edition_notice %}``: "Nieuwe editie van de WPO-opdrachten", for whoever follows the editions
  (coach, administrator, content editor) until they open the new edition's page; one query.
- ``{% local_example assignment_id %}``: the reader's organisation's own photo and line beside an
  assignment (the participant's story screen, the werkplekopleider's introduction); one query.

Both render nothing when there is nothing to show.
"""

from typing import Any

from django import template

from wpo.orgs.models import Person

from .. import selectors

register = template.Library()


def _person(context: template.Context) -> Person | None:
    person = getattr(context.get("request"), "person", None)
    return person if isinstance(person, Person) else None


@register.inclusion_tag("curriculum/_edition_notice.html", takes_context=True)
def edition_notice(context: template.Context) -> dict[str, Any]:
    return {"edition": selectors.unseen_edition(_person(context))}


@register.inclusion_tag("curriculum/_local_example.html", takes_context=True)
def local_example(context: template.Context, assignment_id: int | None) -> dict[str, Any]:
    person = _person(context)
    if person is None or not assignment_id:
        return {"example": None}
    return {"example": selectors.local_example_for(person, assignment_id)}
