"""Ids typed into a form or a URL's query string: read them without trusting them.

``str.isdigit()`` is no guard: it accepts "²" (``int()`` refuses it) and numbers of any length
(``int()`` refuses more than 4300 digits; the database refuses more than 64 bits). Both ended in a
server error; ``parse_id`` and ``ModelMultipleChoiceField`` answer "no such id" instead.
"""

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

_M = TypeVar("_M", bound=Model)

MAX_ID = 2**63 - 1


def parse_id(raw: Any) -> int | None:
    """The id in ``raw`` when it is plain ASCII digits that fit in a database id, else None."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def parse_ids(raw: str, separator: str = ",") -> list[int]:
    return [number for part in raw.split(separator) if (number := parse_id(part)) is not None]


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField[_M]):
    """Django's field, but an id beyond 64 bits is an unknown choice, not a database error."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # not a number: Django's own check refuses it
            if not -MAX_ID - 1 <= number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)  # type: ignore[misc]  # private in Django, absent from the stubs
