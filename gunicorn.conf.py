"""gunicorn's settings for this project: gunicorn reads ``./gunicorn.conf.py`` when it starts in the
project's directory (the benchmark and the soak do). A production configuration elsewhere
(docs/production.md) takes over the hook below."""

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Warm each worker up once, after the fork and before its first request (config/workers.py)."""
    from config.workers import ready

    ready()
