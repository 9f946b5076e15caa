"""Department visits (afdelingsbezoeken) with their follow-ups, and the problem log (probleemlog)."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import Department, OrgOwned, Person
from wpo.trajectories.models import Trajectory

# Department visits ----------------------------------------------------------------------------


class DepartmentVisit(OrgOwned):
    """A coach's visit to a department: planned, then held (with notes and follow-ups) or cancelled."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Gepland")
        HELD = "held", _("Gehouden")
        CANCELLED = "cancelled", _("Afgezegd")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="visits", verbose_name=_("afdeling")
    )
    coach = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("coach"))
    planned_at = models.DateTimeField(_("gepland op"))
    duration_minutes = models.PositiveSmallIntegerField(_("duur in minuten"), default=60)
    purpose = models.TextField(_("doel en onderwerpen"))
    trainers = models.ManyToManyField(
        Person, blank=True, related_name="department_visits", verbose_name=_("werkplekopleiders om te spreken")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    held_on = models.DateField(_("gehouden op"), null=True, blank=True)
    notes_seen = models.TextField(_("wat zag je op de afdeling"), blank=True)
    notes_participants = models.TextField(_("hoe gaat het met de deelnemers"), blank=True)
    notes_trainers = models.TextField(_("hoe gaat het met de werkplekopleiders"), blank=True)
    recorded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("vastgelegd door")
    )
    recorded_at = models.DateTimeField(_("vastgelegd op"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("afgezegd door")
    )
    cancelled_at = models.DateTimeField(_("afgezegd op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The invitation's identity in calendar apps; the sequence goes up when the time or length changes.
    ical_uid = models.UUIDField(default=uuid.uuid4, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("afdelingsbezoek")
        verbose_name_plural = _("afdelingsbezoeken")
        ordering = ["planned_at", "pk"]
        # Unique constraints of tenant tables include the organisation (docs/scaling.md).
        constraints = [models.UniqueConstraint(fields=["organization", "ical_uid"], name="visit_unique_uid_per_org")]
        indexes = [
            models.Index(fields=["organization", "status", "planned_at"]),
            models.Index(fields=["organization", "department", "status", "held_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.planned_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.planned_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def awaits_record(self) -> bool:
        """The time has come, but the visit has not been recorded yet."""
        return self.is_planned and self.planned_at <= timezone.now()


class VisitAction(OrgOwned):
    """A follow-up (vervolgactie) agreed on a visit: what, who does it, by when, and done or not."""

    visit = models.ForeignKey(DepartmentVisit, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("wat moet er gebeuren"), max_length=500)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="visit_actions", verbose_name=_("wie"))
    due_on = models.DateField(_("klaar op"))
    done_at = models.DateTimeField(_("gedaan op"), null=True, blank=True)
    done_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("afgevinkt door")
    )
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vervolgactie")
        verbose_name_plural = _("vervolgacties")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["organization", "owner", "done_at"])]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: date | None = None) -> bool:
        return not self.is_done and self.due_on < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()


# The problem log ------------------------------------------------------------------------------


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Nieuw")
    IN_PROGRESS = "in_progress", _("In behandeling")
    ESCALATED = "escalated", _("Bij projectmanager")
    ANSWERED = "answered", _("Beantwoord")
    SOLVED = "solved", _("Opgelost")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normaal")
    URGENT = "urgent", _("Dringend")


class Problem(OrgOwned):
    """A problem a werkplekopleider or coach raised. Its life is in ``wpo.followup.workflow``;
    every change and every comment is a ``ProblemEvent``."""

    title = models.CharField(_("korte titel"), max_length=120)
    description = models.TextField(_("wat is het probleem"))
    trajectory = models.ForeignKey(
        Trajectory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("over deelnemer"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("afdeling")
    )
    urgency = models.CharField(_("hoe dringend"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    # Goes up with every change of status, so a decision made on an old screen is refused even
    # when the status has come back to the same value in between.
    version = models.PositiveIntegerField(default=1)
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeld door"))
    raised_at = models.DateTimeField(_("gemeld op"))
    handled_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("coach")
    )
    changed_at = models.DateTimeField(_("laatst veranderd"))
    solved_at = models.DateTimeField(_("opgelost op"), null=True, blank=True)

    class Meta:
        verbose_name = _("probleem")
        verbose_name_plural = _("problemen")
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["organization", "raised_by"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_urgent(self) -> bool:
        return self.urgency == Urgency.URGENT

    @property
    def is_solved(self) -> bool:
        return self.status == ProblemStatus.SOLVED


class ProblemEventQuerySet(models.QuerySet["ProblemEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("the history of a problem is append-only")


class ProblemEvent(OrgOwned):
    """One row of a problem's history: raised, a change of status, or a comment (same status
    before and after). Never updated, never deleted on its own."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    from_status = models.CharField(max_length=20, choices=ProblemStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ProblemStatus.choices)
    text = models.TextField(_("tekst"), blank=True)

    objects = ProblemEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("gebeurtenis bij een probleem")
        verbose_name_plural = _("geschiedenis van problemen")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.from_status} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the history of a problem is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("the history of a problem is append-only")

    @property
    def is_raised(self) -> bool:
        return self.from_status == ""

    @property
    def is_comment(self) -> bool:
        return self.from_status == self.to_status
