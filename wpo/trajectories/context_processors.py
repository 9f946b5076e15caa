from typing import Any

from django.http import HttpRequest

from .models import Step


def steps(request: HttpRequest) -> dict[str, Any]:
    """``Step`` in every template, so a template compares ``pa.step == Step.ASSESSING``, never a string."""
    return {"Step": Step}
