"""``manage.py backup [--output PATH]``: the database and every uploaded file in one archive.

The archive is written to a temporary file next to the target and renamed at the end, so a
failed backup never leaves a half archive behind. See docs/reliability.md.
"""

import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from wpo.ops import archive


class Command(BaseCommand):
    help = "Maak een back-up van de database en de geüploade bestanden (één .tar.gz in backups/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="Pad van het archief (standaard backups/wpo-backup-<tijd>.tar.gz).")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        output = Path(
            options["output"] or Path(settings.BASE_DIR) / "backups" / f"wpo-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        connection = connections[DEFAULT_DB_ALIAS]
        vendor = connection.vendor
        if vendor not in archive.DUMP_NAMES:
            raise CommandError(f"Database {vendor} wordt niet ondersteund (alleen SQLite en PostgreSQL).")

        fd, partial_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent)
        os.close(fd)
        partial = Path(partial_name)
        try:
            with tempfile.TemporaryDirectory(prefix="wpo-backup-") as workdir:
                dump = Path(workdir) / archive.DUMP_NAMES[vendor]
                if vendor == "sqlite":
                    counts, migrations = self.dump_sqlite(str(connection.settings_dict["NAME"]), dump)
                else:
                    counts, migrations = self.dump_postgresql(connection.settings_dict, dump)
                root = archive.media_root()
                media = archive.media_manifest(root)
                manifest = {
                    "format": archive.FORMAT_VERSION,
                    "created_at": now.isoformat(),
                    "vendor": vendor,
                    "migrations": migrations,
                    "row_counts": counts,
                    "database": {"name": dump.name, **archive.file_entry(dump)},
                    "media": media,
                }
                manifest_path = Path(workdir) / archive.MANIFEST
                manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
                self.write_tar(partial, manifest_path, dump, root, media)
            partial.chmod(0o600)  # it holds personal data
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        size = output.stat().st_size
        self.stdout.write(
            f"Back-up gemaakt: {output} ({size / 1_000_000:.1f} MB, {sum(counts.values())} rijen, "
            f"{len(media)} bestanden)."
        )

    def write_tar(
        self, partial: Path, manifest: Path, dump: Path, root: Path, media: dict[str, dict[str, Any]]
    ) -> None:
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(manifest, arcname=archive.MANIFEST)
            tar.add(dump, arcname=dump.name)
            for name in media:
                tar.add(root / name, arcname=f"{archive.MEDIA_PREFIX}/{name}", recursive=False)

    def dump_sqlite(self, name: str, dump: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
        """A consistent copy through SQLite's backup API; counts are taken from the copy itself."""
        source = sqlite3.connect(name)
        target = sqlite3.connect(dump)
        try:
            source.backup(target)
            cursor = target.cursor()
            return archive.row_counts(cursor, "sqlite"), archive.applied_migrations(cursor)
        finally:
            target.close()
            source.close()

    def dump_postgresql(self, settings_dict: dict[str, Any], dump: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
        """pg_dump and the row counts read the same snapshot (exported from a repeatable-read transaction)."""
        connection = connections[DEFAULT_DB_ALIAS]
        raw = connection.get_new_connection(connection.get_connection_params())
        try:
            raw.autocommit = False
            with raw.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
                    [archive.pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
                    env=archive.pg_env(settings_dict),
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if result.returncode != 0:
                    raise CommandError(f"pg_dump is mislukt: {result.stderr.strip()}")
                counts = archive.row_counts(cursor, "postgresql")
                migrations = archive.applied_migrations(cursor)
            raw.rollback()
        finally:
            raw.close()
        return counts, migrations
