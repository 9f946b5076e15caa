"""The coach overview counts signals in the database and builds them only for the page shown:
the counts, the "only with a signal" filter and the badges agree with the full list of signals."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from wpo.coaching import early_signals
from wpo.coaching.services import signal_snooze
from wpo.trajectories.access import visible_trajectories
from wpo.trajectories.models import Assessment, Trajectory

from .conftest import login
from .factories import World
from .test_coaching_scale import generate

pytestmark = pytest.mark.django_db


def test_summary_and_page_signals_agree_with_the_full_report(client: Client, world: World) -> None:
    generate(world, 120)
    full = early_signals.signals_for(world.coach)
    summary = early_signals.summary_for(world.coach)
    assert summary.counts == full.counts() and summary.total == len(full) > 0
    flagged = set(Trajectory.objects.filter(summary.flagged).values_list("pk", flat=True))
    assert flagged == set(full.by_trajectory())
    some = sorted(flagged)[:7]
    page = early_signals.signals_for(world.coach, only=some).by_trajectory()
    assert {pk: [s.kind for s in found] for pk, found in page.items()} == {
        pk: [s.kind for s in full.by_trajectory()[pk]] for pk in some
    }
    login(client, world.coach)
    html = client.get("/coach/?signaal=ja").content.decode()
    assert f"{len(flagged)} trajecten" in html


def test_the_signal_list_fetched_page_by_page_is_the_full_list_in_order(world: World) -> None:
    generate(world, 150)
    full = early_signals.signals_for(world.coach)

    def key(s: early_signals.Signal) -> tuple[str, int | None, str, str]:
        return (s.kind.code, s.trajectory_id, str(s.reason), str(s.url))

    shown, counts = early_signals.signal_list(world.coach)
    assert counts == full.counts() and len(shown) == len(full)
    pages = [signal for start in range(0, len(shown), 37) for signal in shown[start : start + 37]]
    assert [key(s) for s in pages] == [key(s) for s in full.signals]
    assert key(shown[5]) == key(full.signals[5])
    only, _counts = early_signals.signal_list(world.coach, early_signals.INACTIVE)
    assert [key(s) for s in only[0:1000]] == [key(s) for s in full.of_kind(early_signals.INACTIVE)]


def test_the_reasons_counted_from_each_kinds_trajectories_agree_with_the_overviews_filter(world: World) -> None:
    """The overview counts each running trajectory under its most urgent reason from the trajectories of
    every kind, read once (``reasons_from``); the filter "most urgent reason is ..." asks the database.
    Both must give the same numbers, also where a kind's rows reach past the running trajectories the
    coach may open: a second assessment waiting in a stopped trajectory, and a snoozed signal."""
    generate(world, 120)
    waiting = Assessment.objects.filter(
        organization=world.org, second_assessor__isnull=False, second_judgement=""
    ).select_related("participant_assignment__trajectory")
    stopped = waiting.first()
    assert stopped is not None and waiting.count() > 1
    Trajectory.objects.filter(pk=stopped.participant_assignment.trajectory_id).update(status=Trajectory.Status.STOPPED)
    found = early_signals.triage(world.coach)
    inactive = (
        Trajectory.objects.filter(organization=world.org, status=Trajectory.Status.ACTIVE)
        .filter(found.top_is(early_signals.INACTIVE))
        .first()
    )
    assert inactive is not None
    signal_snooze(
        actor=world.coach,
        trajectory=inactive,
        kind=early_signals.INACTIVE.code,
        until=timezone.localdate() + timedelta(days=7),
        reason="Is ziek, komt over een week terug.",
    )

    summary = early_signals.summary_for(world.coach)
    found = early_signals.triage(world.coach)
    running = visible_trajectories(world.coach).filter(status=Trajectory.Status.ACTIVE)
    asked = [(kind, running.filter(found.top_is(kind)).count()) for kind in early_signals.SEVERITY]
    assert summary.reasons == asked
    assert len([n for _kind, n in asked if n]) >= 3, "the generated world has several kinds of most urgent reason"
    # The stopped trajectory's waiting assessment is counted as a signal, but is nobody's reason.
    counts = dict(summary.counts)
    assert counts[early_signals.SECOND_ASSESSOR] == waiting.count()
    assert dict(asked)[early_signals.SECOND_ASSESSOR] < waiting.count()
