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
    settings.PAGE_CACHE_SECONDS = 60
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


# The whole overview below its heading is kept too (issue 21), per coach, query string and language. ---


def _overview(client: Client, query: str = "") -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/coach/{query}")
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _without_token(body: str) -> str:
    return "".join(line for line in body.splitlines() if "csrfmiddlewaretoken" not in line)


def test_the_second_visit_of_the_overview_reads_none_of_its_rows(client: Client, world: World) -> None:
    login(client, world.coach)
    first, cold = _overview(client)
    again, warm = _overview(client)
    assert world.participant.name in first
    assert _without_token(again) == _without_token(first)
    assert warm < cold
    with CaptureQueriesContext(connection) as ctx:
        client.get("/coach/")
    assert not [q for q in ctx.captured_queries if "trajectories_trajectory" in q["sql"]]


def test_a_moved_step_and_a_new_name_show_in_the_overview_at_once(client: Client, world: World) -> None:
    login(client, world.coach)
    _overview(client)
    world.pa.step = Step.WORKING
    world.pa.save()
    assert str(Step.WORKING.label) in _overview(client)[0]
    user = world.participant.user
    user.first_name = "Fenna"
    user.save()
    assert "Fenna" in _overview(client)[0]


def test_a_login_keeps_the_overview(client: Client, world: World) -> None:
    login(client, world.coach)
    _overview(client)
    generation = cache.get(signal_cache._generation_key(world.org.pk), 0)
    client.logout()
    login(client, world.coach)
    assert cache.get(signal_cache._generation_key(world.org.pk), 0) == generation
    assert _overview(client)[1] <= 3


def test_each_filter_and_each_coach_has_their_own_overview(client: Client, world: World) -> None:
    from wpo.orgs.models import Role

    from .factories import make_person

    login(client, world.coach)
    everyone, _n = _overview(client)
    nobody, _n = _overview(client, "?q=niemand-heet-zo")
    assert world.participant.name in everyone
    assert world.participant.name not in nobody
    assert "Geen trajecten gevonden met deze keuze." in nobody
    other_coach = make_person(world.org, [Role.COACH])
    client.logout()
    login(client, other_coach)
    assert _overview(client, "?q=niemand-heet-zo")[0].count("Geen trajecten gevonden met deze keuze.") == 1
    cached = [k for k in cache._cache if "kept-page:overview" in k]  # type: ignore[attr-defined]
    assert len(cached) == 3  # two filters of one coach, one of the other


def test_another_organisation_never_gets_this_overview(client: Client, world: World, other_world: World) -> None:
    login(client, world.coach)
    mine, _n = _overview(client)
    client.logout()
    login(client, other_world.coach)
    theirs, _n = _overview(client)
    assert world.participant.name in mine
    assert world.participant.name not in theirs
    assert other_world.participant.name in theirs


# The project manager's report is kept the same way (issue 21). -----------------------------------------


def _report_figure(client: Client, words: str) -> tuple[str, int]:
    import re

    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/rapportage/").content.decode()
    found = re.search(r'<p class="card-figure">([^<]*)</p><p>[^<]*' + re.escape(words), body)
    assert found, words
    return found.group(1).strip(), len(ctx.captured_queries)


def test_the_report_is_kept_and_a_new_interest_or_trajectory_shows_at_once(client: Client, world: World) -> None:
    from .factories import make_interest

    login(client, world.project_manager)
    running, cold = _report_figure(client, "trajecten liepen op")
    again, warm = _report_figure(client, "trajecten liepen op")
    assert again == running
    assert warm < cold and warm <= 3, (cold, warm)
    waiting, _n = _report_figure(client, "op de wachtlijst op")
    make_interest(world)
    assert _report_figure(client, "op de wachtlijst op")[0] != waiting
    world.trajectory.status = world.trajectory.Status.STOPPED
    world.trajectory.save()
    assert _report_figure(client, "trajecten liepen op")[0] != running


def test_another_organisation_never_gets_this_report(client: Client, world: World, other_world: World) -> None:
    login(client, world.project_manager)
    mine = client.get("/rapportage/").content.decode()
    client.logout()
    login(client, other_world.project_manager)
    theirs = client.get("/rapportage/").content.decode()
    assert world.org.name in mine and world.org.name not in theirs
    assert other_world.org.name in theirs
