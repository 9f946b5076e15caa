"""Writes for single sign-on: the organisation's provider with its e-mail domains, and the link
between a person and their account at the provider. Each runs in one transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wpo.orgs.models import Person

from . import sso
from .models import OidcDomain, OidcIdentity, OidcProvider, SecurityEvent


@transaction.atomic
def oidc_provider_save(*, by: Person, provider: OidcProvider, client_secret: str, domains: list[str]) -> OidcProvider:
    """Save the organisation's provider and its e-mail domains, recorded as a security event.

    A new domain is stored unverified: it routes no login until the service operators have checked
    that it belongs to this organisation (Django admin). A domain of another organisation is refused
    here too, whatever form sent it (the unique constraint is the last line).
    """
    provider.organization_id = by.organization_id
    if client_secret:
        provider.client_secret_encrypted = sso.encrypt_secret(client_secret)
    provider.save()
    OidcDomain.objects.filter(provider=provider).exclude(domain__in=domains).delete()
    existing = set(OidcDomain.objects.filter(provider=provider).values_list("domain", flat=True))
    for domain in domains:
        if domain in existing:
            continue
        try:
            with transaction.atomic():
                OidcDomain.objects.create(organization_id=by.organization_id, provider=provider, domain=domain)
        except IntegrityError:
            raise ValidationError(
                _("Het e-maildomein %(domain)s hoort al bij een andere organisatie.") % {"domain": domain}
            ) from None
    SecurityEvent.objects.create(
        organization_id=by.organization_id, person=by, actor=by, kind=SecurityEvent.Kind.SSO_PROVIDER_CHANGED
    )
    return provider


@transaction.atomic
def oidc_identity_link(*, provider: OidcProvider, person: Person, subject: str) -> bool:
    """Link ``person`` to the provider's ``subject`` at their first single sign-on (or confirm the link).

    False when the subject belongs to someone else or the person already has another subject here,
    also when a parallel login linked it a moment ago: then nobody is logged in.
    """
    existing = OidcIdentity.objects.filter(provider=provider, subject=subject).first()
    if existing is not None:
        return existing.person_id == person.pk
    try:
        with transaction.atomic():
            OidcIdentity.objects.create(
                organization_id=provider.organization_id, provider=provider, person=person, subject=subject
            )
    except IntegrityError:
        return False
    return True
