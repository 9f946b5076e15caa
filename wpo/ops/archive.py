"""What ``manage.py backup`` and ``manage.py restore`` share: the archive layout, the manifest,
counting rows and hashing media.

An archive is one ``.tar.gz`` with three parts:

- ``manifest.json``: format version, when, the database vendor, the applied migrations per app,
  the number of rows of every table, and the size and SHA-256 of the database dump and of every
  media file;
- ``database.sqlite3`` (a consistent copy made with SQLite's backup API) or ``database.pgdump``
  (``pg_dump --format=custom``);
- ``media/...``: every file under ``MEDIA_ROOT``.
"""

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.management.base import CommandError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Tables a freshly migrated, empty database already fills; rows elsewhere mean "there is data".
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


class Cursor(Protocol):
    """The part of a DB-API cursor used here (sqlite3, psycopg and Django's cursor wrapper)."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entry(path: Path) -> dict[str, Any]:
    return {"size": path.stat().st_size, "sha256": sha256_of(path)}


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under ``root`` as (relative POSIX name, path), sorted."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root, onerror=_raise):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _raise(error: OSError) -> None:
    raise error


def media_manifest(root: Path) -> dict[str, dict[str, Any]]:
    return {name: file_entry(path) for name, path in media_files(root)}


def table_names(cursor: Cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    elif vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    else:
        raise CommandError(f"Database {vendor} wordt niet ondersteund (alleen SQLite en PostgreSQL).")
    return sorted(row[0] for row in cursor.fetchall())


def row_counts(cursor: Cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in table_names(cursor, vendor):
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 - a table name from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    return counts


def applied_migrations(cursor: Cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """Environment for pg_dump/pg_restore: the connection goes in PG* variables, not the command line."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: ``PG_BIN`` if set (a directory), else from PATH."""
    directory = os.environ.get("PG_BIN")
    tool = str(Path(directory) / name) if directory else shutil.which(name)
    if not tool:
        raise CommandError(f"{name} niet gevonden: installeer postgresql-client of zet PG_BIN.")
    return tool
