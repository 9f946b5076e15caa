"""A throwaway PostgreSQL cluster on loopback for the soak test: never the shared server.

The cluster lives in a temporary directory owned by the ``postgres`` OS user (PostgreSQL refuses
to run as root), listens only on 127.0.0.1 at a free port, trusts local connections (nobody else
can reach it) and is removed afterwards.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_bin() -> Path:
    """The newest installed PostgreSQL's programs (Debian layout), or SOAK_PG_BIN."""
    if os.environ.get("SOAK_PG_BIN"):
        return Path(os.environ["SOAK_PG_BIN"])
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL programs not found: install postgresql or set SOAK_PG_BIN")
    return versions[-1].parent


class Cluster:
    def __init__(self, *, database: str = "wpo_soak") -> None:
        self.bin = pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="wpo-soak-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "run"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self.database = database
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, text=True)  # noqa: S603 - our own arguments, no shell

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1"
        self._run(
            str(self.bin / "pg_ctl"), action, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", *extra
        )

    def create(self) -> None:
        self.socket_dir.mkdir()
        if self.as_postgres:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        if self.as_postgres:
            self.log.touch()
            shutil.chown(self.log, "postgres")
        self._ctl("start")
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def restart(self) -> float:
        """Restart the server the way an operator would (fast: sessions are ended). Returns seconds."""
        started = time.monotonic()
        self._ctl("restart", "-m", "fast")
        return time.monotonic() - started

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)
