"""Skills, sub-skills and the versioned WPO assignments.

The national curriculum has ``organization = None``; an organisation may add skills of its
own in the same structure. Published content never changes: editing publishes a new
``AssignmentVersion`` and a participant's work keeps pointing at the version it started with.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import Organization


class Level(models.TextChoices):
    """An assignment's level, as a model field's choices; ``content_format.LEVELS`` is their order."""

    A = "A", _("Niveau A")
    B = "B", _("Niveau B")
    C = "C", _("Niveau C")


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
    """A published, unchangeable text of an assignment (every part, as validated content)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versie"))
    title = models.CharField(_("titel"), max_length=200)
    content = models.JSONField(_("inhoud"))
    published_at = models.DateTimeField(_("gepubliceerd op"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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
