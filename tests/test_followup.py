"""The problem log: the state machine, its history, stale changes, the pages per role, and the
functions the coach's signals use."""

import threading
from itertools import product

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wpo.followup import access as followup_access
from wpo.followup import workflow
from wpo.followup.models import Problem, ProblemEvent, ProblemStatus, Urgency
from wpo.followup.workflow import IllegalMove, StaleProblem, WrongRole
from wpo.orgs.models import Person, Role
from wpo.orgs.permissions import roles_with
from wpo.trajectories.models import Trajectory

from .conftest import login
from .factories import World, make_person, make_problem

pytestmark = pytest.mark.django_db

S = ProblemStatus

# Written out here, apart from the code, so a change to the rules has to change this table too.
LEGAL: dict[tuple[str, str], Role] = {
    (S.OPEN, S.IN_PROGRESS): Role.COACH,
    (S.IN_PROGRESS, S.SOLVED): Role.COACH,
    (S.IN_PROGRESS, S.ESCALATED): Role.COACH,
    (S.ESCALATED, S.ANSWERED): Role.PROJECT_MANAGER,
    (S.ANSWERED, S.SOLVED): Role.COACH,
    (S.ANSWERED, S.IN_PROGRESS): Role.COACH,
}
# How to bring a new problem to each status, with who moves it.
ROAD: dict[str, list[tuple[str, Role]]] = {
    S.OPEN: [],
    S.IN_PROGRESS: [(S.IN_PROGRESS, Role.COACH)],
    S.ESCALATED: [(S.IN_PROGRESS, Role.COACH), (S.ESCALATED, Role.COACH)],
    S.ANSWERED: [(S.IN_PROGRESS, Role.COACH), (S.ESCALATED, Role.COACH), (S.ANSWERED, Role.PROJECT_MANAGER)],
    S.SOLVED: [(S.IN_PROGRESS, Role.COACH), (S.SOLVED, Role.COACH)],
}
OTHER_ROLE = {Role.COACH: Role.PROJECT_MANAGER, Role.PROJECT_MANAGER: Role.COACH}


def move(problem: Problem, to: str, actor: Person, text: str = "Zo is het.") -> ProblemEvent:
    return workflow.change_status(problem, to, actor=actor, expected_status=problem.status, text=text)


def bring_to(world: World, status: str, problem: Problem | None = None) -> Problem:
    problem = problem or make_problem(world.trainer, trajectory=world.trajectory)
    for to, role in ROAD[status]:
        move(problem, to, world.by_role(role))
    problem.refresh_from_db()
    assert problem.status == status
    return problem


def url(name: str, *args: object) -> str:
    return reverse(f"followup:{name}", args=args)


# The state machine -----------------------------------------------------------------------------


def test_the_rules_in_the_code_are_the_rules_in_this_table() -> None:
    # Each move needs an ability that exactly one role has: the coach handles, the project manager answers.
    in_code = {(t.source, t.target): roles_with(t.ability) for t in workflow.TRANSITIONS}
    assert in_code == {pair: (role,) for pair, role in LEGAL.items()}


@pytest.mark.parametrize(("source", "target"), list(LEGAL), ids=lambda v: str(v))
def test_every_legal_move_changes_the_status_and_writes_one_history_row(world: World, source: str, target: str) -> None:
    problem = bring_to(world, source)
    actor = world.by_role(LEGAL[(source, target)])
    before = problem.events.count()
    version = problem.version
    event = move(problem, target, actor, text="  Met een toelichting.  ")
    problem.refresh_from_db()
    assert problem.status == target and problem.version == version + 1
    assert problem.events.count() == before + 1
    assert (event.from_status, event.to_status, event.actor, event.text) == (
        source,
        target,
        actor,
        "Met een toelichting.",
    )
    assert problem.changed_at == event.at
    assert (problem.solved_at is not None) == (target == S.SOLVED)


@pytest.mark.parametrize(("source", "target"), list(LEGAL), ids=lambda v: str(v))
def test_a_legal_move_by_the_wrong_role_is_refused_and_changes_nothing(world: World, source: str, target: str) -> None:
    problem = bring_to(world, source)
    wrong = [world.by_role(OTHER_ROLE[LEGAL[(source, target)]]), world.trainer, world.participant, world.administrator]
    for actor in wrong:
        with pytest.raises(WrongRole) as refused:
            move(problem, target, actor)
        assert "Alleen" in str(refused.value)
    problem.refresh_from_db()
    assert problem.status == source
    assert problem.events.count() == 1 + len(ROAD[source])


ILLEGAL = [(s, t) for s, t in product(S.values, S.values) if (s, t) not in LEGAL]


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=lambda v: str(v))
def test_every_illegal_move_is_refused_in_dutch_for_every_role(world: World, source: str, target: str) -> None:
    problem = bring_to(world, source)
    everyone = make_person(world.org, [Role.COACH, Role.PROJECT_MANAGER, Role.TRAINER])
    with pytest.raises(IllegalMove) as refused:
        move(problem, target, everyone)
    assert str(refused.value) == (f"Een probleem met de status ‘{S(source).label}’ kan niet naar ‘{S(target).label}’.")
    problem.refresh_from_db()
    assert problem.status == source and problem.events.count() == 1 + len(ROAD[source])


def test_an_unknown_status_is_refused(world: World) -> None:
    problem = make_problem(world.trainer)
    with pytest.raises(IllegalMove, match="Deze status bestaat niet"):
        move(problem, "weg", world.coach)


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        (S.IN_PROGRESS, S.SOLVED, "Schrijf kort op hoe het is opgelost."),
        (S.IN_PROGRESS, S.ESCALATED, "Schrijf je vraag aan de projectmanager op."),
        (S.ESCALATED, S.ANSWERED, "Schrijf je antwoord op."),
        (S.ANSWERED, S.SOLVED, "Schrijf kort op hoe het is opgelost."),
    ],
)
def test_moves_that_need_a_text_say_so_in_dutch(world: World, source: str, target: str, message: str) -> None:
    problem = bring_to(world, source)
    with pytest.raises(IllegalMove, match=message):
        move(problem, target, world.by_role(LEGAL[(source, target)]), text="   ")
    problem.refresh_from_db()
    assert problem.status == source


def test_picking_up_and_sending_back_need_no_text(world: World) -> None:
    problem = bring_to(world, S.ANSWERED)
    move(problem, S.IN_PROGRESS, world.coach, text="")
    assert problem.status == S.IN_PROGRESS


def test_the_coach_who_acts_is_the_one_handling_it(world: World) -> None:
    problem = make_problem(world.trainer)
    move(problem, S.IN_PROGRESS, world.coach, text="")
    problem.refresh_from_db()
    assert problem.handled_by == world.coach
    other = make_person(world.org, [Role.COACH])
    move(problem, S.ESCALATED, other, text="Vraag")
    move(problem, S.ANSWERED, world.project_manager, text="Antwoord")
    problem.refresh_from_db()
    assert problem.handled_by == other


def test_the_whole_road_is_a_timeline_in_order(world: World) -> None:
    problem = make_problem(world.trainer, trajectory=world.trajectory)
    move(problem, S.IN_PROGRESS, world.coach, text="Ik pak het op.")
    workflow.comment(problem, actor=world.trainer, text="Het gebeurde weer.")
    move(problem, S.ESCALATED, world.coach, text="Mag dit?")
    move(problem, S.ANSWERED, world.project_manager, text="Ja.")
    move(problem, S.SOLVED, world.coach, text="Geregeld.")
    rows = list(problem.events.values_list("from_status", "to_status", "actor", "text"))
    assert rows == [
        ("", S.OPEN, world.trainer.pk, ""),
        (S.OPEN, S.IN_PROGRESS, world.coach.pk, "Ik pak het op."),
        (S.IN_PROGRESS, S.IN_PROGRESS, world.trainer.pk, "Het gebeurde weer."),
        (S.IN_PROGRESS, S.ESCALATED, world.coach.pk, "Mag dit?"),
        (S.ESCALATED, S.ANSWERED, world.project_manager.pk, "Ja."),
        (S.ANSWERED, S.SOLVED, world.coach.pk, "Geregeld."),
    ]


# History is append-only ------------------------------------------------------------------------


def test_history_rows_cannot_be_changed_or_deleted(world: World) -> None:
    problem = make_problem(world.trainer)
    event = problem.events.get()
    event.text = "anders"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        ProblemEvent.objects.filter(pk=event.pk).update(text="anders")
    assert ProblemEvent.objects.get(pk=event.pk).text == ""


def test_a_comment_keeps_the_status_and_adds_a_row(world: World) -> None:
    problem = bring_to(world, S.ESCALATED)
    version = problem.version
    event = workflow.comment(problem, actor=world.trainer, text="Nog een vraag")
    problem.refresh_from_db()
    assert (event.from_status, event.to_status, event.is_comment) == (S.ESCALATED, S.ESCALATED, True)
    assert problem.status == S.ESCALATED and problem.version == version
    with pytest.raises(IllegalMove, match="Schrijf eerst een reactie"):
        workflow.comment(problem, actor=world.trainer, text="  ")
    with pytest.raises(WrongRole):
        workflow.comment(problem, actor=world.participant, text="Hallo")


# Stale changes ---------------------------------------------------------------------------------


def test_a_change_made_on_an_old_screen_is_refused(world: World) -> None:
    problem = bring_to(world, S.IN_PROGRESS)
    seen = problem.status
    # Another coach solves it meanwhile.
    move(Problem.objects.get(pk=problem.pk), S.SOLVED, make_person(world.org, [Role.COACH]))
    with pytest.raises(StaleProblem, match="Iemand anders heeft dit probleem net veranderd"):
        workflow.change_status(problem, S.ESCALATED, actor=world.coach, expected_status=seen, text="Vraag")
    problem.refresh_from_db()
    assert problem.status == S.SOLVED
    assert not problem.events.filter(to_status=S.ESCALATED).exists()


def test_a_screen_from_before_a_round_trip_is_refused_even_with_the_same_status(world: World) -> None:
    problem = bring_to(world, S.ANSWERED)
    seen_status, seen_version = problem.status, problem.version
    # Meanwhile: back to handling, put to the project manager again, and answered again.
    fresh = Problem.objects.get(pk=problem.pk)
    move(fresh, S.IN_PROGRESS, world.coach)
    move(fresh, S.ESCALATED, world.coach)
    move(fresh, S.ANSWERED, world.project_manager)
    assert fresh.status == seen_status
    with pytest.raises(StaleProblem):
        workflow.change_status(
            problem,
            S.SOLVED,
            actor=world.coach,
            expected_status=seen_status,
            expected_version=seen_version,
            text="Opgelost",
        )
    fresh.refresh_from_db()
    assert fresh.status == S.ANSWERED


def test_the_problem_row_is_locked_while_it_changes(world: World) -> None:
    if not connection.features.has_select_for_update:
        pytest.skip("this database does not lock rows (SQLite locks the whole file)")
    problem = make_problem(world.trainer)
    with CaptureQueriesContext(connection) as ctx:
        move(problem, S.IN_PROGRESS, world.coach)
    assert any("FOR UPDATE" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_two_coaches_at_the_same_moment_the_second_waits_and_is_refused(world: World) -> None:
    """The first change holds the row; the second waits for it, then sees the new status and stops."""
    if not connection.features.has_select_for_update:
        pytest.skip("this database does not lock rows (SQLite locks the whole file)")
    problem = bring_to(world, S.IN_PROGRESS)
    other_coach = make_person(world.org, [Role.COACH])
    results: list[str] = []

    def second_coach() -> None:
        try:
            workflow.change_status(
                Problem.objects.get(pk=problem.pk),
                S.ESCALATED,
                actor=other_coach,
                expected_status=S.IN_PROGRESS,
                text="Vraag",
            )
            results.append("changed")
        except StaleProblem:
            results.append("refused")
        finally:
            connection.close()

    with transaction.atomic():
        Problem.objects.select_for_update().get(pk=problem.pk)
        thread = threading.Thread(target=second_coach)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), "the second change should wait for the lock"
        move(problem, S.SOLVED, world.coach)
    thread.join(timeout=10)
    assert results == ["refused"]
    problem.refresh_from_db()
    assert problem.status == S.SOLVED
    assert not problem.events.filter(to_status=S.ESCALATED).exists()


# Raising a problem -----------------------------------------------------------------------------


def test_raising_takes_the_department_from_the_participant(world: World) -> None:
    problem = make_problem(world.trainer, trajectory=world.trajectory, urgency=Urgency.URGENT)
    assert (problem.status, problem.department, problem.raised_by) == (S.OPEN, world.department, world.trainer)
    assert problem.is_urgent and problem.version == 1


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.PROJECT_MANAGER, Role.ADMINISTRATOR])
def test_only_trainers_and_coaches_raise_problems(world: World, role: Role) -> None:
    with pytest.raises(WrongRole, match="Alleen een werkplekopleider of coach"):
        make_problem(world.by_role(role))
    assert not Problem.objects.exists()


def test_a_problem_cannot_be_about_another_organisations_participant(world: World, other_world: World) -> None:
    with pytest.raises(WrongRole):
        make_problem(world.coach, trajectory=other_world.trajectory)
    assert not Problem.objects.exists()


# Who sees what ---------------------------------------------------------------------------------


@pytest.fixture
def second_trainer(world: World) -> tuple[Person, Trajectory]:
    """Another werkplekopleider of the same organisation, with a participant of their own."""
    trainer = make_person(world.org, [Role.TRAINER], world.department, last_name="Tweedeopleider")
    participant = make_person(world.org, [Role.PARTICIPANT], world.department, last_name="Anderedeelnemer")
    participant.trainers.add(trainer, through_defaults={"organization": world.org})
    trajectory = Trajectory.objects.create(
        organization=world.org,
        participant=participant,
        trainer=trainer,
        department=world.department,
        starts_on=world.trajectory.starts_on,
        ends_on=world.trajectory.ends_on,
    )
    return trainer, trajectory


def test_a_trainer_does_not_see_problems_about_other_trainers_participants(
    client: Client, world: World, second_trainer: tuple[Person, Trajectory]
) -> None:
    other_trainer, other_trajectory = second_trainer
    mine = make_problem(world.trainer, title="Mijn eigen melding")
    about_mine = make_problem(world.coach, title="Coach over mijn deelnemer", trajectory=world.trajectory)
    theirs = make_problem(other_trainer, title="Melding van de ander", trajectory=other_trajectory)
    coach_about_theirs = make_problem(world.coach, title="Coach over hun deelnemer", trajectory=other_trajectory)
    department_by_other = make_problem(other_trainer, title="Afdeling van de ander", department=world.department)

    assert set(followup_access.visible_problems(world.trainer)) == {mine, about_mine}
    login(client, world.trainer)
    page = client.get(url("problems") + "?status=alle").content.decode()
    assert "Mijn eigen melding" in page and "Coach over mijn deelnemer" in page
    for hidden in (theirs, coach_about_theirs, department_by_other):
        assert hidden.title not in page
        assert client.get(url("problem_detail", hidden.pk)).status_code == 404
        assert client.post(url("problem_comment", hidden.pk), {"text": "Mag ik?"}).status_code == 404
    assert "Anderedeelnemer" not in page
    assert not ProblemEvent.objects.filter(text="Mag ik?").exists()


def test_the_coach_and_the_project_manager_see_every_problem(
    world: World, second_trainer: tuple[Person, Trajectory]
) -> None:
    other_trainer, other_trajectory = second_trainer
    problems = {make_problem(world.trainer), make_problem(other_trainer, trajectory=other_trajectory)}
    assert set(followup_access.visible_problems(world.coach)) == problems
    assert set(followup_access.visible_problems(world.project_manager)) == problems
    assert not followup_access.visible_problems(world.participant).exists()
    assert not followup_access.visible_problems(world.administrator).exists()


def test_nobody_sees_another_organisations_problems(world: World, other_world: World, outsider: Person) -> None:
    make_problem(world.trainer)
    assert not followup_access.visible_problems(outsider).exists()
    assert followup_access.open_problem_count(outsider) == 0
    assert not followup_access.problems_waiting_for(outsider).exists()


# The functions for the coach's signals ------------------------------------------------------------


def test_problems_waiting_for_each_role(world: World) -> None:
    new = make_problem(world.trainer, title="nieuw")
    in_progress = bring_to(world, S.IN_PROGRESS, make_problem(world.trainer, title="bezig"))
    escalated = bring_to(world, S.ESCALATED, make_problem(world.trainer, title="bij pm"))
    answered = bring_to(world, S.ANSWERED, make_problem(world.trainer, title="antwoord"))
    bring_to(world, S.SOLVED, make_problem(world.trainer, title="klaar"))
    assert set(followup_access.problems_waiting_for(world.coach)) == {new, answered}
    assert set(followup_access.problems_waiting_for(world.project_manager)) == {escalated}
    assert not followup_access.problems_waiting_for(world.trainer).exists()
    both = make_person(world.org, [Role.COACH, Role.PROJECT_MANAGER])
    assert set(followup_access.problems_waiting_for(both)) == {new, answered, escalated}
    assert followup_access.open_problem_count(world.coach) == 4
    assert followup_access.open_problem_count(world.project_manager) == 4
    assert followup_access.open_problem_count(world.trainer) == 4  # all raised by this trainer
    assert followup_access.open_problem_count(world.participant) == 0
    assert in_progress not in followup_access.problems_waiting_for(world.coach)


# The pages -------------------------------------------------------------------------------------


def test_the_project_manager_sees_what_waits_for_them_first(client: Client, world: World) -> None:
    make_problem(world.trainer, title="Nieuw probleem", urgency=Urgency.URGENT)
    bring_to(world, S.ESCALATED, make_problem(world.trainer, title="Vraag aan de projectmanager"))
    login(client, world.project_manager)
    page = client.get(url("problems")).content.decode()
    assert "1 probleem wacht op jou" in page
    assert page.index("Vraag aan de projectmanager") < page.index("Nieuw probleem")
    assert "Probleem melden" not in page


def test_the_coach_filters_by_status_and_searches_by_title(client: Client, world: World) -> None:
    make_problem(world.trainer, title="Tablet doet het niet")
    bring_to(world, S.SOLVED, make_problem(world.trainer, title="Geen ruimte voor gesprekken"))
    login(client, world.coach)
    page = client.get(url("problems")).content.decode()
    assert "Tablet doet het niet" in page and "Geen ruimte" not in page  # solved ones are hidden at first
    assert "1 probleem wacht op jou" in page
    page = client.get(url("problems") + "?status=solved").content.decode()
    assert "Geen ruimte voor gesprekken" in page and "Tablet" not in page
    page = client.get(url("problems") + "?status=alle&q=ruimte").content.decode()
    assert "Geen ruimte voor gesprekken" in page and "Tablet" not in page
    page = client.get(url("problems") + "?status=wacht").content.decode()
    assert "Tablet doet het niet" in page and "Geen ruimte" not in page
    assert client.get(url("problems") + "?status=onzin&pagina=99").status_code == 200


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.ADMINISTRATOR, Role.CONTENT_EDITOR])
def test_other_roles_have_no_problem_log(client: Client, world: World, role: Role) -> None:
    problem = make_problem(world.trainer)
    login(client, world.by_role(role))
    assert client.get(url("problems")).status_code == 403
    assert client.get(url("problem_detail", problem.pk)).status_code == 403


def test_the_trainer_raises_a_problem_about_their_participant_from_a_link(client: Client, world: World) -> None:
    login(client, world.trainer)
    page = client.get(url("problem_raise") + f"?traject={world.trajectory.pk}").content.decode()
    assert f'<option value="{world.trajectory.pk}" selected>' in page
    response = client.post(
        url("problem_raise") + f"?traject={world.trajectory.pk}",
        {
            "title": "Geen rustige ruimte",
            "description": "In de kantine is het te druk voor een gesprek.",
            "trajectory": world.trajectory.pk,
            "urgency": "urgent",
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == url("problem_detail", problem.pk)
    assert (problem.trajectory, problem.department, problem.urgency) == (world.trajectory, world.department, "urgent")
    page = client.get(response["Location"]).content.decode()
    assert "Het probleem is gemeld." in page and "meldde het probleem" in page


def test_a_link_to_someone_elses_participant_is_a_404(
    client: Client, world: World, other_world: World, second_trainer: tuple[Person, Trajectory]
) -> None:
    login(client, world.trainer)
    _, other_trajectory = second_trainer
    assert client.get(url("problem_raise") + f"?traject={other_trajectory.pk}").status_code == 404
    assert client.get(url("problem_raise") + f"?traject={other_world.trajectory.pk}").status_code == 404
    assert client.get(url("problem_raise") + "?traject=abc").status_code == 404
    # Posting another trainer's participant by hand is refused at the field.
    response = client.post(
        url("problem_raise"),
        {"title": "x", "description": "y", "trajectory": other_trajectory.pk, "urgency": "normal"},
    )
    assert response.status_code == 400
    assert "Kies een deelnemer uit de lijst." in response.content.decode()
    assert not Problem.objects.exists()


def test_raising_explains_what_is_missing_in_dutch(client: Client, world: World) -> None:
    login(client, world.coach)
    response = client.post(url("problem_raise"), {"title": "  ", "description": "", "urgency": "heel erg"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Geef het probleem een korte titel." in page
    assert "Beschrijf het probleem." in page
    assert "Selecteer een geldige keuze" in page or "geldige keuze" in page
    response = client.post(url("problem_raise"), {"title": "x" * 121, "description": "y", "urgency": "normal"})
    assert "niet meer dan 120 tekens" in response.content.decode()
    assert not Problem.objects.exists()


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.PROJECT_MANAGER, Role.ADMINISTRATOR])
def test_raising_is_for_trainers_and_coaches(client: Client, world: World, role: Role) -> None:
    login(client, world.by_role(role))
    assert client.get(url("problem_raise")).status_code == 403
    assert client.post(url("problem_raise"), {"title": "x", "description": "y", "urgency": "normal"}).status_code == 403
    assert not Problem.objects.exists()


def change(client: Client, problem: Problem, to: str, text: str = "Toelichting", **extra: object) -> object:
    data = {"to": to, "text": text, "expected_status": problem.status, "expected_version": problem.version}
    data.update(extra)
    return client.post(url("problem_change", problem.pk), data)


def test_the_coach_picks_up_and_escalates_on_the_page(client: Client, world: World) -> None:
    problem = make_problem(world.trainer, title="Tablet doet het niet")
    login(client, world.coach)
    page = client.get(url("problem_detail", problem.pk)).content.decode()
    assert "Ik pak het op" in page and "Wacht op jou" in page
    assert 'name="expected_status" value="open"' in page
    response = change(client, problem, S.IN_PROGRESS, text="")
    assert response.status_code == 302  # type: ignore[attr-defined]
    problem.refresh_from_db()
    page = client.get(url("problem_detail", problem.pk)).content.decode()
    assert "Je hebt het probleem opgepakt." in page and "pakte het op" in page
    assert "Voorleggen aan de projectmanager" in page and "Opgelost" in page
    change(client, problem, S.ESCALATED, text="Mag de planning een uur vrijhouden?")
    problem.refresh_from_db()
    assert problem.status == S.ESCALATED


def test_a_stale_page_is_refused_with_the_fresh_state_and_the_typed_text(client: Client, world: World) -> None:
    problem = bring_to(world, S.IN_PROGRESS)
    stale = Problem.objects.get(pk=problem.pk)
    move(problem, S.SOLVED, make_person(world.org, [Role.COACH]))
    login(client, world.coach)
    response = change(client, stale, S.ESCALATED, text="Mijn vraag die ik net typte")
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "Iemand anders heeft dit probleem net veranderd." in page
    assert "Opgelost" in page  # the fresh status
    problem.refresh_from_db()
    assert problem.status == S.SOLVED and not problem.events.filter(to_status=S.ESCALATED).exists()


def test_an_illegal_move_on_the_page_is_refused_in_dutch(client: Client, world: World) -> None:
    problem = make_problem(world.trainer)
    login(client, world.coach)
    response = change(client, problem, S.SOLVED, text="Klaar")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "kan niet naar ‘Opgelost’" in response.content.decode()  # type: ignore[attr-defined]
    problem.refresh_from_db()
    assert problem.status == S.OPEN


def test_the_project_manager_cannot_do_the_coachs_moves(client: Client, world: World) -> None:
    problem = make_problem(world.trainer)
    login(client, world.project_manager)
    page = client.get(url("problem_detail", problem.pk)).content.decode()
    assert "Ik pak het op" not in page
    response = change(client, problem, S.IN_PROGRESS)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "Alleen een coach kan dit doen." in response.content.decode()  # type: ignore[attr-defined]
    problem.refresh_from_db()
    assert problem.status == S.OPEN


def test_the_project_manager_answers_and_the_coach_closes(client: Client, world: World) -> None:
    problem = bring_to(world, S.ESCALATED)
    login(client, world.project_manager)
    page = client.get(url("problem_detail", problem.pk)).content.decode()
    assert "Vraag van de coach aan de projectmanager" in page and "Zo is het." in page
    response = change(client, problem, S.ANSWERED, text="")
    assert "Schrijf je antwoord op." in response.content.decode()  # type: ignore[attr-defined]
    change(client, problem, S.ANSWERED, text="Ja, vrijdagmiddag mag.")
    problem.refresh_from_db()
    assert problem.status == S.ANSWERED
    login(client, world.coach)
    page = client.get(url("problem_detail", problem.pk)).content.decode()
    assert "Antwoord van de projectmanager" in page and "Ja, vrijdagmiddag mag." in page
    change(client, problem, S.SOLVED, text="Ingepland op vrijdag.")
    page = client.get(url("problem_detail", problem.pk)).content.decode()
    assert "Zo is het opgelost" in page and "Ingepland op vrijdag." in page
    assert "sloot het af: opgelost" in page and "gaf antwoord" in page


def test_a_broken_change_request_is_a_400_not_a_500(client: Client, world: World) -> None:
    problem = make_problem(world.trainer)
    login(client, world.coach)
    response = client.post(url("problem_change", problem.pk), {"to": S.IN_PROGRESS})
    assert response.status_code == 400
    assert "Dit verzoek klopt niet" in response.content.decode()
    response = client.post(
        url("problem_change", problem.pk), {"to": S.IN_PROGRESS, "expected_status": "open", "expected_version": "x"}
    )
    assert response.status_code == 400
    problem.refresh_from_db()
    assert problem.status == S.OPEN


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PARTICIPANT, Role.ADMINISTRATOR])
def test_changing_the_status_is_for_coaches_and_the_project_manager(client: Client, world: World, role: Role) -> None:
    problem = make_problem(world.trainer)
    login(client, world.by_role(role))
    assert change(client, problem, S.IN_PROGRESS).status_code == 403  # type: ignore[attr-defined]
    problem.refresh_from_db()
    assert problem.status == S.OPEN


def test_another_organisation_gets_404_on_every_problem_view(client: Client, world: World, outsider: Person) -> None:
    problem = make_problem(world.trainer)
    login(client, outsider)
    assert client.get(url("problem_detail", problem.pk)).status_code == 404
    assert change(client, problem, S.IN_PROGRESS).status_code == 404  # type: ignore[attr-defined]
    assert client.post(url("problem_comment", problem.pk), {"text": "Hallo"}).status_code == 404
    problem.refresh_from_db()
    assert problem.status == S.OPEN and problem.events.count() == 1


def test_everyone_involved_can_comment(client: Client, world: World) -> None:
    problem = bring_to(world, S.ESCALATED)
    for person in (world.trainer, world.coach, world.project_manager):
        login(client, person)
        response = client.post(url("problem_comment", problem.pk), {"text": f"Reactie van {person.name}"})
        assert response.status_code == 302
    login(client, world.trainer)
    response = client.post(url("problem_comment", problem.pk), {"text": "  "})
    assert response.status_code == 400 and "Schrijf eerst een reactie." in response.content.decode()
    page = client.get(url("problem_detail", problem.pk)).content.decode()
    for person in (world.trainer, world.coach, world.project_manager):
        assert f"Reactie van {person.name}" in page
    assert problem.events.filter(from_status=S.ESCALATED, to_status=S.ESCALATED).count() == 3


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.ADMINISTRATOR])
def test_commenting_is_not_for_other_roles(client: Client, world: World, role: Role) -> None:
    problem = make_problem(world.trainer)
    login(client, world.by_role(role))
    assert client.post(url("problem_comment", problem.pk), {"text": "Hallo"}).status_code == 403
    assert problem.events.count() == 1


def test_the_trainer_sees_the_timeline_but_no_buttons_to_change_it(client: Client, world: World) -> None:
    problem = bring_to(world, S.ESCALATED)
    login(client, world.trainer)
    page = client.get(url("problem_detail", problem.pk)).content.decode()
    assert "legde het voor aan de projectmanager" in page and "Bij projectmanager" in page
    assert "problem_change" not in page and "/status/" not in page
    assert "Reactie plaatsen" in page


def test_the_coachs_signals_point_at_the_problems_waiting(world: World) -> None:
    """The contract with wpo.coaching.early_signals: a title, a status label and a detail URL."""
    from django.utils import timezone

    from wpo.coaching import early_signals

    problem = make_problem(world.trainer, title="Tablet kapot")
    bring_to(world, S.ESCALATED, make_problem(world.trainer, title="Bij de projectmanager"))
    signals = list(early_signals.problems_waiting(world.coach, None, timezone.now()))  # type: ignore[arg-type]
    assert [(s.reason, s.url) for s in signals] == [
        ("Probleem ‘Tablet kapot’ wacht op jou (Nieuw).", url("problem_detail", problem.pk))
    ]
