"""The nightly run of the country's figures, on the database-backed worker.

Like the retention run (``wpo.privacy.tasks``) it queues its own next run, every night at 04:00
(Europe/Amsterdam), after the retention run has anonymised whoever was due. ``manage.py
schedule_national_figures`` (run by ``make run`` and at every deploy) starts the chain when no run
is waiting; ``manage.py compute_national_figures`` computes at once, for cron or by hand. A lost or
failed run is harmless: the next one replaces the same quarters.
"""

from datetime import datetime, time, timedelta

from django.tasks import task
from django.utils import timezone

from wpo.lib.tasks import schedule_once

from . import services

RUN_TIME = time(4, 0)


def next_run(now: datetime) -> datetime:
    """The next 04:00 local time strictly after ``now``."""
    local = timezone.localtime(now)
    candidate = datetime.combine(local.date(), RUN_TIME, tzinfo=local.tzinfo)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), RUN_TIME, tzinfo=local.tzinfo)
    return candidate


@task
def compute_national_figures() -> str:
    result = services.national_figures_compute()
    schedule(timezone.now())
    return f"{result.rows} rows, {result.national_shown} national shown, {result.national_suppressed} suppressed"


def schedule(now: datetime | None = None) -> datetime | None:
    """Queue the next nightly run unless one is already waiting. Returns its time when it queued one."""
    return schedule_once(compute_national_figures, next_run, now)
