"""Writes for certificates: issuing, revoking and the print batch of a closing ceremony.

Issuing is called by ``wpo.trajectories.services.signoff`` inside the transaction that closes a skill or a
trajectory, so the certificate exists exactly when the closing does. Each write here is atomic
(a savepoint when called inside another transaction) and refuses with a Dutch message.
"""

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may, may_on
from wpo.trajectories.models import Assessment, ParticipantAssignment, Step, Trajectory, TrajectorySkill
from wpo.trajectories.selectors import highest_levels

from . import badges
from .credentials import issue_credentials
from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CODE_PREFIX,
    BadgeCredential,
    BadgeSigningKey,
    Certificate,
    CertificateBatch,
    DossierConsent,
)
from .pdf import evict

SNAPSHOT_VERSION = 1
# One ceremony prints tens of certificates; a few hundred at once would keep the worker busy for minutes.
MAX_BATCH = 200


# The verification code ---------------------------------------------------------------------------


def generate_code() -> str:
    """12 symbols from ``CODE_ALPHABET`` (60 bits from ``secrets``), not yet used by any certificate."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Certificate.objects.filter(code=code).exists():
            return code


def normalize_code(text: str) -> str | None:
    """The stored form of a code as someone typed it, or None when it cannot be one.

    Case does not matter, and neither do dashes, spaces or dots, nor the ``WPO`` in front (the
    alphabet has no O, so a code itself never starts with ``WPO``).
    """
    cleaned = re.sub(r"[^0-9A-Z]", "", text.upper()[:64])
    if len(cleaned) == CODE_LENGTH + len(CODE_PREFIX) and cleaned.startswith(CODE_PREFIX):
        cleaned = cleaned[len(CODE_PREFIX) :]
    if len(cleaned) != CODE_LENGTH or any(symbol not in CODE_ALPHABET for symbol in cleaned):
        return None
    return cleaned


# What a certificate prints -----------------------------------------------------------------------


def _local_date(moment: datetime | None) -> date:
    return timezone.localdate(moment or timezone.now(), timezone.get_default_timezone())


def achieved_skills(trajectory: Trajectory, chosen: list[TrajectorySkill]) -> list[dict[str, Any]]:
    """Per chosen skill with at least one achievement: each sub-skill with the highest level achieved.

    The highest level is the trajectory's one rule (``wpo.trajectories.selectors.highest_levels``);
    the level's description is taken from the assignment's sub-skill.
    """
    by_skill = {ts.skill_id: ts for ts in chosen}
    achieved = list(
        ParticipantAssignment.objects.filter(
            trajectory=trajectory, step=Step.ACHIEVED, version__assignment__subskill__skill_id__in=list(by_skill)
        ).select_related("version__assignment__subskill__skill")
    )
    subskills = {pa.version.assignment.subskill_id: pa.version.assignment.subskill for pa in achieved}
    highest = [(subskills[subskill_id], level) for subskill_id, level in highest_levels(achieved).items()]
    skills: dict[int, dict[str, Any]] = {}
    for subskill, level in sorted(highest, key=lambda sl: (sl[0].skill.order, sl[0].skill.name, sl[0].number)):
        skill = subskill.skill
        entry = skills.setdefault(
            skill.pk,
            {"name": skill.name, "closed_level": by_skill[skill.pk].highest_level, "subskills": []},
        )
        entry["subskills"].append(
            {
                "number": subskill.number,
                "name": subskill.name,
                "level": level,
                "level_description": subskill.level_description(level),
            }
        )
    return list(skills.values())


def coach_for(trajectory: Trajectory, skill_id: int | None = None) -> Person | None:
    """The coach who signs the certificate.

    Our choice: the coach who was second assessor on the trajectory's latest assessment that had
    one (for a skill certificate: the latest of that skill's assessments), because they judged the
    participant's work themselves. Without such an assessment: the organisation's coach, the
    alphabetically first active person with the coach role (first name, then last name, as the
    second-assessor list orders them), who keeps the overview of every trajectory.
    """
    assessments = Assessment.objects.filter(
        participant_assignment__trajectory=trajectory, second_assessor__isnull=False
    ).select_related("second_assessor__user")
    if skill_id is not None:
        assessments = assessments.filter(participant_assignment__version__assignment__subskill__skill_id=skill_id)
    latest = assessments.order_by("-assessed_at", "-id").first()
    if latest is not None and latest.second_assessor is not None:
        return latest.second_assessor
    return (
        Person.objects.filter(organization_id=trajectory.organization_id, is_coach=True, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
        .first()
    )


def build_snapshot(
    trajectory: Trajectory, kind: str, skills: list[dict[str, Any]], *, ends_on: date, coach: Person | None
) -> dict[str, Any]:
    return {
        "version": SNAPSHOT_VERSION,
        "kind": kind,
        "participant_name": trajectory.participant.name,
        "organization_name": trajectory.organization.name,
        "skills": skills,
        "period_start": trajectory.starts_on.isoformat(),
        "period_end": ends_on.isoformat(),
        "trainer_name": trajectory.trainer.name,
        "coach_name": coach.name if coach is not None else "",
    }


def _trajectory_for_snapshot(trajectory_id: int) -> Trajectory:
    return Trajectory.objects.select_related("participant__user", "trainer__user", "organization").get(pk=trajectory_id)


def _issue(
    trajectory: Trajectory,
    kind: str,
    snapshot: dict[str, Any],
    *,
    chosen: TrajectorySkill | None,
    actor: Person | None,
    at: datetime | None,
) -> Certificate:
    certificate = Certificate(
        organization_id=trajectory.organization_id,
        participant_id=trajectory.participant_id,
        trajectory=trajectory,
        kind=kind,
        trajectory_skill=chosen,
        code=generate_code(),
        participant_name=snapshot["participant_name"][:300],
        snapshot=snapshot,
        issued_at=at or timezone.now(),
        issued_by=actor,
    )
    certificate.save()
    # Its Open Badges in the same transaction: a failure here leaves no certificate either.
    issue_credentials(certificate)
    return certificate


@transaction.atomic
def issue_skill_certificate(
    chosen: TrajectorySkill, *, actor: Person | None, at: datetime | None = None
) -> Certificate | None:
    """The certificate of a closed skill; the one already issued when there is a valid one."""
    if chosen.closed_at is None:
        return None
    existing = Certificate.objects.filter(
        trajectory_skill=chosen, kind=Certificate.Kind.SKILL, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    trajectory = _trajectory_for_snapshot(chosen.trajectory_id)
    skills = achieved_skills(trajectory, [chosen])
    if not skills:
        return None  # closing a skill needs an achievement, so this does not happen
    snapshot = build_snapshot(
        trajectory,
        Certificate.Kind.SKILL,
        skills,
        ends_on=_local_date(chosen.closed_at),
        coach=coach_for(trajectory, chosen.skill_id),
    )
    return _issue(trajectory, Certificate.Kind.SKILL, snapshot, chosen=chosen, actor=actor, at=at)


@transaction.atomic
def issue_trajectory_certificate(
    trajectory: Trajectory, *, actor: Person | None, at: datetime | None = None
) -> Certificate | None:
    """The certificate of a trajectory that ended as closed (not stopped), with every skill in which
    the participant achieved something. A trajectory without any achievement gets none: a
    certificate says what someone learned."""
    if trajectory.status != Trajectory.Status.CLOSED:
        return None
    existing = Certificate.objects.filter(
        trajectory=trajectory, kind=Certificate.Kind.TRAJECTORY, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    full = _trajectory_for_snapshot(trajectory.pk)
    chosen = list(TrajectorySkill.objects.filter(trajectory=full).select_related("skill"))
    skills = achieved_skills(full, chosen)
    if not skills:
        return None
    snapshot = build_snapshot(
        full, Certificate.Kind.TRAJECTORY, skills, ends_on=_local_date(trajectory.closed_at), coach=coach_for(full)
    )
    return _issue(full, Certificate.Kind.TRAJECTORY, snapshot, chosen=None, actor=actor, at=at)


# Revoking ----------------------------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(certificate: Certificate, *, actor: Person, reason: str) -> Certificate:
    """Revoke a certificate: it stays, with who revoked it, when and why; its page says so."""
    if actor.organization_id != certificate.organization_id or not may(actor, Ability.MANAGE_CERTIFICATES):
        raise Refused(_("Alleen een coach of projectmanager van deze organisatie kan een certificaat intrekken."))
    reason = reason.strip()
    if not reason:
        raise Refused(_("Schrijf op waarom u dit certificaat intrekt."))
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise Refused(_("Dit certificaat is al ingetrokken."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revoke_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    # Its Open Badges too: their bits in the status list are set from the next request on.
    BadgeCredential.objects.filter(certificate=locked).update(revoked_at=locked.revoked_at)
    # The cached PDF still says "valid"; it goes once the revocation is written.
    transaction.on_commit(lambda: evict([locked.pk]))
    certificate.revoked_at, certificate.revoked_by, certificate.revoke_reason = (
        locked.revoked_at,
        locked.revoked_by,
        locked.revoke_reason,
    )
    return locked


# Signing keys --------------------------------------------------------------------------------------


@transaction.atomic
def badge_key_rotate(organization_id: int) -> BadgeSigningKey:
    """A new signing key for the organisation's Open Badges; the old one is retired but stays in the
    published JWKS, so every credential it signed keeps verifying. For ``manage.py rotate_badge_key``."""
    issuer = badges.issuer_for(organization_id, lock=True)
    now = timezone.now()
    BadgeSigningKey.objects.filter(issuer=issuer, retired_at__isnull=True).update(retired_at=now)
    return badges.new_key(issuer, at=now)


# The print batch of a closing ceremony -----------------------------------------------------------
# Its PDF holds the real names of everyone in it: kept long enough to print it for the ceremony,
# then removed by the nightly run (``batch_pdfs_expire``), and at once when one of the participants
# in it is anonymised (``participant_certificates_forget``).
BATCH_PDF_DAYS = 14
logger = logging.getLogger(__name__)


@transaction.atomic
def batch_create(*, actor: Person, certificates: list[Certificate], base_url: str) -> CertificateBatch:
    """Queue one PDF with these certificates; the task is written in the same transaction."""
    from .tasks import render_certificate_batch

    if not may(actor, Ability.MANAGE_CERTIFICATES):
        raise Refused(_("Alleen een coach of projectmanager kan certificaten printen."))
    if not certificates:
        raise Refused(_("Kies minstens één certificaat."))
    if len(certificates) > MAX_BATCH:
        raise Refused(
            _("Kies hoogstens %(max)s certificaten tegelijk. Maak anders twee printopdrachten.") % {"max": MAX_BATCH}
        )
    if any(c.organization_id != actor.organization_id for c in certificates):
        raise Refused(_("Kies certificaten van uw eigen organisatie."))
    if any(not c.is_valid for c in certificates):
        raise Refused(_("Een ingetrokken certificaat wordt niet geprint. Haal het vinkje weg."))
    batch = CertificateBatch.objects.create(
        organization_id=actor.organization_id,
        created_by=actor,
        total=len(certificates),
        base_url=base_url.rstrip("/")[:300],
    )
    batch.certificates.set(certificates)
    render_certificate_batch.enqueue(batch.pk)
    return batch


def _batch_pdfs_take(batches: QuerySet[CertificateBatch]) -> list[str]:
    """Mark these batches ‘removed’; returns the storage names of their PDFs, to delete after the commit."""
    locked = list(batches.exclude(file="").select_for_update())
    CertificateBatch.objects.filter(pk__in=[b.pk for b in locked]).update(
        file="", status=CertificateBatch.Status.EXPIRED
    )
    return [str(batch.file.name) for batch in locked]


def delete_batch_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("certificates: could not delete batch PDF %s", name)


@transaction.atomic
def batch_pdfs_expire(now: datetime | None = None) -> int:
    """Remove every batch PDF finished more than ``BATCH_PDF_DAYS`` ago; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=BATCH_PDF_DAYS)
    names = _batch_pdfs_take(CertificateBatch.objects.filter(finished_at__lt=cutoff))
    transaction.on_commit(lambda: delete_batch_files(names))
    return len(names)


@dataclass
class Forgotten:
    """What ``participant_certificates_forget`` leaves for after the commit."""

    batch_files: list[str]
    certificate_ids: list[int]

    def after_commit(self) -> None:
        delete_batch_files(self.batch_files)
        evict(self.certificate_ids)


@transaction.atomic
def participant_certificates_forget(participant: Person) -> Forgotten:
    """For the anonymisation of ``participant``: our copies of their Open Badges are emptied, and
    every print batch with one of their certificates loses its PDF. The caller runs ``after_commit``
    once its transaction has committed (with its own files): it deletes those PDFs and takes the
    participant's certificate PDFs out of the cache."""
    certificate_ids = list(Certificate.objects.filter(participant=participant).values_list("pk", flat=True))
    # Our copies of their Open Badges hold their name, signed: they cannot be changed, so they go. The
    # rows stay (title, level, dates, the status position: nothing personal), so a credential the
    # participant kept stays valid unless revoked, and its position is never given to anyone else.
    BadgeCredential.objects.filter(certificate_id__in=certificate_ids).update(jwt="")
    # Nobody can withdraw an anonymised person's consent any more: it ends here.
    DossierConsent.objects.filter(participant=participant, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    printing_them = CertificateBatch.objects.filter(certificates__in=certificate_ids).values("pk")
    names = _batch_pdfs_take(CertificateBatch.objects.filter(pk__in=printing_them))
    return Forgotten(batch_files=names, certificate_ids=certificate_ids)


# The participant's consent for the evidence dossier --------------------------------------------------


def _locked_open_consent(actor: Person, trajectory: Trajectory) -> DossierConsent | None:
    """The trajectory's open consent, with the trajectory locked so two clicks at once give one row."""
    if not may_on(actor, OnTrajectory.DOSSIER_CONSENT, trajectory):
        raise Refused(_("Alleen de deelnemer zelf kan toestemming geven voor de bewijsmap."))
    list(Trajectory.objects.select_for_update().filter(pk=trajectory.pk).values_list("pk", flat=True))
    return DossierConsent.objects.filter(
        organization_id=trajectory.organization_id, trajectory=trajectory, withdrawn_at__isnull=True
    ).first()


@transaction.atomic
def dossier_consent_give(*, actor: Person, trajectory: Trajectory) -> DossierConsent:
    """The participant agrees that the werkplekopleider of ``trajectory`` downloads its evidence dossier.
    Giving it while it is given changes nothing."""
    current = _locked_open_consent(actor, trajectory)
    if current is not None:
        return current
    return DossierConsent.objects.create(
        organization_id=trajectory.organization_id, trajectory=trajectory, participant=actor, given_at=timezone.now()
    )


@transaction.atomic
def dossier_consent_withdraw(*, actor: Person, trajectory: Trajectory) -> DossierConsent | None:
    """The participant takes the consent back; from now on the werkplekopleider gets no dossier.
    Returns the closed row, or None when no consent was given."""
    current = _locked_open_consent(actor, trajectory)
    if current is None:
        return None
    current.withdrawn_at = timezone.now()
    current.save(update_fields=["withdrawn_at"])
    return current


def certificate_pdfs_evict(certificate_ids: list[int]) -> None:
    """Take these certificates' cached PDFs (real names) out of the cache at once: for a closed
    organisation (wpo/service/closing.py), whose certificates are gone."""
    evict(certificate_ids)
