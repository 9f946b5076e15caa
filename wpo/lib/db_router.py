"""Send the report's reads to a read replica of PostgreSQL, when one is configured.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database alias. Code that only reads
and may be a few seconds behind (the project manager's report and its exports) runs inside
``replica_reads()``; there every read goes to ``replica``. Everything else — every write, and every
read outside such a block, including the login and session lookups before the view — goes to
``default``, so a participant never reads their own answer from a replica that lags behind.

Without a replica the router answers ``None`` everywhere and Django uses ``default``, as before.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import models

REPLICA = "replica"

_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def replica_enabled() -> bool:
    return REPLICA in settings.DATABASES and bool(getattr(settings, "READ_REPLICA", False))


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads go to the replica (when there is one)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def reads_from_replica[**P, R](view: Callable[P, R]) -> Callable[P, R]:
    """Decorator: the whole view reads from the replica."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Reads inside ``replica_reads()`` go to ``replica``; all else, and every migration, to ``default``."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        if _reading_from_replica.get() and replica_enabled():
            return REPLICA
        return None

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        # Both aliases hold the same rows: an object read from the replica may point at one from default.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db != REPLICA
