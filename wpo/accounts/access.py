"""The door to login cards, built on ``wpo.orgs.access`` like every other app's access module."""

import hashlib

from django.core.exceptions import PermissionDenied

from wpo.orgs.access import get_in_org, in_org, people
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, may, may_issue_card, only_participants_filter

from .models import LoginCard, OidcIdentity, OidcProvider

# token_urlsafe(24) gives 32 characters; anything much longer is not ours and is not hashed.
MAX_TOKEN_LENGTH = 64


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def access_participant_for_cards(person: Person, person_id: int) -> Person:
    """The participant whose login card ``person`` may issue, print and revoke
    (``permissions.may_issue_card``): the administrator for every participant of the organisation,
    a werkplekopleider for those they train now, and never for someone who is more than a
    participant. Every other role is refused (403); a person outside the organisation, or not a
    participant, does not exist (404)."""
    if not may(person, Ability.ISSUE_LOGIN_CARDS):
        raise PermissionDenied
    participant = get_in_org(people(person).filter(is_participant=True), pk=person_id)
    if not may_issue_card(person, participant):
        raise PermissionDenied
    return participant


def active_card(person: Person, participant: Person) -> LoginCard | None:
    """The card that works now for ``participant``; call after ``access_participant_for_cards``."""
    return (
        in_org(person, LoginCard)
        .filter(person=participant, revoked_at__isnull=True)
        .select_related("created_by__user")
        .first()
    )


def card_for_login(token: str) -> LoginCard | None:
    """The working card behind a scanned token, or None.

    This is the one lookup not scoped to an organisation, because the person scanning is not
    logged in yet: the token itself is the bearer secret that names the card. Only the token's
    hash is stored and compared. A card stops working with its participant: when the account
    is switched off or the person is no longer a participant. It never logs in anyone who is more
    than a participant (another role or an extra permission: ``permissions.card_eligible``), even
    when such a card exists: it would skip their password and second factor.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    eligible = Person.objects.filter(only_participants_filter(), is_participant=True, user__is_active=True)
    return (
        LoginCard.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True, person__in=eligible)
        .select_related("person__user")
        .first()
    )


def person_for_sso(provider: OidcProvider, *, subject: str, value: str | None) -> Person | None:
    """The one active person of the provider's own organisation the ID token names, or None.

    Like ``card_for_login`` this runs before anyone is logged in, so it scopes by the provider's
    organisation itself. A subject (``sub``) seen before names the person linked to it at their first
    single sign-on, whatever the other claims say now. A new subject is matched on ``value`` (the
    configured claim; None when it may not be used): the one person with that e-mail address,
    employee number or username who has no link to this provider yet. Never anyone of another
    organisation, even with the same e-mail address; two matches (a shared mailbox) are no match.
    """
    linked = (
        OidcIdentity.objects.filter(organization_id=provider.organization_id, provider=provider, subject=subject)
        .select_related("person__user", "person__organization")
        .first()
    )
    if linked is not None:
        return linked.person if linked.person.user.is_active else None
    if value is None:
        return None
    candidates = Person.objects.filter(organization_id=provider.organization_id, user__is_active=True).exclude(
        oidc_identities__provider=provider
    )
    match provider.match_field:
        case OidcProvider.MatchField.EMAIL:
            candidates = candidates.filter(user__email__iexact=value)
        case OidcProvider.MatchField.EMPLOYEE_NUMBER:
            candidates = candidates.filter(employee_number=value)
        case _:
            candidates = candidates.filter(user__username__iexact=value)
    found = list(candidates.select_related("user", "organization")[:2])
    return found[0] if len(found) == 1 else None
