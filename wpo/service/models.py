"""The service desk (servicebeheer): the people who run the service and what they did.

A service-desk operator is neither a person of an organisation nor Django's admin: a login with a
``ServiceOperator`` row and no ``orgs.Person``. They add organisations with their first
administrator, suspend and reactivate them, and every action is a ``ServiceEvent``.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("actie servicebeheer")
        verbose_name_plural = _("acties servicebeheer")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["at"], name="service_event_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
