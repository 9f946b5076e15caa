"""Recurring tasks on the database-backed worker: a task that queues its own next run."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone


def schedule_once(task: Any, next_run: Callable[[datetime], datetime], now: datetime | None = None) -> datetime | None:
    """Queue ``task`` at ``next_run(now)`` unless a run of it is already waiting.

    Returns the time it queued the run for, or None when one was waiting. Used by the weekly digest
    and the nightly retention run; each calls it at the end of its run and from its ``schedule_*``
    command, so exactly one future run waits.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status="READY", run_after__gt=now).exists()
    if waiting:
        return None
    when = next_run(now)
    task.using(run_after=when).enqueue()
    return when
