"""Settings are read, not acted on: importing them creates no folder (wpo.lib's start-up makes the
SQLite file's folder, the file storage its media folders)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ("config.settings", "config.test_settings", "config.bench_settings", "config.soak_settings")


def _python(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_the_settings_creates_no_folder() -> None:
    # os.mkdir records instead of creating (Path.mkdir calls it too), so a folder that already
    # exists counts as well.
    code = "import os\nmade = []\nos.mkdir = lambda path, *a, **k: made.append(str(path))\n"
    code += "".join(f"import {module}\n" for module in SETTINGS) + "print(made)"
    assert _python(code) == "[]"


def test_the_sqlite_folder_is_made_at_start_up(tmp_path: Path) -> None:
    database = tmp_path / "new" / "folder" / "wpo.sqlite3"
    code = (
        "import django\ndjango.setup()\nfrom django.db import connection\nconnection.ensure_connection()\nprint('ok')"
    )
    assert _python(code, DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{database}") == "ok"
    assert database.parent.is_dir()
