"""The coach overview's signal counts, kept in the cache for a minute.

Counting the signals of a big organisation takes eight queries (tens of milliseconds at national
scale, more on a busy database) on every visit of the overview, while the counts change only when
someone records something. So the counts are cached per coach, and thrown away as soon as a row that
a signal is made of changes: every save or delete of those models moves the organisation's
generation number on, and the key holds that number. What no write announces — time passing a
threshold, a participant's activity moving ``last_activity_at`` — shows within
``SIGNAL_COUNTS_CACHE_SECONDS`` (60 by default; 0 turns the cache off). So does the rare case of
another coach's request counting between a write and its commit (the number moves on at the save,
not at the commit: an ``on_commit`` hook would add a callback to every write of those models).

A coach's snooze, wake or "discussed" (``SignalEvent``) is such a write. A snooze that ends is
not: its last day passing shows within the same minute, like any other threshold.

The counts are cached (per kind, and per most urgent reason), and so is the triage of the rows
on one page of the overview (``overview_triage``: each row's most urgent reason, how many more, what
the coach decided), under the same generation number and for the same time: building it takes eight
queries on every visit.

The whole overview below its heading (the counts, the capacity per department, the filter and the
rows) is kept too, rendered, per coach, query string and language, under the same number and for
``PAGE_CACHE_SECONDS`` at most (``kept_page``, issue 21; only with Redis): a coach who goes back to the
overview, or pages through it, gets it without its eight queries. What a row shows is all in the
watched models below, with the names of the people, which a login-name change announces (``User``).
The project manager's report is kept the same way; the waiting list it counts is watched too
(``Interest``, ``InterestChange``), the attempts at e-learning packages are not (a package saves its
attempt every few seconds while it plays): those counts show within the same minute.
"""

import hashlib
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from wpo.lib import page_cache
from wpo.orgs.models import Person

from . import early_signals, selectors
from .early_signals import KINDS, SEVERITY, SignalSummary
from .selectors import RowTriage

DEFAULT_SECONDS = 60


def _seconds() -> int:
    return int(getattr(settings, "SIGNAL_COUNTS_CACHE_SECONDS", DEFAULT_SECONDS))


def _generation_key(organization_id: int) -> str:
    return f"coaching:signal-generation:{organization_id}"


def _counts_key(coach: Person, generation: int) -> str:
    # Per coach, not per organisation: which problems wait depends on the person's roles.
    return f"coaching:signal-counts:{coach.organization_id}:{generation}:{coach.pk}"


def bump(organization_id: int) -> None:
    """Forget the cached counts of an organisation (they are counted again on the next visit)."""
    page_cache.move_on(_generation_key(organization_id))


def summary_for(coach: Person) -> SignalSummary:
    """``early_signals.summary_for``, with the counts from the cache when they are still current."""
    seconds = _seconds()
    if seconds <= 0:
        return early_signals.summary_for(coach)
    generation = cache.get(_generation_key(coach.organization_id), 0)
    key = _counts_key(coach, generation)
    numbers = cache.get(key)
    if isinstance(numbers, list) and len(numbers) == len(KINDS) + len(SEVERITY):
        # The conditions are built afresh when needed (reading the settings, running no count).
        return SignalSummary(
            counts=list(zip(KINDS, numbers[: len(KINDS)], strict=True)),
            reasons=list(zip(SEVERITY, numbers[len(KINDS) :], strict=True)),
            build_triage=lambda: early_signals.triage(coach),
        )
    summary = early_signals.summary_for(coach)
    cache.set(key, [n for _kind, n in summary.counts] + [n for _kind, n in summary.reasons], timeout=seconds)
    return summary


def overview_triage(coach: Person, trajectory_ids: Collection[int], now: datetime) -> dict[int, RowTriage]:
    """``selectors.overview_triage``, from the cache while nothing it is made of was written.

    Per coach (a second assessment waiting for "jou"), per language (some reasons are formatted
    when the triage is built) and per set of rows (one page, one filter and sort)."""
    seconds = _seconds()
    if seconds <= 0 or not trajectory_ids:
        return selectors.overview_triage(coach, trajectory_ids, now)
    generation = cache.get(_generation_key(coach.organization_id), 0)
    rows = hashlib.sha1(",".join(map(str, trajectory_ids)).encode(), usedforsecurity=False).hexdigest()
    language = translation.get_language() or ""
    key = f"coaching:row-triage:{coach.organization_id}:{generation}:{coach.pk}:{language}:{rows}"
    found = cache.get(key)
    if isinstance(found, dict) and set(found) == set(trajectory_ids):
        return found
    found = selectors.overview_triage(coach, trajectory_ids, now)
    for row in found.values():
        if row.reason is not None:
            # Formatted now (in this request's language, which is in the key): unpickling a lazy
            # string costs more than building the triage did.
            row.reason = replace(row.reason, reason=str(row.reason.reason), url=str(row.reason.url))
    cache.set(key, found, timeout=seconds)
    return found


def kept_page(person: Person, page: str, query: str, build: Callable[[], str]) -> SafeString:
    """A rendered page (or part of one) for this person and query string, from the cache while nothing
    it is made of was written in the organisation (``build`` renders it afresh). For the coach's
    overview and the project manager's report (issue 21); per person, because what each may see and
    what waits for them differs."""
    # Only with a cache all workers share (config/settings.py), and only while the counts are cached:
    # a page's number is the counts' number.
    seconds = min(_seconds(), page_cache.seconds())
    if seconds <= 0:
        return mark_safe(build())  # noqa: S308 - our own template's output, escaped when it was rendered
    generation = cache.get(_generation_key(person.organization_id), 0)
    language = translation.get_language() or ""
    digest = hashlib.sha1(query.encode(), usedforsecurity=False).hexdigest()
    key = f"coaching:kept-page:{page}:{person.organization_id}:{generation}:{person.pk}:{language}:{digest}"
    found = cache.get(key)
    if not isinstance(found, str):
        found = str(build())
        cache.set(key, found, timeout=seconds)
    return mark_safe(found)  # noqa: S308 - as above


# Saves of only unshown fields change no signal (``page_cache.UNSHOWN_FIELDS``): a practice answer moves
# ``practice_position`` on every question, and would otherwise throw the counts away for the whole
# organisation each time.


def _changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    organization_id = getattr(instance, "organization_id", None)
    update_fields = kwargs.get("update_fields")
    if organization_id is None or page_cache.changes_nothing_shown(update_fields):
        return
    bump(organization_id)


def _user_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """A new name shows in the overview's rows: forget the organisations of the person(s) of this login."""
    if page_cache.changes_nothing_shown(kwargs.get("update_fields")):
        return
    for organization_id in set(Person.objects.filter(user_id=instance.pk).values_list("organization_id", flat=True)):
        bump(organization_id)


def connect() -> None:
    """Watch every model a signal is counted from (``CoachingConfig.ready``)."""
    from wpo.evaluations.models import InterimEvaluation
    from wpo.followup.models import Problem
    from wpo.intake.models import Interest, InterestChange
    from wpo.meetings.models import Meeting
    from wpo.orgs.models import Department
    from wpo.trajectories.models import Assessment, CoachingConversation, ParticipantAssignment, Trajectory

    from .models import SignalEvent, SignalSettings

    watched = (
        Assessment,
        CoachingConversation,
        Department,
        Interest,
        InterestChange,
        InterimEvaluation,
        Meeting,
        ParticipantAssignment,
        Person,
        Problem,
        SignalEvent,
        SignalSettings,
        Trajectory,
    )
    for model in watched:
        uid = f"wpo.coaching.signal_cache.{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete")
    post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="wpo.coaching.signal_cache.User.save")
