"""What other apps' pages show of the curriculum, without importing it: ``{% load curriculum_tags %}``.

- ``{% edition_notice %}``: "Nieuwe editie van de WPO-opdrachten", for whoever follows the editions
  (coach, administrator, content editor) until they open the new edition's page; one query.
- ``{% local_example assignment_id %}``: the reader's organisation's own photo and line beside an
  assignment (the participant's story screen, the werkplekopleider's introduction); one query.
- ``{% story_pace %}``: the reading pace of the captions (``captions.py``) as data attributes, so the
  story played without a Dutch voice (static/js/story.js) keeps the same time per scene; no query.

The first two render nothing when there is nothing to show.
"""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from wpo.orgs.models import Person

from .. import selectors
from ..captions import MIN_CUE_SECONDS, SECONDS_PER_WORD

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


@register.simple_tag
def story_pace() -> SafeString:
    return format_html('data-seconds-per-word="{}" data-min-seconds="{}"', SECONDS_PER_WORD, MIN_CUE_SECONDS)
