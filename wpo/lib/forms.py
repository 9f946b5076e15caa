"""Typed access to a form's fields, so forms narrow a field's choices without type-ignores."""

from collections.abc import Callable
from typing import Any

from django import forms


def model_choice(form: forms.BaseForm, name: str) -> "forms.ModelChoiceField[Any]":
    """The form's ``ModelChoiceField`` (or ``ModelMultipleChoiceField``) called ``name``."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), f"{name} is not a model choice field"
    return field


def choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
    return field


def label_with(form: forms.BaseForm, name: str, label: Callable[[Any], str]) -> None:
    """How each object of a model choice field is shown (Django reads ``label_from_instance``)."""
    setattr(model_choice(form, name), "label_from_instance", label)  # noqa: B010 - a method, set per form
