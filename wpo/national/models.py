"""The country's figures: aggregates per quarter, for every organisation and for the whole country.

Filled every night by ``services.national_figures_compute`` from aggregate queries; pages read only
this table, never a person's row. A row with ``organization`` empty is a national figure, one with
an organisation is that organisation's own figure, shown only to that organisation beside the national
one. A figure about too few people (or, nationally, too few organisations) is stored ``suppressed``
with its value left out: the numbers it would have shown are never written (``suppression.py``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import Organization


class Measure(models.TextChoices):
    ORGANISATIONS = "organisations", _("Organisaties die WPO gebruiken")
    ACTIVE = "active", _("Lopende trajecten")
    STARTED = "started", _("Gestarte trajecten")
    FINISHED = "finished", _("Afgeronde trajecten")
    STOPPED = "stopped", _("Gestopte trajecten")
    SKILL_CHOSEN = "skill_chosen", _("Gekozen skills")
    LEVEL_REACHED = "level_reached", _("Behaalde opdrachten per niveau")
    MEDIAN_WEEKS = "median_weeks", _("Weken per opdracht (mediaan)")
    SECOND_JUDGED = "second_judged", _("Tweede oordelen")
    SECOND_DIFFERED = "second_differed", _("Tweede oordeel anders (%)")


class NationalFigure(models.Model):
    """One figure of one quarter: nationally (no organisation) or for one organisation."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("organisatie")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    quarter = models.PositiveSmallIntegerField(_("kwartaal"))
    measure = models.CharField(_("wat"), max_length=30, choices=Measure.choices)
    # A skill's code, a level (A, B, C) or empty.
    key = models.CharField(_("onderdeel"), max_length=80, blank=True)
    # NULL when suppressed: a figure about too few people is not stored at all.
    value = models.FloatField(_("waarde"), null=True, blank=True)
    people_count = models.PositiveIntegerField(_("aantal deelnemers"))
    org_count = models.PositiveIntegerField(_("aantal organisaties"))
    suppressed = models.BooleanField(_("te weinig om te tonen"), default=False)
    computed_at = models.DateTimeField(_("berekend op"))

    class Meta:
        verbose_name = _("landelijk cijfer")
        verbose_name_plural = _("landelijke cijfers")
        ordering = ["year", "quarter", "measure", "key"]
        indexes = [models.Index(fields=["organization", "year", "quarter"], name="national_figure_org_quarter")]
        constraints = [
            # An organisation's figure once per quarter; the national ones (NULL organisation) are
            # replaced as a whole in one transaction by the nightly run.
            models.UniqueConstraint(
                fields=["organization", "year", "quarter", "measure", "key"],
                name="national_figure_once",
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=False) | models.Q(value__isnull=True),
                name="national_figure_suppressed_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        where = self.organization_id or "NL"
        return f"{where} K{self.quarter} {self.year} {self.measure} {self.key}"
