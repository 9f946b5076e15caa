"""Phase 1, the intake (aanmeldingen): put forward, the queue per department, every status move with
its history, refusals, who may do what, and the trajectory that opens in phase 1 and waits for the
start conversation."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from wpo.intake import selectors, services
from wpo.intake.models import Interest, InterestChange
from wpo.lib.clock import today
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person, Role, TrainerLink
from wpo.trajectories.models import Phase, PhaseChange, Trajectory

from .conftest import login
from .factories import World, make_interest, make_person

pytestmark = pytest.mark.django_db

Status = Interest.Status


def history(interest: Interest) -> list[tuple[str, str]]:
    return list(InterestChange.objects.filter(interest=interest).values_list("from_status", "to_status"))


def start(world: World, interest: Interest) -> Interest:
    return services.interest_start(
        actor=world.coach, interest=interest, starts_on=today(), ends_on=today() + timedelta(days=180)
    )


# Put forward ------------------------------------------------------------------------------------


def test_the_coach_puts_a_new_employee_forward_by_name(world: World) -> None:
    interest = services.interest_put_forward(
        actor=world.coach,
        department=world.department,
        trainer=world.trainer,
        source=Interest.Source.EMPLOYEE,
        first_name="Rosa",
        last_name="Lima",
        note=" Wil beter leren overleggen. ",
    )
    rosa = interest.employee
    assert (rosa.user.first_name, rosa.roles, rosa.department) == ("Rosa", [], world.department)
    assert interest.status == Status.INTERESTED and interest.note == "Wil beter leren overleggen."
    assert (interest.put_forward_by, interest.put_forward_on, interest.trainer) == (world.coach, today(), world.trainer)
    [change] = InterestChange.objects.filter(interest=interest)
    assert (change.from_status, change.to_status, change.actor) == ("", Status.INTERESTED, world.coach)


def test_a_trainer_puts_forward_in_their_own_department_for_themself(world: World) -> None:
    employee = make_person(world.org, [], world.department)
    interest = services.interest_put_forward(
        actor=world.trainer,
        department=world.department,
        trainer=world.trainer,
        source=Interest.Source.TRAINER,
        employee=employee,
    )
    assert interest.put_forward_by == world.trainer and interest.source == Interest.Source.TRAINER


@pytest.mark.parametrize("what", ["other department", "other trainer", "as coach"])
def test_a_trainer_may_not_put_forward_elsewhere_or_for_someone_else(world: World, what: str) -> None:
    from wpo.orgs.models import Department

    other_department = Department.objects.create(organization=world.org, name="Groen")
    other_trainer = make_person(world.org, [Role.TRAINER], world.department)
    kwargs = {
        "actor": world.trainer,
        "department": other_department if what == "other department" else world.department,
        "trainer": other_trainer if what == "other trainer" else world.trainer,
        "source": Interest.Source.COACH if what == "as coach" else Interest.Source.TRAINER,
        "employee": make_person(world.org, [], world.department),
    }
    with pytest.raises(Refused):
        services.interest_put_forward(**kwargs)  # type: ignore[arg-type]
    assert not Interest.objects.exists()


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.PARTICIPANT, Role.ADMINISTRATOR, Role.CONTENT_EDITOR])
def test_others_may_not_put_anyone_forward(world: World, role: Role) -> None:
    with pytest.raises(Refused):
        services.interest_put_forward(
            actor=world.by_role(role),
            department=world.department,
            trainer=world.trainer,
            source=Interest.Source.COACH,
            employee=make_person(world.org, [], world.department),
        )


def test_put_forward_refuses_what_does_not_fit(world: World, other_world: World) -> None:
    def put(**changes: object) -> None:
        kwargs: dict[str, object] = {
            "actor": world.coach,
            "department": world.department,
            "trainer": world.trainer,
            "source": Interest.Source.COACH,
        }
        kwargs.update(changes)
        with pytest.raises(Refused):
            services.interest_put_forward(**kwargs)  # type: ignore[arg-type]

    put()  # no employee and no name
    put(employee=world.coach)  # another role
    put(employee=world.participant)  # a running trajectory
    put(employee=other_world.participant)  # another organisation
    put(employee=make_person(world.org, []), trainer=world.coach)  # a coach does not guide
    put(employee=make_person(world.org, []), put_forward_on=today() + timedelta(days=1))
    put(employee=make_person(world.org, []), department=other_world.department)
    put(employee=make_person(world.org, []), source="someone")
    listed = make_interest(world)
    put(employee=listed.employee)  # already on the list
    assert Interest.objects.count() == 1


# The moves ----------------------------------------------------------------------------------------


def test_every_move_writes_its_history(world: World) -> None:
    interest = make_interest(world)
    services.interest_not_now(
        actor=world.coach, interest=interest, reason="Drukke tijd.", ask_again_on=today() + timedelta(days=60)
    )
    interest.refresh_from_db()
    assert (interest.status, interest.not_now_reason, interest.ask_again_on) == (
        Status.NOT_NOW,
        "Drukke tijd.",
        today() + timedelta(days=60),
    )
    services.interest_back(actor=world.coach, interest=interest, note="Nu wel tijd.")
    interest.refresh_from_db()
    assert (interest.status, interest.not_now_reason, interest.ask_again_on) == (Status.INTERESTED, "", None)
    services.interest_invite(actor=world.coach, interest=interest)
    start(world, interest)
    interest.refresh_from_db()
    assert interest.status == Status.STARTED and interest.trajectory is not None
    assert history(interest) == [
        ("", Status.INTERESTED),
        (Status.INTERESTED, Status.NOT_NOW),
        (Status.NOT_NOW, Status.INTERESTED),
        (Status.INTERESTED, Status.INVITED),
        (Status.INVITED, Status.STARTED),
    ]
    notes = list(InterestChange.objects.filter(interest=interest).values_list("note", flat=True))
    assert notes[1:3] == ["Drukke tijd.", "Nu wel tijd."]
    assert all(c.actor == world.coach for c in InterestChange.objects.filter(interest=interest))


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (Status.INVITED, "invite"),
        (Status.NOT_NOW, "invite"),
        (Status.NOT_NOW, "start"),
        (Status.NOT_NOW, "not_now"),
        (Status.INTERESTED, "back"),
        (Status.INVITED, "back"),
        (Status.STARTED, "start"),
        (Status.STARTED, "not_now"),
        (Status.STARTED, "back"),
    ],
)
def test_an_illegal_move_is_refused_and_changes_nothing(world: World, status: str, move: str) -> None:
    interest = make_interest(world)
    Interest.objects.filter(pk=interest.pk).update(status=status)
    interest.refresh_from_db()
    before = history(interest)
    with pytest.raises(Refused):
        if move == "invite":
            services.interest_invite(actor=world.coach, interest=interest)
        elif move == "start":
            start(world, interest)
        elif move == "not_now":
            services.interest_not_now(actor=world.coach, interest=interest, reason="x")
        else:
            services.interest_back(actor=world.coach, interest=interest)
    assert Interest.objects.get(pk=interest.pk).status == status and history(interest) == before


def test_not_now_needs_a_reason_and_a_date_ahead(world: World) -> None:
    interest = make_interest(world)
    with pytest.raises(Refused):
        services.interest_not_now(actor=world.coach, interest=interest, reason="  ")
    with pytest.raises(Refused):
        services.interest_not_now(actor=world.coach, interest=interest, reason="Ziek.", ask_again_on=today())
    assert Interest.objects.get(pk=interest.pk).status == Status.INTERESTED


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PROJECT_MANAGER, Role.PARTICIPANT, Role.ADMINISTRATOR])
def test_only_the_coach_moves_an_interest(world: World, role: Role) -> None:
    interest = make_interest(world)
    actor = world.by_role(role)
    for attempt in (
        lambda: start(World(**{**world.__dict__, "coach": actor}), interest),
        lambda: services.interest_not_now(actor=actor, interest=interest, reason="x"),
        lambda: services.interest_move_in_queue(actor=actor, interest=interest, up=True),
    ):
        with pytest.raises(Refused):
            attempt()
    assert (
        history(interest) == [("", Status.INTERESTED)]
        and not Trajectory.objects.filter(participant=interest.employee).exists()
    )


def test_the_project_manager_may_invite_as_the_kick_off_does_but_a_trainer_not(world: World) -> None:
    interest = make_interest(world)
    with pytest.raises(Refused):
        services.interest_invite(actor=world.trainer, interest=interest)
    services.interest_invite(actor=world.project_manager, interest=interest)
    assert Interest.objects.get(pk=interest.pk).status == Status.INVITED


def test_a_stale_decision_is_refused(world: World) -> None:
    interest = make_interest(world)
    services.interest_invite(actor=world.coach, interest=interest)
    with pytest.raises(Refused, match="net veranderd"):
        services.interest_not_now(actor=world.coach, interest=interest, reason="x", expected=Status.INTERESTED)


def test_the_history_is_append_only(world: World) -> None:
    change = InterestChange.objects.get(interest=make_interest(world))
    change.note = "Anders"
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()
    with pytest.raises(TypeError):
        InterestChange.objects.filter(pk=change.pk).update(note="Anders")


# Started: a trajectory in phase 1 -----------------------------------------------------------------


def test_started_opens_a_trajectory_in_phase_1_for_the_trainer(world: World) -> None:
    interest = make_interest(world)
    start(world, interest)
    employee = Person.objects.get(pk=interest.employee_id)
    trajectory = Trajectory.objects.get(participant=employee)
    assert (trajectory.phase, trajectory.status, trajectory.trainer, trajectory.department) == (
        Phase.START,
        Trajectory.Status.ACTIVE,
        world.trainer,
        world.department,
    )
    assert not trajectory.chosen_skills.exists() and not trajectory.assignments.exists()
    assert employee.is_participant and TrainerLink.objects.filter(participant=employee, trainer=world.trainer).exists()
    [opened] = PhaseChange.objects.filter(trajectory=trajectory)
    assert (opened.from_phase, opened.to_phase, opened.actor) == (Phase.START, Phase.START, world.coach)


def test_started_links_a_trajectory_the_trainer_already_started(world: World) -> None:
    from wpo.trajectories.services.start import trajectory_open

    interest = make_interest(world)
    opened = trajectory_open(
        actor=world.trainer,
        participant=interest.employee,
        trainer=world.trainer,
        department=world.department,
        starts_on=today(),
        ends_on=today() + timedelta(days=90),
    )
    start(world, interest)
    assert Interest.objects.get(pk=interest.pk).trajectory == opened
    assert Trajectory.objects.filter(participant=interest.employee).count() == 1


def test_trajectory_open_keeps_the_participant_invite_rules(world: World, other_world: World) -> None:
    from wpo.trajectories.services.start import trajectory_open

    def open_for(participant: Person, actor: Person | None = None, trainer: Person | None = None) -> None:
        trajectory_open(
            actor=actor or world.coach,
            participant=participant,
            trainer=trainer or world.trainer,
            department=world.department,
            starts_on=today(),
            ends_on=today() + timedelta(days=90),
        )

    for refused in (world.coach, world.project_manager, world.participant, other_world.participant):
        with pytest.raises(Refused):
            open_for(refused)
    employee = make_person(world.org, [], world.department)
    other_trainer = make_person(world.org, [Role.TRAINER], world.department)
    with pytest.raises(Refused):  # a trainer opens one only for themself
        open_for(employee, actor=other_trainer)
    with pytest.raises(Refused):  # the guide must be a werkplekopleider
        open_for(employee, trainer=world.project_manager)
    assert not Trajectory.objects.filter(participant=employee).exists()
    open_for(employee, actor=other_trainer, trainer=other_trainer)
    assert Trajectory.objects.get(participant=employee).trainer == other_trainer


def test_the_start_conversation_ends_phase_1_of_the_opened_trajectory(client: Client, world: World) -> None:
    from .test_trainer_workflow import start_data

    interest = make_interest(world, make_person(world.org, [], world.department, first_name="Zoë"))
    aaron = make_person(world.org, [], world.department, first_name="Aaron")
    start(world, interest)
    trajectory = Trajectory.objects.get(participant=interest.employee)
    login(client, world.trainer)
    page = client.get(reverse("trajectories:start")).content.decode()
    waiting = f"{Person.objects.get(pk=interest.employee_id).name} (wacht op het startgesprek)"
    # Offered first, before the employees who could start too.
    assert waiting in page and page.index(waiting) < page.index(aaron.name)
    response = client.post(reverse("trajectories:start"), start_data(world, interest.employee), follow=True)
    assert "is gestart" in response.content.decode()
    trajectory.refresh_from_db()
    assert Trajectory.objects.filter(participant=interest.employee).count() == 1
    assert trajectory.phase == Phase.LEARN_WORK and trajectory.wish_learn == "Hulp vragen."
    assert trajectory.chosen_skills.get().skill == world.skill and trajectory.assignments.count() == 1
    assert list(PhaseChange.objects.filter(trajectory=trajectory).values_list("from_phase", "to_phase")) == [
        (Phase.START, Phase.START),
        (Phase.START, Phase.LEARN_WORK),
    ]


def test_only_the_trajectorys_own_trainer_holds_its_start_conversation(world: World) -> None:
    from wpo.trajectories.services.start import ChosenSkill, trajectory_start

    interest = make_interest(world)
    start(world, interest)
    other_trainer = make_person(world.org, [Role.TRAINER], world.department)
    with pytest.raises(Refused, match="wacht op het startgesprek met"):
        trajectory_start(
            trainer=other_trainer,
            participant=interest.employee,
            department=world.department,
            starts_on=today(),
            ends_on=today() + timedelta(days=180),
            skills=[ChosenSkill(world.skill, None, None)],
            first_assignment=world.pa.version.assignment,
        )
    assert Trajectory.objects.get(participant=interest.employee).phase == Phase.START


def test_my_participants_sends_the_trainer_to_the_start_conversation(client: Client, world: World) -> None:
    interest = make_interest(world)
    start(world, interest)
    login(client, world.trainer)
    body = client.get(reverse("trajectories:my_participants")).content.decode()
    assert "Wacht op het startgesprek." in body
    assert f"{reverse('trajectories:start')}?deelnemer={interest.employee_id}" in body
    trajectory = Trajectory.objects.get(participant=interest.employee)
    detail = client.get(reverse("trajectories:trajectory_detail", args=[trajectory.pk])).content.decode()
    assert "Startgesprek voeren" in detail


# The queue and who is next ------------------------------------------------------------------------


def test_the_queue_keeps_its_order_and_the_coach_reorders_it(world: World) -> None:
    first, second, third = (make_interest(world) for _ in range(3))
    assert list(selectors.queue_of(world.coach, world.department)) == [first, second, third]
    assert selectors.next_in_line(world.coach, world.department.pk) == first
    services.interest_move_in_queue(actor=world.coach, interest=third, up=True)
    assert list(selectors.queue_of(world.coach, world.department)) == [first, third, second]
    services.interest_move_in_queue(actor=world.coach, interest=first, up=False)
    assert list(selectors.queue_of(world.coach, world.department)) == [third, first, second]
    # Not now leaves the queue; back again means the end of it.
    services.interest_not_now(actor=world.coach, interest=third, reason="Verlof.")
    assert selectors.next_in_line(world.coach, world.department.pk) == first
    services.interest_back(actor=world.coach, interest=Interest.objects.get(pk=third.pk))
    assert list(selectors.queue_of(world.coach, world.department)) == [first, second, third]
    start(world, first)
    assert selectors.next_in_line(world.coach, world.department.pk) == second


def test_the_department_page_shows_places_in_wpo_queue_and_who_is_next(client: Client, world: World) -> None:
    first, second = make_interest(world), make_interest(world)
    login(client, world.coach)
    body = client.get(reverse("intake:department", args=[world.department.pk])).content.decode()
    assert "Afgesproken" in body and "Nu in WPO" in body and "Wie is de volgende?" in body
    assert body.index(first.employee.name) < body.index(second.employee.name)
    rows = selectors.department_rows(world.coach)
    [row] = rows
    assert (row.agreed, row.in_wpo, row.waiting, row.next_up) == (3, 1, 2, first)


def test_the_close_page_shows_who_is_next(client: Client, world: World) -> None:
    first = make_interest(world)
    make_interest(world)
    url = reverse("trajectories:trajectory_close", args=[world.trajectory.pk])
    for person in (world.coach, world.trainer):
        client.logout()
        login(client, person)
        body = client.get(url).content.decode()
        assert "Wie is de volgende op" in body and first.employee.name in body
        assert reverse("intake:department", args=[world.department.pk]) in body


def test_the_department_pages_take_a_fixed_number_of_queries(client: Client, world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, world.coach)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as index:
            client.get(reverse("intake:index"))
        with CaptureQueriesContext(connection) as page:
            client.get(reverse("intake:department", args=[world.department.pk]))
        return len(index), len(page)

    make_interest(world)
    few = count()
    for _ in range(6):
        make_interest(world)
    services.interest_not_now(actor=world.coach, interest=make_interest(world), reason="Later.")
    assert count() == few


# Who sees what ------------------------------------------------------------------------------------


def test_a_trainer_sees_their_own_department_and_their_own_interests_only(world: World) -> None:
    from wpo.intake.access import visible_interests
    from wpo.orgs.models import Department

    groen = Department.objects.create(organization=world.org, name="Groen")
    trainer2 = make_person(world.org, [Role.TRAINER], groen)
    here = make_interest(world)
    theirs = services.interest_put_forward(
        actor=world.coach,
        department=groen,
        trainer=trainer2,
        source="coach",
        employee=make_person(world.org, [], groen),
    )
    mine_elsewhere = services.interest_put_forward(
        actor=world.coach,
        department=groen,
        trainer=world.trainer,
        source="coach",
        employee=make_person(world.org, [], groen),
    )
    assert set(visible_interests(world.trainer)) == {here, mine_elsewhere}
    assert set(visible_interests(trainer2)) == {theirs, mine_elsewhere}
    assert set(visible_interests(world.project_manager)) == {here, theirs, mine_elsewhere}
    assert not visible_interests(world.participant).exists()


def test_pages_per_role(client: Client, world: World) -> None:
    interest = make_interest(world)
    pages = [
        reverse("intake:index"),
        reverse("intake:department", args=[world.department.pk]),
        reverse("intake:interest", args=[interest.pk]),
    ]
    for role, status in (
        (Role.COACH, 200),
        (Role.PROJECT_MANAGER, 200),
        (Role.TRAINER, 200),
        (Role.PARTICIPANT, 403),
        (Role.ADMINISTRATOR, 403),
    ):
        client.logout()
        login(client, world.by_role(role))
        assert [client.get(url).status_code for url in pages] == [status] * 3, role
    # Only the coach sees the buttons that move someone.
    client.logout()
    login(client, world.project_manager)
    assert "Uitnodigen voor de start" not in client.get(pages[1]).content.decode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("intake:interest_invite", {}),
        ("intake:interest_start", {"starts_on": today().isoformat(), "ends_on": (today() + timedelta(90)).isoformat()}),
        ("intake:interest_not_now", {"reason": "Later."}),
        ("intake:interest_back", {}),
        ("intake:interest_move", {"richting": "omhoog"}),
    ],
)
def test_the_coachs_moves_over_http(
    client: Client, world: World, other_world: World, name: str, data: dict[str, str]
) -> None:
    interest = make_interest(world)
    if name == "intake:interest_back":
        services.interest_not_now(actor=world.coach, interest=interest, reason="Eerst verlof.")
    url = reverse(name, args=[interest.pk])
    before = history(interest)
    # Another organisation: 404; the wrong role: 403; a GET does not move anything.
    login(client, other_world.coach)
    assert client.post(url, data).status_code == 404
    for person in (world.trainer, world.project_manager, world.participant):
        client.logout()
        login(client, person)
        assert client.post(url, data).status_code == 403
    client.logout()
    login(client, world.coach)
    assert client.get(url).status_code in (200, 405)
    assert history(interest) == before
    response = client.post(url, data)
    assert response.status_code == 302
    after = history(interest)
    assert len(after) == len(before) + (0 if name == "intake:interest_move" else 1)


def test_put_forward_over_http(client: Client, world: World, other_world: World) -> None:
    employee = make_person(world.org, [], world.department)
    data = {
        "employee": employee.pk,
        "department": world.department.pk,
        "trainer": world.trainer.pk,
        "source": "employee",
        "put_forward_on": today().isoformat(),
        "note": "Wil het graag.",
    }
    login(client, world.project_manager)
    assert client.post(reverse("intake:put_forward"), data).status_code == 403
    client.logout()
    login(client, world.trainer)
    assert client.get(reverse("intake:put_forward")).status_code == 200
    # Someone of another organisation cannot be chosen.
    foreign = {**data, "employee": other_world.participant.pk}
    assert client.post(reverse("intake:put_forward"), foreign).status_code == 200
    assert not Interest.objects.exists()
    response = client.post(reverse("intake:put_forward"), data)
    assert response.status_code == 302
    interest = Interest.objects.get()
    assert (interest.employee, interest.put_forward_by, interest.source) == (employee, world.trainer, "employee")
    # Refused by the service: shown beside the form, nothing saved.
    again = client.post(reverse("intake:put_forward"), {**data, "employee": "", "first_name": "", "last_name": ""})
    assert "Kies een medewerker, of vul de naam" in again.content.decode()


# Tenant isolation and privacy -----------------------------------------------------------------------


def test_another_organisation_sees_nothing_of_the_intake(client: Client, world: World, other_world: World) -> None:
    interest = make_interest(world)
    login(client, other_world.coach)
    assert client.get(reverse("intake:interest", args=[interest.pk])).status_code == 404
    assert client.get(reverse("intake:department", args=[world.department.pk])).status_code == 404
    body = client.get(reverse("intake:index")).content.decode()
    assert interest.employee.name not in body and world.department.name not in body
    assert selectors.next_in_line(other_world.coach, world.department.pk) is None
    with pytest.raises(Refused):
        services.interest_not_now(actor=other_world.coach, interest=interest, reason="x")


def test_anonymisation_blanks_the_intake_and_takes_them_off_the_queue(world: World) -> None:
    interest = make_interest(world)
    services.interest_not_now(actor=world.coach, interest=interest, reason="Ziek thuis.")
    services.interest_back(actor=world.coach, interest=interest, note="Weer beter.")
    services.interests_forget(interest.employee)
    interest.refresh_from_db()
    assert interest.status == Status.NOT_NOW and interest.not_now_reason == "" and interest.note == ""
    assert set(InterestChange.objects.filter(interest=interest).values_list("note", flat=True)) == {""}
    assert InterestChange.objects.filter(interest=interest).last().actor is None  # type: ignore[union-attr]


# The kick-off meeting invites from the list -----------------------------------------------------------


def test_the_kick_off_offers_the_queue_with_trainers_and_inviting_moves_them(client: Client, world: World) -> None:
    from django.utils import timezone

    from wpo.meetings.models import Meeting

    from .test_meetings import plan_data

    interested, invited, not_now = make_interest(world), make_interest(world), make_interest(world)
    services.interest_invite(actor=world.coach, interest=invited)
    services.interest_not_now(actor=world.coach, interest=not_now, reason="Eerst verlof.")
    login(client, world.coach)
    form = client.get("/bijeenkomsten/plannen/?soort=start").context["form"]
    assert [i.pk for i in form.fields["interests"].queryset] == [invited.pk, interested.pk]
    assert set(form.initial["interests"]) == {invited.pk, interested.pk}, "pre-selected"
    page = client.get("/bijeenkomsten/plannen/?soort=start").content.decode()
    assert f"met {world.trainer.name}" in page
    data = plan_data([], title="Startbijeenkomst WPO", interests=[str(interested.pk), str(invited.pk)])
    response = client.post("/bijeenkomsten/plannen/?soort=start", data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.kind == Meeting.Kind.START
    assert set(meeting.invitees.all()) == {interested.employee, invited.employee, world.trainer}
    assert Interest.objects.get(pk=interested.pk).status == Status.INVITED
    day = timezone.localtime(meeting.starts_at).date()
    [change] = InterestChange.objects.filter(interest=interested, to_status=Status.INVITED)
    assert "Startbijeenkomst WPO" in change.note and str(day.year) in change.note and change.actor == world.coach
    # Already invited, or not now: unchanged.
    assert history(invited)[-1] == (Status.INTERESTED, Status.INVITED) and len(history(invited)) == 2
    assert Interest.objects.get(pk=not_now.pk).status == Status.NOT_NOW


def test_adding_someone_to_the_kick_off_later_invites_them_and_other_meetings_do_not(
    client: Client, world: World
) -> None:
    from wpo.meetings.models import Meeting

    from .test_meetings import plan_data

    first, later = make_interest(world), make_interest(world)
    login(client, world.coach)
    client.post("/bijeenkomsten/plannen/?soort=start", plan_data([world.trainer], interests=[str(first.pk)]))
    meeting = Meeting.objects.get()
    assert Interest.objects.get(pk=later.pk).status == Status.INTERESTED
    change = reverse("meetings:change", args=[meeting.pk])
    form = client.get(change).context["form"]
    assert form.initial["interests"] == [first.pk], "who was invited stays ticked"
    client.post(change, plan_data([world.trainer], interests=[str(first.pk), str(later.pk)]))
    assert Interest.objects.get(pk=later.pk).status == Status.INVITED
    assert later.employee in meeting.invitees.all() and first.employee in meeting.invitees.all()
    # An intervision is not a kick-off: nothing moves, and it offers no waiting list.
    third = make_interest(world)
    assert "interests" not in client.get("/bijeenkomsten/plannen/?soort=intervisie").context["form"].fields
    client.post("/bijeenkomsten/plannen/?soort=intervisie", plan_data([world.trainer], interests=[str(third.pk)]))
    assert Interest.objects.get(pk=third.pk).status == Status.INTERESTED


def test_the_avg_export_holds_the_intake_and_anonymisation_blanks_it(world: World) -> None:
    from wpo.privacy.export import person_data
    from wpo.privacy.services import person_anonymise

    interest = make_interest(world)
    services.interest_not_now(actor=world.coach, interest=interest, reason="Zorgt voor zijn moeder.")
    start_again = services.interest_back(actor=world.coach, interest=interest, note="Weer tijd.")
    start(world, start_again)
    employee = Person.objects.get(pk=interest.employee_id)
    [row] = person_data(employee)["intake"]
    assert row["status"] == "Gestart" and [h["to"] for h in row["history"]][-1] == "Gestart"
    assert "Zorgt voor zijn moeder." in [h["note"] for h in row["history"]]
    # Their own download shows what the app shows them: not what the coach wrote.
    [own] = person_data(employee, viewer=employee)["intake"]
    assert own["history"][1]["note"] is None and own["not_now_reason"] is None
    from wpo.trajectories.services.signoff import trajectory_stop

    trajectory_stop(Trajectory.objects.get(participant=employee), actor=world.coach, reason="Ander werk.")
    person_anonymise(person=employee, actor=world.administrator)
    assert "moeder" not in str(person_data(employee)) and "Weer tijd" not in str(person_data(employee))


# The project manager's report -------------------------------------------------------------------


def test_the_report_counts_the_intake_per_period_and_department(client: Client, world: World) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from wpo.orgs.models import Department
    from wpo.reports.access import report_scope
    from wpo.reports.figures import Period, Preset, ReportFilter, compute

    ams = ZoneInfo("Europe/Amsterdam")

    def at(*args: int) -> datetime:
        return datetime(*args, tzinfo=ams)  # type: ignore[misc]

    groen = Department.objects.create(organization=world.org, name="Groen")
    trainer2 = make_person(world.org, [Role.TRAINER], groen)

    def put(department: Department, day: date) -> Interest:
        return services.interest_put_forward(
            actor=world.coach,
            department=department,
            trainer=world.trainer if department == world.department else trainer2,
            source="coach",
            employee=make_person(world.org, [], department),
            put_forward_on=day,
            at=at(day.year, day.month, day.day, 10),
        )

    a = put(world.department, date(2024, 6, 20))
    services.interest_invite(actor=world.coach, interest=a, at=at(2024, 7, 5, 9))
    services.interest_start(
        actor=world.coach, interest=a, starts_on=date(2024, 8, 1), ends_on=date(2025, 2, 1), at=at(2024, 8, 1, 9)
    )
    put(world.department, date(2024, 7, 1))  # b: still interested
    c = put(world.department, date(2024, 9, 30))
    services.interest_not_now(actor=world.coach, interest=c, reason="Later.", at=at(2024, 10, 1, 0, 30))
    d = put(groen, date(2024, 8, 10))
    services.interest_not_now(actor=world.coach, interest=d, reason="Ziek.", at=at(2024, 9, 30, 23, 30))
    e = put(groen, date(2024, 5, 1))
    services.interest_invite(actor=world.coach, interest=e, at=at(2024, 6, 30, 23, 30))

    q3 = Period(date(2024, 7, 1), date(2024, 9, 30), Preset.CUSTOM)

    def figures(department: Department | None = None) -> tuple[tuple[int, ...], dict[int, tuple[int, ...]]]:
        result = compute(report_scope(world.project_manager), ReportFilter(q3, department, today=date(2025, 1, 15)))
        row = lambda c: (c.interested, c.invited, c.started, c.not_now, c.waiting)  # noqa: E731
        return row(result.intake.total), {
            d.department_id: row(result.intake.of(d.department_id)) for d in result.departments
        }

    total, per_department = figures()
    assert total == (3, 1, 1, 1, 3)
    assert per_department == {world.department.pk: (2, 1, 1, 0, 2), groen.pk: (1, 0, 0, 1, 1)}
    assert figures(groen)[0] == (1, 0, 0, 1, 1)
    # The exports carry the same figures.
    login(client, world.project_manager)
    csv = client.get(reverse("reports:export_csv"), {"periode": "eigen", "van": "2024-07-01", "tot": "2024-09-30"})
    text = csv.content.decode("utf-8-sig")
    assert "Aanmeldingen;Groen;Niet nu;1" in text and "Aanmeldingen;Totaal;Aangemeld;3" in text


def test_the_coach_overview_links_each_department_to_its_queue(client: Client, world: World) -> None:
    login(client, world.coach)
    body = client.get(reverse("coaching:overview")).content.decode()
    assert reverse("intake:department", args=[world.department.pk]) in body and "Wachtlijst" in body


def test_starting_refuses_when_the_employee_got_another_role_meanwhile(world: World) -> None:
    interest = make_interest(world)
    Person.objects.filter(pk=interest.employee_id).update(is_coach=True)
    interest.employee.refresh_from_db()
    with pytest.raises(Refused):
        start(world, Interest.objects.get(pk=interest.pk))
    assert Interest.objects.get(pk=interest.pk).status == Status.INTERESTED
    assert not Trajectory.objects.filter(participant=interest.employee).exists()
