from datetime import date, datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def when(value: str | None) -> str:
    """An ISO date or date-time from the export, as people write it: 21-11-2026 or 21-11-2026 14:30."""
    if not value:
        return "–"
    try:
        if "T" in value:
            return formats.date_format(datetime.fromisoformat(value), "d-m-Y H:i")
        return formats.date_format(date.fromisoformat(value), "d-m-Y")
    except ValueError:
        return value
