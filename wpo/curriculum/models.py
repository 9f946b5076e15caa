"""Skills, sub-skills and the versioned WPO assignments, published nationally as editions.

The national curriculum has ``organization = None``; an organisation may add skills of its
own in the same structure. Published content never changes: editing publishes a new
``AssignmentVersion`` and a participant's work keeps pointing at the version it started with.

The national curriculum is released as numbered editions (``Edition``, "2025.1", "2026.1"): a
change to a national assignment is a version in the draft edition, and publishing the edition
makes every one of its versions current at once. An organisation's own skills are not national:
their versions are published one by one and belong to no edition. An organisation adds its own
photo and line of context to an assignment as a ``LocalExample``, kept beside the versions.
"""

import re
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.lib.uploads import UnguessableName
from wpo.orgs.models import Organization, OrgOwned, Person

from .content_format import LEVELS

__all__ = ["LEVELS"]  # the level order, for other apps (content_format is the curriculum's own)


class Level(models.TextChoices):
    """An assignment's level, as a model field's choices; ``content_format.LEVELS`` is their order."""

    A = "A", _("Niveau A")
    B = "B", _("Niveau B")
    C = "C", _("Niveau C")


# "2025.1": the year, a dot and the release of that year (1-99).
EDITION_NUMBER_RE = re.compile(r"^(20[0-9]{2})\.([1-9][0-9]?)$")


class Edition(models.Model):
    """One release of the national curriculum: its number, release notes in plain Dutch, and the
    assignment versions (and new skills) that belong to it. At most one edition is a draft."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PUBLISHED = "published", _("gepubliceerd")

    number = models.CharField(_("nummer"), max_length=7, unique=True)
    # The number's two parts, so that editions sort as releases ("2025.10" after "2025.9").
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveSmallIntegerField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("wat is er nieuw"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("editie van de WPO-opdrachten")
        verbose_name_plural = _("edities van de WPO-opdrachten")
        ordering = ["year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="edition_unique_order"),
            # One draft at a time: every national change goes into it.
            models.UniqueConstraint(fields=["status"], condition=models.Q(status="draft"), name="edition_one_draft"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @staticmethod
    def order_of(number: str) -> tuple[int, int] | None:
        """``(year, sequence)`` of a well-formed number, else None."""
        match = EDITION_NUMBER_RE.match(number.strip())
        return (int(match.group(1)), int(match.group(2))) if match else None


def published_or_legacy(prefix: str = "") -> models.Q:
    """Rows of the national curriculum that organisations may read: outside any edition (content
    from before editions, an organisation's own), or in a published one."""
    return models.Q(**{f"{prefix}edition__isnull": True}) | models.Q(
        **{f"{prefix}edition__status": Edition.Status.PUBLISHED}
    )


class Skill(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("organisatie"),
        help_text=_("Leeg voor het landelijke basisproduct."),
    )
    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("naam"), max_length=120)
    order = models.PositiveIntegerField(_("volgorde"), default=0)
    explanation = models.TextField(_("uitleg"))
    pictogram_svg = models.TextField(_("pictogram (SVG)"), blank=True)
    choice_card_hard = models.JSONField(_("skill-keuzekaart: moeilijk"), default=list)
    choice_card_better = models.JSONField(_("skill-keuzekaart: beter worden"), default=list)
    # The edition that added this national skill; organisations see it once that edition is published.
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, null=True, blank=True, related_name="new_skills", verbose_name=_("editie")
    )

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["order", "name"]
        permissions = [("edit_national_curriculum", "Kan het landelijke curriculum bewerken")]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(organization__isnull=True), name="skill_unique_national_code"
            ),
            models.UniqueConstraint(fields=["organization", "code"], name="skill_unique_code_per_org"),
        ]

    def __str__(self) -> str:
        return self.name


class SubSkill(models.Model):
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="subskills")
    number = models.PositiveSmallIntegerField(_("nummer"))
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"))
    level_a = models.TextField(_("wat niveau A betekent"))
    level_b = models.TextField(_("wat niveau B betekent"))
    level_c = models.TextField(_("wat niveau C betekent"))

    class Meta:
        verbose_name = _("deelskill")
        verbose_name_plural = _("deelskills")
        ordering = ["skill__order", "number"]
        constraints = [models.UniqueConstraint(fields=["skill", "number"], name="subskill_unique_number")]

    def __str__(self) -> str:
        return self.name

    def level_description(self, level: str) -> str:
        return str(getattr(self, f"level_{level.lower()}"))


class Assignment(models.Model):
    """One WPO assignment: a sub-skill at a level. Its text lives in versions."""

    subskill = models.ForeignKey(SubSkill, on_delete=models.CASCADE, related_name="assignments")
    level = models.CharField(_("niveau"), max_length=1, choices=Level.choices)
    current_version = models.ForeignKey(
        "AssignmentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("WPO-opdracht")
        verbose_name_plural = _("WPO-opdrachten")
        ordering = ["subskill__skill__order", "subskill__number", "level"]
        constraints = [models.UniqueConstraint(fields=["subskill", "level"], name="assignment_unique_level")]

    def __str__(self) -> str:
        title = self.current_version.title if self.current_version else ""
        return f"{self.code} {title}".strip()

    @property
    def code(self) -> str:
        return f"{self.subskill.skill.code}/{self.subskill.number}-{self.level}"


class AssignmentVersion(models.Model):
    """A published, unchangeable text of an assignment (every part, as validated content).

    A national version belongs to an edition. While that edition is a draft the version is the
    draft's text (the editor may still change it, nobody outside the method owner sees it); once
    the edition is published it is unchangeable like any other.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versie"))
    title = models.CharField(_("titel"), max_length=200)
    content = models.JSONField(_("inhoud"))
    published_at = models.DateTimeField(_("gepubliceerd op"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, null=True, blank=True, related_name="versions", verbose_name=_("editie")
    )

    class Meta:
        verbose_name = _("versie van een WPO-opdracht")
        verbose_name_plural = _("versies van WPO-opdrachten")
        ordering = ["assignment", "-number"]
        constraints = [models.UniqueConstraint(fields=["assignment", "number"], name="version_unique_number")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def parts(self) -> dict[str, Any]:
        return dict(self.content)


class EditionSeen(OrgOwned):
    """That a person opened a published edition's page: the notice of a new edition is gone for them."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="seen_by")
    seen_at = models.DateTimeField(_("gelezen op"))

    class Meta:
        verbose_name = _("gelezen editie")
        verbose_name_plural = _("gelezen edities")
        constraints = [models.UniqueConstraint(fields=["organization", "person", "edition"], name="edition_seen_once")]


class LocalExample(OrgOwned):
    """An organisation's own example beside an assignment: a photo of its shop floor and one line of
    its own context. Kept per assignment, not per version, so it stays when a new edition comes.

    It holds no personal data by design: the form asks for a photo of the work, not of people, and
    the line is about the work. The photo loses its metadata (GPS, time, phone) on upload.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="local_examples")
    context = models.CharField(_("onze situatie"), max_length=200, blank=True)
    photo = models.FileField(_("foto"), upload_to=UnguessableName("curriculum/local-examples"), blank=True)
    photo_alt = models.CharField(_("wat staat er op de foto"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("gewijzigd op"))
    updated_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("lokaal voorbeeld")
        verbose_name_plural = _("lokale voorbeelden")
        constraints = [
            models.UniqueConstraint(fields=["organization", "assignment"], name="local_example_once_per_org")
        ]

    def __str__(self) -> str:
        return self.context or str(self.assignment)
