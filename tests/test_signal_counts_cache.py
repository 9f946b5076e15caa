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
from wpo.trajectories.models import CoachingConversation, ParticipantAssignment, Step, Trajectory

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


# After a write about one trajectory, the next visit finds that trajectory's signals again, not the
# whole organisation's (issue 21): the kept signals are patched. --------------------------------------


@pytest.fixture
def found_for(monkeypatch: pytest.MonkeyPatch) -> list[set[int] | None]:
    """For each time signals were found: the trajectories asked about, or None for all of them."""
    asked: list[set[int] | None] = []
    find = early_signals.trajectory_signals

    def recorded(coach: Any, now: Any, config: Any, only: Any = None) -> early_signals.Found:
        asked.append(None if only is None else set(only))
        return find(coach, now, config, only)

    monkeypatch.setattr(early_signals, "trajectory_signals", recorded)
    return asked


def _both(world: World, asked: list[set[int] | None]) -> tuple[Any, set[int] | None]:
    """The overview's counts and reasons, checked against counting everything afresh, and which
    trajectories the overview asked about to get them."""
    before = len(asked)
    summary = signal_cache.summary_for(world.coach)
    assert len(asked) <= before + 1
    found = asked[before] if len(asked) > before else set()
    truth = early_signals.summary_for(world.coach)
    del asked[before:]
    assert (summary.counts, summary.reasons) == (truth.counts, truth.reasons)
    return (summary.counts, summary.reasons), found


def _with(world: World, kind: early_signals.Kind) -> Trajectory:
    trajectory_id = early_signals.signals_for(world.coach).of_kind(kind)[0].trajectory_id
    return Trajectory.objects.get(pk=trajectory_id)


def test_a_write_about_one_trajectory_finds_that_trajectorys_signals_only(
    world: World, other_world: World, found_for: list[set[int] | None]
) -> None:
    from wpo.coaching.services import signal_snooze
    from wpo.trajectories.models import Assessment

    from .test_coaching_scale import generate

    generate(world, 60)
    counts, asked = _both(world, found_for)
    assert asked is None and sum(n for _kind, n in counts[0]) > 0

    quiet = _with(world, early_signals.NO_CONVERSATION)
    CoachingConversation.objects.create(
        organization=world.org, trajectory=quiet, planned_at=timezone.now() + timedelta(days=3)
    )
    after, asked = _both(world, found_for)
    assert asked == {quiet.pk} and after != counts

    pa = ParticipantAssignment.objects.filter(trajectory=_with(world, early_signals.LONG_ASSIGNMENT)).first()
    assert pa is not None
    pa.step = Step.INTRODUCED
    pa.save()
    after, asked = _both(world, found_for)
    assert asked == {pa.trajectory_id}

    snoozed = _with(world, early_signals.OVERDUE)
    signal_snooze(
        actor=world.coach,
        trajectory=snoozed,
        kind=early_signals.OVERDUE.code,
        until=timezone.localdate() + timedelta(days=5),
        reason="Wordt verlengd.",
    )
    after, asked = _both(world, found_for)
    assert asked == {snoozed.pk}

    stopped = _with(world, early_signals.INACTIVE)
    stopped.status = Trajectory.Status.STOPPED
    stopped.save()
    after, asked = _both(world, found_for)
    assert asked == {stopped.pk}

    # An assessment reaches its trajectory through its assignment, read when it is not at hand.
    other_pa = (
        ParticipantAssignment.objects.filter(organization=world.org)
        .exclude(trajectory__status=Trajectory.Status.STOPPED)
        .last()
    )
    assert other_pa is not None
    Assessment.objects.create(
        organization=world.org,
        participant_assignment_id=other_pa.pk,
        assessor=world.trainer,
        judgement="achieved",
        assessed_at=timezone.now(),
        second_assessor=world.coach,
    )
    after, asked = _both(world, found_for)
    assert asked == {other_pa.trajectory_id}

    # Two writes before the next visit: both trajectories are asked about, at once.
    first, second = Trajectory.objects.filter(organization=world.org).order_by("pk")[:2]
    for trajectory in (first, second):
        trajectory.ends_on = trajectory.ends_on + timedelta(days=1)
        trajectory.save()
    after, asked = _both(world, found_for)
    assert asked == {first.pk, second.pk}

    # Another organisation's write moves nothing here: the counts come from the cache.
    other_world.trajectory.save()
    assert _both(world, found_for) == (after, set())


def test_a_write_about_more_a_lost_mark_or_a_minute_passing_finds_everything_again(
    world: World, found_for: list[set[int] | None], time_machine: Any
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    _without_conversation(world)
    assert _both(world, found_for)[1] is None

    config = early_signals.settings_for(world.org.pk)
    config.conversation_weeks = 2
    config.save()
    assert _both(world, found_for)[1] is None

    world.trajectory.save()
    generation = cache.get(signal_cache._generation_key(world.org.pk))
    cache.delete(signal_cache._mark_key(world.org.pk, generation))  # evicted, or not yet written
    assert _both(world, found_for)[1] is None

    world.trajectory.save()
    time_machine.shift(timedelta(seconds=59))
    assert _both(world, found_for)[1] == {world.trajectory.pk}
    world.trajectory.save()
    time_machine.shift(timedelta(seconds=1))  # a minute after everything was found
    assert _both(world, found_for)[1] is None

    # Patched counts are kept only for what is left of the minute since everything was found: a
    # visit after it, with nothing written, finds everything again.
    world.trajectory.save()
    time_machine.shift(timedelta(seconds=59))
    assert _both(world, found_for)[1] == {world.trajectory.pk}
    time_machine.shift(timedelta(seconds=2))
    assert _both(world, found_for)[1] is None

    for _n in range(signal_cache.MAX_PATCHED_WRITES + 1):
        world.trajectory.save()
    assert _both(world, found_for)[1] is None


def test_after_a_write_about_one_row_only_that_rows_triage_is_built_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wpo.coaching import selectors

    from .test_coaching_scale import generate

    generate(world, 40)
    built: list[list[int]] = []
    build = selectors.overview_triage

    def recorded(coach: Any, trajectory_ids: Any, now: Any = None) -> Any:
        built.append(sorted(trajectory_ids))
        return build(coach, trajectory_ids, now)

    monkeypatch.setattr(selectors, "overview_triage", recorded)

    def seen(rows: dict[int, Any]) -> dict[int, Any]:
        return {
            pk: (row.reason and (row.reason.kind.code, str(row.reason.reason)), row.others, row.discussed_at, row.quiet)
            for pk, row in rows.items()
        }

    page = list(Trajectory.objects.filter(organization=world.org).order_by("pk").values_list("pk", flat=True)[:25])
    elsewhere = Trajectory.objects.filter(organization=world.org).order_by("pk").last()
    assert elsewhere is not None and elsewhere.pk not in page

    def triage() -> dict[int, Any]:
        rows = seen(signal_cache.overview_triage(world.coach, page, timezone.now()))
        assert rows == seen(build(world.coach, page, timezone.now()))
        return rows

    first = triage()
    assert built == [page]
    assert triage() == first and built == [page]  # nothing written: nothing built

    quiet = Trajectory.objects.get(
        pk=next(pk for pk, row in first.items() if row[0] and row[0][0] == early_signals.NO_CONVERSATION.code)
    )
    CoachingConversation.objects.create(
        organization=world.org, trajectory=quiet, planned_at=timezone.now() + timedelta(days=3)
    )
    assert triage() != first
    assert built[-1] == [quiet.pk]

    elsewhere.save()  # a write about a trajectory on another page
    triage()
    assert built[-1] == []

    config = early_signals.settings_for(world.org.pk)
    config.conversation_weeks = 52
    config.save()  # a write about every trajectory
    triage()
    assert built[-1] == page


# The overview's order is kept with each trajectory's sort values, and patched after a write (issue 21). -


def _listed(client: Client, query: str) -> list[str]:
    """The participants' names on every page of the overview, in order."""
    import re

    names: list[str] = []
    for number in range(1, 10):
        html = client.get(f"/coach/?{query}&pagina={number}").content.decode()
        names += re.findall(r'<th scope="row"><a [^>]*>([^<]*)</a></th>', html)
        if f"pagina={number + 1}" not in html:
            return names
    raise AssertionError("more pages than expected")


def test_the_kept_order_follows_every_kind_of_write(world: World, settings: Any) -> None:
    from wpo.coaching import selectors

    from .factories import make_person
    from .test_coaching_scale import generate

    generate(world, 70)
    filters = [
        selectors.OverviewFilters(),
        selectors.OverviewFilters(sort="naam"),
        selectors.OverviewFilters(sort="fase", department=world.department),
    ]

    def orders() -> list[tuple[list[int] | None, list[int]]]:
        found = []
        for number, chosen in enumerate(filters):
            trajectories = selectors.overview_trajectories(world.coach, chosen)
            fields = selectors.kept_order_fields(chosen)
            assert fields is not None
            kept = signal_cache.overview_order(world.coach, trajectories, fields, str(number))
            found.append((kept, list(trajectories.values_list("pk", flat=True))))
        return found

    def sorted_again() -> bool:
        """The orders equal the database's; whether one of them was sorted again in full."""
        with CaptureQueriesContext(connection) as ctx:
            found = orders()
        for kept, truth in found:
            assert kept == truth
        ours = [q["sql"] for q in ctx.captured_queries][: len(filters) * 2 : 2]  # each kept order's query
        return any('"trajectories_trajectory"."id" IN (' not in sql for sql in ours)

    assert sorted_again()
    moved = ParticipantAssignment.objects.filter(organization=world.org).first()
    assert moved is not None
    moved.step = Step.WORKING
    moved.save()
    assert not sorted_again()  # a moved step changes no trajectory's place

    stopped = Trajectory.objects.filter(organization=world.org, status=Trajectory.Status.ACTIVE).last()
    assert stopped is not None
    stopped.status = Trajectory.Status.STOPPED
    stopped.save()
    assert not sorted_again()  # one that left is taken out of the kept order

    newcomer = make_person(world.org, [], world.department)  # who joins below: their own write first
    newcomer.is_participant = True
    newcomer.save()
    elsewhere = Trajectory.objects.filter(organization=world.org, status=Trajectory.Status.ACTIVE).first()
    assert elsewhere is not None
    elsewhere.department = (
        world.org.department_set.exclude(pk=elsewhere.department_id).order_by("name").first()  # type: ignore[attr-defined]
    )
    elsewhere.save()
    assert sorted_again()  # a new place: everything sorted again

    Trajectory.objects.create(
        organization=world.org,
        participant=newcomer,
        trainer=world.trainer,
        department=world.department,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=90),
    )
    assert sorted_again()  # one that joined

    user = elsewhere.participant.user
    user.first_name = "Aafke"
    user.save()
    assert sorted_again()  # a new name: a write about more than one trajectory


def test_the_overview_from_a_kept_order_lists_what_it_lists_without_one(
    client: Client, world: World, settings: Any
) -> None:
    from .test_coaching_scale import generate

    generate(world, 120)
    login(client, world.coach)
    queries = ["", "sorteer=naam", f"afdeling={world.department.pk}&sorteer=fase", "q=Deelnemer1"]
    kept = {query: _listed(client, query) for query in queries}
    world.pa.step = Step.WORKING
    world.pa.save()
    patched = {query: _listed(client, query) for query in queries}
    settings.SIGNAL_COUNTS_CACHE_SECONDS = 0
    settings.PAGE_CACHE_SECONDS = 0
    fresh = {query: _listed(client, query) for query in queries}
    assert kept == patched == fresh
    assert len(fresh[""]) > 100 and len(fresh["q=Deelnemer1"]) > 10


def _filter_of(body: str) -> str:
    start = body.index('<form method="get" class="overview-filter-form"')
    return body[start : body.index("</form>", start)]


def test_the_filter_is_kept_across_writes_about_one_trajectory_and_built_again_after_any_other(
    client: Client, world: World, time_machine: Any, settings: Any
) -> None:
    """The overview's filter (its lists of departments and werkplekopleiders) is kept while the writes
    are about one trajectory, and built again after any other write, for another filter, and after a
    minute."""
    from wpo.orgs.models import Department, Role

    from .factories import make_person

    def options_read() -> bool:
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/coach/").content.decode()
        # The werkplekopleiders' options: the one query that reads people's names as "user__first_name".
        read = any('AS "user__first_name"' in q["sql"] for q in ctx.captured_queries)
        nonlocal shown
        shown = _filter_of(body)
        return read

    shown = ""
    time_machine.move_to(timezone.now(), tick=False)
    login(client, world.coach)
    assert options_read()
    first = shown
    assert world.trainer.name in first and world.department.name in first

    world.pa.step = Step.WORKING
    world.pa.save()
    world.trajectory.save()
    assert not options_read()
    assert shown == first

    # Each filter has its own: the chosen phase is selected in its own, not in the other.
    filtered = _filter_of(client.get("/coach/?fase=2").content.decode())
    assert '<option value="2" selected>' in filtered
    assert '<option value="2" selected>' not in first

    newcomer = make_person(world.org, [Role.TRAINER], world.department, first_name="Jorinde")
    assert options_read()
    assert newcomer.name in shown

    Department.objects.filter(pk=world.department.pk).update(name="Inpak Oost")  # no save: no write announced
    world.pa.save()
    assert not options_read()
    department = Department.objects.get(pk=world.department.pk)
    department.name = "Inpak West"
    department.save()
    assert options_read()
    assert "Inpak West" in shown

    world.trajectory.save()
    time_machine.shift(timedelta(seconds=59))
    assert not options_read()
    world.trajectory.save()
    time_machine.shift(timedelta(seconds=1))  # a minute after the filter was built
    assert options_read()

    # Never older than the pages' own time either, when that is the shorter.
    settings.PAGE_CACHE_SECONDS = 30
    world.trajectory.save()
    time_machine.shift(timedelta(seconds=29))
    assert not options_read()
    world.trajectory.save()
    time_machine.shift(timedelta(seconds=1))
    assert options_read()
