"""How the audit trail is recorded: django-simple-history, with three additions.

1. Every historical row carries ``about_person`` (whom the change is about) and ``audit_kind``
   (what the administrator filters on), set when the row is written. The log page can then
   filter and page over all tracked tables with plain indexed columns.
2. A save that changes no tracked field writes no row (a login touches ``last_login``, a
   start conversation touches excluded free text): the log holds changes, not saves.
3. The acting user is kept as a plain id (``history_user_id``), not a foreign key that
   Django would null when the account is deleted; a deleted actor is then still not "Systeem".

All historical tables live in the ``audit`` app (``app="audit"``), so the history has its own
migrations and the tracked apps keep theirs.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords  # type: ignore[import-untyped]
from simple_history.signals import pre_create_historical_record  # type: ignore[import-untyped]


class Kind(models.TextChoices):
    PERSON = "person", _("Deelnemer/persoon")
    ROLES = "roles", _("Rollen")
    TRAJECTORY = "trajectory", _("Traject")
    ASSESSMENT = "assessment", _("Beoordeling")
    TRAINER_LINK = "trainer_link", _("Opleider-koppeling")


class AuditedHistory(models.Model):
    """Fields every historical row has besides the copied ones."""

    audit_kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    about_person = models.ForeignKey(
        "orgs.Person", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )

    class Meta:
        abstract = True


class AuditedUserHistory(AuditedHistory):
    """The login account has no organisation of its own; its row gets the person's."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )

    class Meta:
        abstract = True


Subject = Callable[[Any], "int | None"]
KindOf = Callable[[Any, "list[str]"], str]


class AuditHistoricalRecords(HistoricalRecords):  # type: ignore[misc]
    """HistoricalRecords that knows what kind of change a row is and whom it is about."""

    def __init__(self, *, kind: str | KindOf, subject: Subject, **kwargs: Any) -> None:
        kwargs.setdefault("bases", (AuditedHistory,))
        kwargs.setdefault("app", "audit")
        kwargs.setdefault("history_user_id_field", models.IntegerField(null=True, blank=True, db_index=True))
        super().__init__(**kwargs)
        self.kind = kind
        self.subject = subject

    def get_meta_options(self, model: Any) -> dict[str, Any]:
        # The log page reads newest first per organisation, per person, and each row's predecessor.
        options: dict[str, Any] = super().get_meta_options(model)
        options["indexes"] = [
            models.Index(fields=["organization", "-history_date", "-history_id"]),
            models.Index(fields=["about_person", "-history_date", "-history_id"]),
            models.Index(fields=["id", "-history_date", "-history_id"]),
        ]
        return options

    def finalize(self, sender: Any, **kwargs: Any) -> None:
        super().finalize(sender, **kwargs)
        if self.cls is sender:
            sender._audit_records = self

    def create_historical_record(self, instance: Any, history_type: str, using: Any = None) -> None:
        changed: list[str] = []
        if history_type == "~":
            previous = getattr(instance, self.manager_name).order_by("-history_date", "-history_id").first()
            if previous is not None:
                changed = [
                    field.attname
                    for field in self.fields_included(instance)
                    if getattr(previous, field.attname) != getattr(instance, field.attname)
                ]
                if not changed:
                    return
        kind = self.kind(instance, changed) if callable(self.kind) else self.kind
        try:
            subject = self.subject(instance)
        except ObjectDoesNotExist:
            subject = None
        instance._audit_stamp = (kind, subject)
        try:
            super().create_historical_record(instance, history_type, using=using)
        finally:
            del instance._audit_stamp


@receiver(pre_create_historical_record)
def _stamp(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    stamp = getattr(instance, "_audit_stamp", None)
    if stamp is None or not isinstance(history_instance, AuditedHistory):
        return
    history_instance.audit_kind, history_instance.about_person_id = stamp
    if isinstance(history_instance, AuditedUserHistory) and history_instance.about_person_id is not None:
        from wpo.orgs.models import Person

        history_instance.organization_id = (
            Person.objects.filter(pk=history_instance.about_person_id).values_list("organization_id", flat=True).first()
        )


ROLE_FLAGS = (
    "is_participant",
    "is_trainer",
    "is_coach",
    "is_project_manager",
    "is_administrator",
    "is_content_editor",
)


def person_kind(instance: Any, changed: list[str]) -> str:
    """A change of someone's role flags is a "Rollen" change; anything else about them is "persoon"."""
    return Kind.ROLES if any(name in ROLE_FLAGS for name in changed) else Kind.PERSON


def user_subject(user: Any) -> int | None:
    from wpo.orgs.models import Person

    pk: int | None = Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    return pk


def about_self(person: Any) -> int | None:
    pk: int | None = person.pk
    return pk


def about_participant(obj: Any) -> int | None:
    """For rows that name their participant (TrainerLink, Trajectory)."""
    pk: int | None = obj.participant_id
    return pk


def about_trajectory_participant(obj: Any) -> int | None:
    """For rows under a trajectory (TrajectorySkill)."""
    pk: int | None = obj.trajectory.participant_id
    return pk


def about_assignment_participant(obj: Any) -> int | None:
    """For rows under a participant's assignment (Assessment)."""
    pk: int | None = obj.participant_assignment.trajectory.participant_id
    return pk
