"""Phase 3 of the method: the interim evaluations of a trajectory (tussentijdse evaluaties), and the
two histories they write: the chosen skills that changed and the end dates that moved.

An evaluation is planned by the werkplekopleider (a coach may join), then recorded once: what has
been achieved, how the participant feels about it (a face and their own words, typed or spoken),
whether the chosen skills still fit and whether the agreed period stands. A change of skills is a
``ChosenSkillChange`` row beside the ``TrajectorySkill`` rows it changed (the audit trail records
those); a new end date is an ``EndDateChange`` row, and ``Trajectory.ends_on`` changes only through
``services.end_date_extend``. Both histories are append-only.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.curriculum.models import Skill
from wpo.lib.uploads import UnguessableName
from wpo.orgs.models import OrgOwned, Person
from wpo.trajectories.models import LookBackAnswer, Trajectory

# The participant's three faces, the same as in the look-back (good, a bit, not yet).
Feeling = LookBackAnswer.Feeling


class InterimEvaluation(OrgOwned):
    """A tussentijdse evaluatie of a trajectory; recording it fills ``held_at`` and what was said."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="interim_evaluations")
    # The final evaluation (eindevaluatie): planning it starts phase 3 of the trajectory.
    is_final = models.BooleanField(_("eindevaluatie"), default=False)
    planned_at = models.DateTimeField(_("gepland op"))
    duration_minutes = models.PositiveSmallIntegerField(_("duur in minuten"), default=45)
    location = models.CharField(_("ruimte"), max_length=200, blank=True)
    attendees = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("wie doet er mee"))
    planned_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("gepland door")
    )
    held_at = models.DateTimeField(_("gehouden op"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("vastgelegd door")
    )
    achieved = models.TextField(_("wat is er bereikt"), blank=True)
    feeling = models.CharField(
        _("hoe voelt de deelnemer zich erover"), max_length=20, choices=Feeling.choices, blank=True
    )
    participant_words = models.TextField(_("in eigen woorden"), blank=True)
    # Stored under an unguessable name and served only through the access layer.
    voice_note = models.FileField(_("ingesproken"), upload_to=UnguessableName("evaluations/voice"), blank=True)
    agreements = models.TextField(_("afspraken"), blank=True)
    # The end date agreed when the evaluation was recorded: the old one, or the new one after an extension.
    agreed_ends_on = models.DateField(_("afgesproken einddatum"), null=True, blank=True)
    # The invitation's identity in calendar apps, as for coaching conversations and meetings.
    ical_uid = models.UUIDField(default=uuid.uuid4, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("tussentijdse evaluatie")
        verbose_name_plural = _("tussentijdse evaluaties")
        ordering = ["planned_at", "id"]
        indexes = [models.Index(fields=["organization", "trajectory", "held_at"], name="evaluation_org_held")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "ical_uid"], name="evaluation_unique_uid_per_org"),
            # One planned (not yet recorded) evaluation per trajectory at a time.
            models.UniqueConstraint(
                fields=["organization", "trajectory"],
                condition=models.Q(held_at__isnull=True),
                name="evaluation_one_planned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory_id} {self.planned_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.planned_at + timedelta(minutes=self.duration_minutes)


class AppendOnlyQuerySet[M: models.Model](models.QuerySet[M]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("this history is append-only")


class AppendOnly(OrgOwned):
    """A history row: written once, never updated, never deleted on its own (only anonymisation
    blanks its reason, through the base manager)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("this history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("this history is append-only")


class ChosenSkillChange(AppendOnly):
    """A chosen skill added, dropped or swapped for another, with the reason."""

    class Kind(models.TextChoices):
        ADDED = "added", _("Skill erbij")
        DROPPED = "dropped", _("Skill eraf")
        SWAPPED = "swapped", _("Skill geruild")

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="skill_changes")
    evaluation = models.ForeignKey(
        InterimEvaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="skill_changes"
    )
    kind = models.CharField(_("wat veranderde"), max_length=10, choices=Kind.choices)
    dropped = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("skill eraf")
    )
    added = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("skill erbij")
    )
    reason = models.TextField(_("reden"))
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("verandering van gekozen skills")
        verbose_name_plural = _("veranderingen van gekozen skills")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.trajectory_id}: {self.kind}"


class EndDateChange(AppendOnly):
    """The agreed end date of a trajectory moved (an extension), with the reason."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="end_date_changes")
    evaluation = models.ForeignKey(
        InterimEvaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="end_date_changes"
    )
    from_date = models.DateField(_("was"))
    to_date = models.DateField(_("wordt"))
    reason = models.TextField(_("reden"))
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("verlenging")
        verbose_name_plural = _("verlengingen")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["organization", "at"], name="end_date_change_org_at")]

    def __str__(self) -> str:
        return f"{self.trajectory_id}: {self.from_date} → {self.to_date}"
