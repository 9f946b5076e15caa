from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from wpo.orgs.models import OrgOwned


class User(AbstractUser):
    """A login. What the person may do in an organisation lives on ``orgs.Person``."""

    email = models.EmailField(_("e-mailadres"), blank=True, db_index=True)

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class LoginCard(OrgOwned):
    """A printed card with a QR code that lets a participant log in with a short PIN.

    Neither secret is kept: ``token_hash`` is the SHA-256 of the random token in the QR code
    (looked up by that hash, so a copy of the database opens no card) and ``pin_hash`` is a
    Django password hash of the PIN. A row is never deleted or reused: reissuing revokes the
    old card and adds a new row, so the history of who issued and revoked which card stays.
    """

    person = models.ForeignKey(
        "orgs.Person", on_delete=models.CASCADE, related_name="login_cards", verbose_name=_("deelnemer")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    pin_hash = models.CharField(max_length=128)
    created_by = models.ForeignKey(
        "orgs.Person", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("gemaakt door")
    )
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "orgs.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingetrokken door"),
    )
    failed_attempts = models.PositiveSmallIntegerField(_("foute pogingen op rij"), default=0)
    locked_until = models.DateTimeField(_("geblokkeerd tot"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("inlogkaart")
        verbose_name_plural = _("inlogkaarten")
        constraints = [
            # At most one card per participant works at a time, even when two trainers issue at once.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(revoked_at__isnull=True), name="login_card_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.created_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


class LoginFailure(models.Model):
    """One password login that was tried and not (yet) successful, for the lockout in ``lockout.py``.

    Not owned by an organisation: it is written before anyone is known, for whatever name was
    typed, so an unknown name is counted exactly like a real one. ``login_name`` is that name
    lower-cased; ``client`` is the client's IP address (for IPv6 its /64 network). Rows older than
    a day are deleted when a new one is written.
    """

    login_name = models.CharField(_("ingevulde naam"), max_length=254)
    client = models.CharField(_("IP-adres"), max_length=64)
    at = models.DateTimeField(_("tijdstip"))

    class Meta:
        verbose_name = _("mislukte inlogpoging")
        verbose_name_plural = _("mislukte inlogpogingen")
        indexes = [
            models.Index(fields=["login_name", "at"], name="login_failure_name_at"),
            models.Index(fields=["client", "at"], name="login_failure_client_at"),
            models.Index(fields=["at"], name="login_failure_at"),
        ]

    def __str__(self) -> str:
        return f"{self.login_name} {self.client} {self.at:%Y-%m-%d %H:%M}"
