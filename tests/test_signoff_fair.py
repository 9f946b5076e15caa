"""A fair sign-off (issue 16, item 3): the independence week ticked day by day beside the criterion,
the blind second judgement with a talk when the two judgements differ, and the coach's calibration."""

import io
import json
import zipfile
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from time_machine import TimeMachineFixture

from wpo.lib.refusals import Refused
from wpo.orgs.models import Person, Role
from wpo.trajectories.models import (
    Assessment,
    CoachingConversation,
    IndependenceDay,
    Judgement,
    ParticipantAssignment,
    SecondAssessorRequest,
    Step,
    StepChange,
    Trajectory,
)
from wpo.trajectories.services import signoff
from wpo.trajectories.workflow import give_assignment, move

from .conftest import login
from .factories import World, make_person
from .test_signoff import bring, detail, url

pytestmark = pytest.mark.django_db

# A Monday morning in Amsterdam; every test that reads the week moves the clock here.


def _a_monday_ahead() -> datetime:
    """A Monday 09:00 (local time) five to six weeks after today: the tests move the clock there, so
    the world the fixtures built at today's date always lies before it, whatever day the suite runs."""
    today = timezone.localdate()
    day = today + timedelta(days=35 + (7 - today.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


MONDAY = _a_monday_ahead()


def day_of(offset: int) -> str:
    """The week's day ``offset`` days after MONDAY, as a form posts it."""
    return (MONDAY.date() + timedelta(days=offset)).isoformat()


def body(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.content.decode())


def independent_on_monday(world: World, time_machine: TimeMachineFixture) -> ParticipantAssignment:
    time_machine.move_to(MONDAY, tick=False)
    return bring(world, world.pa, Step.INDEPENDENT)


def blind_first(
    world: World, judgement: str = "achieved", note: str = "Geheime notitie van de opleider."
) -> Assessment:
    """The trainer asked the coach as second assessor and recorded the first judgement."""
    bring(world, world.pa, Step.ASSESSING)
    signoff.second_assessor_request(world.pa, actor=world.trainer, coach=world.coach)
    return signoff.assessment_record(world.pa, assessor=world.trainer, judgement=judgement, note=note)


# The independence week, day by day ------------------------------------------------------------------


def test_a_day_is_ticked_once_only_in_the_week_and_never_ahead(world: World, time_machine: TimeMachineFixture) -> None:
    pa = independent_on_monday(world, time_machine)
    today = MONDAY.date()
    signoff.independence_day_record(pa, actor=world.trainer, day=today, shown=True, note="Vroeg zelf om hulp.")
    # The same day again corrects it: still one row for the day.
    signoff.independence_day_record(pa, actor=world.coach, day=today, shown=False, note="Toch niet.")
    tick = IndependenceDay.objects.get()
    assert (tick.day, tick.shown, tick.note, tick.recorded_by) == (today, False, "Toch niet.", world.coach)

    with pytest.raises(Refused, match="nog niet geweest"):
        signoff.independence_day_record(pa, actor=world.trainer, day=today + timedelta(days=1), shown=True)
    with pytest.raises(Refused, match="Kies een dag van de zelfstandigheidsweek"):
        signoff.independence_day_record(pa, actor=world.trainer, day=today - timedelta(days=1), shown=True)
    with pytest.raises(Refused, match="kort"):
        signoff.independence_day_record(pa, actor=world.trainer, day=today, shown=True, note="x" * 201)
    with pytest.raises(Refused):
        signoff.independence_day_record(pa, actor=world.participant, day=today, shown=True)

    # Eight days on: the seventh day is the last of the week, the eighth is not part of it.
    time_machine.move_to(MONDAY + timedelta(days=8), tick=False)
    signoff.independence_day_record(pa, actor=world.trainer, day=today + timedelta(days=6), shown=True)
    with pytest.raises(Refused, match="Kies een dag van de zelfstandigheidsweek"):
        signoff.independence_day_record(pa, actor=world.trainer, day=today + timedelta(days=7), shown=True)
    assert IndependenceDay.objects.count() == 2

    # Once the assessment began, or before the week, nothing is ticked.
    signoff.assessment_start(pa, actor=world.trainer)
    with pytest.raises(Refused, match="alleen in de zelfstandigheidsweek"):
        signoff.independence_day_record(pa, actor=world.trainer, day=today + timedelta(days=5), shown=True)
    history = pa.history.last()
    assert history is not None and history.note.endswith("Zelf laten zien op 1 van de 7 dagen.")


def test_only_in_the_independence_step(world: World, time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(MONDAY, tick=False)
    bring(world, world.pa, Step.WORKING)
    with pytest.raises(Refused, match="alleen in de zelfstandigheidsweek"):
        signoff.independence_day_record(world.pa, actor=world.trainer, day=MONDAY.date(), shown=True)
    assert not IndependenceDay.objects.exists()


def test_ticked_days_and_the_criterion_are_on_the_panel_and_the_assessment_screen(
    client: Client, world: World, time_machine: TimeMachineFixture
) -> None:
    pa = independent_on_monday(world, time_machine)
    login(client, world.trainer)
    tick = url("independence_day_record", pa.pk)
    response = client.post(tick, {"day": day_of(0), "shown": "1", "note": "Zette zelf de machine klaar."})
    assert response["Location"].endswith(f"#week-{pa.pk}")
    time_machine.move_to(MONDAY + timedelta(days=2), tick=False)
    login(client, world.trainer)  # two days on, the session of Monday has ended
    client.post(tick, {"day": day_of(1), "shown": "0"})
    client.post(tick, {"day": day_of(2), "shown": "1"})
    assert IndependenceDay.objects.filter(participant_assignment=pa).count() == 3

    criterion = escape(pa.version.content["trainer"]["criterion"])
    page = body(client.get(detail(world)))
    assert "Zelf laten zien op 2 van de 3 dagen." in page and "Zette zelf de machine klaar." in page
    assert "Niet gezien op 1 dag." in page and criterion in page and "Dag afvinken" in page

    client.post(url("assessment_start", pa.pk), {"expected_step": "independent"})
    page = body(client.get(url("assessment_record", pa.pk)))
    assert "Oordeel vastleggen" in page and criterion in page
    assert "Gehaald als de deelnemer dit laat zien:" in page
    assert "Zelf laten zien op 2 van de 3 dagen." in page and "Zette zelf de machine klaar." in page
    # The panel keeps showing the week during the assessment, without the form to tick.
    page = body(client.get(detail(world)))
    assert "Zelf laten zien op 2 van de 3 dagen." in page and "Dag afvinken" not in page


def test_ticking_is_refused_to_the_wrong_people(
    client: Client, world: World, outsider: Person, time_machine: TimeMachineFixture
) -> None:
    pa = independent_on_monday(world, time_machine)
    tick = url("independence_day_record", pa.pk)
    data = {"day": day_of(0), "shown": "1"}
    login(client, world.trainer)
    assert client.get(tick).status_code == 405
    for person in (
        world.participant,
        world.project_manager,
        world.administrator,
        make_person(world.org, [Role.TRAINER]),
    ):
        client.logout()
        login(client, person)
        assert client.post(tick, data).status_code == 403, person
    client.logout()
    login(client, outsider)
    assert client.post(tick, data).status_code == 404
    assert not IndependenceDay.objects.exists()
    # A day in the future over HTTP: told, nothing saved.
    client.logout()
    login(client, world.trainer)
    response = client.post(tick, {"day": day_of(1), "shown": "1"}, follow=True)
    assert "nog niet geweest" in body(response) and not IndependenceDay.objects.exists()
    response = client.post(tick, {"day": "gisteren", "shown": "1"}, follow=True)
    assert "Kies een dag" in body(response)


# The blind second judgement ------------------------------------------------------------------------


def test_the_second_assessors_page_before_judging_does_not_contain_the_first_judgement(
    client: Client, world: World
) -> None:
    first = blind_first(world, "not_yet", "Geheime notitie van de opleider.")
    assert first.is_blind
    login(client, world.coach)
    for page in (
        body(client.get(url("second_assessment_record", first.pk))),
        body(client.get(url("second_assessor_waiting"))),
        body(client.get(detail(world))),
    ):
        assert "Geheime notitie van de opleider." not in page
        assert 'badge-warn">Nog niet' not in page  # the first judgement's badge
    judging = body(client.get(url("second_assessment_record", first.pk)))
    assert "Je ziet het pas als jij ook hebt geoordeeld" in judging

    # Nor does anyone else see it before both are in: the project manager, nor the participant.
    client.logout()
    login(client, world.project_manager)
    assert "Geheime notitie van de opleider." not in body(client.get(detail(world)))
    client.logout()
    login(client, world.participant)
    assert "Geheime notitie" not in body(client.get(reverse("learn:assignment", args=[world.pa.pk])))
    export = client.get(reverse("privacy:export_zip", args=[world.participant.pk]))
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        data = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".json"))
    assert "Geheime notitie" not in data

    # Its author sees it, with the word that nobody else does yet.
    client.logout()
    login(client, world.trainer)
    page = body(client.get(detail(world)))
    assert "Geheime notitie van de opleider." in page and "Alleen jij ziet dit oordeel" in page

    # Once the coach has judged, both see both.
    signoff.second_assessment_record(first, coach=world.coach, judgement="not_yet", note="Zag het ook nog niet.")
    client.logout()
    login(client, world.coach)
    assert "Geheime notitie van de opleider." in body(client.get(url("second_assessment_record", first.pk)))
    assert "Geheime notitie van de opleider." in body(client.get(detail(world)))


def test_agreeing_judgements_move_the_step_with_history(world: World) -> None:
    first = blind_first(world, "achieved", "Liet het elke dag zien.")
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ASSESSING and not world.pa.history.filter(from_step=Step.ASSESSING).exists()
    # Nothing else can be recorded over it meanwhile.
    with pytest.raises(Refused, match="eerste oordeel is al vastgelegd"):
        signoff.assessment_record(world.pa, assessor=world.trainer, judgement="achieved")
    with pytest.raises(Refused, match="al een tweede beoordelaar"):
        signoff.second_assessor_request(world.pa, actor=world.trainer, coach=make_person(world.org, [Role.COACH]))

    signoff.second_assessment_record(first, coach=world.coach, judgement="achieved")
    world.pa.refresh_from_db()
    first.refresh_from_db()
    assert world.pa.step == Step.ACHIEVED and first.settled_at is not None
    last = world.pa.history.last()
    assert last is not None
    assert (last.from_step, last.to_step, last.actor) == (Step.ASSESSING, Step.ACHIEVED, world.coach)
    assert last.note == "Beide beoordelaars: behaald. Liet het elke dag zien."


def test_differing_judgements_lead_to_a_talk_and_only_its_outcome_moves_the_step(
    client: Client, world: World, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(MONDAY, tick=False)
    first = blind_first(world, "achieved", "Zelfstandig gezien.")
    signoff.second_assessment_record(first, coach=world.coach, judgement="not_yet", note="Bij drukte nog niet.")
    world.pa.refresh_from_db()
    first.refresh_from_db()
    assert world.pa.step == Step.ASSESSING and first.awaiting_outcome and first.settled_at is None
    moves_before = world.pa.history.count()

    # The outcome needs the talk first.
    with pytest.raises(Refused, match="Plan eerst het gesprek"):
        signoff.assessment_outcome_record(
            first, actor=world.trainer, judgement="achieved", note="x", present=[world.trainer, world.coach]
        )

    login(client, world.trainer)
    page = body(client.get(url("assessment_talk_plan", first.pk)))
    assert "Zelfstandig gezien." in page and "Bij drukte nog niet." in page
    response = client.post(
        url("assessment_talk_plan", first.pk),
        {"date": day_of(0), "time": "10:00", "duration_minutes": "15", "location": "Kantine"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    talk = first.talk
    assert talk is not None and talk.participant_assignment_id == world.pa.pk
    assert set(talk.attendees.all()) == {world.coach}  # the trainer and the participant are always there
    assert talk.planned_at == timezone.make_aware(datetime.combine(MONDAY.date(), time(10, 0)))
    # A second plan is refused: the talk is moved on its own page.
    with pytest.raises(Refused, match="al gepland"):
        signoff.assessment_talk_plan(first, actor=world.coach, planned_at=MONDAY + timedelta(days=3))

    outcome = url("assessment_outcome_record", first.pk)
    data = {"judgement": "not_yet", "note": "Samen: nog een week bij drukte oefenen.", "present": []}
    data["present"] = [str(world.participant.pk), str(world.trainer.pk), str(world.coach.pk)]
    page = body(client.post(outcome, data))
    assert "Leg de uitkomst vast als het gesprek is geweest." in page  # not before the talk
    # Just after the talk (within the staff session's idle time).
    time_machine.move_to(MONDAY + timedelta(hours=1, minutes=20), tick=False)
    page = body(client.post(outcome, {**data, "present": [str(world.participant.pk), str(world.trainer.pk)]}))
    assert "beide beoordelaars samen" in page
    page = body(client.post(outcome, {**data, "note": " "}))
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ASSESSING and world.pa.history.count() == moves_before

    response = client.post(outcome, data)
    assert response.status_code == 302
    world.pa.refresh_from_db()
    first.refresh_from_db()
    assert world.pa.step == Step.WORKING
    assert (first.outcome, first.outcome_by, first.settled_at is not None) == (Judgement.NOT_YET, world.trainer, True)
    assert set(first.outcome_present.all()) == {world.participant, world.trainer, world.coach}
    last = world.pa.history.last()
    assert last is not None and (last.from_step, last.to_step, last.actor) == ("assessing", "working", world.trainer)
    assert last.note == "Na het gesprek over de oordelen: nog niet. Samen: nog een week bij drukte oefenen."
    talk.refresh_from_db()
    assert talk.held_at is not None and talk.recorded_by == world.trainer
    # Both judgements stay as they were; a second outcome is refused.
    assert (first.judgement, first.second_judgement) == ("achieved", "not_yet")
    with pytest.raises(Refused, match="al afgerond"):
        signoff.assessment_outcome_record(
            first, actor=world.coach, judgement="achieved", note="x", present=[world.trainer, world.coach]
        )
    page = body(client.get(detail(world)))
    assert "Uitkomst van het gesprek met z'n drieën" in page and "Samen: nog een week bij drukte oefenen." in page


def test_an_agreed_achievement_moves_to_achieved(world: World, time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(MONDAY, tick=False)
    first = blind_first(world, "not_yet", "Nog niet gezien.")
    signoff.second_assessment_record(first, coach=world.coach, judgement="achieved", note="Ik zag het wel.")
    signoff.assessment_talk_plan(first, actor=world.coach, planned_at=MONDAY + timedelta(hours=2))
    time_machine.move_to(MONDAY + timedelta(hours=3), tick=False)
    signoff.assessment_outcome_record(
        first,
        actor=world.coach,
        judgement="achieved",
        note="Voorbeelden gehoord.",
        present=[world.trainer, world.coach],
    )
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ACHIEVED and world.pa.achieved_at is not None


def test_the_talk_pages_are_refused_to_the_wrong_people(client: Client, world: World, outsider: Person) -> None:
    first = blind_first(world)
    signoff.second_assessment_record(first, coach=world.coach, judgement="not_yet", note="Nog niet.")
    data = {"date": "2030-01-01", "time": "10:00", "duration_minutes": "15"}
    for name in ("assessment_talk_plan", "assessment_outcome_record"):
        target = url(name, first.pk)
        for person in (
            world.participant,
            world.project_manager,
            world.administrator,
            make_person(world.org, [Role.TRAINER]),
        ):
            client.logout()
            login(client, person)
            assert client.get(target).status_code == 403, (name, person)
            assert client.post(target, data).status_code == 403, (name, person)
        client.logout()
        login(client, outsider)
        assert client.get(target).status_code == 404
        assert client.post(target, data).status_code == 404
    assert not CoachingConversation.objects.exists()


def test_a_pending_judgement_is_not_shown_in_the_old_way(world: World) -> None:
    """Assessments from before blind judgement count as settled (migration 0014): they move nothing."""
    bring(world, world.pa, Step.ASSESSING)
    move(world.pa, Step.ACHIEVED, actor=world.trainer)
    old = Assessment.objects.create(
        organization=world.org,
        participant_assignment=world.pa,
        assessor=world.trainer,
        judgement="achieved",
        assessed_at=timezone.now(),
        second_assessor=world.coach,
        settled_at=timezone.now(),
    )
    assert not old.is_blind
    signoff.second_assessment_record(old, coach=world.coach, judgement="not_yet", note="Anders gezien.")
    old.refresh_from_db()
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ACHIEVED and not old.awaiting_outcome


def test_anonymisation_blanks_the_days_and_the_outcome(world: World, time_machine: TimeMachineFixture) -> None:
    from wpo.privacy.services import person_anonymise

    pa = independent_on_monday(world, time_machine)
    signoff.independence_day_record(pa, actor=world.trainer, day=MONDAY.date(), shown=True, note="Naam collega X.")
    first = blind_first(world, "achieved", "x")
    signoff.second_assessment_record(first, coach=world.coach, judgement="not_yet", note="y")
    signoff.assessment_talk_plan(first, actor=world.trainer, planned_at=MONDAY + timedelta(hours=1))
    time_machine.move_to(MONDAY + timedelta(hours=2), tick=False)
    signoff.assessment_outcome_record(
        first,
        actor=world.trainer,
        judgement="not_yet",
        note="Over de thuissituatie.",
        present=[world.trainer, world.coach],
    )
    signoff.trajectory_stop(world.trajectory, actor=world.trainer, reason="Verhuisd")
    person_anonymise(person=world.participant, actor=world.administrator)
    assert IndependenceDay.objects.get().note == ""
    assert Assessment.objects.get().outcome_note == ""


# Calibration for the coach -------------------------------------------------------------------------


def judged(world: World, trainer: Person, judgements: list[str], second: list[str] | None = None) -> None:
    """One participant of ``trainer`` per judgement, assessed with it (and a coach's second judgement)."""
    version = world.pa.version
    for i, judgement in enumerate(judgements):
        participant = make_person(world.org, [Role.PARTICIPANT], world.department)
        trajectory = Trajectory.objects.create(
            organization=world.org,
            participant=participant,
            trainer=trainer,
            department=world.department,
            starts_on=MONDAY.date() - timedelta(days=60),
            ends_on=MONDAY.date() + timedelta(days=300),
        )
        given = MONDAY - timedelta(weeks=4)
        pa = give_assignment(trajectory, version, actor=trainer, at=given)
        for step, who in [
            (Step.PRACTISING, participant),
            (Step.WORKING, participant),
            (Step.LOOKING_BACK, participant),
            (Step.INDEPENDENT, trainer),
            (Step.ASSESSING, trainer),
        ]:
            move(pa, step, actor=who, at=given + timedelta(days=1))
        to = Step.ACHIEVED if judgement == "achieved" else Step.WORKING
        # Achieved exactly four weeks after the assignment was given.
        move(pa, to, actor=trainer, at=given + timedelta(weeks=4))
        Assessment.objects.create(
            organization=world.org,
            participant_assignment=pa,
            assessor=trainer,
            judgement=judgement,
            assessed_at=given + timedelta(weeks=4),
            settled_at=given + timedelta(weeks=4),
            second_assessor=world.coach if second else None,
            second_judgement=second[i] if second else "",
        )


def test_calibration_figures_on_a_small_known_data_set(
    client: Client, world: World, other_world: World, time_machine: TimeMachineFixture
) -> None:
    from wpo.coaching.calibration import calibration

    time_machine.move_to(MONDAY, tick=False)
    strict = world.trainer
    mild = make_person(world.org, [Role.TRAINER], world.department, first_name="Milde", last_name="Marco")
    newcomer = make_person(world.org, [Role.TRAINER], world.department, first_name="Nieuwe", last_name="Nina")
    # Strict: 6 judgements, 4 'nog niet' (67 %); the coach agreed on 4 of 6.
    judged(world, strict, ["not_yet"] * 4 + ["achieved"] * 2, ["not_yet"] * 2 + ["achieved"] * 4)
    # Mild: 6 judgements, all 'behaald'; no second assessor.
    judged(world, mild, ["achieved"] * 6)
    # Newcomer: 2 judgements: too few to say anything.
    judged(world, newcomer, ["not_yet", "achieved"])
    judged(other_world, other_world.trainer, ["not_yet"] * 9)  # another organisation: not counted

    result = calibration(world.coach)
    rows = {row.person_id: row for row in result.rows}
    assert (rows[strict.pk].judgements, rows[strict.pk].not_yet_share.percent) == (6, 67)
    assert (rows[strict.pk].agreement.part, rows[strict.pk].agreement.whole) == (4, 6)
    assert rows[mild.pk].not_yet_share.percent == 0 and rows[mild.pk].agreement.whole == 0
    assert not rows[newcomer.pk].not_yet_share.enough
    everyone = result.organisation
    assert (everyone.judgements, everyone.not_yet) == (14, 5)  # 36 %
    assert everyone.not_yet_share.percent == 36
    assert result.compared(rows[strict.pk]) == "strenger" and result.compared(rows[mild.pk]) == "milder"
    assert result.compared(rows[newcomer.pk]) == ""
    level = world.pa.version.assignment.level
    assert rows[mild.pk].weeks_at(level).average == 4.0 and rows[mild.pk].weeks_at(level).count == 6
    assert rows[strict.pk].weeks_at(level).count == 2 and not rows[strict.pk].weeks_at(level).enough
    assert everyone.weeks_at(level).count == 9 and everyone.weeks_at(level).average == 4.0

    login(client, world.coach)
    page = body(client.get(reverse("coaching:calibration")))
    assert "veel strenger dan gemiddeld" in page and "veel milder dan gemiddeld" in page
    assert "te weinig om iets over te zeggen" in page and "Hele organisatie" in page
    assert "67 %" in page and "36 %" in page and "<svg" in page and "Stippellijn: gemiddeld 36 %" in page
    assert other_world.trainer.user.last_name not in page


def test_calibration_runs_a_constant_number_of_queries(
    client: Client, world: World, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(MONDAY, tick=False)
    login(client, world.coach)
    judged(world, world.trainer, ["achieved", "not_yet"], ["achieved", "achieved"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("coaching:calibration")).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for n in range(4):
        trainer = make_person(world.org, [Role.TRAINER], world.department)
        judged(world, trainer, ["achieved", "not_yet", "achieved"][: n + 1], ["not_yet"] * (n + 1))
    assert count() == small


def test_calibration_is_for_the_coach(client: Client, world: World) -> None:
    target = reverse("coaching:calibration")
    assert client.get(target)["Location"].startswith(reverse("accounts:login"))
    for person in (world.trainer, world.participant, world.project_manager, world.administrator):
        client.logout()
        login(client, person)
        assert client.get(target).status_code == 403, person
    client.logout()
    login(client, world.coach)
    assert client.get(target).status_code == 200
    assert client.post(target).status_code == 405
    page = body(client.get(target + "?periode=onzin"))
    assert "In deze periode zijn nog geen beoordelingen vastgelegd." in page


def test_step_history_and_requests_stay_whole(world: World) -> None:
    """The blind flow writes one history row per real move and links the request once."""
    first = blind_first(world)
    signoff.second_assessment_record(first, coach=world.coach, judgement="achieved")
    assert SecondAssessorRequest.objects.get().assessment == first
    assert StepChange.objects.filter(participant_assignment=world.pa, from_step=Step.ASSESSING).count() == 1
    assert json.dumps(list(Assessment.objects.values_list("judgement", "second_judgement"))) == json.dumps(
        [["achieved", "achieved"]]
    )
