"""The product's one clock: everything that needs the time asks these, and they all ask Django's.

``timezone.now()`` is the source (tests move it with time-machine, CI moves the whole process with
faketime); the database's own clock is never used for a rule, so Python and SQL never disagree.
"""

from datetime import date

from django.utils import timezone


def today() -> date:
    """Today in the product's time zone (settings.TIME_ZONE), not the machine's."""
    return timezone.localdate(timezone.now())


def epoch_seconds() -> int:
    """Whole seconds since 1970, for timestamps kept in a session or a cache key."""
    return int(timezone.now().timestamp())
