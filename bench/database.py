"""Wipe the benchmark's database before a run: ``python -m bench.database URL``.

PostgreSQL: drop and create the database (through the server's ``postgres`` database, with
FORCE so leftover connections of an earlier run do not block it). SQLite: delete the file.
Refuses any database whose name does not contain "bench", so a mistyped URL cannot wipe real data.
"""

import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def wipe(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        if "bench" not in path.name:
            raise SystemExit(f"refusing to wipe {path}: the name does not contain 'bench'")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to wipe database {name!r}: the name does not contain 'bench'")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if __name__ == "__main__":
    wipe(sys.argv[1])
