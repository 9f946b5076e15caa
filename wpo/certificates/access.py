"""Access to certificates and print batches, built on ``wpo.orgs.access``.

Coach and project manager see every certificate of their organisation, revoke them and print
them in a batch; a werkplekopleider downloads the certificates of the participants they follow.
Anything of another organisation is a 404, a wrong role a 403. The one lookup that is not scoped
to an organisation is the public check by verification code: whoever holds the paper holds the
code, and the page shows only what the paper already says.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from wpo.orgs.access import get_in_org, in_org
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may
from wpo.trajectories.access import trajectories_for
from wpo.trajectories.models import Trajectory

from .models import BadgeCredential, BadgeIssuer, Certificate, CertificateBatch
from .services import normalize_code


def visible_certificates(person: Person) -> QuerySet[Certificate]:
    """All of the organisation's for coach and project manager; for a werkplekopleider those of the
    trajectories they guide; nothing for anyone else."""
    qs = in_org(person, Certificate)
    if may(person, Ability.MANAGE_CERTIFICATES):
        return qs
    if not may(person, Ability.FOLLOW_TRAJECTORIES):
        # A participant's own certificates are on "Mijn certificaten" (own_certificates), not here.
        return qs.none()
    return qs.filter(trajectory__in=trajectories_for(person, OnTrajectory.DOWNLOAD_CERTIFICATES).values("pk"))


def access_certificate(person: Person, certificate_id: int) -> Certificate:
    """A certificate for its detail page, for coach and project manager."""
    if not may(person, Ability.MANAGE_CERTIFICATES):
        raise PermissionDenied
    qs = in_org(person, Certificate).select_related("issued_by__user", "revoked_by__user", "organization")
    return get_in_org(qs, pk=certificate_id)


def access_certificate_download(person: Person, certificate_id: int) -> Certificate:
    """A certificate to download as PDF: coach and project manager, or the participant's werkplekopleider."""
    qs = visible_certificates(person).select_related("organization")
    return get_in_org(qs, pk=certificate_id)


def certificates_of_trajectory(person: Person, trajectory: Trajectory) -> QuerySet[Certificate]:
    """The trajectory's certificates this person may download (none for other roles)."""
    return visible_certificates(person).filter(trajectory_id=trajectory.pk).order_by("issued_at", "id")


def access_batch(person: Person, batch_id: int) -> CertificateBatch:
    if not may(person, Ability.MANAGE_CERTIFICATES):
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


# The participant's own certificates and Open Badges ("Mijn certificaten") ---------------------------


def own_certificates(person: Person) -> QuerySet[Certificate]:
    """The certificates of ``person``'s own trajectories, newest first; none for a role without the app."""
    if not may(person, Ability.LEARN):
        return Certificate.objects.none()
    own = trajectories_for(person, OnTrajectory.DOWNLOAD_CERTIFICATES).filter(participant=person)
    return in_org(person, Certificate).filter(participant=person, trajectory__in=own.values("pk"))


def access_own_certificate(person: Person, certificate_id: int) -> Certificate:
    """One of the participant's own certificates; anyone else's is a 404, a role without the app a 403."""
    if not may(person, Ability.LEARN):
        raise PermissionDenied
    return get_in_org(own_certificates(person).select_related("organization"), pk=certificate_id)


def access_own_credential(person: Person, credential_id: int) -> BadgeCredential:
    """One of the participant's own Open Badges; anyone else's is a 404, a role without the app a 403."""
    if not may(person, Ability.LEARN):
        raise PermissionDenied
    qs = in_org(person, BadgeCredential).filter(certificate__in=own_certificates(person).values("pk"))
    return get_in_org(qs.select_related("certificate", "issuer"), pk=credential_id)


def credential_for_code(text: str, number: int) -> BadgeCredential | None:
    """The ``number``-th (from 1) Open Badge of the certificate with this code. Public like the check
    of the certificate itself: whoever holds the code sees what the paper says."""
    certificate = certificate_for_code(text)
    if certificate is None or number < 1:
        return None
    return certificate.credentials.select_related("certificate", "issuer").order_by("id")[number - 1 : number].first()


def issuer_by_public_id(public_id: uuid.UUID) -> BadgeIssuer | None:
    """Public by design: the issuer's profile, keys and status list name no person."""
    return BadgeIssuer.objects.filter(public_id=public_id).select_related("organization").first()
