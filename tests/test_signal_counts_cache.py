"""The coach overview's signal counts come from the cache, and a write shows up at once."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wpo.coaching import early_signals, signal_cache
from wpo.coaching.models import SignalSettings
from wpo.trajectories.models import CoachingConversation, ParticipantAssignment, Step

from .conftest import login
from .factories import World


@pytest.fixture(autouse=True)
def counts_cached(settings: Any) -> None:
    settings.SIGNAL_COUNTS_CACHE_SECONDS = 60
    cache.clear()


def _counts(world: World) -> dict[str, int]:
    return {kind.code: n for kind, n in signal_cache.summary_for(world.coach).counts}


def _without_conversation(world: World) -> None:
    """The world's trajectory has run an assignment for eight weeks, with no conversation."""
    long_ago = timezone.now() - timedelta(weeks=8)
    ParticipantAssignment.objects.filter(pk=world.pa.pk).update(
        step=Step.PRACTISING, created_at=long_ago, step_since=timezone.now()
    )
    CoachingConversation.objects.filter(trajectory=world.trajectory).delete()


def test_the_second_visit_counts_nothing(world: World) -> None:
    first = _counts(world)
    with CaptureQueriesContext(connection) as ctx:
        again = _counts(world)
    assert again == first
    # No COUNT runs (the "only with a signal" conditions are built only when a filter asks for them).
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"]]


def test_the_counts_equal_the_uncached_ones(world: World) -> None:
    assert _counts(world) == {kind.code: n for kind, n in early_signals.summary_for(world.coach).counts}


def test_a_planned_conversation_shows_up_at_once(world: World) -> None:
    _without_conversation(world)
    before = _counts(world)
    assert before[early_signals.NO_CONVERSATION.code] == 1
    CoachingConversation.objects.create(
        organization=world.org,
        trajectory=world.trajectory,
        planned_at=timezone.now() + timedelta(days=3),
    )
    assert _counts(world)[early_signals.NO_CONVERSATION.code] == 0


def test_a_changed_threshold_shows_up_at_once(world: World) -> None:
    _without_conversation(world)
    assert _counts(world)[early_signals.NO_CONVERSATION.code] == 1
    config = early_signals.settings_for(world.org.pk)
    config.conversation_weeks = 52
    config.save()
    assert SignalSettings.objects.filter(organization=world.org).exists()
    assert _counts(world)[early_signals.NO_CONVERSATION.code] == 0


def test_another_organisation_keeps_its_own_counts(world: World, other_world: World) -> None:
    _without_conversation(world)
    mine = _counts(world)
    theirs = {kind.code: n for kind, n in signal_cache.summary_for(other_world.coach).counts}
    assert mine[early_signals.NO_CONVERSATION.code] == 1
    assert theirs[early_signals.NO_CONVERSATION.code] == 0


def test_the_overview_shows_the_new_count_after_a_write(client: Client, world: World) -> None:
    _without_conversation(world)
    login(client, world.coach)
    before = client.get("/coach/").context["signal_counts"]
    assert (early_signals.NO_CONVERSATION, 1) in before
    CoachingConversation.objects.create(
        organization=world.org,
        trajectory=world.trajectory,
        planned_at=timezone.now() + timedelta(days=3),
    )
    after = client.get("/coach/").context["signal_counts"]
    assert early_signals.NO_CONVERSATION not in [kind for kind, _n in after]


def test_zero_seconds_turns_the_cache_off(world: World, settings: Any) -> None:
    settings.SIGNAL_COUNTS_CACHE_SECONDS = 0
    _counts(world)
    with CaptureQueriesContext(connection) as ctx:
        _counts(world)
    assert [q for q in ctx.captured_queries if "COUNT(" in q["sql"]]


def test_a_practice_answer_keeps_the_counts(world: World) -> None:
    generation = cache.get(signal_cache._generation_key(world.org.pk), 0)
    world.pa.practice_position += 1
    world.pa.save(update_fields=["practice_position"])
    assert cache.get(signal_cache._generation_key(world.org.pk), 0) == generation
    world.pa.save(update_fields=["step", "step_since"])
    assert cache.get(signal_cache._generation_key(world.org.pk), 0) > generation


# The triage of the overview's rows (each row's most urgent reason) is cached the same way. --------


def _reason_cell(client: Client, world: World) -> str:
    from .test_triage import row_cell

    html = client.get("/coach/").content.decode()
    return row_cell(html, world.trajectory.participant.name)


def test_the_second_visit_builds_no_row_triage(client: Client, world: World) -> None:
    _without_conversation(world)
    login(client, world.coach)
    first = _reason_cell(client, world)
    assert str(early_signals.NO_CONVERSATION.label) in first
    with CaptureQueriesContext(connection) as ctx:
        again = _reason_cell(client, world)
    assert again == first
    # Neither the signal sources nor the coaches' decisions are read again.
    assert not [q for q in ctx.captured_queries if "coaching_signalevent" in q["sql"]]


def test_a_planned_conversation_leaves_the_row_at_once(client: Client, world: World) -> None:
    _without_conversation(world)
    login(client, world.coach)
    assert str(early_signals.NO_CONVERSATION.label) in _reason_cell(client, world)
    CoachingConversation.objects.create(
        organization=world.org,
        trajectory=world.trajectory,
        planned_at=timezone.now() + timedelta(days=3),
    )
    assert str(early_signals.NO_CONVERSATION.label) not in _reason_cell(client, world)


def test_a_snooze_shows_in_the_row_at_once(client: Client, world: World) -> None:
    from wpo.coaching.services import signal_snooze

    _without_conversation(world)
    login(client, world.coach)
    before = _reason_cell(client, world)
    assert str(early_signals.NO_CONVERSATION.label) in before
    signal_snooze(
        actor=world.coach,
        trajectory=world.trajectory,
        kind=early_signals.NO_CONVERSATION.code,
        until=timezone.localdate() + timedelta(days=5),
        reason="x",
    )
    after = _reason_cell(client, world)
    assert str(early_signals.NO_CONVERSATION.label) not in after
    assert after != before


def test_the_cached_triage_keeps_the_kinds_themselves(world: World) -> None:
    """Kinds are compared by identity: a row triage read back from the cache holds the same ones."""
    import pickle

    assert pickle.loads(pickle.dumps(early_signals.NO_CONVERSATION)) is early_signals.NO_CONVERSATION
