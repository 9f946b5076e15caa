"""Bulk import of people from a CSV file as an HR system exports it.

Flow: upload → ``preview`` (nothing written but the uploaded text) → confirm → ``people_import_confirm``
re-reads the same text and writes every row in one transaction, or nothing at all.

The uploaded text is an HR export: it is kept only while it waits for the confirmation. It is
emptied when the import is done, when it is abandoned (not confirmed within ``PREVIEW_HOURS``,
``people_imports_purge`` in the nightly run), and a person's rows leave it when that person is
anonymised (``people_import_forget``).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Department, Organization, PeopleImport, Person, Role
from .services import person_create, person_update, unique_username

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# How long an uploaded file waits for its confirmation before the nightly run throws it away.
PREVIEW_HOURS = 24

# Header names as HR exports write them; compared after lower-casing and trimming.
COLUMNS: dict[str, tuple[str, ...]] = {
    "employee_number": ("personeelsnummer", "personeelsnr", "medewerkernummer", "nummer"),
    "first_name": ("voornaam", "roepnaam"),
    "infix": ("tussenvoegsel", "tussenvoegsels"),
    "last_name": ("achternaam",),
    "email": ("e-mail", "email", "e-mailadres", "emailadres"),
    "department": ("afdeling",),
    "roles": ("rol", "rollen", "functie in wpo"),
    "trainer": ("werkplekopleider", "leidinggevende"),
}
REQUIRED = ("employee_number", "first_name", "last_name", "department", "roles")
ROLE_WORDS: dict[str, Role] = {
    "deelnemer": Role.PARTICIPANT,
    "werkplekopleider": Role.TRAINER,
    "opleider": Role.TRAINER,
    "coach": Role.COACH,
    "projectmanager": Role.PROJECT_MANAGER,
    "beheerder": Role.ADMINISTRATOR,
}


@dataclass
class Row:
    line: int
    employee_number: str
    first_name: str
    last_name: str
    email: str
    department: str
    roles: list[Role]
    trainer: str
    existing: Person | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def role_labels(self) -> str:
        return ", ".join(str(r.label) for r in self.roles)


@dataclass
class Preview:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems with the file as a whole
    new_departments: list[str] = field(default_factory=list)

    @property
    def row_errors(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.row_errors and bool(self.rows)

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.existing is None)

    @property
    def update_count(self) -> int:
        return sum(1 for r in self.rows if r.existing is not None)


def decode_upload(raw: bytes) -> str:
    """HR exports come as UTF-8 (often with a byte-order mark) or as Windows-1252 from Excel."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _reader(text: str) -> csv.DictReader[str]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": the csv module reads line ends itself, so a lone "\r" (old Mac export) is one.
    return csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)


def preview(organization: Organization, text: str) -> Preview:
    result = Preview()
    reader = _reader(text)
    try:
        fieldnames = reader.fieldnames or []
        raw_rows = list(reader)
    except csv.Error:
        result.errors.append(_("Dit bestand kan niet als CSV gelezen worden. Sla het in Excel op als CSV."))
        return result
    headers = {(h or "").strip().lower(): h for h in fieldnames}
    mapping: dict[str, str] = {}
    for key, names in COLUMNS.items():
        found = next((headers[n] for n in names if n in headers), None)
        if found is not None:
            mapping[key] = found
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in mapping]
    if missing:
        result.errors.append(
            _("Deze kolommen ontbreken: %(columns)s. De eerste regel moet de kolomnamen bevatten.")
            % {"columns": ", ".join(missing)}
        )
        return result

    departments = {d.name.lower(): d for d in Department.objects.filter(organization=organization)}
    existing = {
        p.employee_number: p
        for p in Person.objects.filter(organization=organization).exclude(employee_number="").select_related("user")
    }
    org_trainers = {p.employee_number for p in existing.values() if p.is_trainer}
    seen: dict[str, int] = {}
    if len(raw_rows) > MAX_ROWS:
        result.errors.append(_("Het bestand heeft meer dan %(max)d regels. Splits het op.") % {"max": MAX_ROWS})
        return result
    for index, raw in enumerate(raw_rows, start=2):

        def get(key: str, raw: dict[str, str | None] = raw) -> str:
            column = mapping.get(key)
            value = raw.get(column) if column else ""
            return (value or "").strip()

        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue  # Excel often leaves empty lines at the end
        last_name = " ".join(p for p in (get("infix"), get("last_name")) if p)
        row = Row(
            line=index,
            employee_number=get("employee_number"),
            first_name=get("first_name"),
            last_name=last_name,
            email=get("email"),
            department=get("department"),
            roles=[],
            trainer=get("trainer"),
        )
        for key, label in (
            ("employee_number", _("personeelsnummer")),
            ("first_name", _("voornaam")),
            ("last_name", _("achternaam")),
            ("department", _("afdeling")),
        ):
            if not getattr(row, key):
                row.errors.append(_("%(field)s is leeg.") % {"field": label.capitalize()})
        for word in filter(
            None, (w.strip().lower() for w in get("roles").replace("/", ",").replace("|", ",").split(","))
        ):
            role = ROLE_WORDS.get(word)
            if role is None:
                row.errors.append(
                    _("Onbekende rol ‘%(role)s’. Kies uit: %(choices)s.")
                    % {"role": word, "choices": ", ".join(ROLE_WORDS)}
                )
            elif role not in row.roles:
                row.roles.append(role)
        if not row.roles and not any("rol" in e.lower() for e in row.errors):
            row.errors.append(_("Rol is leeg."))
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                row.errors.append(_("‘%(email)s’ is geen geldig e-mailadres.") % {"email": row.email})
        if len(row.first_name) > 150 or len(row.last_name) > 150:
            row.errors.append(_("Naam is te lang (hoogstens 150 tekens)."))
        if row.employee_number:
            if row.employee_number in seen:
                row.errors.append(
                    _("Personeelsnummer %(number)s staat ook op regel %(line)d.")
                    % {"number": row.employee_number, "line": seen[row.employee_number]}
                )
            seen.setdefault(row.employee_number, index)
            row.existing = existing.get(row.employee_number)
        known = departments.keys() | {d.lower() for d in result.new_departments}
        if row.department and row.department.lower() not in known:
            result.new_departments.append(row.department)
        result.rows.append(row)

    trainers_in_file = {r.employee_number for r in result.rows if Role.TRAINER in r.roles}
    for row in result.rows:
        if row.trainer and row.trainer not in trainers_in_file | org_trainers:
            row.errors.append(
                _(
                    "Werkplekopleider %(number)s is niet gevonden. "
                    "Zet die persoon ook in het bestand, met de rol werkplekopleider."
                )
                % {"number": row.trainer}
            )
    if not result.rows and not result.errors:
        result.errors.append(_("Het bestand bevat geen mensen."))
    return result


@transaction.atomic
def people_import_confirm(*, people_import: PeopleImport) -> int:
    """Write every row of the import, or nothing. Returns how many people were written."""
    locked = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
    if locked.status == PeopleImport.Status.ABANDONED:
        raise ValidationError(_("Dit bestand is weggegooid, omdat het te lang bleef liggen. Upload het opnieuw."))
    if locked.status != PeopleImport.Status.PREVIEW:
        raise ValidationError(_("Dit bestand is al geïmporteerd."))
    organization = locked.organization
    result = preview(organization, locked.content)
    if not result.ok:
        raise ValidationError(_("Het bestand heeft nog fouten. Er is niets geïmporteerd."))
    departments = {d.name.lower(): d for d in Department.objects.filter(organization=organization)}
    for name in result.new_departments:
        departments[name.lower()] = Department.objects.create(organization=organization, name=name)
    written: dict[str, Person] = {}
    taken: set[str] = set()
    for row in result.rows:
        department = departments[row.department.lower()]
        if row.existing is not None:
            person = person_update(
                person=row.existing,
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email,
                department=department,
                employee_number=row.employee_number,
                roles=set(row.existing.roles) | set(row.roles),
                trainers=list(row.existing.trainers.all()),
            )
        else:
            username = unique_username(row.first_name, row.last_name, organization, taken)
            taken.add(username)
            person = person_create(
                organization=organization,
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email,
                username=username,
                department=department,
                employee_number=row.employee_number,
                roles=row.roles,
            )
        written[row.employee_number] = person
    trainers = {
        p.employee_number: p
        for p in Person.objects.filter(organization=organization, is_trainer=True).exclude(employee_number="")
    }
    for row in result.rows:
        if row.trainer:
            person = written[row.employee_number]
            person_update(
                person=person,
                first_name=person.user.first_name,
                last_name=person.user.last_name,
                email=person.user.email,
                department=person.department,
                employee_number=person.employee_number,
                roles=person.roles,
                trainers={*person.trainers.all(), trainers[row.trainer]},
            )
    locked.status = PeopleImport.Status.DONE
    locked.imported_count = len(written)
    # The people are written; the HR export is not needed any more.
    locked.content = ""
    locked.save(update_fields=["status", "imported_count", "content"])
    return len(written)


@transaction.atomic
def people_imports_purge(now: datetime | None = None) -> int:
    """Abandon every import still waiting after ``PREVIEW_HOURS`` and empty its text; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=PREVIEW_HOURS)
    return PeopleImport.objects.filter(status=PeopleImport.Status.PREVIEW, created_at__lt=cutoff).update(
        status=PeopleImport.Status.ABANDONED, content=""
    )


@transaction.atomic
def people_import_forget(
    *, organization_id: int, employee_number: str, email: str, first_name: str, last_name: str
) -> int:
    """Take the rows about one person out of every import of the organisation that still holds its
    text (for the anonymisation); returns how many rows went. Done and abandoned imports hold none."""
    removed = 0
    waiting = PeopleImport.objects.select_for_update().filter(
        organization_id=organization_id, status=PeopleImport.Status.PREVIEW
    )
    for record in waiting.exclude(content=""):
        reader = _reader(record.content)
        try:
            fieldnames = list(reader.fieldnames or [])
            rows = list(reader)
        except csv.Error:
            # Unreadable, so it cannot be imported either: nothing of it needs to stay.
            record.status, record.content = PeopleImport.Status.ABANDONED, ""
            record.save(update_fields=["status", "content"])
            continue
        kept = [row for row in rows if not _about(row, employee_number, email, first_name, last_name)]
        if len(kept) == len(rows):
            continue
        removed += len(rows) - len(kept)
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=fieldnames, dialect=reader.dialect, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(kept)
        record.content = out.getvalue()
        record.save(update_fields=["content"])
    return removed


def _about(row: dict[str | None, object], employee_number: str, email: str, first_name: str, last_name: str) -> bool:
    cells = {str(v).strip().lower() for v in row.values() if isinstance(v, str) and v.strip()}
    if (employee_number and employee_number.lower() in cells) or (email and email.lower() in cells):
        return True
    # By name: the first name in a cell of its own, and the last name (an infix may stand apart).
    last = last_name.lower().split()
    return bool(first_name and last) and first_name.lower() in cells and last[-1] in {c.split()[-1] for c in cells}
