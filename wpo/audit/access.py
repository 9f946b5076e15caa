"""The one door to the audit trail: only an administrator, only their own organisation."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from wpo.orgs import access as orgs_access
from wpo.orgs.models import Person

from .log import sources


@dataclass
class AuditScope:
    """What one administrator may read of the log."""

    tables: dict[str, models.QuerySet[Any]]  # every tracked table's history rows, by source tag
    people: models.QuerySet[Person]  # whom the log may name or be searched on
    person: Person | None  # the one person asked for, if any


def access_audit_log(person: Person, person_id: int | None = None) -> AuditScope:
    """The log of the administrator's organisation, optionally about one person of it.

    Each historical row carries the organisation of the row it copies (the login account's row
    carries its person's), so one indexed filter per table scopes the whole log. Anyone but an
    administrator gets 403; a person of another organisation is 404.
    """
    if not person.is_administrator:
        raise PermissionDenied
    about = orgs_access.access_person_for_admin(person, person_id) if person_id is not None else None
    tables = {tag: model.objects.filter(organization_id=person.organization_id) for tag, model in sources().items()}
    return AuditScope(tables=tables, people=orgs_access.people(person), person=about)
