from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class LibConfig(AppConfig):
    name = "wpo.lib"
    label = "wpo_lib"

    def ready(self) -> None:
        # Importing the settings creates nothing; a SQLite file's folder (data/ in development and
        # for the tests) is made here, at start-up, before the first connection needs it.
        for database in settings.DATABASES.values():
            if database.get("ENGINE") == "django.db.backends.sqlite3":
                for name in (database.get("NAME"), database.get("TEST", {}).get("NAME")):
                    if name and str(name) != ":memory:" and not str(name).startswith("file:"):
                        Path(name).parent.mkdir(parents=True, exist_ok=True)
