"""E-learning packages (SCORM 1.2, SCORM 2004) as an assignment's practice part, and each
participant's attempt at one.

A ``Package`` belongs to one assignment (national or an organisation's own) and is versioned on its
own, like the assignment's text: every upload is a new, unchangeable ``PackageVersion`` with its
files extracted under its own folder. A participant's ``PackageAttempt`` points at the version
they started, so a later upload never changes what they are playing.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.curriculum.models import Assignment, AssignmentVersion
from wpo.orgs.models import Organization, OrgOwned, Person
from wpo.trajectories.models import ParticipantAssignment


class Package(models.Model):
    """The practice package of one assignment. National (no organisation) for a national assignment."""

    class Placement(models.TextChoices):
        INSTEAD = "instead", _("in plaats van de oefenvragen")
        BEFORE = "before", _("vóór de oefenvragen")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("organisatie")
    )
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="package")
    placement = models.CharField(
        _("plaats in het oefendeel"), max_length=10, choices=Placement.choices, default=Placement.INSTEAD
    )
    current_version = models.ForeignKey(
        "PackageVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("oefenpakket")
        verbose_name_plural = _("oefenpakketten")

    def __str__(self) -> str:
        return str(self.current_version or self.assignment)


class PackageVersion(models.Model):
    """One uploaded, checked and extracted package; never changed after the upload."""

    class Kind(models.TextChoices):
        SCORM_12 = "scorm12", "SCORM 1.2"
        SCORM_2004 = "scorm2004", "SCORM 2004"
        CMI5 = "cmi5", "cmi5"

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versie"))
    # The unguessable name of the version on the content origin (its files are public to whoever has it).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    schema_version = models.CharField(_("schemaversie"), max_length=60, blank=True)
    title = models.CharField(_("titel"), max_length=200)
    start_path = models.CharField(_("startbestand"), max_length=500)
    # cmi5: the AU's id, the xAPI activity its statements are about.
    activity_id = models.CharField(max_length=500, blank=True)
    # Where the files are in the default storage: packages/<package>/v<number>-<random>/.
    storage_prefix = models.CharField(max_length=200)
    file_count = models.PositiveIntegerField(_("aantal bestanden"))
    total_bytes = models.PositiveBigIntegerField(_("grootte uitgepakt"))
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("bestandsnaam"), max_length=255)
    # The assignment's text that was current when the package was attached, for the history.
    assignment_version = models.ForeignKey(
        AssignmentVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("geüpload op"))
    uploaded_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("versie van een oefenpakket")
        verbose_name_plural = _("versies van oefenpakketten")
        ordering = ["package", "-number"]
        constraints = [models.UniqueConstraint(fields=["package", "number"], name="package_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class PackageAttempt(OrgOwned):
    """A participant playing a package in the practice part of one assignment: every value the package
    set (``cmi``, raw, as it sent them) and what the platform reads from them."""

    class Completion(models.TextChoices):
        NOT_ATTEMPTED = "not attempted", _("nog niet begonnen")
        INCOMPLETE = "incomplete", _("bezig")
        COMPLETED = "completed", _("afgerond")
        UNKNOWN = "unknown", _("onbekend")

    class Success(models.TextChoices):
        PASSED = "passed", _("gehaald")
        FAILED = "failed", _("niet gehaald")
        UNKNOWN = "unknown", _("geen uitslag")

    participant_assignment = models.ForeignKey(
        ParticipantAssignment, on_delete=models.CASCADE, related_name="package_attempts"
    )
    package_version = models.ForeignKey(PackageVersion, on_delete=models.PROTECT, related_name="attempts")
    cmi = models.JSONField(_("alle waarden van het pakket"), default=dict)
    completion_status = models.CharField(
        _("voltooid"), max_length=20, choices=Completion.choices, default=Completion.NOT_ATTEMPTED
    )
    success_status = models.CharField(_("uitslag"), max_length=10, choices=Success.choices, default=Success.UNKNOWN)
    score_raw = models.FloatField(_("score"), null=True, blank=True)
    score_scaled = models.FloatField(_("score (0-1)"), null=True, blank=True)
    commits = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(_("begonnen op"))
    updated_at = models.DateTimeField(_("bijgewerkt op"))
    done_at = models.DateTimeField(_("klaar op"), null=True, blank=True)

    class Meta:
        verbose_name = _("poging met een oefenpakket")
        verbose_name_plural = _("pogingen met oefenpakketten")
        # One attempt per participant assignment: it keeps the version the participant started with.
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "participant_assignment"], name="package_attempt_once_per_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.package_version} — {self.get_completion_status_display()}"

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def score_percent(self) -> int | None:
        if self.score_scaled is not None:
            return round(self.score_scaled * 100)
        return None


class Cmi5Launch(OrgOwned):
    """One launch of a cmi5 package: the fetch URL's one-time secret and the short-lived token that
    scopes the xAPI calls of that launch (wpo/packages/xapi.py) to this participant's attempt."""

    attempt = models.ForeignKey(PackageAttempt, on_delete=models.CASCADE, related_name="launches")
    # The launch's session id (cmi5 "sessionid"); the registration is the attempt's.
    registration = models.UUIDField(default=uuid.uuid4, editable=False)
    # In the fetch URL; usable once (cmi5: the auth token is handed out one time).
    fetch_secret = models.CharField(max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField()
    fetched_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("cmi5-start")
        verbose_name_plural = _("cmi5-starts")
