"""Showing a figure: a whole number as is, an average with one decimal, nothing known as a dash."""

from datetime import date

from django import template
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def figure(value: object) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return number_format(value, decimal_pos=1)
    if isinstance(value, int):
        return number_format(value)
    if isinstance(value, date):
        return date_format(value, "d-m-Y")
    return str(value)
