"""Writes for organisations: departments and people. Each write is one transaction."""

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused, checked

from .models import ROLE_FIELDS, Department, Organization, Person, Role, TrainerLink
from .permissions import GRANTS, MANAGED_BY_OPERATORS, Ability, may, user_has_extra_rights

if TYPE_CHECKING:
    from wpo.accounts.models import User
else:
    User = get_user_model()


def _slug_part(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_text.lower())


def unique_username(first_name: str, last_name: str, organization: Organization, taken: set[str] | None = None) -> str:
    """``jan.jansen.<organisation>``, then ``jan.jansen2.<organisation>`` … — unique across the whole service.

    Why the organisation's short name is in every name we make: usernames are unique across the
    service (there is one login page), so a name made from the person's name alone (``jan.jansen``,
    or ``jan.jansen2`` when that is taken anywhere) told an administrator that someone of that name
    exists in another organisation. Suggesting a free variant does not help: whether the plain name
    was free is exactly what leaks. With the short name (unique per organisation) in it, a made name
    can only meet names of the administrator's own organisation, which they see anyway; the number
    counts only those. (A name an operator typed by hand elsewhere that happens to end in this
    organisation's short name would still push the number up; we accept that.)
    """
    base = ".".join(p for p in (_slug_part(first_name), _slug_part(last_name)) if p)[:100] or "gebruiker"
    suffix = organization.slug.lower()[:40]
    candidate, n = f"{base}.{suffix}", 1
    taken = taken or set()
    while candidate in taken or User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}.{suffix}"
    return candidate


@transaction.atomic
def department_save(*, department: Department) -> Department:
    checked(department)
    department.save()
    return department


@transaction.atomic
def department_delete(*, department: Department) -> None:
    if Person.objects.filter(department=department).exists():
        raise Refused(_("Er werken nog mensen op deze afdeling. Verplaats hen eerst."))
    if department.trajectory_set.exists():
        raise Refused(_("Deze afdeling heeft WPO-trajecten. Die blijven bewaard, dus de afdeling ook."))
    try:
        with transaction.atomic():
            department.delete()
    except ProtectedError as error:
        # Visits and other records that must stay keep the department too.
        raise Refused(
            _(
                "Deze afdeling staat nog in afdelingsbezoeken of andere verslagen. "
                "Die blijven bewaard, dus de afdeling ook."
            )
        ) from error


def _set_roles(person: Person, roles: Iterable[Role]) -> None:
    chosen = set(roles)
    for role, field_name in ROLE_FIELDS.items():
        setattr(person, field_name, role in chosen)


def _set_trainers(person: Person, trainers: Iterable[Person]) -> None:
    wanted = {t.pk: t for t in trainers}
    for trainer in wanted.values():
        if trainer.organization_id != person.organization_id or not trainer.is_trainer:
            raise Refused(_("Kies als werkplekopleider iemand met die rol in deze organisatie."))
    TrainerLink.objects.filter(participant=person).exclude(trainer_id__in=wanted).delete()
    existing = set(TrainerLink.objects.filter(participant=person).values_list("trainer_id", flat=True))
    for pk, trainer in wanted.items():
        if pk not in existing:
            # One save each (a person has one or two trainers): the audit trail records each link.
            TrainerLink.objects.create(organization_id=person.organization_id, participant=person, trainer=trainer)


@transaction.atomic
def person_create(
    *,
    organization: Organization,
    first_name: str,
    last_name: str,
    email: str = "",
    username: str = "",
    password: str | None = None,
    department: Department | None = None,
    employee_number: str = "",
    roles: Iterable[Role] = (),
    trainers: Iterable[Person] = (),
) -> Person:
    user = User(
        username=username or unique_username(first_name, last_name, organization),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    checked(user)
    user.save()
    person = Person(organization=organization, user=user, department=department, employee_number=employee_number)
    _set_roles(person, roles)
    checked(person)
    person.save()
    _set_trainers(person, trainers)
    return person


@transaction.atomic
def person_update(
    *,
    actor: Person | None = None,
    person: Person,
    first_name: str,
    last_name: str,
    email: str,
    department: Department | None,
    employee_number: str,
    roles: Iterable[Role],
    trainers: Iterable[Person],
    password: str | None = None,
) -> Person:
    roles = list(roles)
    drops_own_administration = not any(Ability.MANAGE_PEOPLE in GRANTS[role] for role in roles)
    if actor is not None and actor.pk == person.pk and may(actor, Ability.MANAGE_PEOPLE) and drops_own_administration:
        # Otherwise an organisation could lock itself out of its own administration.
        raise Refused(_("Je kunt je eigen beheerdersrol niet weghalen."))
    user = person.user
    login_changed = bool(password) or email.strip().lower() != user.email.lower()
    login_changed = login_changed or employee_number.strip() != person.employee_number
    if login_changed and user_has_extra_rights(user):
        # The password and what single sign-on matches on: not the organisation's to change here.
        raise Refused(MANAGED_BY_OPERATORS)
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email.strip()
    if password:
        user.set_password(password)
    checked(user)
    user.save(update_fields=["first_name", "last_name", "email", "password"])
    person.department = department
    person.employee_number = employee_number.strip()
    _set_roles(person, roles)
    checked(person)
    person.save()
    _set_trainers(person, trainers)
    return person


# The import's own steps live in people_import.py (which uses the services above); other apps reach
# the two that AVG needs here.
from .people_import import people_import_forget as people_import_forget  # noqa: E402
from .people_import import people_imports_purge as people_imports_purge  # noqa: E402


@transaction.atomic
def display_set(person: Person, *, actor: Person, large_text: bool, calm_colours: bool) -> None:
    """How the pages look for this person: bigger text, calm colours with much contrast. Only the
    person themselves chooses it (it follows them to every device they log in on)."""
    if actor.pk != person.pk:
        raise Refused(_("Dit kan alleen de persoon zelf kiezen."))
    person.large_text = large_text
    person.calm_colours = calm_colours
    person.save(update_fields=["large_text", "calm_colours"])
