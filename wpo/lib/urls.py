"""Reversing one URL pattern for many ids, without a ``reverse()`` per row."""

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

# An id no table reaches: it is replaced by the real id in the reversed URL.
_PLACEHOLDER = 987654321987


class PkUrl:
    """The URL of a named pattern with one integer argument, reversed once and formatted per id.

    ``reverse()`` walks the resolver for every call; a list of fifty rows with three links each
    spent a noticeable part of its time there. The result is the same string ``reverse(name,
    args=[pk])`` gives (an integer needs no quoting). Build one per request: the script prefix
    can differ between requests.
    """

    def __init__(self, name: str) -> None:
        head, sep, tail = reverse(name, args=[_PLACEHOLDER]).partition(str(_PLACEHOLDER))
        if not sep or str(_PLACEHOLDER) in tail:
            raise ValueError(f"{name} does not take exactly one integer argument")
        self.head = head
        self.tail = tail

    def __call__(self, pk: int) -> str:
        return f"{self.head}{int(pk)}{self.tail}"


# URLs that are the same on every request of a process: reversed (or looked up in the static files
# storage) once per script prefix instead of on every page. The header of every page has twenty.
_FIXED: dict[tuple[str, str, str, str], str] = {}
_SETTINGS = frozenset({"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "STATIC_URL", "STORAGES"})


def fixed_url(name: str) -> str:
    """``reverse(name)`` for a pattern without arguments."""
    key = ("url", name, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    url = _FIXED.get(key)
    if url is None:
        url = _FIXED[key] = reverse(name)
    return url


def fixed_static(path: str) -> str:
    """``{% static path %}``: the storage's URL of a static file."""
    key = ("static", path, get_script_prefix(), "")
    url = _FIXED.get(key)
    if url is None:
        url = _FIXED[key] = static(path)
    return url


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in _SETTINGS:
        _FIXED.clear()
