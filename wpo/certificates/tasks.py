"""The background task that prints a closing ceremony's certificates into one PDF.

Queued by ``services.batch_create`` in the same transaction as the batch (django-tasks-db), run by
``manage.py db_worker``. Progress is committed after every certificate in its own small write, so
the batch page, polling its status, sees the count go up. Taking the batch is a locked change from
‘queued’ to ‘running’: a second run of the task (a retry, a second worker) finds it taken and stops.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Certificate, CertificateBatch
from .pdf import render_certificates

logger = logging.getLogger(__name__)
RENDER_ATTEMPTS = 3


def _progress(batch_id: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        # Its own small transaction (autocommit): the page sees the count at once.
        CertificateBatch.objects.filter(pk=batch_id).update(done=done)

    return report


@task
def render_certificate_batch(batch_id: int) -> str:
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            return "gone"
        if batch.status != CertificateBatch.Status.QUEUED:
            return f"already {batch.status}"
        batch.status = CertificateBatch.Status.RUNNING
        batch.done = 0
        batch.save(update_fields=["status", "done"])
    try:
        for _attempt in range(RENDER_ATTEMPTS):
            certificates = list(
                batch.certificates.select_related("organization").order_by("participant_name", "-issued_at")
            )
            printed = {c.pk: c.participant_name for c in certificates}
            pdf = render_certificates(certificates, batch.base_url, progress=_progress(batch.pk))
            with transaction.atomic():
                # Someone in the batch may have been anonymised while it rendered: the lock waits for
                # that to commit, and then the names differ and the PDF is printed again.
                current = dict(
                    Certificate.objects.select_for_update()
                    .filter(pk__in=list(printed))
                    .values_list("pk", "participant_name")
                )
                if current != printed:
                    continue
                batch.file.save("certificaten.pdf", ContentFile(pdf), save=False)
                batch.status = CertificateBatch.Status.DONE
                batch.done = len(certificates)
                batch.finished_at = timezone.now()
                batch.save(update_fields=["file", "status", "done", "finished_at"])
                return "done"
        raise RuntimeError("the names in the batch kept changing")
    except Exception:
        logger.exception("Certificate batch %s failed", batch_id)
        with translation.override(settings.LANGUAGE_CODE):
            message = _(
                "Het maken van de PDF is mislukt. Probeer het opnieuw. "
                "Lukt het dan weer niet, vraag dan de beheerder om hulp."
            )
        CertificateBatch.objects.filter(pk=batch_id).update(
            status=CertificateBatch.Status.FAILED, error=message, finished_at=timezone.now()
        )
        return "failed"
