"""Access to certificates and print batches, built on ``wpo.orgs.access``.

Coach and project manager see every certificate of their organisation, revoke them and print
them in a batch; a werkplekopleider downloads the certificates of the participants they follow.
Anything of another organisation is a 404, a wrong role a 403. The one lookup that is not scoped
to an organisation is the public check by verification code: whoever holds the paper holds the
code, and the page shows only what the paper already says.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from wpo.orgs.access import get_in_org, in_org
from wpo.orgs.models import Person, Role
from wpo.trajectories.access import visible_trajectories
from wpo.trajectories.models import Trajectory

from .models import Certificate, CertificateBatch
from .services import normalize_code

STAFF_ROLES = (Role.COACH, Role.PROJECT_MANAGER)
DOWNLOAD_ROLES = (Role.COACH, Role.PROJECT_MANAGER, Role.TRAINER)


def visible_certificates(person: Person) -> QuerySet[Certificate]:
    """All of the organisation's for coach and project manager; for a werkplekopleider those of the
    trajectories they follow; nothing for anyone else."""
    qs = in_org(person, Certificate)
    if person.has_role(*STAFF_ROLES):
        return qs
    if person.is_trainer:
        return qs.filter(trajectory__in=visible_trajectories(person).values("pk"))
    return qs.none()


def access_certificate(person: Person, certificate_id: int) -> Certificate:
    """A certificate for its detail page, for coach and project manager."""
    if not person.has_role(*STAFF_ROLES):
        raise PermissionDenied
    qs = in_org(person, Certificate).select_related("issued_by__user", "revoked_by__user", "organization")
    return get_in_org(qs, pk=certificate_id)


def access_certificate_download(person: Person, certificate_id: int) -> Certificate:
    """A certificate to download as PDF: coach and project manager, or the participant's werkplekopleider."""
    if not person.has_role(*DOWNLOAD_ROLES):
        raise PermissionDenied
    qs = visible_certificates(person).select_related("organization")
    return get_in_org(qs, pk=certificate_id)


def certificates_of_trajectory(person: Person, trajectory: Trajectory) -> QuerySet[Certificate]:
    """The trajectory's certificates this person may download (none for other roles)."""
    if not person.has_role(*DOWNLOAD_ROLES):
        return Certificate.objects.none()
    return visible_certificates(person).filter(trajectory_id=trajectory.pk).order_by("issued_at", "id")


def access_batch(person: Person, batch_id: int) -> CertificateBatch:
    if not person.has_role(*STAFF_ROLES):
        raise PermissionDenied
    return get_in_org(in_org(person, CertificateBatch), pk=batch_id)


def certificate_for_code(text: str) -> Certificate | None:
    """The certificate with this verification code, however it was typed; None when there is none.

    Not scoped to an organisation on purpose: this is the public check (see module docstring).
    """
    code = normalize_code(text)
    if code is None:
        return None
    return Certificate.objects.filter(code=code).first()
