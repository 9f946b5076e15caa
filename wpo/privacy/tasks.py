"""The daily retention run: participants whose data is past the retention period are anonymised,
HR imports left waiting are emptied (``people_imports_purge``) and print batches of certificates
past their days lose their PDF (``batch_pdfs_expire``).

Like the coaches' weekly digest (``wpo.coaching.digest``) it runs on the database-backed worker
and queues its own next run, every night at 03:00 (Europe/Amsterdam); ``manage.py schedule_retention``
(run by ``make run`` and at every deploy) starts the chain when no run is waiting. A run that is
lost or fails is harmless: the next one finds the same participants, and an anonymised person is
never picked again.
"""

from datetime import datetime, time, timedelta

from django.tasks import task
from django.utils import timezone

from wpo.certificates.services import batch_pdfs_expire
from wpo.lib.tasks import schedule_once
from wpo.orgs.people_import import people_imports_purge

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
    # The same night: files with real names that were only needed for a while.
    imports = people_imports_purge()
    batches = batch_pdfs_expire()
    schedule(timezone.now())
    extra = [
        f"{count} {what}"
        for count, what in (
            (run.left_alone, "left alone (another role)"),
            (imports, "waiting people imports emptied"),
            (batches, "certificate batch PDFs removed"),
        )
        if count
    ]
    return ", ".join([f"{run.anonymised} anonymised", f"{run.failed} failed", *extra])


def schedule(now: datetime | None = None) -> datetime | None:
    """Queue the next daily run unless one is already waiting. Returns its time when it queued one."""
    return schedule_once(anonymise_expired_participants, next_run, now)
