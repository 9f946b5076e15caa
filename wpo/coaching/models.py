"""The coach's settings per organisation and the record of sent weekly digests."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import OrgOwned, Person


class SignalSettings(OrgOwned):
    """When a signal goes up, per organisation. Defaults follow the method (wpo.md)."""

    assignment_weeks = models.PositiveSmallIntegerField(
        _("opdracht duurt langer dan (weken)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    look_back_weeks = models.PositiveSmallIntegerField(
        _("aan de slag zonder terugkijken langer dan (weken)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )
    conversation_weeks = models.PositiveSmallIntegerField(
        _("geen begeleidingsgesprek in de laatste (weken)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )
    trajectory_months = models.PositiveSmallIntegerField(
        _("traject duurt langer dan (maanden)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    inactive_weeks = models.PositiveSmallIntegerField(
        _("geen activiteit in (weken)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    # Phase 3 of the method: a trajectory is evaluated along the way (wpo.evaluations).
    interim_weeks = models.PositiveSmallIntegerField(
        _("geen tussentijdse evaluatie in (weken)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    digest_enabled = models.BooleanField(
        _("wekelijkse e-mail met signalen sturen"),
        default=True,
        help_text=_("Elke maandagochtend krijgt iedere coach een e-mail met de signalen van die week."),
    )

    class Meta:
        verbose_name = _("instellingen signalen")
        verbose_name_plural = _("instellingen signalen")
        constraints = [models.UniqueConstraint(fields=["organization"], name="signal_settings_one_per_org")]

    def __str__(self) -> str:
        return str(self.organization)


class DigestSent(OrgOwned):
    """One weekly digest to one coach. The unique week makes a second run send nothing."""

    coach = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)  # ISO week, e.g. "2026-W47"
    sent_at = models.DateTimeField()
    signal_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("verstuurde weekmail")
        verbose_name_plural = _("verstuurde weekmails")
        constraints = [
            models.UniqueConstraint(fields=["organization", "coach", "week"], name="digest_once_per_coach_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.coach_id} {self.week}"
