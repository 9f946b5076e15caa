"""What the pages kept rendered in the cache share (issue 21): how long they are kept, how a
number that names the current copy moves on, and which saves change nothing a page shows.

The participant's home page (wpo/learn/home_cache.py) and the coach's overview and the report
(wpo/coaching/signal_cache.py, ``kept_page``) each keep their copy under such a number; a write moves
the number on, so the next visit renders afresh.
"""

from collections.abc import Collection

from django.conf import settings
from django.core.cache import cache

# Saves of only these fields change nothing a kept page shows: a practice answer moves the position
# on every question; a login stamps ``last_login``; a new password is no one's business but the user's.
UNSHOWN_FIELDS = frozenset({"practice_position", "practice_runs", "last_login", "password"})


def seconds() -> int:
    """How long a copy is kept at most (``PAGE_CACHE_SECONDS``: 60 with Redis, 0 without: off)."""
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))


def changes_nothing_shown(update_fields: Collection[str] | None) -> bool:
    return bool(update_fields) and set(update_fields or ()) <= UNSHOWN_FIELDS


def move_on(key: str) -> int:
    """Move a number on and say where it stands now; without one yet nothing is kept under it, so it
    starts at 1. Two writes never get the same number (``incr`` is atomic in Redis and locked in the
    local-memory cache)."""
    try:
        return int(cache.incr(key))
    except ValueError:
        if cache.add(key, 1, timeout=None):
            return 1
        return int(cache.incr(key))  # another write started it in between
