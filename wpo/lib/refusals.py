"""The one refusal: a service refuses what was asked, with a Dutch message fit to show as it is.

Every service raises ``Refused`` (or a kind of it, such as a stale step) when a rule of the method or
of the organisation says no; a view that shows a form catches it and shows the message beside the
form; anything a view does not catch, ``RefusalMiddleware`` turns into one page (or, for a screen
swapped in place, the same page as a partial). It is a ``ValidationError``, so a form's ``add_error``
takes it as it is.
"""

from typing import Any

from django.core.exceptions import ValidationError


class Refused(ValidationError):
    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return " ".join(str(m) for m in self.messages)


def checked(obj: Any) -> None:
    """A model's own validation (``full_clean``) as a refusal, so a service raises one kind of error."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise Refused(exc.messages) from exc
