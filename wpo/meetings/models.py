"""Meetings the coach organises: the start meeting, the quarterly intervision for werkplekopleiders,
and the closing and celebration. Each has invitees whose attendance is recorded once it has begun."""

import uuid
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import Department, OrgOwned, Person

MIN_DURATION = 15
MAX_DURATION = 480


class Meeting(OrgOwned):
    class Kind(models.TextChoices):
        START = "start", _("Startbijeenkomst")
        INTERVISION = "intervision", _("Intervisie")
        CLOSING = "closing", _("Afsluiting en viering")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("begint op"))
    duration_minutes = models.PositiveSmallIntegerField(_("duur in minuten"), default=90)
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("afdeling")
    )
    organiser = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("georganiseerd door")
    )
    invitees = models.ManyToManyField(
        Person,
        through="MeetingAttendance",
        through_fields=("meeting", "person"),
        related_name="meetings",
        verbose_name=_("genodigden"),
    )
    # The invitation's identity in calendar apps: the UID never changes, the sequence goes up with
    # every change so that Outlook, Google and Apple replace the event they already have.
    ical_uid = models.UUIDField(default=uuid.uuid4, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(_("afgezegd op"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("afgezegd door")
    )
    notes = models.TextField(_("verslag"), blank=True)
    recorded_at = models.DateTimeField(_("aanwezigheid vastgelegd op"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("vastgelegd door")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "ical_uid"], name="meeting_unique_uid_per_org"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=MIN_DURATION, duration_minutes__lte=MAX_DURATION),
                name="meeting_duration_in_range",
            ),
        ]
        indexes = [models.Index(fields=["organization", "kind", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def has_begun(self) -> bool:
        return self.starts_at <= timezone.now()


class MeetingAttendance(OrgOwned):
    """One invitee of a meeting; after it has begun, whether they came."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Uitgenodigd")
        PRESENT = "present", _("Aanwezig")
        EXCUSED = "excused", _("Afgemeld")
        ABSENT = "absent", _("Niet gekomen")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="meeting_attendances")
    status = models.CharField(_("aanwezigheid"), max_length=20, choices=Status.choices, default=Status.INVITED)

    class Meta:
        verbose_name = _("genodigde")
        verbose_name_plural = _("genodigden")
        constraints = [
            models.UniqueConstraint(fields=["organization", "meeting", "person"], name="meeting_attendance_unique"),
        ]
        indexes = [models.Index(fields=["organization", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.meeting_id}: {self.status}"


# What may be recorded once the meeting has begun.
RECORDED_STATUSES = (
    MeetingAttendance.Status.PRESENT,
    MeetingAttendance.Status.EXCUSED,
    MeetingAttendance.Status.ABSENT,
)
