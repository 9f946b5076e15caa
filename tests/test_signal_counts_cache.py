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
    # Only the signal settings are read (for the "only with a signal" condition); no COUNT runs.
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
