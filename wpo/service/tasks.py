"""Background tasks of the service desk: an organisation's export before it is closed, and the
nightly measurement of each organisation's storage.

The export is taken like a certificate batch (wpo/certificates/tasks.py): a locked change from
‘queued’ to ‘running’, so a second run of the task finds it taken; progress is committed in its own
small writes, so the page polling its status sees it move.
"""

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wpo.lib.tasks import schedule_once

from . import export, storage
from .models import OrganizationExport

logger = logging.getLogger(__name__)
# At most this many progress writes per export, however many parts it has.
PROGRESS_WRITES = 100
MEASURE_TIME = time(4, 0)


def _progress(export_id: int, total: int) -> Callable[[int], None]:
    every = max(1, total // PROGRESS_WRITES)

    def report(done: int) -> None:
        if done % every == 0 or done == total:
            OrganizationExport.objects.filter(pk=export_id).update(done=done)

    return report


@task
def build_organization_export(export_id: int) -> str:
    with transaction.atomic():
        job = OrganizationExport.objects.select_for_update().select_related("organization").filter(pk=export_id).first()
        if job is None:
            return "gone"
        if job.status != OrganizationExport.Status.QUEUED:
            return f"already {job.status}"
        job.status = OrganizationExport.Status.RUNNING
        job.done = 0
        job.total = export.parts(job.organization)
        job.save(update_fields=["status", "done", "total"])
    try:
        size, sha256 = export.save_zip(job.organization, job.file, progress=_progress(job.pk, job.total))
        job.status = OrganizationExport.Status.DONE
        job.done = job.total
        job.size = size
        job.sha256 = sha256
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "done", "size", "sha256", "finished_at"])
    except Exception:
        logger.exception("Organisation export %s failed", export_id)
        with translation.override(settings.LANGUAGE_CODE):
            message = _("Het maken van de export is mislukt. Probeer het opnieuw.")
        OrganizationExport.objects.filter(pk=export_id).update(
            status=OrganizationExport.Status.FAILED, error=message, finished_at=timezone.now()
        )
        return "failed"
    storage.measure(job.organization)
    return "done"


def next_measure(now: datetime) -> datetime:
    """The next 04:00 local time strictly after ``now`` (after the nightly retention run at 03:00)."""
    local = timezone.localtime(now)
    candidate = datetime.combine(local.date(), MEASURE_TIME, tzinfo=local.tzinfo)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), MEASURE_TIME, tzinfo=local.tzinfo)
    return candidate


@task
def measure_storage() -> str:
    measured = storage.measure_all()
    schedule_measure(timezone.now())
    return f"{measured} organisations measured"


def schedule_measure(now: datetime | None = None) -> datetime | None:
    """Queue the next nightly measurement unless one is already waiting."""
    return schedule_once(measure_storage, next_measure, now)
