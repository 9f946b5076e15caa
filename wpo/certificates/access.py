"""Access to certificates and print batches, built on ``wpo.orgs.access``.

Coach and project manager see every certificate of their organisation, revoke them and print
them in a batch; a werkplekopleider downloads the certificates of the participants they follow.
Anything of another organisation is a 404, a wrong role a 403. The evidence dossier is the
participant's; their werkplekopleider downloads it only while the participant's consent is given.
The one lookup that is not scoped to an organisation is the public check by verification code:
whoever holds the paper holds the code, and the page shows only what the paper already says.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from wpo.lib.refusals import Refused
from wpo.orgs.access import get_in_org, in_org
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may, may_ever, may_on
from wpo.trajectories.access import trajectories_for
from wpo.trajectories.models import Trajectory

from .models import BadgeCredential, BadgeIssuer, Certificate, CertificateBatch, DossierConsent
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


# The evidence dossier and the participant's consent ---------------------------------------------------

NO_DOSSIER_CONSENT = gettext_lazy(
    "De deelnemer heeft (nog) geen toestemming gegeven om de bewijsmap te downloaden. Vraag het de "
    "deelnemer eerst. De deelnemer zet de toestemming zelf aan bij Mijn certificaten. Daarna kunt u de "
    "bewijsmap hier downloaden."
)


def open_dossier_consents(trajectory_ids: Iterable[int]) -> dict[int, DossierConsent]:
    """Trajectory id -> its consent while it is given (one query); a trajectory without one is left out."""
    return {
        consent.trajectory_id: consent
        for consent in DossierConsent.objects.filter(trajectory_id__in=list(trajectory_ids), withdrawn_at__isnull=True)
    }


def access_consent_trajectory(person: Person, trajectory_id: int) -> Trajectory:
    """One of the participant's own trajectories, to give or withdraw consent for its dossier; anyone
    else's is a 404, a role without the app a 403."""
    if not may(person, Ability.LEARN):
        raise PermissionDenied
    own = trajectories_for(person, OnTrajectory.DOSSIER_CONSENT).filter(participant=person)
    return get_in_org(own, pk=trajectory_id)


def access_dossier_for_trainer(person: Person, certificate_id: int) -> Certificate:
    """A certificate whose evidence dossier the werkplekopleider may download: one of a trajectory they
    are linked to (404 otherwise), and only while its participant's consent is given (a refusal that
    says so otherwise). Any other role is a 403: the consent names the werkplekopleider only."""
    if not may_ever(person, OnTrajectory.DOWNLOAD_DOSSIER):
        raise PermissionDenied
    linked = trajectories_for(person, OnTrajectory.DOWNLOAD_DOSSIER)
    qs = in_org(person, Certificate).filter(trajectory__in=linked.values("pk")).select_related("trajectory")
    certificate = get_in_org(qs, pk=certificate_id)
    if certificate.trajectory_id not in open_dossier_consents([certificate.trajectory_id]):
        raise Refused(NO_DOSSIER_CONSENT)
    return certificate


@dataclass(frozen=True)
class DossierPanel:
    """What the trajectory page says about the evidence dossier: whether the participant's consent is
    given (and since when), and whether the person looking may download it (their werkplekopleider)."""

    consent: DossierConsent | None
    may_download: bool


def dossier_panel(person: Person, trajectory: Trajectory, certificates: list[Certificate]) -> DossierPanel | None:
    """None while the trajectory has no certificate the person sees (and so no dossier to speak of)."""
    if not certificates:
        return None
    return DossierPanel(
        consent=open_dossier_consents([trajectory.pk]).get(trajectory.pk),
        may_download=may_on(person, OnTrajectory.DOWNLOAD_DOSSIER, trajectory),
    )


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
