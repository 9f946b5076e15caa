"""Which rows and files belong to one organisation, found by walking every model Django knows.

Used by the export before closing (``export.py``), by closing itself (``closing.py``) and by the
storage figure on the overview (``storage.py``), so the three always agree on what "the
organisation's data" is, and a model added later is covered without being listed anywhere.

A model belongs to an organisation when a foreign key that does not let go of its target
(CASCADE, PROTECT, RESTRICT or DO_NOTHING) leads to a row that belongs to it: ``Organization``
itself, then everything with an ``organization`` key, then everything hanging from those (an
organisation's own skills, their assignments and versions, the through-tables of many-to-many
fields), and the login accounts of its people with what hangs from them (two-factor devices,
Django's admin log). A key that is set to NULL (a national edition published by the organisation's
editor, the service desk's log) does not make a row the organisation's: deleting the target only
empties that key. The history tables (django-simple-history, wpo/audit) keep ids without
constraints; they belong through their ``organization`` and ``about_person`` columns and, for the
history of a login or a person, through the tracked row's own id.
"""

import graphlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q

from wpo.orgs.models import Organization, Person

# on_delete handlers that keep a row tied to its target: the row goes (or blocks) with it.
BINDING = (models.CASCADE, models.PROTECT, models.RESTRICT, models.DO_NOTHING)
# Never part of an organisation's data, whatever their keys say.
# ``OrganizationExport`` is the export itself: deleted with the organisation, but not exported.
NOT_EXPORTED = {"service.OrganizationExport"}


@dataclass(frozen=True)
class Scope:
    """The organisation and the ids that cannot be found through a key any more once rows are deleted."""

    organization_id: int
    person_ids: tuple[int, ...]
    user_ids: tuple[int, ...]

    @classmethod
    def of(cls, organization: Organization) -> "Scope":
        people = list(Person.objects.filter(organization=organization).values_list("pk", "user_id"))
        return cls(
            organization_id=organization.pk,
            person_ids=tuple(sorted(p for p, _u in people)),
            user_ids=tuple(sorted(u for _p, u in people)),
        )


def _history_of(model: type[models.Model]) -> type[models.Model] | None:
    """The tracked model of a django-simple-history table, else None."""
    tracked = getattr(model, "instance_type", None)
    if tracked is not None and hasattr(model, "history_id"):
        return tracked  # type: ignore[no-any-return]
    return None


def _concrete_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy and m._meta.managed is not False]


def _binding_keys(model: type[models.Model]) -> Iterator[models.ForeignKey[Any, Any]]:
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey) and field.remote_field.on_delete in BINDING:
            yield field


def owned_models() -> list[type[models.Model]]:
    """Every model with a row that can belong to an organisation, in the order to delete them:
    a row before the rows it points at (so PROTECT never blocks), the history tables last (deleting
    a tracked row writes one more history row)."""
    User = get_user_model()
    concrete = _concrete_models()
    owned: set[type[models.Model]] = {Organization, User}
    changed = True
    while changed:
        changed = False
        for model in concrete:
            if model in owned:
                continue
            if any(field.related_model in owned for field in _binding_keys(model)):
                owned.add(model)
                changed = True
    graph: dict[type[models.Model], set[type[models.Model]]] = {m: set() for m in owned}
    for model in owned:
        for field in model._meta.get_fields():
            # A key that only empties itself (SET_NULL) or has no constraint does not decide the order.
            if not isinstance(field, models.ForeignKey) or field.remote_field.on_delete not in BINDING:
                continue
            target = field.related_model
            if target in owned and target is not model and getattr(field, "db_constraint", True):
                # ``target`` is deleted after ``model``: it is a predecessor of ``target``.
                graph[target].add(model)
    order = list(graphlib.TopologicalSorter(graph).static_order())
    history = [m for m in order if _history_of(m) is not None]
    return [m for m in order if _history_of(m) is None] + history


def rows(model: type[models.Model], scope: Scope) -> models.QuerySet[Any]:
    """The rows of ``model`` that belong to the organisation in ``scope``.

    A table with its own ``organization`` key (cascading) is read by that one indexed column: every
    row of the organisation carries it (``OrgOwned``). Any other table is read through each of its
    binding keys; called in ``owned_models()`` order, the rows such a filter goes through are deleted
    only after it ran.
    """
    User = get_user_model()
    manager = model._base_manager
    if model is Organization:
        return manager.filter(pk=scope.organization_id)
    if model is User:
        return manager.filter(pk__in=scope.user_ids)
    keys = list(_binding_keys(model))
    own = [f for f in keys if f.related_model is Organization and f.remote_field.on_delete is models.CASCADE]
    if own:
        return manager.filter(**{own[0].attname: scope.organization_id})
    condition = Q(pk__in=[])
    tracked = _history_of(model)
    if tracked is User:
        condition |= Q(id__in=scope.user_ids)
    elif tracked is Person:
        condition |= Q(id__in=scope.person_ids)
    for field in keys:
        target = field.related_model
        if target is Organization:
            condition |= Q(**{f"{field.attname}": scope.organization_id})
        elif target is User:
            condition |= Q(**{f"{field.attname}__in": scope.user_ids})
        elif target is Person:
            condition |= Q(**{f"{field.attname}__in": scope.person_ids})
        elif target in _owned_set() and target is not model:
            condition |= Q(**{f"{field.attname}__in": rows(target, scope).values("pk")})
    return manager.filter(condition)


_OWNED: set[type[models.Model]] | None = None


def _owned_set() -> set[type[models.Model]]:
    global _OWNED
    if _OWNED is None:
        _OWNED = set(owned_models())
    return _OWNED


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.get_fields() if isinstance(f, models.FileField)]


def _content_files(model: type[models.Model], scope: Scope) -> Iterator[tuple[str, str, int, str]]:
    """Files a published assignment version names inside its content (a video of the organisation's
    own assignment), which no FileField knows."""
    if model._meta.label != "curriculum.AssignmentVersion":
        return
    for pk, content in rows(model, scope).values_list("pk", "content").iterator():
        video = (content or {}).get("video") if isinstance(content, dict) else None
        name = video.get("file") if isinstance(video, dict) else None
        if isinstance(name, str) and name:
            yield (model._meta.label, "content.video", pk, name)


def _stored_under(prefix: str) -> Iterator[str]:
    """Every file the default storage keeps under ``prefix`` (a folder), at any depth."""
    try:
        folders, names = default_storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        yield f"{prefix}/{name}"
    for folder in folders:
        yield from _stored_under(f"{prefix}/{folder}")


def _package_files(model: type[models.Model], scope: Scope) -> Iterator[tuple[str, str, int, str]]:
    """The extracted files of the organisation's own e-learning packages (wpo.packages): a folder per
    version, named on the row, which no FileField knows."""
    if model._meta.label != "packages.PackageVersion":
        return
    for pk, prefix in rows(model, scope).values_list("pk", "storage_prefix").iterator():
        if prefix:
            for name in _stored_under(str(prefix).rstrip("/")):
                yield (model._meta.label, "storage_prefix", pk, name)


def files(scope: Scope) -> Iterator[tuple[str, str, int, str]]:
    """(model label, field, row id, storage name) of every file of the organisation."""
    for model in owned_models():
        for field in file_fields(model):
            for pk, name in rows(model, scope).exclude(**{field.name: ""}).values_list("pk", field.name).iterator():
                if name:
                    yield (model._meta.label, field.name, pk, str(name))
        yield from _content_files(model, scope)
        yield from _package_files(model, scope)
