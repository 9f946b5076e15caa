"""``manage.py restore PATH [--yes]``: put a backup made by ``manage.py backup`` back.

Order: read and check the manifest (format, database vendor, migrations known to this code),
check the dump and every media file against their checksums, refuse a database or media folder
that holds data unless ``--yes``, restore the database, replace the media, and finally compare
the row count of every table and every media file with the manifest. Any difference: exit
non-zero. See docs/reliability.md.
"""

import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from wpo.ops import archive


class Command(BaseCommand):
    help = "Zet een back-up terug (database en geüploade bestanden) en controleer het resultaat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Het archief, bijvoorbeeld backups/wpo-backup-….tar.gz")
        parser.add_argument(
            "--yes", action="store_true", help="Overschrijf een database of mediamap die al gegevens bevat."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Archief niet gevonden: {path}")
        connection = connections[DEFAULT_DB_ALIAS]
        vendor = connection.vendor
        with tempfile.TemporaryDirectory(prefix="wpo-restore-") as workdir:
            work = Path(workdir)
            manifest = self.extract(path, work)
            self.check_manifest(manifest, vendor)
            self.check_files(manifest, work)
            if not options["yes"] and self.target_has_data(vendor):
                raise CommandError(
                    "De database of de mediamap bevat al gegevens. Die worden overschreven: "
                    "herhaal met --yes als dat de bedoeling is."
                )
            dump = work / manifest["database"]["name"]
            connections.close_all()
            if vendor == "sqlite":
                self.restore_sqlite(dump, str(connection.settings_dict["NAME"]))
            else:
                self.restore_postgresql(dump, connection.settings_dict)
            self.restore_media(work / archive.MEDIA_PREFIX, archive.media_root())
        problems = self.verify(manifest, vendor)
        if problems:
            raise CommandError("Teruggezet, maar het klopt niet met de back-up:\n" + "\n".join(problems))
        self.stdout.write(
            f"Teruggezet en gecontroleerd: {sum(manifest['row_counts'].values())} rijen, "
            f"{len(manifest['media'])} bestanden (back-up van {manifest['created_at']})."
        )

    def extract(self, path: Path, work: Path) -> dict[str, Any]:
        try:
            with tarfile.open(path, "r:gz") as tar:
                allowed = {archive.MANIFEST, *archive.DUMP_NAMES.values()}
                for member in tar.getmembers():
                    inside_media = member.name.startswith(archive.MEDIA_PREFIX + "/")
                    if not (member.isfile() or (member.isdir() and inside_media)):
                        raise CommandError(f"Onverwacht item in het archief: {member.name}")
                    if member.name not in allowed and not inside_media:
                        raise CommandError(f"Onverwacht bestand in het archief: {member.name}")
                tar.extractall(work, filter="data")
            manifest: dict[str, Any] = json.loads((work / archive.MANIFEST).read_text(encoding="utf-8"))
        except (OSError, tarfile.TarError, ValueError) as error:
            raise CommandError(f"Dit is geen leesbare back-up: {error}") from error
        return manifest

    def check_manifest(self, manifest: dict[str, Any], vendor: str) -> None:
        if manifest.get("format") != archive.FORMAT_VERSION:
            raise CommandError(f"Onbekend back-upformaat: {manifest.get('format')!r}.")
        if manifest.get("vendor") != vendor:
            raise CommandError(
                f"Deze back-up komt uit {manifest.get('vendor')}, de database hier is {vendor}: dat kan niet."
            )
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        unknown = [
            f"{app}.{name}"
            for app, names in manifest["migrations"].items()
            for name in names
            if (app, name) not in known
        ]
        if unknown:
            raise CommandError(
                "De back-up is gemaakt met nieuwere code; deze migraties kent de code hier niet: " + ", ".join(unknown)
            )

    def check_files(self, manifest: dict[str, Any], work: Path) -> None:
        """The dump and every media file are as the manifest says, before anything is overwritten."""
        problems = []
        database = manifest["database"]
        dump = work / database["name"]
        if database["name"] not in archive.DUMP_NAMES.values() or not dump.is_file():
            problems.append(f"databasebestand ontbreekt: {database['name']}")
        elif archive.file_entry(dump) != {"size": database["size"], "sha256": database["sha256"]}:
            problems.append(f"databasebestand wijkt af: {database['name']}")
        problems += compare_media(manifest["media"], archive.media_manifest(work / archive.MEDIA_PREFIX))
        if problems:
            raise CommandError("Het archief is beschadigd; er is niets veranderd:\n" + "\n".join(problems))

    def target_has_data(self, vendor: str) -> bool:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            counts = archive.row_counts(cursor, vendor)
        if any(n for table, n in counts.items() if table not in archive.BOOKKEEPING_TABLES):
            return True
        return next(archive.media_files(archive.media_root()), None) is not None

    def restore_sqlite(self, dump: Path, name: str) -> None:
        """SQLite's backup API replaces the target database page by page, under its lock."""
        source = sqlite3.connect(dump)
        target = sqlite3.connect(name)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()

    def restore_postgresql(self, dump: Path, settings_dict: dict[str, Any]) -> None:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                archive.pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={settings_dict['NAME']}",
                str(dump),
            ],
            env=archive.pg_env(settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore is mislukt; de database is niet veranderd: {result.stderr.strip()}")

    def restore_media(self, source: Path, root: Path) -> None:
        """Empty MEDIA_ROOT (the folder itself stays: it may be a mounted volume) and copy the backup in."""
        root.mkdir(parents=True, exist_ok=True)
        for child in root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        if source.is_dir():
            shutil.copytree(source, root, dirs_exist_ok=True)

    def verify(self, manifest: dict[str, Any], vendor: str) -> list[str]:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            counts = archive.row_counts(cursor, vendor)
        problems = [
            f"tabel {table}: {counts.get(table, 'ontbreekt')} rijen, in de back-up {expected}"
            for table, expected in sorted(manifest["row_counts"].items())
            if counts.get(table) != expected
        ]
        return problems + compare_media(manifest["media"], archive.media_manifest(archive.media_root()))


def compare_media(expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            problems.append(f"bestand ontbreekt: {name}")
        elif name not in expected:
            problems.append(f"bestand staat niet in de back-up: {name}")
        elif actual[name] != expected[name]:
            problems.append(f"bestand wijkt af: {name}")
    return problems
