"""Reads of the service desk: counts per organisation, never a person's data.

``organization_rows`` is one query whatever the number of organisations: every figure is a
subquery on the organisation's row (no joins that multiply rows).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX as UNUSABLE_PREFIX
from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from wpo.orgs.models import ROLE_FIELDS, Organization, Person, Role
from wpo.trajectories.models import Trajectory

from .models import Invitation, ServiceEvent, token_hash


def _count(queryset: QuerySet[Person] | QuerySet[Trajectory]) -> Coalesce:
    counted = queryset.order_by().values("organization").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class OrganizationRow:
    pk: int
    name: str
    slug: str
    suspended_at: datetime | None
    people: int
    per_role: list[tuple[str, int]]
    running_trajectories: int
    administrators_waiting: int
    last_activity: datetime | None
    places: int | None
    starts_on: date | None
    ends_on: date | None
    # Measured in the background (wpo/service/storage.py); None until the first measurement.
    storage_files: int | None = None
    storage_bytes: int | None = None
    storage_measured_at: datetime | None = None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


def organization_rows() -> list[OrganizationRow]:
    """Every organisation with its status and use: people per role, running trajectories, the last
    login of any of its people or the last step in any of its trajectories, and the size of its files
    as last measured. One query."""
    people = Person.objects.filter(organization=OuterRef("pk"))
    annotations = {f"n_{role.value}": _count(people.filter(**{ROLE_FIELDS[role]: True})) for role in Role}
    User = get_user_model()
    last_login = (
        User._default_manager.filter(person__organization=OuterRef("pk"))
        .order_by()
        .values("person__organization")
        .annotate(at=Max("last_login"))
        .values("at")
    )
    last_step = (
        Trajectory.objects.filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(at=Max("last_activity_at"))
        .values("at")
    )
    rows = (
        Organization.objects.select_related("service_contract", "storage_usage")
        .annotate(
            n_people=_count(people),
            # Administrators who have not chosen a password yet: their invitation may need sending again.
            n_waiting=_count(people.filter(is_administrator=True, user__password__startswith=UNUSABLE_PREFIX)),
            n_running=_count(Trajectory.objects.filter(organization=OuterRef("pk"), status=Trajectory.Status.ACTIVE)),
            last_login=Subquery(last_login),
            last_step=Subquery(last_step),
            **annotations,
        )
        .order_by("name", "pk")
    )
    result = []
    for org in rows:
        contract = getattr(org, "service_contract", None)
        usage = getattr(org, "storage_usage", None)
        moments = [m for m in (org.last_login, org.last_step) if m is not None]
        result.append(
            OrganizationRow(
                pk=org.pk,
                name=org.name,
                slug=org.slug,
                suspended_at=org.suspended_at,
                people=org.n_people,
                per_role=[(str(role.label), getattr(org, f"n_{role.value}")) for role in Role],
                running_trajectories=org.n_running,
                administrators_waiting=org.n_waiting,
                last_activity=max(moments) if moments else None,
                places=contract.places if contract else None,
                starts_on=contract.starts_on if contract else None,
                ends_on=contract.ends_on if contract else None,
                storage_files=usage.files if usage else None,
                storage_bytes=usage.bytes if usage else None,
                storage_measured_at=usage.measured_at if usage else None,
            )
        )
    return result


def organization_for_service(organization_id: int) -> Organization | None:
    return Organization.objects.filter(pk=organization_id).first()


def events(limit: int = 200) -> QuerySet[ServiceEvent]:
    return ServiceEvent.objects.select_related("operator__user").order_by("-at", "-pk")[:limit]


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation whose link holds ``token``, looked up by the token's hash (the token is not stored)."""
    found: Invitation | None = Invitation.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    return found
