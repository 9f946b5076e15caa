"""The participant's pages offline: a key per sent form, so a second send writes nothing."""

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def sent_once() -> SafeString:
    """A hidden field with a new idempotency key, made each time the form is shown.

    static/js/app.js puts a fresh one in at every send, so two answers from a page the phone kept
    offline are two answers; a replay of one queued answer sends its own key again."""
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4())
