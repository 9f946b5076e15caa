"""Organisations, their departments and the people in them with their roles."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.lib.uploads import UnguessableName


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Deelnemer")
    TRAINER = "trainer", _("Werkplekopleider")
    COACH = "coach", _("Coach")
    PROJECT_MANAGER = "project_manager", _("Projectmanager")
    ADMINISTRATOR = "administrator", _("Beheerder")
    CONTENT_EDITOR = "content_editor", _("Inhoudsredacteur")


class Organization(models.Model):
    name = models.CharField(_("naam"), max_length=200)
    slug = models.SlugField(_("korte naam"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Printed on certificates (issue 6). PNG or JPEG only, checked by its bytes (wpo/orgs/logo.py),
    # stored under an unguessable name and served only through an access-checked view or inside a PDF.
    logo = models.FileField(_("logo"), upload_to=UnguessableName("orgs/logos"), blank=True)
    # Set by the service desk (wpo/service): while set, nobody of the organisation logs in and their
    # sessions end at the next request (wpo/orgs/middleware.py); the data stays.
    suspended_at = models.DateTimeField(_("geschorst sinds"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrgOwned(models.Model):
    """Every table that holds an organisation's data carries the organisation.

    The key sits on every row (not only on a parent) so that the access layer can scope a
    query with one indexed filter and the schema can later be distributed by organisation.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, verbose_name=_("organisatie"))

    class Meta:
        abstract = True


class Department(OrgOwned):
    name = models.CharField(_("naam"), max_length=200)
    agreed_capacity = models.PositiveIntegerField(
        _("afgesproken aantal deelnemers"),
        default=3,
        help_text=_("Hoeveel medewerkers van deze afdeling tegelijk in WPO mogen zitten."),
    )

    class Meta:
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelingen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="department_unique_name_per_org"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(OrgOwned):
    """Someone in an organisation. One person can hold several roles."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("afdeling")
    )
    employee_number = models.CharField(_("personeelsnummer"), max_length=50, blank=True)
    is_participant = models.BooleanField(_("deelnemer"), default=False)
    is_trainer = models.BooleanField(_("werkplekopleider"), default=False)
    is_coach = models.BooleanField(_("coach"), default=False)
    is_project_manager = models.BooleanField(_("projectmanager"), default=False)
    is_administrator = models.BooleanField(_("beheerder"), default=False)
    is_content_editor = models.BooleanField(_("inhoudsredacteur"), default=False)
    # How the participant's pages look for this person (issue 18), set by the person themselves.
    large_text = models.BooleanField(_("grotere letters"), default=False)
    calm_colours = models.BooleanField(_("rustige kleuren met veel contrast"), default=False)
    trainers = models.ManyToManyField(
        "self",
        through="TrainerLink",
        through_fields=("participant", "trainer"),
        symmetrical=False,
        related_name="trainees",
        blank=True,
        verbose_name=_("werkplekopleiders"),
    )

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "employee_number"],
                condition=~models.Q(employee_number=""),
                name="person_unique_employee_number_per_org",
            ),
        ]
        indexes = [models.Index(fields=["organization", "is_participant"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def first_name(self) -> str:
        """How messages address or mention someone: the first name, else the full name."""
        return self.user.first_name or self.name

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if getattr(self, ROLE_FIELDS[role])]

    @property
    def role_label(self) -> str:
        """The one role named beside a person in a list of people (a meeting's invitees)."""
        for role in (Role.TRAINER, Role.PARTICIPANT, Role.COACH, Role.PROJECT_MANAGER):
            if self.has_role(role):
                return str(role.label).lower()
        return ""

    def has_role(self, *roles: Role) -> bool:
        return any(getattr(self, ROLE_FIELDS[role]) for role in roles)


ROLE_FIELDS: dict[Role, str] = {
    Role.PARTICIPANT: "is_participant",
    Role.TRAINER: "is_trainer",
    Role.COACH: "is_coach",
    Role.PROJECT_MANAGER: "is_project_manager",
    Role.ADMINISTRATOR: "is_administrator",
    Role.CONTENT_EDITOR: "is_content_editor",
}


class TrainerLink(OrgOwned):
    """A participant's werkplekopleider. A participant can have more than one."""

    participant = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="trainer_links")
    trainer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participant_links")

    class Meta:
        verbose_name = _("koppeling werkplekopleider")
        verbose_name_plural = _("koppelingen werkplekopleider")
        constraints = [
            models.UniqueConstraint(fields=["organization", "participant", "trainer"], name="trainer_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.trainer} → {self.participant}"


class PeopleImport(OrgOwned):
    """An uploaded CSV of people, kept between preview and confirmation.

    The CSV holds an HR export (names, e-mail addresses, employee numbers), so ``content`` lives only
    while the import waits for its confirmation: it is emptied when the import is done, and when it
    is abandoned (not confirmed within ``people_import.PREVIEW_HOURS``; the nightly run). What stays
    is the file's name, how many people it wrote, who uploaded it and when.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Voorbeeld")
        DONE = "done", _("Geïmporteerd")
        ABANDONED = "abandoned", _("Niet geïmporteerd")

    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    imported_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import van personen")
        verbose_name_plural = _("imports van personen")

    def __str__(self) -> str:
        return self.file_name
