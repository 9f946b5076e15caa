"""The size of each organisation's files, for the service desk's overview.

Measured in the background (every night, and after an export) and kept in ``StorageUsage``, so the
overview reads one row per organisation and never walks the disk. The files are the ones
``ownership.files`` finds, sized by the storage; the export ZIP is the service's, not counted.
"""

import logging

from django.core.files.storage import default_storage
from django.utils import timezone

from wpo.orgs.models import Organization

from . import ownership
from .models import StorageUsage

logger = logging.getLogger(__name__)


def size_of(name: str) -> int:
    try:
        return int(default_storage.size(name))
    except OSError:
        return 0


def measure(organization: Organization) -> StorageUsage:
    scope = ownership.Scope.of(organization)
    count = total = 0
    for label, _field, _pk, name in ownership.files(scope):
        if label in ownership.NOT_EXPORTED:
            continue
        count += 1
        total += size_of(name)
    usage, _created = StorageUsage.objects.update_or_create(
        organization=organization, defaults={"files": count, "bytes": total, "measured_at": timezone.now()}
    )
    return usage


def measure_all() -> int:
    measured = 0
    for organization in Organization.objects.order_by("pk").iterator():
        try:
            measure(organization)
        except Exception:  # one organisation's odd file must not stop the others' figures
            logger.exception("storage: could not measure organisation %s", organization.pk)
            continue
        measured += 1
    return measured
