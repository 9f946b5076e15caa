"""Certificates: what a participant achieved, frozen at the moment it was issued.

A certificate is issued when a skill is closed or a trajectory ends (``wpo.trajectories.services.signoff``
calls ``services`` in the same transaction). Everything it prints lives in ``snapshot``, so a later
change of a name, a skill text or a level description never changes an issued certificate. Anyone
holding the paper can check it on a public page with its verification code; a revoked certificate
stays, with who revoked it, when and why, and its page says so.
"""

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.lib.uploads import UnguessableName
from wpo.orgs.models import OrgOwned, Person
from wpo.trajectories.models import Trajectory, TrajectorySkill

# 32 symbols: digits and capitals without 0/O and 1/I, which are easily mixed up when read aloud
# or typed. 12 symbols × 5 bits = 60 bits from ``secrets``: with a million certificates issued, one
# guess hits one of them with a chance of about 1 in 10¹².
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 12
CODE_PREFIX = "WPO"


def format_code(code: str) -> str:
    """``WPO-XXXX-XXXX-XXXX``: the stored 12 symbols in groups of four, as printed and read aloud."""
    return "-".join([CODE_PREFIX, code[0:4], code[4:8], code[8:12]])


class Certificate(OrgOwned):
    class Kind(models.TextChoices):
        SKILL = "skill", _("Skill afgerond")
        TRAJECTORY = "trajectory", _("WPO-traject afgerond")

    participant = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("deelnemer")
    )
    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("WPO-traject")
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    # Set for a skill certificate only: the chosen skill that was closed.
    trajectory_skill = models.ForeignKey(
        TrajectorySkill, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    # The 12 symbols without prefix or dashes, upper case; ``format_code`` shows them.
    code = models.CharField(_("controlecode"), max_length=CODE_LENGTH, unique=True)
    # The participant's name as printed, kept as a column to search and sort the list on.
    participant_name = models.CharField(_("naam op het certificaat"), max_length=300)
    snapshot = models.JSONField(_("wat op het certificaat staat"))
    issued_at = models.DateTimeField(_("uitgereikt op"))
    issued_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uitgereikt door")
    )
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ingetrokken door")
    )
    revoke_reason = models.TextField(_("reden van intrekken"), blank=True)

    class Meta:
        verbose_name = _("certificaat")
        verbose_name_plural = _("certificaten")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["organization", "-issued_at"], name="certificate_org_issued_idx")]
        constraints = [
            # One valid certificate per closed skill and per ended trajectory.
            models.UniqueConstraint(
                fields=["organization", "trajectory_skill"],
                condition=models.Q(kind="skill", revoked_at__isnull=True),
                name="certificate_one_valid_per_skill",
            ),
            models.UniqueConstraint(
                fields=["organization", "trajectory"],
                condition=models.Q(kind="trajectory", revoked_at__isnull=True),
                name="certificate_one_valid_per_trajectory",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="trajectory", trajectory_skill__isnull=True)
                | models.Q(kind="skill", trajectory_skill__isnull=False),
                name="certificate_skill_only_for_skill_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_name} ({self.display_code})"

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def skills(self) -> list[dict[str, Any]]:
        return list(self.snapshot.get("skills", []))

    @property
    def title(self) -> str:
        """What the certificate is for, in a few words: the skill's name, or ‘WPO-traject’."""
        if self.kind == self.Kind.SKILL and self.skills:
            return str(self.skills[0]["name"])
        return str(_("WPO-traject"))


class CertificateBatch(OrgOwned):
    """The certificates of one closing ceremony, rendered by a background task into one PDF.

    The PDF carries real names, so it is kept only as long as it takes to print it
    (``services.BATCH_PDF_DAYS``) and removed at once when one of its participants is anonymised.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Wacht op zijn beurt")
        RUNNING = "running", _("Bezig")
        DONE = "done", _("Klaar")
        FAILED = "failed", _("Mislukt")
        # The PDF was removed: its period passed, or someone in it asked to be forgotten.
        EXPIRED = "expired", _("Weggehaald")

    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    certificates = models.ManyToManyField(Certificate, related_name="batches")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=UnguessableName("certificates/batches"), blank=True)
    # The address the platform was reached on when the batch was made: the QR codes point there.
    base_url = models.CharField(max_length=300)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("printopdracht certificaten")
        verbose_name_plural = _("printopdrachten certificaten")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} ({self.total})"

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


# Open Badges 3.0 ----------------------------------------------------------------------------------
# Every closed skill (one credential per sub-skill, with its level) and every completed trajectory
# also gets portable credentials: Open Badges 3.0 ``OpenBadgeCredential``s signed as VC-JWT with the
# organisation's key, issued in the same transaction as the certificate (docs/credentials.md).


class BadgeIssuer(OrgOwned):
    """An organisation as issuer of Open Badges: its public identity, its keys and its status list.

    ``public_id`` names it in the public URLs (issuer profile, keys, status list), so those do not
    change when the organisation's name or short name does. The status list is one bitstring per
    issuer; each credential gets a random free position in it (``status_size`` bits, doubled when
    it gets full), so a position says nothing about when or for whom a credential was issued.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status_size = models.PositiveIntegerField(default=131072)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uitgever van badges")
        verbose_name_plural = _("uitgevers van badges")
        constraints = [models.UniqueConstraint(fields=["organization"], name="badge_issuer_one_per_org")]

    def __str__(self) -> str:
        return str(self.public_id)


class BadgeSigningKey(OrgOwned):
    """An ES256 (P-256) key with which the issuer signs; the private half stored encrypted.

    One key signs at a time (``retired_at`` empty). Rotating retires it and makes a new one; a
    retired key stays published in the issuer's JWKS for ever, so the credentials it signed keep
    verifying.
    """

    issuer = models.ForeignKey(BadgeIssuer, on_delete=models.CASCADE, related_name="keys")
    # The RFC 7638 thumbprint of the public key; the JWT header's ``kid`` is the key's URL ending in it.
    thumbprint = models.CharField(max_length=64)
    public_jwk = models.JSONField()
    # The private key (PEM) sealed with a key derived from SECRET_KEY (wpo.lib.crypto).
    private_sealed = models.TextField()
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sleutel van een uitgever")
        verbose_name_plural = _("sleutels van uitgevers")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "thumbprint"], name="badge_key_unique_thumbprint"),
            models.UniqueConstraint(
                fields=["organization", "issuer"],
                condition=models.Q(retired_at__isnull=True),
                name="badge_key_one_active",
            ),
        ]

    def __str__(self) -> str:
        return self.thumbprint


class BadgeCredential(OrgOwned):
    """One signed Open Badges 3.0 credential belonging to a certificate.

    ``jwt`` is the compact VC-JWT exactly as signed (the participant downloads it, baked into a
    PNG or as it is). ``status_index`` is its position in the issuer's status list; revoking the
    certificate sets ``revoked_at`` in the same transaction, and the list served at the status URL
    says so from the next request on.
    """

    class Kind(models.TextChoices):
        SUBSKILL = "subskill", _("Deelskill met niveau")
        TRAJECTORY = "trajectory", _("WPO-traject afgerond")

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="credentials")
    issuer = models.ForeignKey(BadgeIssuer, on_delete=models.PROTECT, related_name="credentials")
    key = models.ForeignKey(BadgeSigningKey, on_delete=models.PROTECT, related_name="credentials")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # urn:uuid:<credential_id> is the credential's ``id`` (and the JWT's ``jti``).
    credential_id = models.UUIDField(default=uuid.uuid4, editable=False)
    # What it is for, in a few words ("Instructies volgen: ... niveau B"), for the participant's page.
    title = models.CharField(max_length=300)
    level = models.CharField(max_length=1, blank=True)
    status_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Emptied when the participant is anonymised: the signed text holds their name.
    jwt = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Open Badge")
        verbose_name_plural = _("Open Badges")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "issuer", "status_index"], name="badge_status_index_once"),
            models.UniqueConstraint(fields=["organization", "credential_id"], name="badge_credential_id_once"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class DossierConsent(OrgOwned):
    """The participant's consent that the werkplekopleider of a trajectory downloads its evidence dossier
    (``dossier.py``): what they did at work, with the observations shared with them, for an mbo school.

    One row per time consent is given; withdrawing it closes the row (``withdrawn_at``), giving it again
    adds a new one, so who agreed when, and until when, is never overwritten. Consent holds while a row
    of the trajectory is open; at most one is (the constraint).
    """

    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="dossier_consents", verbose_name=_("WPO-traject")
    )
    # Who agreed: the trajectory's participant, in the app.
    participant = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="dossier_consents", verbose_name=_("deelnemer")
    )
    given_at = models.DateTimeField(_("toestemming gegeven op"))
    withdrawn_at = models.DateTimeField(_("toestemming ingetrokken op"), null=True, blank=True)

    class Meta:
        verbose_name = _("toestemming bewijsmap")
        verbose_name_plural = _("toestemmingen bewijsmap")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "trajectory"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="dossier_consent_one_open_per_trajectory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.trajectory_id} ({self.given_at:%Y-%m-%d})"

    @property
    def is_given(self) -> bool:
        return self.withdrawn_at is None
