"""The coach's settings per organisation, the record of sent weekly digests, and the coach's triage
of signals (snoozed, woken, discussed)."""

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import OrgOwned, Person
from wpo.trajectories.models import Trajectory


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


class SignalEventQuerySet(models.QuerySet["SignalEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("the triage history of a signal is append-only")


class SignalEvent(OrgOwned):
    """What a coach decided about one kind of signal of one trajectory; one row per decision.

    Append-only, like a problem's history: a snooze is never edited or removed, a later row
    overrules it. A signal is quiet while the newest ``snoozed`` or ``woken`` row of its
    (trajectory, kind) is a snooze whose ``until`` has not passed (``early_signals.snoozed_now``);
    ``discussed`` rows are a note for the record and quiet nothing.
    """

    class Action(models.TextChoices):
        SNOOZED = "snoozed", _("Stil gezet")
        WOKEN = "woken", _("Weer aangezet")
        DISCUSSED = "discussed", _("Besproken met werkplekopleider")

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("soort signaal"), max_length=40)  # early_signals.Kind.code
    action = models.CharField(_("wat"), max_length=12, choices=Action.choices)
    # Snoozed: quiet up to and including this day.
    until = models.DateField(_("stil tot en met"), null=True, blank=True)
    note = models.TextField(_("reden of notitie"), blank=True)
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = SignalEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("besluit over een signaal")
        verbose_name_plural = _("besluiten over signalen")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["trajectory", "kind", "action"], name="signal_event_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action="snoozed", until__isnull=False)
                | (~models.Q(action="snoozed") & models.Q(until__isnull=True)),
                name="signal_event_until_only_when_snoozed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.trajectory_id} {self.kind} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the triage history of a signal is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("the triage history of a signal is append-only")
