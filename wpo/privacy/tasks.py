"""The daily retention run: participants whose data is past the retention period are anonymised.

Like the coaches' weekly digest (``wpo.coaching.digest``) it runs on the database-backed worker
and queues its own next run, every night at 03:00 (Europe/Amsterdam); ``manage.py schedule_retention``
(run by ``make run`` and at every deploy) starts the chain when no run is waiting. A run that is
lost or fails is harmless: the next one finds the same participants, and an anonymised person is
never picked again.
"""

from datetime import datetime, time, timedelta

from django.tasks import task
from django.utils import timezone

from wpo.lib.tasks import schedule_once

from . import services

RUN_TIME = time(3, 0)


def next_run(now: datetime) -> datetime:
    """The next 03:00 local time strictly after ``now``."""
    local = timezone.localtime(now)
    candidate = datetime.combine(local.date(), RUN_TIME, tzinfo=local.tzinfo)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), RUN_TIME, tzinfo=local.tzinfo)
    return candidate


@task
def anonymise_expired_participants() -> str:
    run = services.anonymise_expired()
    schedule(timezone.now())
    left = f", {run.left_alone} left alone (another role)" if run.left_alone else ""
    return f"{run.anonymised} anonymised, {run.failed} failed{left}"


def schedule(now: datetime | None = None) -> datetime | None:
    """Queue the next daily run unless one is already waiting. Returns its time when it queued one."""
    return schedule_once(anonymise_expired_participants, next_run, now)
