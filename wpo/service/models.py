"""The service desk (servicebeheer): the people who run the service and what they did.

A service-desk operator is neither a person of an organisation nor Django's admin: a login with a
``ServiceOperator`` row and no ``orgs.Person``. They add organisations with their first
administrator, suspend and reactivate them, and every action is a ``ServiceEvent``.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.lib.uploads import UnguessableName


def token_hash(token: str) -> str:
    """What is stored of an invitation's token: its SHA-256, looked up by that (a copy of the database
    opens no link)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ServiceOperator(models.Model):
    """A login of the service desk. Never a person of an organisation (``services.operator_create``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_operator", verbose_name=_("login")
    )
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("gemaakt op"))

    class Meta:
        verbose_name = _("medewerker servicebeheer")
        verbose_name_plural = _("medewerkers servicebeheer")

    def __str__(self) -> str:
        return str(self.user)


class Contract(models.Model):
    """What the service agreed with an organisation, kept by the service desk (not by the organisation)."""

    organization = models.OneToOneField(
        "orgs.Organization", on_delete=models.CASCADE, related_name="service_contract", verbose_name=_("organisatie")
    )
    sector_details = models.TextField(_("over de organisatie"), blank=True)
    starts_on = models.DateField(_("contract vanaf"))
    ends_on = models.DateField(_("contract tot en met"), null=True, blank=True)
    places = models.PositiveIntegerField(_("aantal plaatsen"))
    created_at = models.DateTimeField(_("gemaakt op"))

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracten")

    def __str__(self) -> str:
        return str(self.organization_id)


class Invitation(models.Model):
    """A one-time link to set the password of a new login: an organisation's first administrator, or
    (without organisation) a service-desk operator. Only the SHA-256 of the token is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("organisatie")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("gemaakt op"))
    expires_at = models.DateTimeField(_("geldig tot"))
    used_at = models.DateTimeField(_("gebruikt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class ServiceEvent(models.Model):
    """One action of the service desk. Rows are only added, never changed."""

    class Kind(models.TextChoices):
        OPERATOR_CREATED = "operator_created", _("medewerker servicebeheer gemaakt")
        OPERATOR_TWO_FACTOR = "operator_two_factor", _("tweestapsverificatie ingesteld")
        ORGANIZATION_ADDED = "organization_added", _("organisatie toegevoegd")
        INVITATION_SENT = "invitation_sent", _("uitnodiging verstuurd")
        INVITATION_USED = "invitation_used", _("uitnodiging gebruikt")
        SUSPENDED = "suspended", _("organisatie geschorst")
        REACTIVATED = "reactivated", _("organisatie weer actief")
        EXPORT_STARTED = "export_started", _("export gestart")
        EXPORT_DOWNLOADED = "export_downloaded", _("export gedownload")
        CLOSED = "closed", _("organisatie gesloten")

    at = models.DateTimeField(_("tijdstip"))
    operator = models.ForeignKey(
        ServiceOperator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("door")
    )
    kind = models.CharField(_("wat"), max_length=40, choices=Kind.choices)
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    # The name at the time, kept when the organisation is gone.
    organization_name = models.CharField(_("naam organisatie"), max_length=200, blank=True)
    detail = models.CharField(_("toelichting"), max_length=300, blank=True)
    # For ``CLOSED``: the signed receipt of what was deleted (wpo/service/receipts.py). It names the
    # organisation and counts per table, never a person.
    receipt = models.TextField(_("bewijs van verwijdering"), blank=True)

    class Meta:
        verbose_name = _("actie servicebeheer")
        verbose_name_plural = _("acties servicebeheer")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["at"], name="service_event_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class OrganizationExport(models.Model):
    """Everything of one organisation in one ZIP, made by a background task before it is closed.

    The file holds every person's data, so it lives only until the organisation is closed (the close
    deletes it with the organisation's other files) and is served only to an operator. Downloading it
    is recorded: closing is refused until someone downloaded a finished export.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Wacht op zijn beurt")
        RUNNING = "running", _("Bezig")
        DONE = "done", _("Klaar")
        FAILED = "failed", _("Mislukt")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisatie")
    )
    requested_by = models.ForeignKey(
        ServiceOperator, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("gevraagd door")
    )
    created_at = models.DateTimeField(_("gemaakt op"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=UnguessableName("service/exports"), blank=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The first download: closing needs one. Every download is also a ServiceEvent.
    downloaded_at = models.DateTimeField(_("gedownload op"), null=True, blank=True)
    downloaded_by = models.ForeignKey(
        ServiceOperator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("door")
    )

    class Meta:
        verbose_name = _("export van een organisatie")
        verbose_name_plural = _("exports van organisaties")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.created_at:%Y-%m-%d}"

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class StorageUsage(models.Model):
    """The size of an organisation's files, measured in the background (``storage.measure``) so the
    service desk's overview reads one row instead of walking the disk."""

    organization = models.OneToOneField(
        "orgs.Organization", on_delete=models.CASCADE, related_name="storage_usage", verbose_name=_("organisatie")
    )
    files = models.PositiveIntegerField(_("bestanden"), default=0)
    bytes = models.BigIntegerField(_("bytes"), default=0)
    measured_at = models.DateTimeField(_("gemeten op"))

    class Meta:
        verbose_name = _("opslag van een organisatie")
        verbose_name_plural = _("opslag van organisaties")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.bytes}"
