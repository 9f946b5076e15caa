"""Department visits: plan, change, cancel, record with follow-ups, tick off; who sees what; the
last visit per department; the invitation."""

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wpo.followup import access as followup_access
from wpo.followup.models import DepartmentVisit, VisitAction
from wpo.orgs.models import Department, Person, Role

from .conftest import login
from .factories import World, make_person, make_visit
from .test_ical import properties

pytestmark = pytest.mark.django_db

Status = DepartmentVisit.Status


def url(name: str, *args: object) -> str:
    return reverse(f"followup:{name}", args=args)


def day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


def plan_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "date": day(5).isoformat(),
        "time": "09:30",
        "duration_minutes": "90",
        "purpose": "Kijken hoe het gaat aan de inpaklijn.",
        "trainers": [],
    }
    data.update(changes)
    return data


def record_data(held: date | None = None, rows: list[tuple[str, object, str]] | None = None, **changes: object):  # type: ignore[no-untyped-def]
    rows = rows or []
    data: dict[str, object] = {
        "held_on": (held or day(0)).isoformat(),
        "notes_seen": "Het WPO-bord is bijgewerkt.",
        "notes_participants": "Sanne vraagt nu zelf om hulp.",
        "notes_trainers": "",
        "actie-TOTAL_FORMS": "3",
        "actie-INITIAL_FORMS": "0",
        "actie-MIN_NUM_FORMS": "0",
        "actie-MAX_NUM_FORMS": "10",
    }
    for i in range(3):
        description, owner, due_on = rows[i] if i < len(rows) else ("", "", "")
        data[f"actie-{i}-description"] = description
        data[f"actie-{i}-owner"] = owner
        data[f"actie-{i}-due_on"] = due_on
    data.update(changes)
    return data


@pytest.fixture
def other_department(world: World) -> tuple[Department, Person]:
    """A second department of the same organisation, with a werkplekopleider of its own."""
    groen = Department.objects.create(organization=world.org, name="Groenvoorziening")
    return groen, make_person(world.org, [Role.TRAINER], groen, last_name="Groenopleider")


# Planning --------------------------------------------------------------------------------------


def test_the_coach_chooses_a_department_then_plans_with_its_trainers(
    client: Client, world: World, other_department: tuple[Department, Person]
) -> None:
    _, groen_trainer = other_department
    login(client, world.coach)
    page = client.get(url("visit_plan")).content.decode()
    assert "Welke afdeling ga je bezoeken?" in page and "Groenvoorziening" in page
    page = client.get(url("visit_plan") + f"?afdeling={world.department.pk}").content.decode()
    assert world.trainer.name in page and groen_trainer.name not in page
    response = client.post(
        url("visit_plan") + f"?afdeling={world.department.pk}", plan_data(trainers=[world.trainer.pk])
    )
    visit = DepartmentVisit.objects.get()
    assert response.status_code == 302 and response["Location"] == url("visit_detail", visit.pk)
    assert visit.planned_at == timezone.make_aware(datetime.combine(day(5), time(9, 30)))
    assert (visit.department, visit.coach, visit.duration_minutes, visit.status) == (
        world.department,
        world.coach,
        90,
        Status.PLANNED,
    )
    assert list(visit.trainers.all()) == [world.trainer]


def test_planning_explains_mistakes_in_dutch_and_saves_nothing(
    client: Client, world: World, other_department: tuple[Department, Person]
) -> None:
    _, groen_trainer = other_department
    login(client, world.coach)
    target = url("visit_plan") + f"?afdeling={world.department.pk}"
    cases = [
        (plan_data(date=day(-1).isoformat()), "Dit moment is al voorbij. Kies een dag en tijd in de toekomst."),
        (plan_data(date=day(400).isoformat()), "Plan het bezoek binnen een jaar."),
        (plan_data(purpose="  "), "Schrijf kort op waarom je langskomt."),
        (plan_data(date=""), "Kies een datum."),
        (plan_data(time="half tien"), "Vul een tijd in, zoals 10:00."),
        (plan_data(duration_minutes="7"), "geldige keuze"),
        (plan_data(trainers=[groen_trainer.pk]), "Kies werkplekopleiders van deze afdeling."),
    ]
    for data, message in cases:
        response = client.post(target, data)
        assert response.status_code == 400, message
        assert message in response.content.decode(), message
    assert not DepartmentVisit.objects.exists()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PROJECT_MANAGER, Role.PARTICIPANT, Role.ADMINISTRATOR])
def test_only_a_coach_plans_a_visit(client: Client, world: World, role: Role) -> None:
    login(client, world.by_role(role))
    target = url("visit_plan") + f"?afdeling={world.department.pk}"
    assert client.get(target).status_code == 403
    assert client.post(target, plan_data()).status_code == 403
    assert not DepartmentVisit.objects.exists()


def test_planning_for_another_organisations_department_is_a_404(
    client: Client, world: World, other_world: World
) -> None:
    login(client, world.coach)
    target = url("visit_plan") + f"?afdeling={other_world.department.pk}"
    assert client.get(target).status_code == 404
    assert client.post(target, plan_data()).status_code == 404
    assert client.get(url("visit_plan") + "?afdeling=x").status_code == 404
    assert not DepartmentVisit.objects.exists()


# Changing and cancelling -------------------------------------------------------------------------


def test_the_coach_moves_a_visit_and_the_calendar_sees_a_new_version(client: Client, world: World) -> None:
    visit = make_visit(world.org, world.coach, world.department, trainers=[world.trainer])
    login(client, world.coach)
    page = client.get(url("visit_edit", visit.pk)).content.decode()
    assert "Kijken hoe het gaat op de afdeling." in page
    response = client.post(url("visit_edit", visit.pk), plan_data(date=day(9).isoformat(), trainers=[]))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert timezone.localtime(visit.planned_at).date() == day(9)
    assert visit.ical_sequence == 1 and not visit.trainers.exists()
    response = client.post(url("visit_edit", visit.pk), plan_data(date=day(-3).isoformat()))
    assert response.status_code == 400 and "Dit moment is al voorbij" in response.content.decode()


def test_a_cancelled_visit_stays_on_record_and_cannot_be_recorded(client: Client, world: World) -> None:
    visit = make_visit(world.org, world.coach, world.department)
    login(client, world.coach)
    response = client.post(url("visit_cancel", visit.pk))
    assert response.status_code == 302 and response["Location"] == url("visits")
    visit.refresh_from_db()
    assert (visit.status, visit.cancelled_by) == (Status.CANCELLED, world.coach)
    page = client.get(url("visit_detail", visit.pk)).content.decode()
    assert "Afgezegd" in page and "Bezoek vastleggen" not in page
    response = client.post(url("visit_record", visit.pk), record_data(), follow=True)
    assert "Dit bezoek is al vastgelegd of afgezegd." in response.content.decode()
    response = client.post(url("visit_cancel", visit.pk), follow=True)
    assert "Dit bezoek is afgezegd. Plan een nieuw bezoek." in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Status.CANCELLED and visit.held_on is None
    assert client.get(url("visit_ics", visit.pk)).status_code == 404


def test_a_held_visit_cannot_be_moved(client: Client, world: World) -> None:
    visit = make_visit(world.org, world.coach, world.department, days_from_now=-2, held=True)
    login(client, world.coach)
    response = client.post(url("visit_edit", visit.pk), plan_data(), follow=True)
    assert "kan niet meer veranderen" in response.content.decode()
    response = client.post(url("visit_cancel", visit.pk), follow=True)
    assert "Dit bezoek is al gehouden." in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Status.HELD


# Recording -------------------------------------------------------------------------------------


def test_the_coach_records_a_visit_with_notes_and_follow_ups(client: Client, world: World) -> None:
    visit = make_visit(world.org, world.coach, world.department, days_from_now=0)
    login(client, world.coach)
    page = client.get(url("visit_record", visit.pk)).content.decode()
    assert "Vervolgactie 3" in page and world.project_manager.name in page
    assert world.participant.name not in page  # participants are not given follow-ups
    rows = [
        ("Vaste tijd voor gesprekken inplannen", world.trainer.pk, day(7).isoformat()),
        ("Vergaderkamer navragen", world.project_manager.pk, day(14).isoformat()),
    ]
    response = client.post(url("visit_record", visit.pk), record_data(rows=rows))
    assert response.status_code == 302 and response["Location"] == url("visit_detail", visit.pk)
    visit.refresh_from_db()
    assert (visit.status, visit.held_on, visit.recorded_by) == (Status.HELD, day(0), world.coach)
    assert visit.notes_participants == "Sanne vraagt nu zelf om hulp."
    actions = list(visit.actions.order_by("due_on"))
    assert [(a.description, a.owner, a.due_on, a.done_at) for a in actions] == [
        ("Vaste tijd voor gesprekken inplannen", world.trainer, day(7), None),
        ("Vergaderkamer navragen", world.project_manager, day(14), None),
    ]
    page = client.get(url("visit_detail", visit.pk)).content.decode()
    assert "Het bezoek is vastgelegd." in page and "Sanne vraagt nu zelf om hulp." in page
    assert "Vergaderkamer navragen" in page


@pytest.mark.parametrize(
    ("changes", "rows", "message"),
    [
        ({"notes_seen": "", "notes_participants": ""}, [], "Schrijf op wat je zag"),
        ({"held_on": ""}, [], "Kies de datum van het bezoek."),
        ({}, [("Iets doen", "", "")], "Kies wie het doet."),
        ({}, [("", "OWNER", "")], "Schrijf op wat er moet gebeuren."),
        ({}, [("Iets doen", "OWNER", "")], "Kies wanneer het klaar moet zijn."),
        ({}, [("Iets doen", "OWNER", "morgen")], "Vul een datum in."),
        ({}, [("Iets doen", "OWNER", "PAST")], "Deze datum ligt vóór het bezoek."),
        ({}, [("Iets doen", "999999", "FUTURE")], "Kies iemand uit de lijst."),
    ],
)
def test_recording_explains_mistakes_at_the_field_and_saves_nothing(
    client: Client, world: World, changes: dict[str, str], rows: list[tuple[str, str, str]], message: str
) -> None:
    visit = make_visit(world.org, world.coach, world.department, days_from_now=0)
    filled = [
        (
            d,
            world.trainer.pk if o == "OWNER" else o,
            {"PAST": day(-3).isoformat(), "FUTURE": day(3).isoformat()}.get(due, due),
        )
        for d, o, due in rows
    ]
    login(client, world.coach)
    response = client.post(url("visit_record", visit.pk), record_data(rows=filled, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Status.PLANNED and not VisitAction.objects.exists()


def test_a_visit_cannot_be_recorded_before_it_happened(client: Client, world: World) -> None:
    visit = make_visit(world.org, world.coach, world.department, days_from_now=3)
    login(client, world.coach)
    response = client.post(url("visit_record", visit.pk), record_data(held=day(2)))
    assert "Deze datum is nog niet geweest." in response.content.decode()
    response = client.post(url("visit_record", visit.pk), {"held_on": day(0).isoformat(), "notes_seen": "x"})
    assert response.status_code == 400  # no management form: refused, not a crash
    visit.refresh_from_db()
    assert visit.status == Status.PLANNED


def test_the_coach_adds_a_follow_up_later(client: Client, world: World) -> None:
    visit = make_visit(world.org, world.coach, world.department, days_from_now=-5, held=True)
    login(client, world.coach)
    data = {"description": "Werkinstructie met foto's maken", "owner": world.trainer.pk, "due_on": day(10).isoformat()}
    response = client.post(url("action_add", visit.pk), data)
    assert response.status_code == 302
    assert visit.actions.get().description == "Werkinstructie met foto's maken"
    response = client.post(url("action_add", visit.pk), {"description": "", "owner": "", "due_on": ""})
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("Schrijf op wat er moet gebeuren.", "Kies wie het doet.", "Kies wanneer het klaar moet zijn."):
        assert message in page
    response = client.post(url("action_add", visit.pk), {**data, "due_on": day(-6).isoformat()})
    assert "Deze datum ligt vóór het bezoek." in response.content.decode()
    assert visit.actions.count() == 1


def test_a_follow_up_belongs_to_a_visit_that_was_held(client: Client, world: World) -> None:
    visit = make_visit(world.org, world.coach, world.department)
    login(client, world.coach)
    data = {"description": "Iets", "owner": world.trainer.pk, "due_on": day(10).isoformat()}
    response = client.post(url("action_add", visit.pk), data, follow=True)
    assert "Leg het bezoek eerst vast." in response.content.decode()
    assert not VisitAction.objects.exists()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PROJECT_MANAGER, Role.PARTICIPANT, Role.ADMINISTRATOR])
def test_only_a_coach_changes_cancels_records_or_adds(client: Client, world: World, role: Role) -> None:
    planned = make_visit(world.org, world.coach, world.department, days_from_now=0)
    held = make_visit(world.org, world.coach, world.department, days_from_now=-3, held=True)
    login(client, world.by_role(role))
    assert client.post(url("visit_edit", planned.pk), plan_data()).status_code == 403
    assert client.post(url("visit_cancel", planned.pk)).status_code == 403
    assert client.post(url("visit_record", planned.pk), record_data()).status_code == 403
    data = {"description": "Iets", "owner": world.trainer.pk, "due_on": day(10).isoformat()}
    assert client.post(url("action_add", held.pk), data).status_code == 403
    planned.refresh_from_db()
    assert planned.status == Status.PLANNED and not VisitAction.objects.exists()


def test_another_organisation_gets_404_on_every_visit_view(client: Client, world: World, outsider: Person) -> None:
    planned = make_visit(world.org, world.coach, world.department, days_from_now=0)
    held = make_visit(world.org, world.coach, world.department, days_from_now=-3, held=True)
    action = VisitAction.objects.create(
        organization=world.org, visit=held, description="x", owner=world.trainer, due_on=day(3), created_by=world.coach
    )
    login(client, outsider)
    assert client.get(url("visit_detail", planned.pk)).status_code == 404
    assert client.get(url("visit_ics", planned.pk)).status_code == 404
    assert client.post(url("visit_edit", planned.pk), plan_data()).status_code == 404
    assert client.post(url("visit_cancel", planned.pk)).status_code == 404
    assert client.post(url("visit_record", planned.pk), record_data()).status_code == 404
    data = {"description": "Iets", "owner": outsider.pk, "due_on": day(10).isoformat()}
    assert client.post(url("action_add", held.pk), data).status_code == 404
    assert client.post(url("action_toggle", action.pk), {"klaar": "ja"}).status_code == 404
    planned.refresh_from_db()
    action.refresh_from_db()
    assert planned.status == Status.PLANNED and action.done_at is None and held.actions.count() == 1


# Ticking off follow-ups ------------------------------------------------------------------------


@pytest.fixture
def held_with_actions(world: World) -> tuple[DepartmentVisit, VisitAction, VisitAction]:
    visit = make_visit(world.org, world.coach, world.department, days_from_now=-10, held=True)

    def action(owner: Person, description: str, due: int) -> VisitAction:
        return VisitAction.objects.create(
            organization=world.org,
            visit=visit,
            description=description,
            owner=owner,
            due_on=day(due),
            created_by=world.coach,
        )

    return visit, action(world.trainer, "Rooster aanpassen", -2), action(world.project_manager, "Ruimte regelen", 5)


def test_the_trainer_ticks_off_their_own_follow_up_and_not_anothers(
    client: Client, world: World, held_with_actions: tuple[DepartmentVisit, VisitAction, VisitAction]
) -> None:
    visit, own, other = held_with_actions
    login(client, world.trainer)
    page = client.get(url("visit_detail", visit.pk)).content.decode()
    assert page.count("Afvinken: gedaan") == 1
    response = client.post(url("action_toggle", own.pk), {"klaar": "ja"})
    assert response.status_code == 302 and response["Location"].endswith("#vervolgacties")
    own.refresh_from_db()
    assert own.done_by == world.trainer and own.done_at is not None
    assert client.post(url("action_toggle", other.pk), {"klaar": "ja"}).status_code == 403
    other.refresh_from_db()
    assert other.done_at is None
    # Ticked by mistake: open again.
    client.post(url("action_toggle", own.pk), {"klaar": "nee"})
    own.refresh_from_db()
    assert own.done_at is None and own.done_by is None


def test_the_coach_ticks_off_anyones_follow_up_and_the_project_manager_only_their_own(
    client: Client, world: World, held_with_actions: tuple[DepartmentVisit, VisitAction, VisitAction]
) -> None:
    _, trainers, managers = held_with_actions
    login(client, world.project_manager)
    assert client.post(url("action_toggle", trainers.pk), {"klaar": "ja"}).status_code == 403
    assert client.post(url("action_toggle", managers.pk), {"klaar": "ja", "terug": "lijst"}).status_code == 302
    login(client, world.coach)
    response = client.post(url("action_toggle", trainers.pk), {"klaar": "ja", "terug": "lijst"})
    assert response["Location"] == url("visits") + "#open-acties"
    trainers.refresh_from_db()
    managers.refresh_from_db()
    assert trainers.done_by == world.coach and managers.done_by == world.project_manager


def test_a_trainer_of_another_department_does_not_see_the_visit_nor_its_follow_ups(
    client: Client,
    world: World,
    held_with_actions: tuple[DepartmentVisit, VisitAction, VisitAction],
    other_department: tuple[Department, Person],
) -> None:
    visit, own, _ = held_with_actions
    _, groen_trainer = other_department
    login(client, groen_trainer)
    assert client.get(url("visit_detail", visit.pk)).status_code == 404
    assert client.post(url("action_toggle", own.pk), {"klaar": "ja"}).status_code == 404
    page = client.get(url("visits")).content.decode()
    assert "Rooster aanpassen" not in page and world.department.name not in page
    own.refresh_from_db()
    assert own.done_at is None


def test_a_follow_up_given_to_a_trainer_of_another_department_is_theirs_to_tick_off(
    client: Client, world: World, other_department: tuple[Department, Person]
) -> None:
    _, groen_trainer = other_department
    visit = make_visit(world.org, world.coach, world.department, days_from_now=-4, held=True)
    action = VisitAction.objects.create(
        organization=world.org,
        visit=visit,
        description="Ervaring delen met de inpak",
        owner=groen_trainer,
        due_on=day(3),
        created_by=world.coach,
    )
    login(client, groen_trainer)
    page = client.get(url("visits")).content.decode()
    assert "Ervaring delen met de inpak" in page
    assert client.get(url("visit_detail", visit.pk)).status_code == 404  # the notes stay with the department
    assert client.post(url("action_toggle", action.pk), {"klaar": "ja", "terug": "lijst"}).status_code == 302
    action.refresh_from_db()
    assert action.done_by == groen_trainer


# Who sees which visits ---------------------------------------------------------------------------


def test_trainers_see_the_visits_to_their_department_the_project_manager_reads_all(
    client: Client, world: World, other_department: tuple[Department, Person]
) -> None:
    groen, groen_trainer = other_department
    ours = make_visit(world.org, world.coach, world.department, trainers=[world.trainer])
    theirs = make_visit(world.org, world.coach, groen, trainers=[groen_trainer])
    invited = make_visit(world.org, world.coach, groen, days_from_now=9, trainers=[world.trainer])
    assert set(followup_access.visible_visits(world.trainer)) == {ours, invited}
    assert set(followup_access.visible_visits(world.project_manager)) == {ours, theirs, invited}
    assert not followup_access.visible_visits(world.participant).exists()
    login(client, world.trainer)
    assert client.get(url("visit_detail", ours.pk)).status_code == 200
    assert client.get(url("visit_detail", theirs.pk)).status_code == 404
    page = client.get(url("visit_detail", ours.pk)).content.decode()
    assert "Bezoek vastleggen" not in page and "Wijzigen of afzeggen" not in page
    assert "Zet in je agenda" in page
    login(client, world.project_manager)
    page = client.get(url("visit_detail", theirs.pk)).content.decode()
    assert "Groenvoorziening" in page and "Bezoek vastleggen" not in page


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.ADMINISTRATOR, Role.CONTENT_EDITOR])
def test_other_roles_see_no_visits(client: Client, world: World, role: Role) -> None:
    visit = make_visit(world.org, world.coach, world.department)
    login(client, world.by_role(role))
    assert client.get(url("visits")).status_code == 403
    assert client.get(url("visit_detail", visit.pk)).status_code == 403


# The list ------------------------------------------------------------------------------------


def test_the_coachs_list_shows_upcoming_held_and_open_follow_ups(
    client: Client,
    world: World,
    held_with_actions: tuple[DepartmentVisit, VisitAction, VisitAction],
    other_department: tuple[Department, Person],
) -> None:
    groen, _ = other_department
    make_visit(world.org, world.coach, groen, days_from_now=3)
    older = make_visit(world.org, world.coach, world.department, days_from_now=-40, held=True)
    login(client, world.coach)
    page = client.get(url("visits")).content.decode()
    upcoming = page[page.index("Geplande bezoeken") : page.index("Vervolgacties die nog open staan")]
    assert "Groenvoorziening" in upcoming
    open_part = page[page.index("Vervolgacties die nog open staan") : page.index("Gehouden bezoeken")]
    assert "Rooster aanpassen" in open_part and "Ruimte regelen" in open_part
    assert open_part.count("Te laat") == 1  # only the overdue one
    assert open_part.index("Rooster aanpassen") < open_part.index("Ruimte regelen")
    held_part = page[page.index("Gehouden bezoeken") :]
    newest, _, _ = held_with_actions
    assert held_part.index(url("visit_detail", newest.pk)) < held_part.index(url("visit_detail", older.pk))
    assert "2 van 2 open" in held_part
    # Per department: when was the last visit, and which one has never been visited.
    assert "Nog nooit bezocht" in page
    assert "10 dagen geleden" in page


def test_the_list_filters_by_department(
    client: Client,
    world: World,
    held_with_actions: tuple[DepartmentVisit, VisitAction, VisitAction],
    other_department: tuple[Department, Person],
) -> None:
    groen, _ = other_department
    groen_visit = make_visit(world.org, world.coach, groen, days_from_now=3)
    login(client, world.coach)
    page = client.get(url("visits") + f"?afdeling={groen.pk}").content.decode()
    section = page[page.index("Geplande bezoeken") :]
    assert url("visit_detail", groen_visit.pk) in section
    assert "Rooster aanpassen" not in section and "Er zijn nog geen bezoeken vastgelegd." in section


def test_the_coach_sees_her_own_visits_or_all_coaches(client: Client, world: World) -> None:
    colleague = make_person(world.org, [Role.COACH], last_name="Collegacoach")
    hers = make_visit(world.org, colleague, world.department, days_from_now=4)
    mine = make_visit(world.org, world.coach, world.department, days_from_now=5)
    login(client, world.coach)
    page = client.get(url("visits")).content.decode()
    assert url("visit_detail", mine.pk) in page and url("visit_detail", hers.pk) not in page
    page = client.get(url("visits") + "?wie=alle").content.decode()
    assert url("visit_detail", hers.pk) in page and "Collegacoach" in page


def test_held_visits_are_paginated_newest_first(client: Client, world: World) -> None:
    visits = [make_visit(world.org, world.coach, world.department, days_from_now=-i, held=True) for i in range(1, 23)]
    login(client, world.coach)
    first = client.get(url("visits")).content.decode()
    second = client.get(url("visits") + "?pagina=2").content.decode()
    assert url("visit_detail", visits[0].pk) in first and url("visit_detail", visits[-1].pk) not in first
    assert url("visit_detail", visits[-1].pk) in second and "Pagina 2 van 2" in second


def test_a_department_with_participants_not_visited_for_long_is_marked(client: Client, world: World) -> None:
    make_visit(world.org, world.coach, world.department, days_from_now=-50, held=True)
    login(client, world.coach)
    page = client.get(url("visits")).content.decode()
    assert "Langer dan 6 weken niet geweest" in page
    make_visit(world.org, world.coach, world.department, days_from_now=-3, held=True)
    page = client.get(url("visits")).content.decode()
    assert "Langer dan 6 weken niet geweest" not in page


def test_last_visit_per_department_in_one_query(
    world: World, other_world: World, other_department: tuple[Department, Person], django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    groen, _ = other_department
    empty = Department.objects.create(organization=world.org, name="Schoonmaak")
    make_visit(world.org, world.coach, world.department, days_from_now=-30, held=True)
    make_visit(world.org, world.coach, world.department, days_from_now=-4, held=True)
    make_visit(world.org, world.coach, world.department, days_from_now=2)  # planned: not a visit yet
    cancelled = make_visit(world.org, world.coach, groen, days_from_now=-1)
    DepartmentVisit.objects.filter(pk=cancelled.pk).update(status=Status.CANCELLED)
    make_visit(other_world.org, other_world.coach, other_world.department, days_from_now=-1, held=True)
    with django_assert_num_queries(1):
        result = followup_access.last_visit_per_department(world.coach)
    assert result == {world.department.pk: day(-4), groen.pk: None, empty.pk: None}
    assert followup_access.last_visit_per_department(world.trainer) == {world.department.pk: day(-4)}
    assert followup_access.last_visit_per_department(world.participant) == {}


# The invitation ----------------------------------------------------------------------------------


def test_a_planned_visit_downloads_as_a_calendar_event(client: Client, world: World) -> None:
    visit = make_visit(world.org, world.coach, world.department, trainers=[world.trainer])
    login(client, world.trainer)
    response = client.get(url("visit_ics", visit.pk))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="afdelingsbezoek-')
    event = properties(response.content.decode())
    assert event["SUMMARY"] == f"Afdelingsbezoek {world.department.name}"
    assert event["UID"] == f"{visit.ical_uid}@wpo-platform"
    assert world.trainer.user.email in response.content.decode()
    held = make_visit(world.org, world.coach, world.department, days_from_now=-1, held=True)
    assert client.get(url("visit_ics", held.pk)).status_code == 404
