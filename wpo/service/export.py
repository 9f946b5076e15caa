"""Everything of one organisation in one ZIP, the first step of closing it.

The ZIP holds:

- ``organisatie.json``: what is in the ZIP (format, the organisation, per table its number of rows,
  every file with its size);
- ``personen/wpo-gegevens-<id>-<date>.zip``: per person the right-of-access export of wpo/privacy, exactly as
  an administrator downloads it for that person (``gegevens.json`` and their photos and voice notes),
  so each person's part can be handed over as it is;
- ``tabellen/<app>.<Model>.json`` and ``.csv``: every row of every table that belongs to the
  organisation (``ownership.owned_models``), secrets left out (password hashes, keys of two-factor
  apps and badge signing, token hashes);
- ``bestanden/<app>.<Model>/<field>/<row id>-<name>``: every file of the organisation (logo, photos,
  voice notes, certificate PDFs, videos of its own assignments).

It is written to a temporary file on disk, not in memory, and then saved in storage.
"""

import csv
import hashlib
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from wpo.orgs.models import Organization, Person
from wpo.privacy.selectors import person_export_zip

from . import ownership

FORMAT = "wpo-organisatie-export"
FORMAT_VERSION = 1
MANIFEST = "organisatie.json"
# Columns that are a secret or the hash of one: of no use to the organisation, a risk in a ZIP.
SECRET_COLUMN = re.compile(r"password|secret|token|key$|_key_|private|pin_hash|^key|jwk_private|session_data")
CHUNK = 2000


def secret_column(field: models.Field[Any, Any]) -> bool:
    if isinstance(field, models.ForeignKey):
        return False
    return bool(SECRET_COLUMN.search(field.attname))


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not secret_column(f)]


def tables(scope: ownership.Scope) -> list[type[models.Model]]:
    return [m for m in ownership.owned_models() if m._meta.label not in ownership.NOT_EXPORTED]


def _table(model: type[models.Model], scope: ownership.Scope) -> tuple[bytes, bytes, int]:
    """The rows as JSON (a list of objects) and as CSV (one header line), and their number."""
    columns = _columns(model)
    found = list(ownership.rows(model, scope).order_by("pk").values_list(*columns).iterator(chunk_size=CHUNK))
    as_dicts = [dict(zip(columns, row, strict=True)) for row in found]
    as_json = json.dumps(as_dicts, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode("utf-8")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    for row in found:
        writer.writerow(
            [json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False) if isinstance(v, dict | list) else v for v in row]
        )
    return as_json, text.getvalue().encode("utf-8"), len(found)


def _file_path(label: str, field: str, pk: int, name: str) -> str:
    return str(PurePosixPath("bestanden") / label / field / f"{pk}-{PurePosixPath(name).name}")


def plan(organization: Organization) -> tuple[ownership.Scope, list[Person], list[type[models.Model]], list[Any]]:
    """What the export will hold: its people, tables and files (the total for the progress bar)."""
    scope = ownership.Scope.of(organization)
    people = list(Person.objects.filter(organization=organization).order_by("pk"))
    found = [f for f in ownership.files(scope) if f[0] not in ownership.NOT_EXPORTED]
    return scope, people, tables(scope), found


def write_zip(organization: Organization, target: Any, progress: Callable[[int], None] | None = None) -> int:
    """Write the organisation's ZIP into the open binary file ``target``; returns the number of parts."""
    scope, people, models_, found = plan(organization)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done)

    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.localtime(timezone.now()).isoformat(timespec="seconds"),
        "organization": {"id": organization.pk, "name": organization.name, "slug": organization.slug},
        "people": [],
        "tables": {},
        "files": [],
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for person in people:
            name, content = person_export_zip(person)
            path = f"personen/{name}"
            archive.writestr(path, content)
            manifest["people"].append({"id": person.pk, "path": path})
            step()
        for model in models_:
            as_json, as_csv, count = _table(model, scope)
            label = model._meta.label
            archive.writestr(f"tabellen/{label}.json", as_json)
            archive.writestr(f"tabellen/{label}.csv", as_csv)
            manifest["tables"][label] = count
            step()
        for label, field, pk, name in found:
            path = _file_path(label, field, pk, name)
            try:
                with default_storage.open(name, "rb") as handle, archive.open(path, "w", force_zip64=True) as out:
                    size = 0
                    while chunk := handle.read(1024 * 1024):
                        out.write(chunk)
                        size += len(chunk)
                manifest["files"].append({"path": path, "table": label, "field": field, "row": pk, "bytes": size})
            except OSError:
                # A file lost from storage: the manifest says it existed.
                manifest["files"].append({"path": None, "table": label, "field": field, "row": pk, "missing": True})
            step()
        archive.writestr(MANIFEST, json.dumps(manifest, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
    return done


def parts(organization: Organization) -> int:
    _scope, people, models_, found = plan(organization)
    return len(people) + len(models_) + len(found)


def save_zip(
    organization: Organization, field: FieldFile, progress: Callable[[int], None] | None = None
) -> tuple[int, str]:
    """Build the ZIP and save it into ``field`` (not saving its row): (size, SHA-256)."""
    with tempfile.TemporaryFile() as target:
        write_zip(organization, target, progress)
        target.seek(0)
        digest = hashlib.sha256()
        size = 0
        while chunk := target.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
        target.seek(0)
        field.save(f"{organization.slug}.zip", File(target), save=False)
    return size, digest.hexdigest()
