"""Settings for the test suite: the production settings, a throwaway key, and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from .settings import *  # noqa: F403

# Real hashing costs ~0.3 s per login; tests log in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tasks keep production's database backend: a test sees the queued rows, runs a task with
# ``.call()``, or runs the real ``db_worker --batch`` (tests/test_conversations.py).

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: with an in-memory database the live server's threads share one
    # connection, and a page that loads several images at once breaks it ("API misuse").
    # WPO_TEST_SQLITE lets two test runs on one machine use separate files.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("WPO_TEST_SQLITE", str(BASE_DIR / "data" / "test.sqlite3"))  # noqa: F405
    }

# The test client and the live server speak plain http; tests/test_hardening.py checks the
# production redirect to https with the real production settings.
SECURE_SSL_REDIRECT = False

# The read replica as Django's test mirror of default: the same database under the alias "replica".
# Off unless a test switches READ_REPLICA on (tests/test_scale_out.py); such a test also lists
# "replica" in its databases and commits (transaction=True), so the mirror connection sees the rows.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
READ_REPLICA = False

# The coach overview's signal counts are cached for a minute in production (wpo/coaching/signal_cache.py).
# The local-memory cache outlives a test and ids repeat between tests, so tests count afresh;
# tests/test_signal_counts_cache.py switches the cache on.
SIGNAL_COUNTS_CACHE_SECONDS = 0
# The same for the pages kept rendered (the participant's home page, the coach's overview, the report);
# tests/test_participant_home_cache.py and tests/test_signal_counts_cache.py switch them on.
PAGE_CACHE_SECONDS = 0
