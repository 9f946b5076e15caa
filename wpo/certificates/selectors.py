"""The certificates' reads: the staff list (search and status), and for the print batch which
certificates a closing ceremony can print, which of them a list of participants points at, and which
the page offers.

Built on ``access.visible_certificates`` (who sees which certificate).
"""

from collections.abc import Collection
from datetime import datetime

from django.db.models import Q, QuerySet

from wpo.orgs.access import in_org
from wpo.orgs.models import Person

from . import access
from .models import Certificate, CertificateBatch

RECENT_BATCHES = 5
# The batch page lists at most this many; a closing ceremony is far smaller.
BATCH_LIST_LIMIT = 500


def listed_certificates(person: Person, *, text: str = "", status: str = "") -> QuerySet[Certificate]:
    """The staff list, newest first: ``text`` in the participant's name (as printed or as it is now),
    ``status`` "geldig" (valid), "ingetrokken" (revoked) or "" (all)."""
    qs = access.visible_certificates(person)
    if text:
        qs = qs.filter(
            Q(participant_name__icontains=text)
            | Q(participant__user__first_name__icontains=text)
            | Q(participant__user__last_name__icontains=text)
        )
    if status == "geldig":
        qs = qs.filter(revoked_at__isnull=True)
    elif status == "ingetrokken":
        qs = qs.filter(revoked_at__isnull=False)
    return qs.order_by("-issued_at", "-id")


def recent_batches(person: Person) -> list[CertificateBatch]:
    return list(in_org(person, CertificateBatch).order_by("-created_at", "-id")[:RECENT_BATCHES])


def printable_certificates(person: Person) -> QuerySet[Certificate]:
    """The certificates ``person`` may put in a print batch: the valid ones they see."""
    return access.visible_certificates(person).filter(revoked_at__isnull=True)


def latest_per_participant(person: Person, participant_ids: Collection[int]) -> dict[int, int]:
    """Participant id -> id of their latest printable certificate (one query; participants without
    one are left out)."""
    latest: dict[int, int] = {}
    for certificate_id, participant_id in (
        printable_certificates(person)
        .filter(participant_id__in=participant_ids)
        .order_by("participant_id", "-issued_at", "-id")
        .values_list("pk", "participant_id")
    ):
        latest.setdefault(participant_id, certificate_id)
    return latest


def batch_candidates(person: Person, *, issued_since: datetime, also: Collection[int] = ()) -> list[Certificate]:
    """What the batch page offers: the printable certificates issued since ``issued_since``, and those
    with an id in ``also`` (chosen or named), by name (at most BATCH_LIST_LIMIT)."""
    shown = Q(issued_at__gte=issued_since) | Q(pk__in=list(also))
    return list(
        printable_certificates(person)
        .filter(shown)
        .order_by("participant_name", "-issued_at", "-id")[:BATCH_LIST_LIMIT]
    )
