"""Privacy (AVG): the retention period per organisation and the record of every anonymisation."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import OrgOwned, Person

DEFAULT_RETENTION_MONTHS = 24
MIN_RETENTION_MONTHS = 6
MAX_RETENTION_MONTHS = 120


class PrivacySettings(OrgOwned):
    """How long an organisation keeps the data of participants whose trajectories have all ended."""

    retention_months = models.PositiveSmallIntegerField(
        _("bewaartermijn (maanden)"),
        default=DEFAULT_RETENTION_MONTHS,
        validators=[MinValueValidator(MIN_RETENTION_MONTHS), MaxValueValidator(MAX_RETENTION_MONTHS)],
        help_text=_(
            "Zoveel maanden na het einde van het laatste WPO-traject worden de gegevens van een deelnemer "
            "anoniem gemaakt. Alleen als al zijn of haar trajecten zijn afgesloten of gestopt."
        ),
    )

    class Meta:
        verbose_name = _("privacy-instellingen")
        verbose_name_plural = _("privacy-instellingen")
        constraints = [models.UniqueConstraint(fields=["organization"], name="privacy_settings_one_per_org")]

    def __str__(self) -> str:
        return str(self.organization)


class Anonymisation(OrgOwned):
    """A participant whose personal data was removed. One row per person; it is never undone.

    ``number`` is what the person is called afterwards (``Verwijderde deelnemer 3``), counted per
    organisation. The row also makes the retention task idempotent: an anonymised person is skipped.
    """

    class Reason(models.TextChoices):
        REQUEST = "request", _("Op verzoek")
        RETENTION = "retention", _("Bewaartermijn verstreken")

    # A ForeignKey with a unique (organization, person) instead of a OneToOne: every unique constraint on
    # a tenant table includes the organisation, so the table can be distributed by it (docs/scaling.md).
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="anonymisation")
    number = models.PositiveIntegerField()
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices)
    at = models.DateTimeField(_("anoniem gemaakt op"))
    # Who did it; empty when the retention task did it. SET_NULL: the record outlives the actor.
    by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("door")
    )

    class Meta:
        verbose_name = _("anonimisering")
        verbose_name_plural = _("anonimiseringen")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="anonymisation_unique_number"),
            models.UniqueConstraint(fields=["organization", "person"], name="anonymisation_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.number}"
