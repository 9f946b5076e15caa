"""QuickSelect renders what Django's Select renders, without a template include per option."""

import re

import pytest
from django import forms
from django.test import Client

from wpo.coaching.widgets import QuickSelect

from .conftest import login
from .factories import World

CHOICES = [("", "Alle afdelingen"), (1, "Groen & grijs"), (2, '<b>"Inpak"</b>')]


def _options(html: str) -> list[tuple[str, bool, str]]:
    """(value, selected, label) of every option, whatever the whitespace or attribute order."""
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    return [(value, bool(selected), label) for value, selected, label in found]


@pytest.mark.parametrize("value", ["", "2", None, 1])
def test_it_renders_the_same_options_as_djangos_select(value: object) -> None:
    attrs = {"id": "id_afdeling", "aria-invalid": "true"}
    django_html = forms.Select(choices=CHOICES).render("afdeling", value, attrs)
    quick_html = QuickSelect(choices=CHOICES).render("afdeling", value, attrs)
    assert _options(quick_html) == _options(django_html)
    assert len(_options(quick_html)) == 3
    assert quick_html.startswith('<select name="afdeling" aria-invalid="true" id="id_afdeling">')


def test_it_escapes_labels_and_values() -> None:
    html = QuickSelect(choices=[('"><script>', "<script>alert(1)</script>")]).render("x", None)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html


def test_it_refuses_option_groups() -> None:
    with pytest.raises(ValueError, match="option groups"):
        QuickSelect(choices=[("Groep", [(1, "een")])]).render("x", None)


def test_the_coach_overview_keeps_the_chosen_trainer_selected(client: Client, world: World) -> None:
    login(client, world.coach)
    html = client.get(f"/coach/?opleider={world.trainer.pk}").content.decode()
    assert f'<option value="{world.trainer.pk}" selected>{world.trainer.name}</option>' in html
    assert '<select name="afdeling"' in html
