"""The audit trail (issue 7 item 5): what is recorded, the administrator's log page, the privacy scrub."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wpo.audit.history import Kind
from wpo.audit.services import scrub_person_history
from wpo.orgs.models import Person, Role, TrainerLink
from wpo.orgs.services import person_update
from wpo.trajectories.models import Step, Trajectory
from wpo.trajectories.services import signoff
from wpo.trajectories.workflow import move

from .conftest import login
from .factories import World, make_person

LOG = reverse("audit:log")
HistoricalPerson = Person.history.model


def text(response: Any) -> str:
    """The page as a reader sees it: tags gone, whitespace collapsed."""
    page = re.sub(r"<span aria-hidden=\"true\">→</span>", "", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace(" :", ":")


def _edit_form(person: Person, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": person.user.first_name,
        "last_name": person.user.last_name,
        "email": person.user.email,
        "employee_number": person.employee_number,
        "department": person.department_id or "",
        "roles": [r.value for r in person.roles],
        "trainers": list(person.trainers.values_list("pk", flat=True)),
        "password": "",
    }
    data.update(changes)
    return data


def _stop(client: Client, world: World, reason: str = "Andere baan gevonden") -> None:
    login(client, world.trainer)
    open_ids = ",".join(str(pk) for pk in world.trajectory.assignments.values_list("pk", flat=True))
    response = client.post(
        reverse("trajectories:trajectory_stop", args=[world.trajectory.pk]),
        {"reason": reason, "expected_open": open_ids},
    )
    assert response.status_code == 302
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == Trajectory.Status.STOPPED


def _assess(world: World) -> None:
    for step in (Step.PRACTISING, Step.WORKING, Step.LOOKING_BACK):
        move(world.pa, step, actor=world.participant)
    for step in (Step.INDEPENDENT, Step.ASSESSING):
        move(world.pa, step, actor=world.trainer)
    signoff.assessment_record(world.pa, assessor=world.trainer, judgement="not_yet", note="Nog een week oefenen.")


# What is recorded --------------------------------------------------------------------------------


def test_a_role_change_through_the_admin_form_is_recorded_with_who_before_and_after(
    client: Client, world: World
) -> None:
    login(client, world.administrator)
    coach = world.coach
    response = client.post(reverse("orgs:person_edit", args=[coach.pk]), _edit_form(coach, roles=["coach", "trainer"]))
    assert response.status_code == 302
    row = HistoricalPerson.objects.filter(id=coach.pk).first()  # newest first
    assert row.history_type == "~" and row.audit_kind == Kind.ROLES
    assert row.history_user_id == world.administrator.user_id
    assert row.about_person_id == coach.pk and row.organization_id == world.org.id
    assert row.is_trainer is True and row.prev_record.is_trainer is False

    page = text(login(client, world.administrator).get(LOG))
    assert f"{world.administrator.name} Rollen {coach.name}" in page
    assert "Werkplekopleider: nee wordt ja" in page  # Dutch label, readable values


def test_a_save_that_changes_nothing_tracked_writes_no_row(world: World) -> None:
    before = HistoricalPerson.objects.count()
    world.coach.save()
    world.coach.user.last_login = timezone.now()
    world.coach.user.save(update_fields=["last_login"])
    world.trajectory.wish_learn = "Beter plannen"  # the start conversation is not tracked
    world.trajectory.save()
    assert HistoricalPerson.objects.count() == before
    assert world.trajectory.history.count() == 1


def test_a_trajectory_stop_through_the_workflow_is_recorded(client: Client, world: World) -> None:
    _stop(client, world)
    row = world.trajectory.history.first()
    assert (row.status, row.prev_record.status) == ("stopped", "active")
    assert row.stop_reason == "Andere baan gevonden" and row.history_user_id == world.trainer.user_id

    page = text(login(client, world.administrator).get(LOG + "?soort=trajectory"))
    assert f"{world.trainer.name} Traject {world.participant.name}" in page
    assert "Status: Loopt wordt Gestopt" in page
    assert "Reden van stoppen: — wordt Andere baan gevonden" in page


def test_an_assessment_judgement_is_recorded(client: Client, world: World) -> None:
    _assess(world)
    assessment = world.pa.assessments.get()
    row = assessment.history.get()
    assert row.history_type == "+" and row.audit_kind == Kind.ASSESSMENT
    assert row.about_person_id == world.participant.pk

    page = text(login(client, world.administrator).get(LOG + "?soort=assessment"))
    assert "Beoordeling aangemaakt" in page
    assert "Oordeel: Nog niet" in page and "Toelichting: Nog een week oefenen." in page
    assert f"Beoordelaar: {world.trainer.name}" in page


def test_trainer_links_made_in_bulk_are_recorded(world: World) -> None:
    other_trainer = make_person(world.org, [Role.TRAINER], world.department)
    person_update(
        person=world.participant,
        first_name="Nieuw",
        last_name="Naam",
        email="",
        department=world.department,
        employee_number="",
        roles=[Role.PARTICIPANT],
        trainers=[other_trainer],
    )
    history = TrainerLink.history.filter(participant_id=world.participant.pk)
    assert set(history.values_list("history_type", "trainer_id")) >= {
        ("+", other_trainer.pk),
        ("-", world.trainer.pk),
    }
    assert all(row.about_person_id == world.participant.pk for row in history)


def test_background_changes_are_shown_as_systeem(client: Client, world: World) -> None:
    world.trajectory.phase = 3
    world.trajectory.save()  # no request: a task or a management command
    page = text(login(client, world.administrator).get(LOG + "?soort=trajectory"))
    assert f"Systeem Traject {world.participant.name}" in page
    assert "Fase: Start wordt Evaluatie en beoordeling" in page


# Who may see it ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_only_the_administrator_may_open_the_log(client: Client, world: World, role: Role) -> None:
    login(client, world.by_role(role))
    assert client.get(LOG).status_code == 403


def test_the_log_requires_login(client: Client, db: None) -> None:
    assert client.get(LOG).status_code == 302


def test_another_organisations_administrator_sees_nothing_of_ours(
    client: Client, world: World, other_world: World
) -> None:
    person_update(
        person=world.coach,
        first_name="Geheim",
        last_name="Noord",
        email="",
        department=None,
        employee_number="",
        roles=[Role.COACH, Role.TRAINER],
        trainers=[],
    )
    other_admin = other_world.administrator
    page = text(login(client, other_admin).get(LOG))
    assert "Geheim" not in page and world.participant.name not in page and world.trainer.name not in page
    assert other_world.participant.name in page  # their own log is there
    # Asking for one of our people by id is a 404, not an empty log.
    assert client.get(LOG, {"persoon": world.coach.pk}).status_code == 404


# Filters and cost --------------------------------------------------------------------------------


def test_filters_on_kind_person_and_period(client: Client, world: World) -> None:
    _stop(client, world)
    person_update(
        person=world.coach,
        first_name="Corrie",
        last_name="Coach",
        email="",
        department=None,
        employee_number="",
        roles=[Role.COACH, Role.PROJECT_MANAGER],
        trainers=[],
    )
    login(client, world.administrator)

    roles_only = text(client.get(LOG, {"soort": "roles"}))
    assert "Corrie Coach" in roles_only and "Gestopt" not in roles_only

    by_name = text(client.get(LOG, {"naam": "corrie"}))
    assert "Projectmanager: nee wordt ja" in by_name and "Gestopt" not in by_name

    by_person = text(client.get(LOG, {"persoon": world.participant.pk}))
    assert "Gestopt" in by_person and "Corrie" not in by_person
    assert f"Logboek: wijzigingen over {world.participant.name}" in by_person

    today = timezone.localdate()
    assert "Gestopt" in text(client.get(LOG, {"van": today.isoformat(), "tot": today.isoformat()}))
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert "0 wijzigingen" in text(client.get(LOG, {"van": tomorrow}))
    wrong = text(client.get(LOG, {"van": tomorrow, "tot": today.isoformat()}))
    assert "Kies een einddatum na de begindatum." in wrong


def test_the_person_edit_page_links_to_their_changes(client: Client, world: World) -> None:
    login(client, world.administrator)
    page = client.get(reverse("orgs:person_edit", args=[world.coach.pk])).content.decode()
    assert f'href="{LOG}?persoon={world.coach.pk}"' in page and "Wijzigingen bekijken" in page


def test_the_menu_shows_the_log_to_the_administrator_only(client: Client, world: World) -> None:
    assert "Logboek" in login(client, world.administrator).get(reverse("orgs:people")).content.decode()
    client.logout()
    assert "Logboek" not in login(client, world.coach).get(reverse("coaching:overview")).content.decode()


def _changes(world: World, rounds: int) -> None:
    """Six more log entries per round, one in every tracked table, about several people."""
    assessment = world.pa.assessments.get()
    chosen = world.trajectory.chosen_skills.get()
    for i in range(rounds):
        person = world.coach if i % 2 else world.project_manager
        person.employee_number = f"N{i}"
        person.save()
        person.user.first_name = f"Naam{i}"
        person.user.save()
        TrainerLink.objects.filter(participant=world.participant).delete()
        world.trajectory.ends_on += timedelta(days=1)
        world.trajectory.save()
        chosen.trainer_rating = 1 + i % 5
        chosen.save()
        assessment.note = f"Toelichting {i}"
        assessment.save()
        TrainerLink.objects.create(organization=world.org, participant=world.participant, trainer=world.trainer)


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LOG).status_code == 200
    return len(ctx.captured_queries)


def test_a_page_costs_the_same_number_of_queries_for_10_or_60_entries(client: Client, world: World) -> None:
    _assess(world)
    login(client, world.administrator)
    _changes(world, 1)
    few = _queries(client)
    _changes(world, 10)
    many = _queries(client)
    assert few == many, (few, many)
    assert "Volgende" in client.get(LOG).content.decode()  # more than 50: the second page exists
    assert client.get(LOG, {"pagina": 2}).status_code == 200


# Anonymisation -----------------------------------------------------------------------------------


def _anonymise_live(person: Person) -> None:
    """What the privacy code does to the live rows (a stand-in: the values are its choice)."""
    user = person.user
    user.first_name, user.last_name = "Geanonimiseerd", ""
    user.username, user.email = f"anoniem-{person.pk}", ""
    user.save()
    person.employee_number = ""
    person.save()
    person.trajectories.update(stop_reason="")


def test_scrub_person_history_removes_the_name_and_keeps_who_did_what(client: Client, world: World) -> None:
    person = world.participant
    person.user.first_name, person.user.email = "Priscilla", "priscilla@example.org"
    person.user.save()
    person.employee_number = "P-4711"
    person.save()
    _stop(client, world, reason="Priscilla verhuist")
    user_history = get_user_model().history.filter(id=person.user_id)  # type: ignore[attr-defined]
    assert user_history.filter(first_name="Priscilla").exists()

    _anonymise_live(person)
    assert scrub_person_history(person) > 0

    assert not user_history.filter(first_name="Priscilla").exists()
    assert not user_history.filter(email__icontains="priscilla").exists()
    assert set(user_history.values_list("username", flat=True)) == {f"anoniem-{person.pk}"}
    assert not HistoricalPerson.objects.filter(employee_number="P-4711").exists()
    assert not world.trajectory.history.filter(stop_reason__icontains="Priscilla").exists()
    # The account of what happened stays: who stopped the trajectory, and that it stopped.
    stopped = world.trajectory.history.get(status="stopped")
    assert stopped.history_user_id == world.trainer.user_id
    login(client, world.administrator).get(LOG)  # shows (and so ends) the stop's own message
    page = text(client.get(LOG))
    assert "Priscilla" not in page and "P-4711" not in page


def test_scrub_person_history_also_blanks_assessment_notes(world: World) -> None:
    _assess(world)
    world.pa.assessments.update(note="")  # what the privacy code does to the live row
    scrub_person_history(world.participant)
    assert not world.pa.assessments.get().history.exclude(note="").exists()
