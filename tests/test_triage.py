"""Triage instead of alarms (issue 16, item 4): the coach's overview shows each trajectory's one most
urgent reason, ranked by a documented severity; a coach snoozes a signal until a date with a reason,
or marks it discussed with the werkplekopleider; both are kept in an append-only history."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from time_machine import TimeMachineFixture

from wpo.coaching import early_signals, signal_cache
from wpo.coaching.early_signals import INACTIVE, LONG_ASSIGNMENT, NO_CONVERSATION, NO_LOOK_BACK, SEVERITY
from wpo.coaching.models import SignalEvent
from wpo.coaching.services import signal_snooze
from wpo.lib.refusals import Refused
from wpo.orgs.models import Role
from wpo.privacy.export import person_data
from wpo.privacy.services import person_anonymise
from wpo.trajectories.models import Step, Trajectory

from .conftest import login
from .factories import World, make_person
from .test_coaching import backdate
from .test_coaching_scale import generate

pytestmark = pytest.mark.django_db


def stalled(world: World) -> None:
    """Seven weeks on one assignment, three weeks at work without a look-back, no conversation, and
    nothing happened since: four signals on one trajectory."""
    backdate(world.pa, weeks=7, step=Step.WORKING, step_weeks=3)


def codes(world: World) -> list[str]:
    return [s.kind.code for s in early_signals.signals_for(world.coach).signals if s.trajectory_id]


def counts(world: World) -> dict[str, int]:
    return {kind.code: n for kind, n in early_signals.summary_for(world.coach).counts}


def row_cell(html: str, name: str) -> str:
    """The "Aandacht" cell of the overview row of ``name``."""
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{re.escape(name)}</a></th>(.*?)</tr>", html, re.S)
    assert row, f"no row for {name}"
    cell = re.search(r'<td data-label="Aandacht">(.*?)</td>', row.group(1), re.S)
    assert cell
    return cell.group(1)


def snooze_url(world: World, action: str = "stil") -> str:
    return f"/coach/trajecten/{world.trajectory.pk}/signalen/{action}/"


def in_days(days: int) -> str:
    """The date ``days`` from today, as a form sends it."""
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# The severity -------------------------------------------------------------------------------------


def test_the_severity_table_ranks_every_kind_about_one_trajectory_once() -> None:
    about_a_trajectory = {kind for kind, _query, _key, _source in early_signals.TRAJECTORY_SOURCES}
    assert set(SEVERITY) == about_a_trajectory
    assert len(SEVERITY) == len(set(SEVERITY))
    # Each entry has its why-comment in the table (the coach's help explains the same order).
    source = Path(early_signals.__file__).read_text(encoding="utf-8")
    table = source[source.index("SEVERITY: tuple[Kind, ...] = (") :]
    table = table[: table.index("\n)\n")]
    assert table.count("    # ") >= len(SEVERITY)
    # The documented order: a participant held up by us first, the least specific sign last.
    assert SEVERITY[0] is early_signals.SECOND_ASSESSOR and SEVERITY[-1] is LONG_ASSIGNMENT
    assert SEVERITY.index(INACTIVE) < SEVERITY.index(NO_CONVERSATION) < SEVERITY.index(NO_LOOK_BACK)


def test_most_urgent_orders_by_severity_then_the_longest_standing() -> None:
    now = timezone.now()

    def signal(kind: early_signals.Kind, weeks: int | None) -> early_signals.Signal:
        return early_signals.Signal(kind, "x", "/", "y", trajectory_id=1, since=now - timedelta(weeks=weeks or 0))

    long_old, long_new = signal(LONG_ASSIGNMENT, 9), signal(LONG_ASSIGNMENT, 7)
    silent = signal(INACTIVE, 5)
    ranked = early_signals.most_urgent([long_new, silent, long_old])
    assert ranked == [silent, long_old, long_new]


def test_the_coachs_help_explains_the_order_of_the_severity_table(client: Client, world: World) -> None:
    from wpo.guidance.content import COACH

    topic = COACH.for_anchor("signalen")
    assert topic is not None
    lines = [str(line) for line in topic.look_for]
    positions = [next(i for i, line in enumerate(lines) if str(kind.label) in line) for kind in SEVERITY]
    assert positions == sorted(positions), "the help lists the reasons in the order of SEVERITY"
    login(client, world.coach)
    assert "Signalen: één reden per traject" in client.get("/hulp/coach/").content.decode()


# One reason per row -------------------------------------------------------------------------------


def test_the_overview_shows_one_reason_per_trajectory_and_links_the_rest(client: Client, world: World) -> None:
    stalled(world)
    assert sorted(codes(world)) == sorted(["opdracht-lang", "geen-terugkijken", "geen-gesprek", "stil"])
    login(client, world.coach)
    html = client.get("/coach/").content.decode()
    cell = row_cell(html, world.participant.name)
    assert cell.count("signal-badge") == 1
    assert "Lang niets gebeurd" in cell and "7 weken niets gebeurd" in cell
    assert "+3 andere" in cell
    assert f'href="/coach/trajecten/{world.trajectory.pk}/signalen/"' in cell
    # The summary counts trajectories by their most urgent reason: one, not four signals.
    assert "1 traject vraagt aandacht" in html
    assert f'href="?signaal={INACTIVE.code}&amp;sorteer=aandacht"' in html
    assert f'href="?signaal={NO_CONVERSATION.code}' not in html
    # The trajectory's own page still lists all four, the most urgent first.
    page = client.get(f"/coach/trajecten/{world.trajectory.pk}/signalen/").content.decode()
    order = [page.index(str(kind.label)) for kind in (INACTIVE, NO_CONVERSATION, NO_LOOK_BACK, LONG_ASSIGNMENT)]
    assert order == sorted(order)
    # So does the signals page of the whole organisation.
    full = client.get("/coach/signalen/").content.decode()
    assert all(str(k.label) in full for k in (INACTIVE, NO_CONVERSATION, NO_LOOK_BACK, LONG_ASSIGNMENT))


def test_filter_and_sort_by_the_most_urgent_reason(client: Client, world: World) -> None:
    stalled(world)
    quiet = make_person(world.org, [Role.PARTICIPANT], world.department, first_name="Aad", last_name="Rustig")
    Trajectory.objects.create(
        organization=world.org,
        participant=quiet,
        trainer=world.trainer,
        department=world.department,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=90),
    )
    login(client, world.coach)
    by_reason = client.get(f"/coach/?signaal={INACTIVE.code}").content.decode()
    assert world.participant.name in by_reason and "Aad Rustig" not in by_reason
    # Its most urgent reason is the silence, so it is not listed under a lesser one.
    lesser = client.get(f"/coach/?signaal={NO_CONVERSATION.code}").content.decode()
    assert world.participant.name not in lesser and "0 trajecten" in lesser
    by_name = client.get("/coach/?sorteer=naam").content.decode()
    assert by_name.index("Aad Rustig") < by_name.index(world.participant.name)
    urgent_first = client.get("/coach/?sorteer=aandacht").content.decode()
    assert urgent_first.index(world.participant.name) < urgent_first.index("Aad Rustig")


# Snooze and discussed -----------------------------------------------------------------------------


def test_a_snoozed_signal_drops_out_of_the_reason_and_the_counts(client: Client, world: World) -> None:
    stalled(world)
    login(client, world.coach)
    until = in_days(14)
    response = client.post(
        snooze_url(world), {"soort": INACTIVE.code, "tot": until, "reden": "Ziek, terug over 2 weken."}
    )
    assert response.status_code == 302
    event = SignalEvent.objects.get()
    assert (event.action, event.kind, event.until.isoformat(), event.actor) == (
        "snoozed",
        INACTIVE.code,
        until,
        world.coach,
    )
    assert event.note == "Ziek, terug over 2 weken." and event.organization == world.org
    assert counts(world)[INACTIVE.code] == 0 and counts(world)[NO_CONVERSATION.code] == 1
    assert "stil" not in codes(world)
    cell = row_cell(client.get("/coach/").content.decode(), world.participant.name)
    assert "Geen begeleidingsgesprek" in cell and "Lang niets gebeurd" not in cell and "+2 andere" in cell
    page = client.get(f"/coach/trajecten/{world.trajectory.pk}/signalen/").content.decode()
    assert "Staat stil" in page and "Ziek, terug over 2 weken." in page and world.coach.name in page


def test_the_signal_comes_back_when_the_date_has_passed(world: World, time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(timezone.make_aware(datetime(2026, 11, 2, 9, 0)), tick=False)
    stalled(world)
    signal_snooze(
        actor=world.coach, trajectory=world.trajectory, kind=INACTIVE.code, until=date(2026, 11, 9), reason="Vakantie"
    )
    assert counts(world)[INACTIVE.code] == 0
    time_machine.move_to(timezone.make_aware(datetime(2026, 11, 9, 23, 0)), tick=False)
    assert counts(world)[INACTIVE.code] == 0, "quiet up to and including the date"
    time_machine.move_to(timezone.make_aware(datetime(2026, 11, 10, 0, 30)), tick=False)
    assert counts(world)[INACTIVE.code] == 1
    assert "stil" in codes(world)
    assert SignalEvent.objects.count() == 1, "coming back writes nothing"


def test_wake_before_the_date_and_snooze_again_are_history(client: Client, world: World) -> None:
    stalled(world)
    login(client, world.coach)
    client.post(snooze_url(world), {"soort": INACTIVE.code, "tot": in_days(30), "reden": "Vakantie"})
    assert client.post(snooze_url(world, "weer-aan"), {"soort": INACTIVE.code}).status_code == 302
    assert counts(world)[INACTIVE.code] == 1
    # A second wake is refused beside the form, and writes nothing.
    again = client.post(snooze_url(world, "weer-aan"), {"soort": INACTIVE.code})
    assert again.status_code == 200 and "Dit signaal staat niet stil." in again.content.decode()
    # A shorter snooze after a longer one: the newest decides.
    client.post(snooze_url(world), {"soort": INACTIVE.code, "tot": in_days(60), "reden": "Lang weg"})
    client.post(snooze_url(world), {"soort": INACTIVE.code, "tot": in_days(3), "reden": "Toch eerder"})
    history = list(SignalEvent.objects.order_by("pk").values_list("action", "note"))
    assert history == [
        ("snoozed", "Vakantie"),
        ("woken", ""),
        ("snoozed", "Lang weg"),
        ("snoozed", "Toch eerder"),
    ]
    page = client.get(f"/coach/trajecten/{world.trajectory.pk}/signalen/").content.decode()
    assert page.count("Stil gezet ·") == 3 and "Weer aangezet ·" in page
    assert "Toch eerder" in page.split("Wat er met de signalen gebeurde")[0]  # the one in force


def test_discussed_with_the_trainer_is_recorded_and_shown_but_keeps_counting(client: Client, world: World) -> None:
    stalled(world)
    login(client, world.coach)
    response = client.post(
        snooze_url(world, "besproken"), {"soort": INACTIVE.code, "notitie": "Ahmed belt haar vandaag."}
    )
    assert response.status_code == 302
    event = SignalEvent.objects.get()
    assert (event.action, event.note, event.until) == ("discussed", "Ahmed belt haar vandaag.", None)
    assert counts(world)[INACTIVE.code] == 1
    cell = row_cell(client.get("/coach/").content.decode(), world.participant.name)
    assert "Besproken met werkplekopleider op" in cell
    # Without a note is fine too.
    assert client.post(snooze_url(world, "besproken"), {"soort": NO_LOOK_BACK.code}).status_code == 302
    assert SignalEvent.objects.filter(action="discussed").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tot": "today", "reden": "x"}, "Kies een datum na vandaag."),
        ({"tot": "far", "reden": "x"}, "hooguit 92 dagen"),
        ({"tot": "soon", "reden": "  "}, "Dit veld is verplicht."),
        ({"tot": "soon", "reden": "x", "soort": "afdeling-vol"}, "Selecteer een geldige keuze."),
        ({"tot": "soon", "reden": "x", "soort": "onzin"}, "Selecteer een geldige keuze."),
        ({"tot": "31-02-2026", "reden": "x"}, "Voer een geldige datum in."),
    ],
)
def test_a_wrong_snooze_is_explained_and_writes_nothing(
    client: Client, world: World, data: dict[str, str], message: str
) -> None:
    stalled(world)
    login(client, world.coach)
    days = {"today": 0, "far": 93, "soon": 5}
    post = {"soort": INACTIVE.code, **data}
    if data["tot"] in days:
        post["tot"] = in_days(days[data["tot"]])
    response = client.post(snooze_url(world), post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SignalEvent.objects.exists()


def test_the_services_refuse_on_their_own(world: World) -> None:
    stalled(world)
    soon = timezone.localdate() + timedelta(days=3)
    with pytest.raises(Refused, match="Alleen een coach"):
        signal_snooze(actor=world.trainer, trajectory=world.trajectory, kind=INACTIVE.code, until=soon, reason="x")
    with pytest.raises(Refused, match="Kies een signaal"):
        signal_snooze(actor=world.coach, trajectory=world.trajectory, kind="probleem", until=soon, reason="x")
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Trajectory.Status.CLOSED)
    world.trajectory.refresh_from_db()
    with pytest.raises(Refused, match="loopt niet meer"):
        signal_snooze(actor=world.coach, trajectory=world.trajectory, kind=INACTIVE.code, until=soon, reason="x")
    assert not SignalEvent.objects.exists()


def test_the_history_is_append_only(world: World) -> None:
    stalled(world)
    event = signal_snooze(
        actor=world.coach,
        trajectory=world.trajectory,
        kind=INACTIVE.code,
        until=timezone.localdate() + timedelta(days=3),
        reason="x",
    )
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        SignalEvent.objects.update(note="")


# Permissions and isolation ------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["stil", "weer-aan", "besproken"])
def test_triage_writes_are_posts_for_the_coach_of_the_organisation(
    client: Client, world: World, outsider: Any, action: str
) -> None:
    stalled(world)
    data = {"soort": INACTIVE.code, "tot": in_days(5), "reden": "x", "notitie": "x"}
    login(client, world.coach)
    assert client.get(snooze_url(world, action)).status_code == 405
    for role in (Role.TRAINER, Role.PROJECT_MANAGER, Role.PARTICIPANT, Role.ADMINISTRATOR):
        login(client, world.by_role(role))
        assert client.post(snooze_url(world, action), data).status_code == 403, role
        assert client.get(f"/coach/trajecten/{world.trajectory.pk}/signalen/").status_code == 403
    login(client, outsider)
    assert client.post(snooze_url(world, action), data).status_code == 404
    assert client.get(f"/coach/trajecten/{world.trajectory.pk}/signalen/").status_code == 404
    assert not SignalEvent.objects.exists()


def test_a_coach_who_is_also_the_participant_cannot_quiet_their_own_signals(client: Client, world: World) -> None:
    coach_participant = make_person(world.org, [Role.COACH, Role.PARTICIPANT])
    Trajectory.objects.filter(pk=world.trajectory.pk).update(participant=coach_participant)
    stalled(world)
    login(client, coach_participant)
    data = {"soort": INACTIVE.code, "tot": in_days(5), "reden": "Ik ben er even niet"}
    assert client.post(snooze_url(world), data).status_code == 404
    assert not SignalEvent.objects.exists()


def test_another_organisations_snooze_quiets_nothing_here(world: World, other_world: World) -> None:
    stalled(world)
    backdate(other_world.pa, weeks=7, step=Step.WORKING, step_weeks=3)
    signal_snooze(
        actor=other_world.coach,
        trajectory=other_world.trajectory,
        kind=INACTIVE.code,
        until=timezone.localdate() + timedelta(days=5),
        reason="x",
    )
    assert counts(world)[INACTIVE.code] == 1
    assert {kind.code: n for kind, n in early_signals.summary_for(other_world.coach).counts}[INACTIVE.code] == 0


# Cache, digest, privacy ---------------------------------------------------------------------------


def test_a_snooze_shows_at_once_in_the_cached_counts(world: World, settings: Any) -> None:
    settings.SIGNAL_COUNTS_CACHE_SECONDS = 60
    cache.clear()
    stalled(world)
    before = dict((k.code, n) for k, n in signal_cache.summary_for(world.coach).counts)
    assert before[INACTIVE.code] == 1
    signal_snooze(
        actor=world.coach,
        trajectory=world.trajectory,
        kind=INACTIVE.code,
        until=timezone.localdate() + timedelta(days=5),
        reason="x",
    )
    summary = signal_cache.summary_for(world.coach)
    assert dict((k.code, n) for k, n in summary.counts)[INACTIVE.code] == 0
    assert dict((k.code, n) for k, n in summary.reasons)[NO_CONVERSATION.code] == 1
    cached = signal_cache.summary_for(world.coach)  # from the cache now
    assert cached.reasons == summary.reasons and cached.counts == summary.counts


def test_the_weekly_digest_leaves_snoozed_signals_out(world: World) -> None:
    from django.core import mail

    from wpo.coaching import digest

    stalled(world)
    signal_snooze(
        actor=world.coach,
        trajectory=world.trajectory,
        kind=INACTIVE.code,
        until=timezone.localdate() + timedelta(days=5),
        reason="x",
    )
    digest.send_all()
    [message] = [m for m in mail.outbox if m.to == [world.coach.user.email]]
    assert "niets gebeurd" not in message.body and "zonder terugkijkgesprek" in message.body


def test_the_avg_export_and_the_anonymisation_handle_the_coachs_notes(world: World) -> None:
    stalled(world)
    signal_snooze(
        actor=world.coach,
        trajectory=world.trajectory,
        kind=INACTIVE.code,
        until=timezone.localdate() + timedelta(days=5),
        reason="Jan is ziek",
    )
    [t] = person_data(world.participant)["trajectories"]
    assert t["signal_triage"][0]["note"] == "Jan is ziek" and t["signal_triage"][0]["by"] == world.coach.name
    [shared] = person_data(world.participant, viewer=world.participant)["trajectories"]
    assert shared["signal_triage"][0]["note"] is None
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Trajectory.Status.STOPPED)
    person_anonymise(person=world.participant, actor=world.administrator)
    assert SignalEvent.objects.get().note == ""


# Constant queries ---------------------------------------------------------------------------------


def _snooze_every(n: int, world: World) -> None:
    """Snooze the silence of every n-th running trajectory (bulk: like many coaches over time)."""
    now = timezone.now()
    ids = list(Trajectory.objects.filter(organization=world.org).order_by("pk").values_list("pk", flat=True))
    SignalEvent.objects.bulk_create(
        SignalEvent(
            organization=world.org,
            trajectory_id=pk,
            kind=kind.code,
            action="snoozed",
            until=timezone.localdate() + timedelta(days=7),
            note="x",
            actor=world.coach,
            at=now,
        )
        for pk in ids[::n]
        for kind in (INACTIVE, LONG_ASSIGNMENT)
    )
    SignalEvent.objects.bulk_create(
        SignalEvent(
            organization=world.org,
            trajectory_id=pk,
            kind=NO_CONVERSATION.code,
            action="discussed",
            actor=world.coach,
            at=now,
        )
        for pk in ids[1::n]
    )


@pytest.mark.slow
@pytest.mark.parametrize("url", ["/coach/", "/coach/?sorteer=aandacht", f"/coach/?signaal={INACTIVE.code}"])
def test_the_overview_with_triage_runs_the_same_queries_for_20_and_2000(client: Client, world: World, url: str) -> None:
    login(client, world.coach)
    generate(world, 20)
    _snooze_every(3, world)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    generate(world, 1980, seed=8)
    SignalEvent.objects.all()._raw_delete(SignalEvent.objects.db)  # type: ignore[attr-defined]
    _snooze_every(3, world)
    # Fresh statistics, as autovacuum keeps them in production: without them PostgreSQL plans the
    # snooze filter's nested EXISTS over 2,000 rows as sequential scans (about a minute per count).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert len(large) == len(small), f"{url}: {len(small)} queries with 21 participants, {len(large)} with 2001"
    # One reason per row, never a list of badges.
    for cell in re.findall(r'<td data-label="Aandacht">(.*?)</td>', html, re.S):
        assert cell.count("signal-badge") <= 1
