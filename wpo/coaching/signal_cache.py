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

After a write, most often about one trajectory (a moved step, a planned conversation, an assessment),
the next visit does not count the whole organisation again (issue 21). Each write's number is marked
with the trajectory it was about (``bump``, ``_trajectory_of``). The signals found at the last visit
(per kind, the trajectories that have it) and each page's row triage are kept with the number they
were found under; the next visit reads the marks since then and finds again only the signals of those
trajectories (``early_signals.patched``), or only those rows. Everything is found again when one of
the writes was about more than one trajectory (the settings, a department, a name: no mark), when a
mark is gone (evicted, or not written yet), after ``MAX_PATCHED_WRITES`` writes, and once per
``SIGNAL_COUNTS_CACHE_SECONDS`` for the thresholds that time passes. Patched or found again in full, the
result is the same; ``tests/test_signal_counts_cache.py`` checks that after each kind of write.

The whole overview below its heading (the counts, the capacity per department, the filter and the
rows) is kept too, rendered, per coach, query string and language, under the same number and for
``PAGE_CACHE_SECONDS`` at most (``kept_page``, issue 21; only with Redis): a coach who goes back to the
overview, or pages through it, gets it without its eight queries. Its filter (the lists of departments and
werkplekopleiders) is kept apart and longer: across the writes about one trajectory (``kept_fragment``).
What a row shows is all in the watched models below, with the names of the people, which a login-name
change announces (``User``).
The project manager's report is kept the same way; the waiting list it counts is watched too
(``Interest``, ``InterestChange``), the attempts at e-learning packages are not (a package saves its
attempt every few seconds while it plays): those counts show within the same minute.
"""

import hashlib
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from wpo.lib import clock, page_cache
from wpo.orgs.models import Person

from . import early_signals, selectors
from .early_signals import KINDS, SEVERITY, SignalSummary
from .models import SignalSettings
from .selectors import RowTriage

DEFAULT_SECONDS = 60


def _seconds() -> int:
    return int(getattr(settings, "SIGNAL_COUNTS_CACHE_SECONDS", DEFAULT_SECONDS))


def _generation_key(organization_id: int) -> str:
    return f"coaching:signal-generation:{organization_id}"


def _counts_key(coach: Person, generation: int) -> str:
    # Per coach, not per organisation: which problems wait depends on the person's roles.
    return f"coaching:signal-counts:{coach.organization_id}:{generation}:{coach.pk}"


def _state_key(coach: Person) -> str:
    return f"coaching:signal-state:{coach.organization_id}:{coach.pk}"


def _mark_key(organization_id: int, generation: int) -> str:
    return f"coaching:signal-mark:{organization_id}:{generation}"


# More writes than this since the kept signals were found, and they are found again in full.
MAX_PATCHED_WRITES = 200


def bump(organization_id: int, trajectory_id: int | None = None) -> None:
    """Forget the cached counts of an organisation (they are counted again on the next visit).

    With ``trajectory_id`` (the write was about that trajectory only), the number the write got is
    marked with it, and the next visit finds the signals of that trajectory again instead of the whole
    organisation's (``summary_for``)."""
    generation = page_cache.move_on(_generation_key(organization_id))
    seconds = _seconds()
    if trajectory_id is not None and seconds > 0:
        cache.set(_mark_key(organization_id, generation), trajectory_id, timeout=seconds)


def _changed_since(coach: Person, since: int, generation: int) -> set[int] | None:
    """The trajectories the writes numbered ``since + 1`` up to ``generation`` were about, or None when
    one of them was about more than one trajectory (or its mark is gone): then everything is found
    again."""
    if not 0 <= generation - since <= MAX_PATCHED_WRITES:
        return None
    if generation == since:
        return set()
    numbers = range(since + 1, generation + 1)
    marks = cache.get_many([_mark_key(coach.organization_id, n) for n in numbers])
    if len(marks) < len(numbers):
        return None
    return {int(trajectory_id) for trajectory_id in marks.values()}


def _kept(coach: Person, key: str, generation: int) -> tuple[int, int, Any, set[int]] | None:
    """What was kept under ``key`` (when it was found in full, under which number, the value) and the
    trajectories written about since, if it can be patched: found in full less than the cache's time
    ago (time passing moves signals too), and every write since then was about one trajectory."""
    state = cache.get(key)
    if not (isinstance(state, tuple) and len(state) == 3):
        return None
    since, counted_at, value = state
    if clock.epoch_seconds() - counted_at >= _seconds():
        return None
    changed = _changed_since(coach, since, generation)
    return None if changed is None else (counted_at, since, value, changed)


def _keep(key: str, generation: int, counted_at: int, value: Any) -> None:
    cache.set(key, (generation, counted_at, value), timeout=_seconds())


def summary_for(coach: Person) -> SignalSummary:
    """``early_signals.summary_for``, with the counts from the cache when they are still current.

    When they are not, because someone wrote about one trajectory or a few, the signals found at the
    last visit are patched: the kinds' questions are asked about those trajectories only
    (``early_signals.patched``). Once per ``SIGNAL_COUNTS_CACHE_SECONDS``, and after any write about
    more than one trajectory (the settings, a department, a name), they are all found again.

    A write is numbered when it is saved, not when it commits: a visit between the two finds the
    trajectory as it was before, and keeps it so until the next full count, within the same minute
    (as for the counts themselves; see the module's description)."""
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
    now = timezone.now()
    config = early_signals.settings_for(coach.organization_id)
    kept = _kept(coach, _state_key(coach), generation)
    if kept is None or not (isinstance(kept[2], tuple) and len(kept[2]) == 2 and isinstance(kept[2][1], set)):
        counted_at = clock.epoch_seconds()
        found = early_signals.trajectory_signals(coach, now, config)
        running = early_signals.running_trajectories(coach)
    else:
        counted_at, _since, (codes, running), changed = kept
        found = early_signals.patched(
            coach, now, config, {early_signals.kind_by_code(code): per for code, per in codes.items()}, changed
        )
        if changed:
            running -= changed
            running |= early_signals.running_trajectories(coach, only=changed)
    summary = early_signals.summary_from(coach, now, config, found, running)
    # Kept only for what is left of the minute since everything was found: patched counts carry what
    # time did to the other trajectories since then, which the next full count catches.
    left = max(1, seconds - (clock.epoch_seconds() - counted_at))
    cache.set(key, [n for _kind, n in summary.counts] + [n for _kind, n in summary.reasons], timeout=left)
    codes = {kind.code: per for kind, per in found.items()}
    _keep(_state_key(coach), generation, counted_at, (codes, running))
    return summary


def overview_triage(coach: Person, trajectory_ids: Collection[int], now: datetime) -> dict[int, RowTriage]:
    """``selectors.overview_triage``, from the cache while nothing it is made of was written; after a
    write about one of its trajectories, with that row's triage built again and the others kept.

    Per coach (a second assessment waiting for "jou"), per language (some reasons are formatted
    when the triage is built) and per set of rows (one page, one filter and sort)."""
    seconds = _seconds()
    if seconds <= 0 or not trajectory_ids:
        return selectors.overview_triage(coach, trajectory_ids, now)
    generation = cache.get(_generation_key(coach.organization_id), 0)
    rows = hashlib.sha1(",".join(map(str, trajectory_ids)).encode(), usedforsecurity=False).hexdigest()
    language = translation.get_language() or ""
    key = f"coaching:row-triage:{coach.organization_id}:{coach.pk}:{language}:{rows}"
    kept = _kept(coach, key, generation)
    if kept is not None and isinstance(kept[2], dict) and set(kept[2]) == set(trajectory_ids):
        counted_at, since, found, changed = kept
        found = cast(dict[int, RowTriage], found)
        if since == generation:
            return found
        again = [pk for pk in trajectory_ids if pk in changed]
        found |= _formatted(selectors.overview_triage(coach, again, now))
    else:
        counted_at, found = clock.epoch_seconds(), _formatted(selectors.overview_triage(coach, trajectory_ids, now))
    _keep(key, generation, counted_at, found)
    return found


def overview_order(coach: Person, trajectories: Any, fields: tuple[str, ...], query: str) -> list[int] | None:
    """The ids of the overview's trajectories in its order (``trajectories``: the filtered and sorted
    queryset; ``fields``: what it sorts by, ``selectors.kept_order_fields``), kept per coach and filter.

    Sorting an organisation's 2,000 running trajectories by department, werkplekopleider and name joins
    four tables for every one of them before the first 25 rows can be taken (20 ms at national scale),
    and most writes change none of that: a moved step, a planned conversation. So the order is kept with
    each trajectory's sort values; after a write about one trajectory its values are read again, and only
    when it joined, changed place or left in a way the kept order cannot follow is everything sorted
    again. None when the cache is off."""
    if _seconds() <= 0:
        return None
    generation = cache.get(_generation_key(coach.organization_id), 0)
    digest = hashlib.sha1(query.encode(), usedforsecurity=False).hexdigest()
    key = f"coaching:overview-order:{coach.organization_id}:{coach.pk}:{digest}"
    kept = _kept(coach, key, generation)
    if kept is not None and isinstance(kept[2], tuple) and len(kept[2]) == 2:
        counted_at, since, (order, values), changed = kept
        if since == generation:
            return cast(list[int], order)
        patched = _patched_order(trajectories, fields, order, values, changed)
        if patched is not None:
            _keep(key, generation, counted_at, patched)
            return patched[0]
    rows = [(pk, tuple(rest)) for pk, *rest in trajectories.values_list("pk", *fields)]
    order, values = [pk for pk, _values in rows], dict(rows)
    _keep(key, generation, clock.epoch_seconds(), (order, values))
    return order


def _patched_order(
    trajectories: Any, fields: tuple[str, ...], order: list[int], values: dict[int, tuple[Any, ...]], changed: set[int]
) -> tuple[list[int], dict[int, tuple[Any, ...]]] | None:
    """The kept order after writes about ``changed``: a trajectory that left is taken out; one that
    joined or whose sort values changed needs the whole order sorted again (None)."""
    if not changed:
        return order, values
    now = {pk: tuple(rest) for pk, *rest in trajectories.filter(pk__in=list(changed)).values_list("pk", *fields)}
    if any(values.get(pk) != found for pk, found in now.items()):
        return None
    gone = {pk for pk in changed if pk in values and pk not in now}
    if not gone:
        return order, values
    return [pk for pk in order if pk not in gone], {pk: v for pk, v in values.items() if pk not in gone}


def _formatted(rows: dict[int, RowTriage]) -> dict[int, RowTriage]:
    """The reasons formatted now (in this request's language, which is in the key): unpickling a lazy
    string costs more than building the triage did."""
    for row in rows.values():
        if row.reason is not None:
            row.reason = replace(row.reason, reason=str(row.reason.reason), url=str(row.reason.url))
    return rows


def _where_kept(person: Person, query: str) -> tuple[int, int, str]:
    """For a rendered page or part of one: how long it may be kept (0: not at all), the organisation's
    number now, and what its key holds of the person, their language and the query string.

    Only with a cache all workers share (config/settings.py), and only while the counts are cached: a
    page's number is the counts' number."""
    seconds = min(_seconds(), page_cache.seconds())
    if seconds <= 0:
        return seconds, 0, ""
    generation = cache.get(_generation_key(person.organization_id), 0)
    language = translation.get_language() or ""
    digest = hashlib.sha1(query.encode(), usedforsecurity=False).hexdigest()
    return seconds, generation, f"{person.pk}:{language}:{digest}"


def kept_page(person: Person, page: str, query: str, build: Callable[[], str]) -> SafeString:
    """A rendered page (or part of one) for this person and query string, from the cache while nothing
    it is made of was written in the organisation (``build`` renders it afresh). For the coach's
    overview and the project manager's report (issue 21); per person, because what each may see and
    what waits for them differs."""
    seconds, generation, where = _where_kept(person, query)
    if seconds <= 0:
        return mark_safe(build())  # noqa: S308 - our own template's output, escaped when it was rendered
    key = f"coaching:kept-page:{page}:{person.organization_id}:{generation}:{where}"
    found = cache.get(key)
    if not isinstance(found, str):
        found = str(build())
        cache.set(key, found, timeout=seconds)
    return mark_safe(found)  # noqa: S308 - as above


def kept_fragment(person: Person, name: str, query: str, build: Callable[[], str]) -> SafeString:
    """A rendered part of a page that no write about one trajectory can change (the overview's filter:
    its lists of departments and werkplekopleiders), per person, language and query string.

    ``kept_page`` forgets a page at every write in the organisation; this part is kept across the writes
    about one trajectory (those marked in ``bump``) and rendered again after any other write, and once
    per ``SIGNAL_COUNTS_CACHE_SECONDS`` (``_kept``). Building the filter read and rendered the
    organisation's 200 werkplekopleiders after every moved step: about 10 ms of the coach's first visit
    after a change at national scale.

    Never older than ``PAGE_CACHE_SECONDS`` either. As for the counts, a write is numbered when it is
    saved: a visit between the save and the commit (a long import of people) keeps the lists as they were
    until the next write that is not about one trajectory, or the end of that minute."""
    seconds, generation, where = _where_kept(person, query)
    if seconds <= 0:
        return mark_safe(build())  # noqa: S308 - our own template's output, escaped when it was rendered
    key = f"coaching:kept-fragment:{name}:{person.organization_id}:{where}"
    kept = _kept(person, key, generation)
    found: str
    if kept is not None and isinstance(kept[2], str) and clock.epoch_seconds() - kept[0] < seconds:
        counted_at, since, found, _changed = kept
        if since != generation:
            # Under the new number: the marks to read next time start here.
            _keep(key, generation, counted_at, found)
    else:
        found = str(build())
        _keep(key, generation, clock.epoch_seconds(), found)
    return mark_safe(found)  # noqa: S308 - as above


# Saves of only unshown fields change no signal (``page_cache.UNSHOWN_FIELDS``): a practice answer moves
# ``practice_position`` on every question, and would otherwise throw the counts away for the whole
# organisation each time.


def _changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    organization_id = getattr(instance, "organization_id", None)
    update_fields = kwargs.get("update_fields")
    if organization_id is None or page_cache.changes_nothing_shown(update_fields):
        return
    bump(organization_id, _trajectory_of(instance))


def _trajectory_of(instance: Model) -> int | None:
    """The one trajectory whose signals a write of ``instance`` can change, or None when it can change
    more (the settings, a department, a person, a problem, a meeting, the waiting list): then the next
    visit finds every signal again."""
    from wpo.evaluations.models import InterimEvaluation
    from wpo.trajectories.models import Assessment, CoachingConversation, ParticipantAssignment, Trajectory

    from .models import SignalEvent

    if isinstance(instance, Trajectory):
        return instance.pk
    if isinstance(instance, ParticipantAssignment | CoachingConversation | InterimEvaluation | SignalEvent):
        return instance.trajectory_id
    if isinstance(instance, Assessment):
        if Assessment.participant_assignment.is_cached(instance):
            return instance.participant_assignment.trajectory_id
        return (
            ParticipantAssignment.objects.filter(pk=instance.participant_assignment_id)
            .values_list("trajectory_id", flat=True)
            .first()
        )
    return None


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

    from .models import SignalEvent

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
