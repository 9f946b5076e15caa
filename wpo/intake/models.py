"""Phase 1 of the method, before a trajectory exists: who wants to join WPO, per department.

The coach's manual: "Je vraagt na en houdt bij welke werknemers samen met hun direct
leidinggevenden bezig willen gaan met WPO", and only a few employees per department at once, others
after an agreed period: rotation is a queue per department. An ``Interest`` is one employee in that
queue; its status moves belangstelling → uitgenodigd voor de start → gestart (a trajectory in phase
1), or to niet nu (with a reason and maybe a date to ask again) and from there back to
belangstelling. Every move goes through ``wpo.intake.services`` and appends an ``InterestChange``.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import Department, OrgOwned, Person
from wpo.trajectories.models import Trajectory


class Interest(OrgOwned):
    """An employee who wants to join WPO (aanmelding), in their department's queue."""

    class Status(models.TextChoices):
        INTERESTED = "interested", _("Belangstelling")
        INVITED = "invited", _("Uitgenodigd voor de start")
        STARTED = "started", _("Gestart")
        NOT_NOW = "not_now", _("Niet nu")

    class Source(models.TextChoices):
        """Who put the employee forward."""

        TRAINER = "trainer", _("De werkplekopleider")
        COACH = "coach", _("De coach")
        EMPLOYEE = "employee", _("De medewerker zelf, via de werkplekopleider")

    employee = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="interests", verbose_name=_("medewerker")
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name=_("afdeling"))
    trainer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("werkplekopleider"))
    put_forward_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("aangemeld door"), max_length=20, choices=Source.choices)
    put_forward_on = models.DateField(_("aangemeld op"))
    note = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INTERESTED)
    status_since = models.DateTimeField(_("status sinds"))
    # The place in the department's queue among those waiting (lowest first): "wie is de volgende".
    position = models.PositiveIntegerField(_("plaats in de wachtrij"), default=0)
    not_now_reason = models.TextField(_("reden"), blank=True)
    ask_again_on = models.DateField(_("opnieuw vragen op"), null=True, blank=True)
    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("WPO-traject")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["organization", "department", "status"], name="interest_org_dept_status")]
        constraints = [
            # One open interest per employee; after a trajectory they may be put forward again.
            models.UniqueConstraint(
                fields=["organization", "employee"],
                condition=~models.Q(status="started"),
                name="interest_one_open_per_employee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} ({self.get_status_display()})"

    @property
    def is_waiting(self) -> bool:
        """In the queue: put forward or invited to the start, not yet started."""
        return self.status in WAITING

    @property
    def may_be_invited(self) -> bool:
        return self.status == Interest.Status.INTERESTED

    @property
    def is_not_now(self) -> bool:
        return self.status == Interest.Status.NOT_NOW


WAITING = (Interest.Status.INTERESTED, Interest.Status.INVITED)


class InterestChangeQuerySet(models.QuerySet["InterestChange"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("the history of an interest is append-only")


class InterestChange(OrgOwned):
    """History row for every status of an interest: who, when, why. Never updated, never deleted on
    its own (anonymisation blanks the note through the base manager)."""

    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=Interest.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Interest.Status.choices)
    # NULL: the platform itself (an anonymisation withdrew the interest).
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(_("toelichting"), blank=True)

    objects = InterestChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("aanmelding in de geschiedenis")
        verbose_name_plural = _("geschiedenis van aanmeldingen")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["organization", "to_status", "at"], name="interest_change_org_status_at")]

    def __str__(self) -> str:
        return f"{self.interest_id}: {self.from_status} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the history of an interest is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("the history of an interest is append-only")
