from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

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
                fields=["organization", "person"],
                condition=models.Q(revoked_at__isnull=True),
                name="login_card_one_active",
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


class SecurityPolicy(OrgOwned):
    """An organisation's own security choices, set by its administrator. No row means the defaults."""

    # One row per organisation; the reverse accessor lets PersonMiddleware load it in its one query.
    organization = models.OneToOneField(
        "orgs.Organization",
        on_delete=models.CASCADE,
        related_name="security_policy",
        verbose_name=_("organisatie"),
    )
    two_factor_required = models.BooleanField(
        _("Tweestapsverificatie verplicht voor coach, projectmanager en beheerder"), default=False
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("beveiligingsinstelling")
        verbose_name_plural = _("beveiligingsinstellingen")

    def __str__(self) -> str:
        return str(self.organization)


class TwoFactorFailure(models.Model):
    """One wrong code typed at the second login step, for the per-account limit in ``two_factor.py``."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    client = models.CharField(_("IP-adres"), max_length=64)
    at = models.DateTimeField(_("tijdstip"))

    class Meta:
        verbose_name = _("verkeerde inlogcode")
        verbose_name_plural = _("verkeerde inlogcodes")
        indexes = [models.Index(fields=["user", "at"], name="two_factor_failure_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.client} {self.at:%Y-%m-%d %H:%M}"


class SecurityEvent(OrgOwned):
    """A change to how a person logs in: two-factor switched on or off, reset by the administrator."""

    class Kind(models.TextChoices):
        TWO_FACTOR_ON = "two_factor_on", _("tweestapsverificatie aangezet")
        TWO_FACTOR_OFF = "two_factor_off", _("tweestapsverificatie uitgezet")
        TWO_FACTOR_RESET = "two_factor_reset", _("tweestapsverificatie hersteld door beheerder")
        BACKUP_CODES = "backup_codes", _("nieuwe reservecodes gemaakt")
        POLICY_CHANGED = "policy_changed", _("beveiligingsinstelling gewijzigd")
        SSO_PROVIDER_CHANGED = "sso_provider_changed", _("inloggen via de organisatie gewijzigd")

    person = models.ForeignKey(
        "orgs.Person", on_delete=models.CASCADE, related_name="security_events", verbose_name=_("persoon")
    )
    actor = models.ForeignKey(
        "orgs.Person", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("door")
    )
    kind = models.CharField(_("wat"), max_length=40, choices=Kind.choices)
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        verbose_name = _("beveiligingsgebeurtenis")
        verbose_name_plural = _("beveiligingsgebeurtenissen")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class OidcProvider(OrgOwned):
    """Single sign-on for one organisation through its own OpenID Connect identity provider.

    ``client_secret_encrypted`` holds the client secret encrypted with a key derived from
    SECRET_KEY (see ``sso.encrypt_secret``): a copy of the database alone does not reveal it.
    """

    class MatchField(models.TextChoices):
        EMAIL = "email", _("e-mailadres")
        EMPLOYEE_NUMBER = "employee_number", _("personeelsnummer")
        USERNAME = "username", _("gebruikersnaam")

    organization = models.OneToOneField(
        "orgs.Organization", on_delete=models.CASCADE, related_name="oidc_provider", verbose_name=_("organisatie")
    )
    display_name = models.CharField(_("naam op de knop"), max_length=100)
    issuer = models.URLField(
        _("issuer"),
        max_length=500,
        help_text=_(
            "Het adres van de identity provider, zonder /.well-known/openid-configuration. "
            "Voor Microsoft Entra ID: https://login.microsoftonline.com/<tenant-id>/v2.0"
        ),
    )
    client_id = models.CharField(_("client-ID"), max_length=255)
    client_secret_encrypted = models.TextField(blank=True)
    claim = models.CharField(
        _("claim in het ID-token"),
        max_length=100,
        default="email",
        help_text=_("Bijvoorbeeld email, preferred_username of employeeid."),
    )
    match_field = models.CharField(
        _("vergelijken met"), max_length=20, choices=MatchField.choices, default=MatchField.EMAIL
    )
    enabled = models.BooleanField(_("aan"), default=False)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("inloggen via de organisatie")
        verbose_name_plural = _("inloggen via de organisatie")

    def __str__(self) -> str:
        return self.display_name

    def domain_names(self) -> list[str]:
        return [d.domain for d in self.domains.order_by("domain")]


class OidcDomain(OrgOwned):
    """An e-mail domain that sends someone who types an address of it to their organisation's provider.

    A domain belongs to one organisation at most (lower-cased, unique across all). The
    organisation's administrator lists it; it routes logins only once the service operators have
    checked that the organisation owns it and marked it ``verified`` in the Django admin, so an
    administrator cannot claim someone else's domain and catch their logins.
    """

    provider = models.ForeignKey(
        OidcProvider, on_delete=models.CASCADE, related_name="domains", verbose_name=_("inloggen via")
    )
    domain = models.CharField(_("e-maildomein"), max_length=253)
    verified = models.BooleanField(
        _("gecontroleerd"),
        default=False,
        help_text=_(
            "Alleen de beheerders van de dienst zetten dit aan, na controle dat het domein van de organisatie is."
        ),
    )
    created_at = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-maildomein voor inloggen via de organisatie")
        verbose_name_plural = _("e-maildomeinen voor inloggen via de organisatie")
        constraints = [models.UniqueConstraint(Lower("domain"), name="oidc_domain_unique")]

    def __str__(self) -> str:
        return self.domain


class OidcIdentity(OrgOwned):
    """A person's account at their organisation's identity provider: the ``sub`` of its ID tokens.

    Written at the person's first single sign-on, when the token's claim matched them; from then on
    only this ``(provider, subject)`` logs them in. Claims such as the e-mail address can change at
    the provider, the subject cannot, so a changed or copied address at the provider never logs in
    someone else. One subject per person per provider.
    """

    provider = models.ForeignKey(OidcProvider, on_delete=models.CASCADE, related_name="identities")
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.CASCADE, related_name="oidc_identities", verbose_name=_("persoon")
    )
    subject = models.CharField(_("sub"), max_length=255)
    linked_at = models.DateTimeField(_("gekoppeld op"), auto_now_add=True)

    class Meta:
        verbose_name = _("koppeling met de identity provider")
        verbose_name_plural = _("koppelingen met de identity provider")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="oidc_identity_subject_unique"),
            models.UniqueConstraint(fields=["provider", "person"], name="oidc_identity_person_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.provider})"


class SecretTOTPDevice(TOTPDevice):  # type: ignore[misc]  # django-otp ships no type hints
    """django-otp's authenticator device with its secret encrypted at rest (``crypto.seal_totp_key``).

    The same table and rows as ``TOTPDevice``; only reading the key differs, so every device the app
    checks or shows is loaded through this class (``two_factor``). A copy of the database alone gives
    no one the codes of anyone's app.
    """

    key: str  # django-otp's column, here holding the sealed secret
    user_id: int

    class Meta:
        proxy = True
        verbose_name = _("authenticator-app")
        verbose_name_plural = _("authenticator-apps")

    @property
    def bin_key(self) -> bytes:
        from .crypto import open_totp_key

        key, _current = open_totp_key(self.key, user_id=self.user_id)
        return key

    def reseal_if_stale(self) -> None:
        """After use: write the key again with the current SECRET_KEY if an older one (or none) sealed it."""
        from .crypto import TOTP_KEY_BYTES, open_totp_key, seal_totp_key

        key, current = open_totp_key(self.key, user_id=self.user_id)
        if not current and len(key) <= TOTP_KEY_BYTES:
            self.key = seal_totp_key(key, user_id=self.user_id)
            self.save(update_fields=["key"])
