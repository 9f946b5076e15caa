"""The sign-off sequence: independence week, assessment, second assessor, what next, closing, and no
lost updates when two people record the same step at once."""

import threading
import time
from datetime import date, timedelta

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from wpo.curriculum.models import Assignment, AssignmentVersion
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person, Role
from wpo.trajectories import selectors
from wpo.trajectories.models import (
    Assessment,
    Judgement,
    ParticipantAssignment,
    SecondAssessorRequest,
    Step,
    StepChange,
    Trajectory,
    TrajectorySkill,
)
from wpo.trajectories.services import signoff
from wpo.trajectories.workflow import StaleStep, give_assignment, move

from .conftest import login
from .factories import World, make_person, make_skill, make_world

pytestmark = pytest.mark.django_db

STALE = "Iemand anders heeft deze stap net gezet. Bekijk de nieuwe stand."


def bring(world: World, pa: ParticipantAssignment, until: Step) -> ParticipantAssignment:
    """Walk ``pa`` along the road up to ``until`` (from its current step)."""
    road = [
        (Step.PRACTISING, world.participant),
        (Step.WORKING, world.participant),
        (Step.LOOKING_BACK, world.participant),
        (Step.INDEPENDENT, world.trainer),
        (Step.ASSESSING, world.trainer),
    ]
    steps = [step for step, _ in road]
    start = steps.index(Step(pa.step)) + 1 if pa.step in steps else 0
    for step, actor in road[start:]:
        move(pa, step, actor=actor)
        if step == until:
            break
    return pa


def achieve(world: World, pa: ParticipantAssignment) -> ParticipantAssignment:
    bring(world, pa, Step.ASSESSING)
    signoff.assessment_record(pa, assessor=world.trainer, judgement=Judgement.ACHIEVED)
    return pa


def assignment(skill_of: World | object, number: int, level: str) -> Assignment:
    skill = skill_of.skill if isinstance(skill_of, World) else skill_of
    return Assignment.objects.get(subskill__skill=skill, subskill__number=number, level=level)


def detail(world: World) -> str:
    return reverse("trajectories:trajectory_detail", args=[world.trajectory.pk])


def url(name: str, *args: object) -> str:
    return reverse(f"trajectories:{name}", args=args)


def body(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.content.decode())


# The road: independence week → assessment → achieved -------------------------------------------------


def test_the_full_road_from_the_independence_week_to_achieved(client: Client, world: World) -> None:
    bring(world, world.pa, Step.INDEPENDENT)
    login(client, world.trainer)
    page = body(client.get(detail(world)))
    assert "Zelfstandigheidsweek" in page and "De week is nog niet om" in page
    assert "Beoordelingsgesprek beginnen" in page

    response = client.post(url("assessment_start", world.pa.pk), {"expected_step": "independent"})
    assert response["Location"] == url("assessment_record", world.pa.pk)
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ASSESSING
    assert "Oordeel vastleggen" in body(client.get(response["Location"]))

    response = client.post(
        url("assessment_record", world.pa.pk),
        {"judgement": "achieved", "note": "Vroeg zelf om hulp.", "expected_step": "assessing"},
        follow=True,
    )
    assert "Gehaald!" in body(response)
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ACHIEVED and world.pa.achieved_at is not None
    assessment = Assessment.objects.get()
    assert (assessment.participant_assignment, assessment.assessor, assessment.judgement) == (
        world.pa,
        world.trainer,
        Judgement.ACHIEVED,
    )
    assert assessment.note == "Vroeg zelf om hulp." and assessment.second_assessor is None
    history = list(world.pa.history.values_list("from_step", "to_step", "actor", "note"))
    assert history[-2:] == [
        ("independent", "assessing", world.trainer.pk, "De zelfstandigheidsweek liep 0 dagen."),
        ("assessing", "achieved", world.trainer.pk, "Vroeg zelf om hulp."),
    ]


def test_the_criterion_for_achieved_shows_at_the_independence_week_and_the_assessment(
    client: Client, world: World
) -> None:
    criterion = escape(world.pa.version.content["trainer"]["criterion"])
    login(client, world.trainer)
    assert criterion not in body(client.get(detail(world)))  # not while the participant practises
    bring(world, world.pa, Step.INDEPENDENT)
    page = body(client.get(detail(world)))
    assert "Zelfstandigheidsweek" in page and "Gehaald als de deelnemer dit laat zien:" in page and criterion in page
    client.post(url("assessment_start", world.pa.pk), {"expected_step": "independent"})
    assert criterion in body(client.get(detail(world)))
    page = body(client.get(url("assessment_record", world.pa.pk)))
    assert "Oordeel vastleggen" in page and "Gehaald als de deelnemer dit laat zien:" in page and criterion in page
    client.post(url("second_assessor_request", world.pa.pk), {"coach": world.coach.pk, "expected_step": "assessing"})
    client.post(url("assessment_record", world.pa.pk), {"judgement": "achieved", "expected_step": "assessing"})
    login(client, world.coach)
    assessment = Assessment.objects.get()
    assert criterion in body(client.get(url("second_assessment_record", assessment.pk)))


def test_a_full_independence_week_is_shown_as_over(client: Client, world: World) -> None:
    bring(world, world.pa, Step.INDEPENDENT)
    ParticipantAssignment.objects.filter(pk=world.pa.pk).update(step_since=world.pa.step_since - timedelta(days=8))
    login(client, world.trainer)
    page = body(client.get(detail(world)))
    assert "8 dagen" in page and "De week is om" in page


def test_not_yet_goes_back_to_work_and_the_road_can_be_walked_again(client: Client, world: World) -> None:
    bring(world, world.pa, Step.ASSESSING)
    login(client, world.trainer)
    record = url("assessment_record", world.pa.pk)
    page = body(client.post(record, {"judgement": "not_yet", "note": " ", "expected_step": "assessing"}))
    assert "Schrijf op wat de deelnemer nog gaat oefenen." in page
    assert not Assessment.objects.exists()

    response = client.post(
        record,
        {"judgement": "not_yet", "note": "Nog een week vragen stellen.", "expected_step": "assessing"},
        follow=True,
    )
    assert "oefent nog even verder" in body(response)
    world.pa.refresh_from_db()
    assert world.pa.step == Step.WORKING and world.pa.achieved_at is None

    bring(world, world.pa, Step.ASSESSING)  # the same road again: a normal path
    client.post(record, {"judgement": "achieved", "expected_step": "assessing"})
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ACHIEVED
    assert list(Assessment.objects.order_by("assessed_at", "id").values_list("judgement", "note")) == [
        ("not_yet", "Nog een week vragen stellen."),
        ("achieved", ""),
    ]
    page = body(client.get(detail(world)))
    assert "Nog een week vragen stellen." in page and page.count('class="judgement"') == 2


def test_an_assessment_is_only_recorded_in_the_assessment_step(world: World) -> None:
    bring(world, world.pa, Step.LOOKING_BACK)
    with pytest.raises(Refused, match="wacht niet op een beoordeling"):
        signoff.assessment_record(world.pa, assessor=world.trainer, judgement="not_yet", note="x")
    with pytest.raises(Refused, match="behaald’ of ‘nog niet"):
        signoff.assessment_record(world.pa, assessor=world.trainer, judgement="misschien")
    world.pa.refresh_from_db()
    assert world.pa.step == Step.LOOKING_BACK and not Assessment.objects.exists()


# The second assessor ----------------------------------------------------------------------------------


def test_a_coach_as_second_assessor_judges_blind_beside_the_first(client: Client, world: World) -> None:
    """Issue 16 changed this test to the blind rule: the coach no longer sees the first judgement
    before giving theirs, and the first judgement no longer moves the step on its own."""
    bring(world, world.pa, Step.INDEPENDENT)
    login(client, world.trainer)
    assert "Vraag de coach als tweede beoordelaar" in body(client.get(detail(world)))
    client.post(url("second_assessor_request", world.pa.pk), {"coach": world.coach.pk, "expected_step": "independent"})
    request = SecondAssessorRequest.objects.get()
    assert (request.coach, request.requested_by, request.assessment) == (world.coach, world.trainer, None)
    assert f"{world.coach.name} is gevraagd als tweede beoordelaar" in body(client.get(detail(world)))

    client.logout()
    login(client, world.coach)
    waiting = body(client.get(url("second_assessor_waiting")))
    assert "U bent gevraagd voor een beoordelingsgesprek" in waiting and world.participant.name in waiting

    signoff.assessment_start(world.pa, actor=world.trainer)
    signoff.assessment_record(world.pa, assessor=world.trainer, judgement="achieved", note="Zelfstandig gezien.")
    first = Assessment.objects.get()
    assert first.second_assessor == world.coach and first.awaiting_second_judgement and first.is_blind
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ASSESSING  # the first judgement waits for the second
    request.refresh_from_db()
    assert request.assessment == first
    waiting = body(client.get(url("second_assessor_waiting")))
    assert url("second_assessment_record", first.pk) in waiting and "Behaald" not in waiting

    second = url("second_assessment_record", first.pk)
    assert "Zelfstandig gezien." not in body(client.get(second))  # blind
    page = body(client.post(second, {"judgement": "not_yet", "note": ""}))
    assert "Schrijf op wat de deelnemer nog gaat oefenen." in page and "Zelfstandig gezien." not in page
    response = client.post(second, {"judgement": "not_yet", "note": "Ik zag hem het nog niet zelf doen bij drukte."})
    assert response["Location"] == url("assessment_talk_plan", first.pk)
    first.refresh_from_db()
    assert (first.judgement, first.note, first.assessor) == ("achieved", "Zelfstandig gezien.", world.trainer)
    assert (first.second_judgement, first.second_note) == ("not_yet", "Ik zag hem het nog niet zelf doen bij drukte.")
    assert first.judgements_differ and first.second_assessed_at is not None and first.awaiting_outcome
    assert "Zelfstandig gezien." in body(client.get(second))  # both in: both shown

    # Written once: a second try changes nothing.
    page = body(client.post(second, {"judgement": "achieved", "note": "Toch wel."}))
    assert "al vastgelegd" in page
    first.refresh_from_db()
    assert first.second_judgement == "not_yet" and first.second_note.startswith("Ik zag")
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ASSESSING  # differing judgements move nothing: the talk will

    client.logout()
    login(client, world.trainer)
    page = body(client.get(detail(world)))
    assert "De oordelen verschillen." in page and "Ik zag hem het nog niet zelf doen bij drukte." in page
    assert "judgements-differ" in page and url("assessment_talk_plan", first.pk) in page


def test_agreeing_needs_no_note_and_shows_no_difference(client: Client, world: World) -> None:
    bring(world, world.pa, Step.ASSESSING)
    signoff.second_assessor_request(world.pa, actor=world.trainer, coach=world.coach)
    assessment = signoff.assessment_record(world.pa, assessor=world.trainer, judgement="achieved")
    signoff.second_assessment_record(assessment, coach=world.coach, judgement="achieved")
    assessment.refresh_from_db()
    assert assessment.second_judgement == "achieved" and not assessment.judgements_differ
    login(client, world.trainer)
    assert "De oordelen verschillen." not in body(client.get(detail(world)))


def test_second_assessor_rules(world: World) -> None:
    other_coach = make_person(world.org, [Role.COACH])
    with pytest.raises(Refused, match="zelfstandigheidsweek of bij het beoordelen"):
        signoff.second_assessor_request(world.pa, actor=world.trainer, coach=world.coach)
    bring(world, world.pa, Step.INDEPENDENT)
    with pytest.raises(Refused, match="Kies een coach"):
        signoff.second_assessor_request(world.pa, actor=world.trainer, coach=world.project_manager)
    signoff.second_assessor_request(world.pa, actor=world.trainer, coach=world.coach)
    with pytest.raises(Refused, match="is al gevraagd"):
        signoff.second_assessor_request(world.pa, actor=world.trainer, coach=other_coach)
    signoff.assessment_start(world.pa, actor=world.trainer)
    # The requested coach does not give the first judgement as well.
    with pytest.raises(Refused, match="U bent gevraagd als tweede beoordelaar"):
        signoff.assessment_record(world.pa, assessor=world.coach, judgement="achieved")
    assessment = signoff.assessment_record(world.pa, assessor=world.trainer, judgement="not_yet", note="Nog oefenen.")
    with pytest.raises(Refused, match="niet gevraagd"):
        signoff.second_assessment_record(assessment, coach=other_coach, judgement="not_yet", note="x")
    with pytest.raises(Refused, match="nog gaat oefenen"):
        signoff.second_assessment_record(assessment, coach=world.coach, judgement="not_yet")
    assert SecondAssessorRequest.objects.count() == 1


def test_a_coach_may_be_first_assessor_when_nobody_else_is_asked(world: World) -> None:
    bring(world, world.pa, Step.ASSESSING)
    assessment = signoff.assessment_record(world.pa, assessor=world.coach, judgement="achieved")
    assert assessment.assessor == world.coach and assessment.second_assessor is None


# Access -----------------------------------------------------------------------------------------------

POST_ONLY = ["assessment_start", "second_assessor_request", "give_next"]


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_views_reject_get(name: str, client: Client, world: World) -> None:
    login(client, world.trainer)
    assert client.get(url(name, world.pa.pk)).status_code == 405
    chosen = world.trajectory.chosen_skills.get()
    assert client.get(url("skill_close", chosen.pk)).status_code == 405


def staff_posts(world: World) -> list[tuple[str, dict[str, object]]]:
    chosen = world.trajectory.chosen_skills.get()
    return [
        (url("assessment_start", world.pa.pk), {"expected_step": "independent"}),
        (url("assessment_record", world.pa.pk), {"judgement": "achieved", "expected_step": "assessing"}),
        (url("second_assessor_request", world.pa.pk), {"coach": world.coach.pk}),
        (url("give_next", world.pa.pk), {"assignment": assignment(world, 1, "B").pk}),
        (url("skill_close", chosen.pk), {"level": "A"}),
        (url("trajectory_close", world.trajectory.pk), {"stop_reason": "x"}),
        (url("trajectory_stop", world.trajectory.pk), {"reason": "Ander werk"}),
    ]


@pytest.mark.parametrize("who", ["other_trainer", "participant", "project_manager", "administrator"])
def test_only_the_participants_trainer_or_a_coach_may_act(who: str, client: Client, world: World) -> None:
    person = make_person(world.org, [Role.TRAINER]) if who == "other_trainer" else getattr(world, who)
    bring(world, world.pa, Step.INDEPENDENT)
    login(client, person)
    for target, data in staff_posts(world):
        assert client.post(target, data).status_code == 403, target
    assert client.get(url("assessment_record", world.pa.pk)).status_code == 403
    world.pa.refresh_from_db()
    assert world.pa.step == Step.INDEPENDENT
    assert not SecondAssessorRequest.objects.exists() and ParticipantAssignment.objects.count() == 1


def test_a_trainer_linked_to_the_participant_may_act_too(world: World) -> None:
    colleague = make_person(world.org, [Role.TRAINER])
    world.participant.trainers.add(colleague, through_defaults={"organization": world.org})
    bring(world, world.pa, Step.INDEPENDENT)
    signoff.assessment_start(world.pa, actor=colleague)
    assert world.pa.step == Step.ASSESSING
    stranger = make_person(world.org, [Role.TRAINER])
    with pytest.raises(Refused, match="Alleen de werkplekopleider van deze deelnemer"):
        signoff.assessment_record(world.pa, assessor=stranger, judgement="achieved")


def test_only_the_asked_coach_gives_the_second_judgement(client: Client, world: World) -> None:
    bring(world, world.pa, Step.ASSESSING)
    signoff.second_assessor_request(world.pa, actor=world.trainer, coach=world.coach)
    assessment = signoff.assessment_record(world.pa, assessor=world.trainer, judgement="achieved")
    target = url("second_assessment_record", assessment.pk)
    for person in (world.trainer, world.participant, make_person(world.org, [Role.COACH])):
        client.logout()
        login(client, person)
        assert client.post(target, {"judgement": "not_yet", "note": "x"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.second_judgement == ""
    assert client.get(url("second_assessor_waiting")).status_code == 200  # a coach, with nothing waiting
    client.logout()
    login(client, world.trainer)
    assert client.get(url("second_assessor_waiting")).status_code == 403


def test_another_organisation_gets_404_on_every_signoff_view(client: Client, world: World, outsider: Person) -> None:
    bring(world, world.pa, Step.INDEPENDENT)
    login(client, outsider)
    for target, data in staff_posts(world):
        assert client.post(target, data).status_code == 404, target
    world.pa.refresh_from_db()
    assert world.pa.step == Step.INDEPENDENT


def test_the_project_manager_sees_the_judgements_but_no_buttons(client: Client, world: World) -> None:
    bring(world, world.pa, Step.INDEPENDENT)
    login(client, world.project_manager)
    page = body(client.get(detail(world)))
    assert "Zelfstandigheidsweek" in page
    assert "Beoordelingsgesprek beginnen" not in page and "Vraag de coach" not in page
    move(world.pa, Step.ASSESSING, actor=world.trainer)
    signoff.assessment_record(world.pa, assessor=world.trainer, judgement="achieved", note="Goed gezien.")
    page = body(client.get(detail(world)))
    assert "Goed gezien." in page and "Wat nu?" not in page and "Skill afronden" not in page


# What next ----------------------------------------------------------------------------------------------


def test_next_suggestions_go_up_a_level_then_the_other_subskill_then_another_skill(world: World) -> None:
    second_skill = make_skill(world.org)
    TrajectorySkill.objects.create(organization=world.org, trajectory=world.trajectory, skill=second_skill)
    achieve(world, world.pa)  # 1-A
    suggested = [(s.assignment, s.reason) for s in selectors.next_suggestions(world.pa)]
    assert [a for a, _ in suggested] == [
        assignment(world, 1, "B"),
        assignment(world, 2, "A"),
        assignment(second_skill, 1, "A"),
        assignment(second_skill, 2, "A"),
    ]
    assert [r for _, r in suggested] == [
        "Volgend niveau van deze deelskill",
        "Andere deelskill van deze skill",
        "Andere gekozen skill",
        "Andere gekozen skill",
    ]

    # After C there is no higher level; a running assignment and a closed skill are left out.
    top = give_assignment(world.trajectory, assignment(world, 1, "C").current_version, actor=world.trainer)  # type: ignore[arg-type]
    achieve(world, top)
    give_assignment(world.trajectory, assignment(world, 2, "A").current_version, actor=world.trainer)  # type: ignore[arg-type]
    TrajectorySkill.objects.filter(skill=second_skill).update(closed_at=top.achieved_at, highest_level="A")
    world.trajectory.refresh_from_db()
    top.trajectory = world.trajectory
    assert selectors.next_suggestions(top) == []


def test_give_next_hands_out_the_current_version_once(client: Client, world: World) -> None:
    achieve(world, world.pa)
    following = assignment(world, 1, "B")
    newer = AssignmentVersion.objects.create(
        assignment=following,
        number=2,
        title="Opdracht 1-B, herzien",
        content=following.current_version.content,  # type: ignore[union-attr]
    )
    following.current_version = newer
    following.save()
    login(client, world.trainer)
    page = body(client.get(detail(world)))
    assert "Wat nu?" in page and "Opdracht 1-B, herzien" in page
    response = client.post(url("give_next", world.pa.pk), {"assignment": following.pk}, follow=True)
    given = ParticipantAssignment.objects.exclude(pk=world.pa.pk).get()
    assert given.version == newer and given.step == Step.INTRODUCED
    assert "staat klaar voor" in body(response)
    assert given.history.get().actor == world.trainer

    response = client.post(url("give_next", world.pa.pk), {"assignment": following.pk}, follow=True)
    assert "Deze opdracht staat al klaar of loopt nog." in body(response)
    assert ParticipantAssignment.objects.count() == 2


def test_give_next_refuses_a_skill_that_was_not_chosen(world: World) -> None:
    elsewhere = make_skill(world.org)
    with pytest.raises(Refused, match="gekozen skills"):
        signoff.give_next(world.trajectory, assignment(elsewhere, 1, "A"), actor=world.trainer)


# Closing a skill and the trajectory ------------------------------------------------------------------------


def test_a_skill_closes_at_a_level_the_participant_achieved(client: Client, world: World) -> None:
    chosen = world.trajectory.chosen_skills.get()
    with pytest.raises(Refused, match="nog geen opdracht gehaald"):
        signoff.skill_close(chosen, actor=world.trainer, level="A")
    achieve(world, world.pa)  # 1-A
    b = give_assignment(world.trajectory, assignment(world, 1, "B").current_version, actor=world.trainer)  # type: ignore[arg-type]
    with pytest.raises(Refused, match="loopt nog een opdracht"):
        signoff.skill_close(chosen, actor=world.trainer, level="A")
    achieve(world, b)
    login(client, world.trainer)
    page = body(client.get(detail(world)))
    assert "Skill afronden" in page and '<option value="B" selected>' in page

    response = client.post(url("skill_close", chosen.pk), {"level": "C", "pa": b.pk}, follow=True)
    assert "Kies een niveau dat de deelnemer bij deze skill heeft gehaald: A, B." in body(response)
    chosen.refresh_from_db()
    assert chosen.closed_at is None

    response = client.post(url("skill_close", chosen.pk), {"level": "B", "pa": b.pk})
    assert response["Location"].endswith(f"#opdracht-{b.pk}")
    chosen.refresh_from_db()
    assert chosen.closed_at is not None and chosen.highest_level == "B"
    with pytest.raises(Refused, match="al afgerond op niveau B"):
        signoff.skill_close(chosen, actor=world.trainer, level="A")
    assert "is afgerond op niveau B" in body(client.get(detail(world)))


def test_a_trajectory_closes_when_all_skills_are_closed(client: Client, world: World) -> None:
    login(client, world.trainer)
    page = body(client.get(url("trajectory_close", world.trajectory.pk)))
    assert "U kunt dit WPO-traject afsluiten als" in page
    response = client.post(url("trajectory_close", world.trajectory.pk), {"expected_open": str(world.pa.pk)})
    assert "alle gekozen skills zijn afgerond" in body(response)
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == Trajectory.Status.ACTIVE

    achieve(world, world.pa)
    signoff.skill_close(world.trajectory.chosen_skills.get(), actor=world.trainer, level="A")
    assert url("trajectory_close", world.trajectory.pk) in body(client.get(detail(world)))
    response = client.post(url("trajectory_close", world.trajectory.pk), {"expected_open": ""}, follow=True)
    assert "is afgesloten" in body(response)
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == Trajectory.Status.CLOSED and world.trajectory.phase == 4
    assert world.trajectory.closed_at is not None
    with pytest.raises(Refused, match="al afgesloten"):
        signoff.trajectory_close(world.trajectory, actor=world.trainer)


def test_after_the_end_date_open_assignments_stop_with_the_reason_given(client: Client, world: World) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(
        starts_on=date.today() - timedelta(days=200), ends_on=date.today() - timedelta(days=1)
    )
    bring(world, world.pa, Step.WORKING)
    login(client, world.trainer)
    target = url("trajectory_close", world.trajectory.pk)
    page = body(client.get(target))
    assert "Deze opdrachten lopen nog" in page and f'value="{world.pa.pk}"' in page

    page = body(client.post(target, {"expected_open": str(world.pa.pk), "stop_reason": ""}))
    assert "Dit veld is verplicht." in page
    with pytest.raises(Refused, match="Schrijf op waarom ze stoppen"):
        signoff.trajectory_close(world.trajectory, actor=world.trainer, stop_reason=" ")
    # Someone hands out another assignment meanwhile: it is not stopped unseen.
    extra = give_assignment(world.trajectory, world.pa.version, actor=world.coach)
    response = client.post(target, {"expected_open": str(world.pa.pk), "stop_reason": "Einde contract."}, follow=True)
    assert STALE in body(response)
    extra.refresh_from_db()
    assert extra.step == Step.INTRODUCED

    client.post(target, {"expected_open": f"{world.pa.pk},{extra.pk}", "stop_reason": "Einde contract."})
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == Trajectory.Status.CLOSED and world.trajectory.phase == 4
    for pa in (world.pa, extra):
        last = pa.history.last()
        assert last is not None and (last.to_step, last.note, last.actor) == (
            "stopped",
            "Einde contract.",
            world.trainer,
        )


# No lost updates ------------------------------------------------------------------------------------------


def test_move_refuses_when_the_step_is_not_the_one_the_user_saw(world: World) -> None:
    with pytest.raises(StaleStep, match=STALE):
        move(world.pa, Step.PRACTISING, actor=world.participant, expected=Step.WORKING)
    move(world.pa, Step.PRACTISING, actor=world.participant, expected=Step.INTRODUCED)
    assert world.pa.step == Step.PRACTISING


def test_the_second_of_two_people_recording_the_same_step_is_told(client: Client, world: World) -> None:
    """Sequentially: trainer and coach both saw ‘zelfstandig’, then ‘beoordelen’; the later one is refused."""
    bring(world, world.pa, Step.INDEPENDENT)
    login(client, world.trainer)
    client.post(url("assessment_start", world.pa.pk), {"expected_step": "independent"})
    client.logout()
    login(client, world.coach)
    response = client.post(url("assessment_start", world.pa.pk), {"expected_step": "independent"}, follow=True)
    assert STALE in body(response)
    assert world.pa.history.filter(to_step=Step.ASSESSING).count() == 1

    record = url("assessment_record", world.pa.pk)
    client.logout()
    login(client, world.trainer)
    client.post(record, {"judgement": "achieved", "expected_step": "assessing"})
    client.logout()
    login(client, world.coach)
    response = client.post(
        record, {"judgement": "not_yet", "note": "Nog niet.", "expected_step": "assessing"}, follow=True
    )
    assert STALE in body(response)
    assert Assessment.objects.count() == 1 and Assessment.objects.get().judgement == "achieved"
    world.pa.refresh_from_db()
    assert world.pa.step == Step.ACHIEVED
    # A tampered step is no step at all.
    response = client.post(url("second_assessor_request", world.pa.pk), {"coach": world.coach.pk, "expected_step": "x"})
    assert not SecondAssessorRequest.objects.exists()


HOLD = 0.5


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_the_same_assessment_at_once_on_postgresql(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks (select_for_update does nothing there)")
    world = make_world("Gelijktijdig Werkbedrijf")
    bring(world, world.pa, Step.ASSESSING)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}
    took: dict[str, float] = {}

    def record(name: str, assessor: Person, judgement: str) -> None:
        try:
            # Each thread has its own database connection and its own copy of the assignment,
            # as two browsers would.
            pa = ParticipantAssignment.objects.select_related("trajectory").get(pk=world.pa.pk)
            began = time.monotonic()
            barrier.wait(timeout=10)
            began = time.monotonic()
            with transaction.atomic():
                signoff.assessment_record(
                    pa, assessor=assessor, judgement=judgement, note="Ieder een eigen oordeel.", expected=Step.ASSESSING
                )
                time.sleep(HOLD)  # keep the lock a moment, so the other really runs into it
            outcomes[name] = "recorded"
        except StaleStep as exc:
            outcomes[name] = str(exc)
        finally:
            took[name] = time.monotonic() - began
            connections.close_all()

    threads = [
        threading.Thread(target=record, args=("trainer", world.trainer, "achieved")),
        threading.Thread(target=record, args=("coach", world.coach, "not_yet")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == sorted(["recorded", STALE]), outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "recorded")
    loser = "coach" if winner == "trainer" else "trainer"
    # The refused one waited for the winner's lock: they really collided, not one after the other.
    assert took[loser] >= HOLD / 2, took
    assessment = Assessment.objects.get()
    assert assessment.assessor == (world.trainer if winner == "trainer" else world.coach)
    assert StepChange.objects.filter(participant_assignment=world.pa, from_step=Step.ASSESSING).count() == 1


# The participant's timeline ----------------------------------------------------------------------------------


def test_the_participant_reads_their_history_in_plain_words_without_notes(client: Client, world: World) -> None:
    bring(world, world.pa, Step.ASSESSING)
    signoff.assessment_record(world.pa, assessor=world.trainer, judgement="not_yet", note="Interne notitie X.")
    bring(world, world.pa, Step.ASSESSING)
    signoff.assessment_record(world.pa, assessor=world.trainer, judgement="achieved", note="Interne notitie Y.")
    login(client, world.participant)
    page = body(client.get(reverse("learn:assignment", args=[world.pa.pk])))
    for words in (
        "Wat je al deed",
        "Je kreeg deze opdracht.",
        "Je begon met oefenen.",
        "Je ging aan de slag.",
        "Je werkplekopleider zag dat je het kunt.",
        "Nog even oefenen. Je ging weer aan de slag.",
        "Je hebt het gehaald!",
    ):
        assert words in page, words
    assert "Interne notitie" not in page and "De zelfstandigheidsweek liep" not in page


def test_staff_actions_are_refused_to_the_participant_in_the_service_too(world: World) -> None:
    bring(world, world.pa, Step.INDEPENDENT)
    with pytest.raises(Refused):
        signoff.assessment_start(world.pa, actor=world.participant)
    with pytest.raises(Refused):
        signoff.second_assessor_request(world.pa, actor=world.participant, coach=world.coach)


def test_a_trajectory_stops_early_with_a_reason(client: Client, world: World) -> None:
    login(client, world.trainer)
    page = body(client.get(url("trajectory_close", world.trajectory.pk)))
    assert "Stopt de deelnemer eerder met WPO?" in page
    response = client.post(url("trajectory_stop", world.trajectory.pk), {"reason": "  "}, follow=True)
    assert "Schrijf op waarom het WPO-traject stopt." in body(response)
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == Trajectory.Status.ACTIVE
    # A stale page (an assignment handed out meanwhile) stops nothing.
    stale = client.post(
        url("trajectory_stop", world.trajectory.pk), {"reason": "Verhuisd", "expected_open": ""}, follow=True
    )
    assert "net veranderd" in body(stale) or "iemand anders" in body(stale).lower()
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == Trajectory.Status.ACTIVE
    response = client.post(
        url("trajectory_stop", world.trajectory.pk),
        {"reason": "Verhuisd naar een andere stad", "expected_open": str(world.pa.pk)},
        follow=True,
    )
    assert "is gestopt" in body(response)
    world.trajectory.refresh_from_db()
    world.pa.refresh_from_db()
    assert world.trajectory.status == Trajectory.Status.STOPPED
    assert world.trajectory.stop_reason == "Verhuisd naar een andere stad" and world.trajectory.closed_at
    assert world.pa.step == Step.STOPPED
    assert world.pa.history.last().note == "Verhuisd naar een andere stad"  # type: ignore[union-attr]
    from wpo.certificates.models import Certificate

    assert not Certificate.objects.filter(trajectory=world.trajectory).exists()
    again = client.post(url("trajectory_stop", world.trajectory.pk), {"reason": "x", "expected_open": ""}, follow=True)
    assert "al afgesloten of gestopt" in body(again)


def test_another_organisation_cannot_stop_a_trajectory(client: Client, world: World, outsider: Person) -> None:
    login(client, outsider)
    response = client.post(url("trajectory_stop", world.trajectory.pk), {"reason": "x"})
    assert response.status_code == 404
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == Trajectory.Status.ACTIVE
