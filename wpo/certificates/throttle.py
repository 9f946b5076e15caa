"""A limit on the public check of certificates, per client address.

The code space (60 bits) already makes guessing hopeless; the limit keeps it that way when
someone tries anyway, and keeps a script from using the page to load the database. Counted in
the cache (Redis in production, shared by all workers) in fixed windows: ``LIMIT`` (60) lookups
per address per ``WINDOW_SECONDS`` (10 minutes). Without Redis the cache is per process and the
limit is per worker. When the cache fails the check is let through: a certificate holder's page
matters more than the limit.
"""

from django.core.cache import cache
from django.http import HttpRequest

from wpo.lib import clock
from wpo.lib.client_ip import client_ip

LIMIT = 60
WINDOW_SECONDS = 10 * 60


def lookup_allowed(request: HttpRequest, now: float | None = None) -> bool:
    """Count one lookup of a code from the request's address; False once over the limit."""
    window = int(now if now is not None else clock.epoch_seconds()) // WINDOW_SECONDS
    key = f"wpo:certificate-check:{client_ip(request)}:{window}"
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        count = cache.incr(key)
    except ValueError:  # the key ran out between add and incr: this is the first of a new window
        return True
    except Exception:  # a broken cache must not take the public page down
        return True
    return count <= LIMIT
