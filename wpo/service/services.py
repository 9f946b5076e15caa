"""Writes of the service desk. Each runs in one transaction, refuses on its own and leaves a
``ServiceEvent`` behind."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX as UNUSABLE_PREFIX
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused
from wpo.orgs import services as orgs
from wpo.orgs.models import Organization, Person, Role

from .models import Contract, Invitation, ServiceEvent, ServiceOperator, token_hash

# How long the link in an invitation works. Long enough for a week of holiday, short enough that an
# old e-mail in a mailbox opens nothing.
INVITATION_DAYS = 7
TOKEN_BYTES = 32


def _event(
    kind: ServiceEvent.Kind,
    *,
    operator: ServiceOperator | None,
    organization: Organization | None = None,
    detail: str = "",
) -> ServiceEvent:
    return ServiceEvent.objects.create(
        at=timezone.now(),
        operator=operator,
        kind=kind,
        organization=organization,
        organization_name=organization.name if organization is not None else "",
        detail=detail[:300],
    )


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


# Operators ------------------------------------------------------------------------------------


@transaction.atomic
def operator_create(*, username: str, email: str, password: str | None = None) -> ServiceOperator:
    """A new login of the service desk. Never one of an organisation: an operator opens no organisation's
    pages, and a person of an organisation opens no service-desk page."""
    User = get_user_model()
    username = username.strip()
    if not username:
        raise Refused(_("Vul een gebruikersnaam in."))
    if User._default_manager.filter(username__iexact=username).exists():
        raise Refused(_("Deze gebruikersnaam bestaat al."))
    user = User(username=username, email=email.strip())
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    operator = ServiceOperator.objects.create(user=user, created_at=timezone.now())
    _event(ServiceEvent.Kind.OPERATOR_CREATED, operator=None, detail=username)
    return operator


def operator_two_factor_done(*, operator: ServiceOperator) -> None:
    _event(ServiceEvent.Kind.OPERATOR_TWO_FACTOR, operator=operator, detail=operator.user.username)


# Organisations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewOrganization:
    name: str
    slug: str
    sector_details: str
    starts_on: date
    ends_on: date | None
    places: int
    admin_first_name: str
    admin_last_name: str
    admin_email: str


@dataclass(frozen=True)
class Added:
    organization: Organization
    administrator: Person
    # The one-time link, in the e-mail and nowhere stored.
    link: str


def _new_invitation(user_id: int, organization: Organization | None) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    Invitation.objects.create(
        user_id=user_id,
        organization=organization,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    return site_url() + reverse("service:invitation", kwargs={"token": token})


def _send_invitation(*, person: Person, organization: Organization, link: str) -> None:
    subject = _("Uw account voor het WPO-platform van %(organization)s") % {"organization": organization.name}
    body = _(
        "Beste %(name)s,\n\n"
        "U bent de beheerder van %(organization)s op het WPO-platform.\n"
        "Uw gebruikersnaam is: %(username)s\n\n"
        "Kies uw wachtwoord via deze link:\n%(link)s\n\n"
        "De link werkt één keer en %(days)d dagen lang. Daarna stelt u een app op uw telefoon in "
        "voor de tweestapsverificatie.\n\n"
        "Hebt u dit niet verwacht? Dan hoeft u niets te doen.\n\n"
        "Servicebeheer WPO-platform"
    ) % {
        "name": person.first_name,
        "organization": organization.name,
        "username": person.user.username,
        "link": link,
        "days": INVITATION_DAYS,
    }
    # Sent when the transaction commits: a rolled-back organisation sends no working link.
    transaction.on_commit(lambda: send_mail(subject, body, None, [person.user.email]))


@transaction.atomic
def organization_add(*, operator: ServiceOperator, data: NewOrganization) -> Added:
    """An organisation with its contract and its first administrator, who gets an e-mail with a
    one-time link to choose a password (the account has none until then)."""
    if not operator.is_active:
        raise Refused(_("U bent geen medewerker van servicebeheer meer."))
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise Refused(_("Het contract kan niet eindigen voordat het begint."))
    if Organization.objects.filter(slug__iexact=data.slug).exists():
        raise Refused(_("Deze korte naam is al in gebruik. Kies een andere."))
    try:
        with transaction.atomic():
            organization = Organization.objects.create(name=data.name.strip(), slug=data.slug)
    except IntegrityError as exc:  # the same short name added at the same moment
        raise Refused(_("Deze korte naam is al in gebruik. Kies een andere.")) from exc
    Contract.objects.create(
        organization=organization,
        sector_details=data.sector_details.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        places=data.places,
        created_at=timezone.now(),
    )
    administrator = orgs.person_create(
        organization=organization,
        first_name=data.admin_first_name,
        last_name=data.admin_last_name,
        email=data.admin_email,
        password=None,  # an unusable password until the invitation is used
        roles=[Role.ADMINISTRATOR],
    )
    link = _new_invitation(administrator.user_id, organization)
    _send_invitation(person=administrator, organization=organization, link=link)
    _event(ServiceEvent.Kind.ORGANIZATION_ADDED, operator=operator, organization=organization, detail=data.slug)
    _event(
        ServiceEvent.Kind.INVITATION_SENT,
        operator=operator,
        organization=organization,
        detail=_("aan de eerste beheerder"),
    )
    return Added(organization=organization, administrator=administrator, link=link)


@transaction.atomic
def invitation_resend(*, operator: ServiceOperator, organization_id: int) -> Person:
    """A new link for the organisation's administrator who has not chosen a password yet (the first link
    expired or got lost). Earlier unused links of that administrator stop working."""
    organization = _locked(operator, organization_id)
    waiting = (
        Person.objects.select_related("user")
        .filter(organization=organization, is_administrator=True, user__password__startswith=UNUSABLE_PREFIX)
        .order_by("pk")
        .first()
    )
    if waiting is None:
        raise Refused(_("Er is geen beheerder die nog een wachtwoord moet kiezen."))
    now = timezone.now()
    Invitation.objects.filter(user_id=waiting.user_id, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    link = _new_invitation(waiting.user_id, organization)
    _send_invitation(person=waiting, organization=organization, link=link)
    _event(
        ServiceEvent.Kind.INVITATION_SENT,
        operator=operator,
        organization=organization,
        detail=_("opnieuw, aan de beheerder"),
    )
    return waiting


def _locked(operator: ServiceOperator, organization_id: int) -> Organization:
    if not operator.is_active:
        raise Refused(_("U bent geen medewerker van servicebeheer meer."))
    organization = Organization.objects.select_for_update().filter(pk=organization_id).first()
    if organization is None:
        raise Refused(_("Deze organisatie bestaat niet meer."))
    return organization


@transaction.atomic
def organization_suspend(*, operator: ServiceOperator, organization_id: int, reason: str) -> Organization:
    """Nobody of the organisation logs in any more, and their sessions end at their next request
    (wpo/orgs/middleware.py). Nothing is deleted."""
    organization = _locked(operator, organization_id)
    if organization.suspended_at is not None:
        raise Refused(_("Deze organisatie is al geschorst."))
    if not reason.strip():
        raise Refused(_("Schrijf op waarom u de organisatie schorst."))
    organization.suspended_at = timezone.now()
    organization.save(update_fields=["suspended_at"])
    _event(ServiceEvent.Kind.SUSPENDED, operator=operator, organization=organization, detail=reason.strip())
    return organization


@transaction.atomic
def organization_reactivate(*, operator: ServiceOperator, organization_id: int) -> Organization:
    organization = _locked(operator, organization_id)
    if organization.suspended_at is None:
        raise Refused(_("Deze organisatie is niet geschorst."))
    organization.suspended_at = None
    organization.save(update_fields=["suspended_at"])
    _event(ServiceEvent.Kind.REACTIVATED, operator=operator, organization=organization)
    return organization


# Invitations ----------------------------------------------------------------------------------


class InvitationState:
    OK = "ok"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def invitation_state(invitation: Invitation | None) -> str:
    if invitation is None:
        return InvitationState.UNKNOWN
    if invitation.used_at is not None:
        return InvitationState.USED
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED
    return InvitationState.OK


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> Invitation:
    """Set the password of the invitation's login, once, before it expires. The password was checked
    by Django's validators in the form; the row is locked so the same link cannot be used twice."""
    invitation = (
        Invitation.objects.select_for_update().select_related("user").filter(token_hash=token_hash(token)).first()
    )
    state = invitation_state(invitation)
    if state != InvitationState.OK or invitation is None:
        raise Refused(_("Deze link werkt niet meer. Vraag servicebeheer om een nieuwe uitnodiging."))
    user = invitation.user
    if not user.is_active:
        raise Refused(_("Dit account is uitgeschakeld. Neem contact op met servicebeheer."))
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    _event(ServiceEvent.Kind.INVITATION_USED, operator=None, organization=invitation.organization)
    return invitation


@transaction.atomic
def operator_setup_link(*, operator: ServiceOperator) -> str:
    """A one-time link for an operator to choose their password (``manage.py create_service_operator``)."""
    _event(ServiceEvent.Kind.INVITATION_SENT, operator=None, detail=operator.user.username)
    return _new_invitation(operator.user_id, None)
