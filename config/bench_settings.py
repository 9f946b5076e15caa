"""Settings for ``make bench``: production settings, on plain http over loopback, with the benchmark's
commands (the ``bench`` app, which production does not install).

Everything else (the database, Redis, persistent connections) comes from the environment, as in
production; the Makefile sets the benchmark's defaults.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405

# Static files are not what is measured; without this, production's manifest storage needs a
# collectstatic run first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
