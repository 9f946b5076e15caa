"""Reading the audit trail: one list over all tracked tables, newest first, in plain Dutch.

The tracked tables are read as one ``UNION`` of (source, history_id, history_date), ordered and
paged in the database. Only the page's rows are then loaded in full, per table, together with
the row each one replaced, and every name a page mentions is looked up at once. A page costs the
same number of queries whether it shows 1 or 50 changes.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wpo.curriculum.models import Skill
from wpo.orgs.models import Department, Person, TrainerLink
from wpo.trajectories.models import Assessment, ParticipantAssignment, Trajectory, TrajectorySkill

from .history import Kind

PAGE_SIZE = 50

# Columns that are bookkeeping, not something an administrator changed.
HIDDEN_FIELDS = {
    "id",
    "organization",
    "user",
    "is_staff",
    "is_superuser",
    "history_id",
    "history_date",
    "history_type",
    "history_user_id",
    "history_change_reason",
    "audit_kind",
    "about_person",
    "trajectory",  # a chosen skill's trajectory: the entry already says whose it is
}

# Fields whose model gives no (Dutch) label of its own.
LABELS: dict[str, Any] = {
    "participant": gettext_lazy("deelnemer"),
    "trainer": gettext_lazy("werkplekopleider"),
    "assessor": gettext_lazy("beoordelaar"),
    "participant_assignment": gettext_lazy("WPO-opdracht"),
    "second_assessed_at": gettext_lazy("tweede beoordeling op"),
    "skill": gettext_lazy("skill"),
}

ACTIONS = {"+": gettext_lazy("aangemaakt"), "~": gettext_lazy("gewijzigd"), "-": gettext_lazy("verwijderd")}


def sources() -> dict[str, Any]:
    """The historical model of every tracked table, by a short tag."""
    user_model: Any = get_user_model()
    tracked: dict[str, Any] = {
        "person": Person,
        "user": user_model,
        "trainer_link": TrainerLink,
        "trajectory": Trajectory,
        "trajectory_skill": TrajectorySkill,
        "assessment": Assessment,
    }
    return {tag: model.history.model for tag, model in tracked.items()}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    when: datetime
    actor: str
    kind: str
    about: str
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)

    @property
    def no_details(self) -> bool:
        """A change whose differences are no longer visible (a scrubbed name, a hidden field)."""
        return not self.changes and self.action == str(ACTIONS["~"])


@dataclass
class Filters:
    kind: str = ""
    person: Person | None = None
    name: str = ""
    start: date | None = None
    end: date | None = None


def filtered(
    scoped: dict[str, models.QuerySet[Any]],
    people: models.QuerySet[Person],
    filters: Filters,
    keep: int | None = None,
) -> Any:
    """The union of all tables' rows that pass ``filters``, newest first (not yet evaluated).

    With ``keep``, each table contributes only its newest ``keep`` rows (where the database can
    order and limit inside a UNION, as PostgreSQL can): page n needs no more than n × 50 rows
    from any one table, read from the (organization, history_date) index.
    """
    condition = Q()
    if filters.kind:
        condition &= Q(audit_kind=filters.kind)
    if filters.person is not None:
        condition &= Q(about_person_id=filters.person.pk)
    if filters.name:
        matching = people
        for word in filters.name.split():
            matching = matching.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word))
        condition &= Q(about_person_id__in=matching.values("pk"))
    # Whole local days, as a range on the indexed column.
    zone = timezone.get_current_timezone()
    if filters.start:
        condition &= Q(history_date__gte=datetime.combine(filters.start, time.min, zone))
    if filters.end:
        condition &= Q(history_date__lt=datetime.combine(filters.end + timedelta(days=1), time.min, zone))
    newest_first = ("-history_date", "-history_id")
    limit = keep is not None and connection.features.supports_slicing_ordering_in_compound
    parts = []
    for tag, qs in scoped.items():
        part = (
            qs.filter(condition)
            .annotate(source=Value(tag, output_field=CharField()))
            .values("source", "history_id", "history_date")
        )
        parts.append(part.order_by(*newest_first)[:keep] if limit else part.order_by())
    union = parts[0].union(*parts[1:], all=True)
    return union.order_by(*newest_first)


def page_of(
    scoped: dict[str, models.QuerySet[Any]], people: models.QuerySet[Person], filters: Filters, number: Any
) -> tuple[Page[Any], list[Entry]]:
    paginator = Paginator(filtered(scoped, people, filters), PAGE_SIZE)
    chosen = paginator.get_page(number).number  # costs the count only
    bottom = (chosen - 1) * PAGE_SIZE
    keys = list(filtered(scoped, people, filters, keep=bottom + PAGE_SIZE)[bottom : bottom + PAGE_SIZE])
    return Page(keys, chosen, paginator), entries(scoped, people, keys)


def entries(
    scoped: dict[str, models.QuerySet[Any]], people: models.QuerySet[Person], keys: list[dict[str, Any]]
) -> list[Entry]:
    """Turn the page's (source, history_id) keys into readable entries."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for key in keys:
        wanted[key["source"]].append(key["history_id"])
    rows: dict[tuple[str, int], Any] = {}
    previous: dict[tuple[str, int], Any] = {}
    for tag, ids in wanted.items():
        # The page's rows, then the rows they replaced: two primary-key lookups per table.
        table = scoped[tag]
        # The predecessor of a row of this organisation is a row of the same object, so of the
        # same organisation: looked up by (id, history_date) alone, the index gives it at once.
        before = (
            table.model.objects.filter(id=OuterRef("id"), history_date__lte=OuterRef("history_date"))
            .exclude(history_id=OuterRef("history_id"))
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        on_page = table.filter(history_id__in=ids).annotate(previous_id=Subquery(before))
        earlier = {r.history_id: r for r in table.filter(history_id__in=on_page.values("previous_id"))}
        for row in on_page:
            rows[tag, row.history_id] = row
            if row.previous_id in earlier:
                previous[tag, row.history_id] = earlier[row.previous_id]

    names = _Names(people, rows.values())
    result = []
    for key in keys:
        row = rows.get((key["source"], key["history_id"]))
        if row is None:
            continue
        result.append(_entry(row, previous.get((key["source"], key["history_id"])), names))
    return result


class _Names:
    """Every name one page shows, looked up in one query per kind of thing."""

    def __init__(self, people: models.QuerySet[Person], rows: Iterable[Any]) -> None:
        person_ids: set[int] = set()
        user_ids: set[int] = set()
        ids: dict[type[models.Model], set[int]] = defaultdict(set)
        for row in rows:
            if row.history_user_id:
                user_ids.add(row.history_user_id)
            if row.about_person_id:
                person_ids.add(row.about_person_id)
            for f in _fields(row):
                value = getattr(row, f.attname)
                target = f.related_model
                if value is not None and isinstance(target, type) and issubclass(target, models.Model):
                    if target is Person:
                        person_ids.add(value)
                    else:
                        ids[target].add(value)
        found = people.filter(Q(pk__in=person_ids) | Q(user_id__in=user_ids)).select_related("user")
        self.person: dict[int, str] = {}
        self.by_user: dict[int, str] = {}
        for p in found:
            self.person[p.pk] = p.name
            self.by_user[p.user_id] = p.name
        self.other: dict[tuple[type[models.Model], int], str] = {}
        for model, pks in ids.items():
            pairs: Iterable[tuple[int, str]]
            if model is Department:
                # The ids come out of rows already scoped to the organisation.
                pairs = Department.objects.filter(pk__in=pks).values_list("pk", "name")
            elif model is Skill:
                pairs = Skill.objects.filter(pk__in=pks).values_list("pk", "name")
            elif model is ParticipantAssignment:
                pairs = ParticipantAssignment.objects.filter(pk__in=pks).values_list("pk", "version__title")
            else:
                continue
            for pk, label in pairs:
                self.other[model, pk] = label

    def actor(self, user_id: int | None) -> str:
        if not user_id:
            return _("Systeem")
        return self.by_user.get(user_id) or _("Verwijderde gebruiker")

    def about(self, person_id: int | None) -> str:
        if person_id is None:
            return "—"
        return self.person.get(person_id) or _("Verwijderde persoon")

    def related(self, model: type[models.Model], pk: int) -> str:
        if model is Person:
            return self.about(pk)
        return self.other.get((model, pk)) or "—"


def _fields(row: Any) -> list[models.Field[Any, Any]]:
    return [f for f in row._meta.fields if f.name not in HIDDEN_FIELDS]


def _label(f: models.Field[Any, Any]) -> str:
    if f.name in LABELS:
        return str(LABELS[f.name])
    return str(f.verbose_name) if f.verbose_name and str(f.verbose_name) != f.name.replace("_", " ") else f.name


def _value(f: models.Field[Any, Any], value: Any, names: _Names) -> str:
    if value is None or value == "":
        return "—"
    if f.is_relation:
        assert f.related_model is not None and not isinstance(f.related_model, str)
        return names.related(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "d-m-Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "d-m-Y")
    return str(value)


def _entry(row: Any, before: Any, names: _Names) -> Entry:
    changes: list[Change] = []
    fields = _fields(row)
    if row.history_type == "~":
        for f in fields:
            old = getattr(before, f.attname) if before is not None else None
            new = getattr(row, f.attname)
            if before is None or old != new:
                changes.append(
                    Change(_label(f), _value(f, old, names) if before is not None else "—", _value(f, new, names))
                )
    elif row.history_type == "+":
        for f in fields:
            new = getattr(row, f.attname)
            if new not in (None, "", False):
                changes.append(Change(_label(f), "", _value(f, new, names)))
    return Entry(
        when=row.history_date,
        actor=names.actor(row.history_user_id),
        kind=str(Kind(row.audit_kind).label) if row.audit_kind else "",
        about=names.about(row.about_person_id),
        action=str(ACTIONS[row.history_type]),
        subject=str(row.instance_type._meta.verbose_name),
        changes=changes,
    )
