"""Closing an organisation: export everything, have it downloaded, then delete everything.

Three writes, each one transaction that refuses on its own and leaves a ``ServiceEvent``:

1. ``export_start`` queues the ZIP of everything of a suspended organisation (``export.py``, built by
   ``tasks.build_organization_export``);
2. ``export_downloaded`` records who downloaded the finished ZIP, when, and its SHA-256;
3. ``organization_close`` deletes every row of every model that belongs to the organisation
   (``ownership.py``) in one transaction, ends its people's sessions, and after the commit deletes its
   files, the export ZIP and its certificates' PDFs from the cache. It is refused while no finished
   export made after the suspension was downloaded, and until the operator types the organisation's
   short name. What was deleted is kept as a signed receipt (``receipts.py``) on the ``CLOSED`` event,
   which names no person.

The export ZIP is deleted at once with the organisation: it holds every person's data, and the
operator has downloaded it (its SHA-256 is in the receipt, so the copy handed to the organisation can
be checked against it).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.accounts.models import LoginFailure
from wpo.certificates.models import Certificate
from wpo.certificates.services import certificate_pdfs_evict
from wpo.learn import home_cache
from wpo.lib.refusals import Refused
from wpo.orgs.models import Organization

from . import ownership, receipts
from .models import OrganizationExport, ServiceEvent, ServiceOperator
from .services import _event, _locked
from .storage import size_of

logger = logging.getLogger(__name__)
# An export still queued or running after this long was lost (the worker restarted); a new one may start.
EXPORT_GIVEN_UP_AFTER = timedelta(hours=6)


def latest_export(organization_id: int) -> OrganizationExport | None:
    found: OrganizationExport | None = (
        OrganizationExport.objects.filter(organization_id=organization_id).order_by("-created_at", "-pk").first()
    )
    return found


def _usable(export: OrganizationExport | None, organization: Organization) -> bool:
    """A finished export made while the organisation was suspended: nothing changed after it."""
    return (
        export is not None
        and export.status == OrganizationExport.Status.DONE
        and bool(export.file)
        and organization.suspended_at is not None
        and export.created_at >= organization.suspended_at
    )


@transaction.atomic
def export_start(*, operator: ServiceOperator, organization_id: int) -> OrganizationExport:
    from .tasks import build_organization_export

    organization = _locked(operator, organization_id)
    if organization.suspended_at is None:
        raise Refused(_("Schors de organisatie eerst. Dan verandert er niets meer terwijl de export wordt gemaakt."))
    current = latest_export(organization.pk)
    if current is not None and current.is_working:
        if current.created_at > timezone.now() - EXPORT_GIVEN_UP_AFTER:
            raise Refused(_("Er wordt al een export gemaakt. Wacht tot die klaar is."))
        # The worker stopped halfway (a restart): that export will never finish, a new one may start.
        OrganizationExport.objects.filter(pk=current.pk).update(
            status=OrganizationExport.Status.FAILED, finished_at=timezone.now()
        )
    job = OrganizationExport.objects.create(organization=organization, requested_by=operator, created_at=timezone.now())
    build_organization_export.enqueue(job.pk)
    _event(ServiceEvent.Kind.EXPORT_STARTED, operator=operator, organization=organization)
    return job


@transaction.atomic
def export_downloaded(*, operator: ServiceOperator, export_id: int) -> OrganizationExport:
    """Record a download (every one is an event; the first is kept on the export)."""
    job = OrganizationExport.objects.select_for_update().select_related("organization").filter(pk=export_id).first()
    if job is None or job.status != OrganizationExport.Status.DONE or not job.file:
        raise Refused(_("Deze export is er niet (meer)."))
    if job.downloaded_at is None:
        job.downloaded_at = timezone.now()
        job.downloaded_by = operator
        job.save(update_fields=["downloaded_at", "downloaded_by"])
    _event(
        ServiceEvent.Kind.EXPORT_DOWNLOADED,
        operator=operator,
        organization=job.organization,
        detail=f"SHA-256 {job.sha256}",
    )
    return job


@dataclass(frozen=True)
class Closed:
    event: ServiceEvent
    receipt: dict[str, object]


def _end_sessions(user_ids: tuple[int, ...]) -> int:
    """Delete the sessions of these logins. Sessions know their login only inside their data, so every
    session in the database is read once (closing is rare; the organisation was suspended, so its
    people's sessions already stopped working)."""
    if not user_ids or "db" not in settings.SESSION_ENGINE.rsplit(".", 1)[-1]:
        return 0
    from django.contrib.sessions.models import Session

    engine = import_module(settings.SESSION_ENGINE)
    wanted = {str(pk) for pk in user_ids}
    keys = [
        session.session_key
        for session in Session.objects.iterator(chunk_size=2000)
        if str(session.get_decoded().get(SESSION_KEY)) in wanted
    ]
    for key in keys:
        engine.SessionStore(session_key=key).delete()
    return len(keys)


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("closing: could not delete file %s", name)


@transaction.atomic
def organization_close(*, operator: ServiceOperator, organization_id: int, confirmation: str) -> Closed:
    organization = _locked(operator, organization_id)
    if organization.suspended_at is None:
        raise Refused(_("Schors de organisatie eerst, en maak en download dan de export."))
    export = latest_export(organization.pk)
    if not _usable(export, organization) or export is None:
        raise Refused(
            _(
                "Maak eerst de export en download die. Pas daarna kunt u de organisatie sluiten. "
                "Zo blijft er niets kwijt."
            )
        )
    if export.downloaded_at is None:
        raise Refused(
            _("Download eerst de export. Pas daarna kunt u de organisatie sluiten. Zo blijft er niets kwijt.")
        )
    if confirmation.strip().lower() != organization.slug.lower():
        raise Refused(
            _("Typ de korte naam van de organisatie (%(slug)s) om te laten zien dat u zeker weet wat u doet.")
            % {"slug": organization.slug},
            field="confirmation",
        )
    now = timezone.now()
    scope = ownership.Scope.of(organization)
    found = list(ownership.files(scope))
    export_names = {str(export.file.name)}
    organization_files = [name for label, _f, _pk, name in found if label not in ownership.NOT_EXPORTED]
    all_names = sorted({name for _l, _f, _pk, name in found} | export_names)
    counts: dict[str, int] = {}
    order = ownership.owned_models()
    for model in order:
        count = ownership.rows(model, scope).count()
        if count:
            counts[model._meta.label] = count
    sessions = _end_sessions(scope.user_ids)
    # Failed logins are kept by the name typed, not by a key: those with a name of its people go too.
    User = get_user_model()
    typed = {
        value.lower()
        for pair in User._default_manager.filter(pk__in=scope.user_ids).values_list("username", "email")
        for value in pair
        if value
    }
    failures = LoginFailure.objects.filter(login_name__in=sorted(typed))
    if failures_count := failures.count():
        counts[LoginFailure._meta.label] = failures_count
    failures.delete()
    certificate_ids = list(Certificate.objects.filter(organization=organization).values_list("pk", flat=True))
    # The participants' kept home pages are forgotten once for all, not looked up row by row.
    with home_cache.suspended():
        for model in order:
            ownership.rows(model, scope).delete()
    left = {m._meta.label: n for m in order if (n := ownership.rows(m, scope).count())}
    if left:
        # Nothing is half deleted: the transaction rolls back.
        logger.error("closing organisation %s left rows: %s", organization.pk, left)
        raise Refused(_("Het sluiten is niet gelukt. Er is niets verwijderd. Neem contact op met de ontwikkelaars."))
    receipt: dict[str, object] = {
        "format": receipts.FORMAT,
        "version": receipts.FORMAT_VERSION,
        "organization": {"id": organization.pk, "name": organization.name, "slug": organization.slug},
        "closed_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "export": {
            "sha256": export.sha256,
            "bytes": export.size,
            "made_at": timezone.localtime(export.finished_at or export.created_at).isoformat(timespec="seconds"),
            "downloaded_at": timezone.localtime(export.downloaded_at).isoformat(timespec="seconds"),
            "deleted": True,
        },
        "rows": dict(sorted(counts.items())),
        "rows_total": sum(counts.values()),
        "files": {"count": len(organization_files), "bytes": sum(size_of(name) for name in organization_files)},
        "sessions_ended": sessions,
    }
    event = ServiceEvent.objects.create(
        at=now,
        operator=operator,
        kind=ServiceEvent.Kind.CLOSED,
        organization=None,
        organization_name=organization.name,
        detail=_("%(rows)s rijen en %(files)s bestanden verwijderd")
        % {"rows": receipt["rows_total"], "files": len(organization_files)},
        receipt=receipts.sign(receipt),
    )
    # Files are deleted only once the rows are gone for good: a rollback keeps both. So are the
    # certificates' PDFs in the cache (they carry real names).
    transaction.on_commit(lambda: _delete_files(all_names))
    transaction.on_commit(lambda: certificate_pdfs_evict(certificate_ids))
    return Closed(event=event, receipt=receipt)
