"""Demo data: two department visits and three problems in the demo organisation.

One visit to Inpak en montage was held twelve days ago, with notes and three follow-ups (one
done, one overdue, one still to come); one visit to Groenvoorziening is planned next week. Of the
three problems one is solved, one waits for the project manager and one, new, waits for the coach.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from wpo.followup import services, workflow
from wpo.followup.models import DepartmentVisit, ProblemStatus, Urgency, VisitAction
from wpo.orgs.models import Department, Organization, Person
from wpo.trajectories.models import Trajectory

S = ProblemStatus


def _person(org: Organization, username: str) -> Person | None:
    return Person.objects.filter(organization=org, user__username=username).select_related("user").first()


def _trajectory(org: Organization, username: str) -> Trajectory | None:
    return (
        Trajectory.objects.filter(organization=org, participant__user__username=username)
        .order_by("-starts_on", "-pk")
        .first()
    )


def _department(org: Organization, name: str) -> Department | None:
    return Department.objects.filter(organization=org, name=name).first()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@transaction.atomic
def populate_demo(org: Organization) -> None:
    coach = _person(org, "coach")
    manager = _person(org, "projectmanager")
    ahmed = _person(org, "werkplekopleider")
    ingrid = _person(org, "werkplekopleider2")
    inpak = _department(org, "Inpak en montage")
    groen = _department(org, "Groenvoorziening")
    if None in (coach, manager, ahmed, ingrid, inpak, groen):
        return  # not the demo organisation as we know it: add nothing rather than half of it
    assert coach and manager and ahmed and ingrid and inpak and groen
    today = timezone.localdate()
    _visits(org, coach, manager, ahmed, ingrid, inpak, groen, today)
    _problems(org, coach, ahmed, ingrid, groen, today)


def _visits(
    org: Organization,
    coach: Person,
    manager: Person,
    ahmed: Person,
    ingrid: Person,
    inpak: Department,
    groen: Department,
    today: date,
) -> None:
    held_on = today - timedelta(days=12)
    held = DepartmentVisit.objects.create(
        organization=org,
        department=inpak,
        coach=coach,
        planned_at=_at(held_on, 9, 30),
        duration_minutes=90,
        purpose=(
            "Kijken hoe het gaat aan de nieuwe inpaklijn voor de zorgpakketten. "
            "Met Ahmed bespreken hoe het gaat met Sanne, Mohamed en Joyce, "
            "en hoe hij de begeleidingsgesprekken plant in een drukke week."
        ),
        status=DepartmentVisit.Status.HELD,
        held_on=held_on,
        notes_seen=(
            "Rustige ochtend aan de inpaklijn. Het WPO-bord hangt naast de prikklok en is bijgewerkt. "
            "Ahmed gaf Mohamed tijdens het werk korte en duidelijke tips bij het dichtplakken van de dozen."
        ),
        notes_participants=(
            "Sanne werkt aan Overleggen op niveau B. Ze vraagt nu zelf om hulp als de lijn stilvalt: "
            "dat lukte een paar weken geleden nog niet. Joyce kijkt terug op haar opdracht en vindt het "
            "lastig om op tijd te melden dat ze later komt. Mohamed is net begonnen en weet nog niet "
            "goed wat er van hem verwacht wordt."
        ),
        notes_trainers=(
            "Ahmed is enthousiast, maar in piekweken komt hij niet toe aan de gesprekken. "
            "Hij voert ze nu in de kantine; daar is het druk en lawaaierig."
        ),
        recorded_by=coach,
        recorded_at=_at(held_on, 14, 0),
    )
    held.trainers.set([ahmed])
    actions = [
        (
            "Met Mohamed de eerste WPO-opdracht nog een keer samen doornemen, met de werkinstructie erbij.",
            ahmed,
            held_on + timedelta(days=5),
            True,
        ),
        (
            "Een vaste tijd voor begeleidingsgesprekken in het rooster zetten: dinsdag na de koffiepauze.",
            ahmed,
            held_on + timedelta(days=10),
            False,
        ),
        (
            "Navragen of de vergaderkamer naast de kantine op dinsdag vrij is voor WPO-gesprekken.",
            manager,
            held_on + timedelta(days=14),
            False,
        ),
    ]
    for description, owner, due_on, done in actions:
        VisitAction.objects.create(
            organization=org,
            visit=held,
            description=description,
            owner=owner,
            due_on=due_on,
            done_at=_at(due_on - timedelta(days=1), 15) if done else None,
            done_by=owner if done else None,
            created_by=coach,
        )

    next_week = today + timedelta(days=7)
    while next_week.weekday() >= 5:
        next_week += timedelta(days=1)
    services.visit_plan(
        actor=coach,
        department=groen,
        planned_at=_at(next_week, 13, 0),
        duration_minutes=120,
        purpose=(
            "Meelopen met de groenploeg in het Stadspark. Met Ingrid bespreken hoe Piotr het doet in "
            "zijn zelfstandigheidsweek en hoe de beoordeling van Fatma ging. "
            "En: hoe houden we tijd voor gesprekken in het maaiseizoen?"
        ),
        trainers=[ingrid],
    )


def _problems(
    org: Organization,
    coach: Person,
    ahmed: Person,
    ingrid: Person,
    groen: Department,
    today: date,
) -> None:
    # Solved: the coach came by and found the cause.
    at = _at(today - timedelta(days=20), 10, 15)
    solved = workflow.raise_problem(
        actor=ahmed,
        title="Sanne kan niet inloggen op de tablet",
        description=(
            "Sinds maandag lukt het Sanne niet meer om in te loggen op de tablet in de kantine. "
            "Ze raakt achter met het oefendeel en wordt er onrustig van."
        ),
        urgency=Urgency.URGENT,
        trajectory=_trajectory(org, "deelnemer"),
        at=at,
    )
    workflow.change_status(
        solved,
        S.IN_PROGRESS,
        actor=coach,
        expected_status=S.OPEN,
        text="Ik kom morgenochtend even kijken.",
        at=at + timedelta(hours=2),
    )
    workflow.change_status(
        solved,
        S.SOLVED,
        actor=coach,
        expected_status=S.IN_PROGRESS,
        text=(
            "De camera van de tablet stond uit, daarom werd de inlogkaart niet gelezen. "
            "Camera aangezet en samen met Sanne getest: het werkt weer."
        ),
        at=at + timedelta(days=1),
    )

    # Escalated: waits for the project manager.
    at = _at(today - timedelta(days=9), 16, 40)
    escalated = workflow.raise_problem(
        actor=ingrid,
        title="Geen tijd voor gesprekken in het maaiseizoen",
        description=(
            "Van april tot september maaien we elke dag in de parken van de gemeente. De ploeg is dan "
            "de hele dag buiten en er is geen tijd voor begeleidingsgesprekken. "
            "Piotr en Fatma lopen daardoor achter."
        ),
        department=groen,
        at=at,
    )
    workflow.change_status(
        escalated,
        S.IN_PROGRESS,
        actor=coach,
        expected_status=S.OPEN,
        text="Ik bel Ingrid morgen om te horen welk moment in de week het beste past.",
        at=at + timedelta(hours=16),
    )
    workflow.change_status(
        escalated,
        S.ESCALATED,
        actor=coach,
        expected_status=S.IN_PROGRESS,
        text=(
            "Kan de planning van de groenploeg op vrijdagmiddag een uur vrijhouden voor WPO-gesprekken, "
            "ook in het maaiseizoen? Dat kost ongeveer vier uur werktijd per week."
        ),
        at=at + timedelta(days=2),
    )
    workflow.comment(
        escalated,
        actor=ingrid,
        text="Vrijdagmiddag past goed: dan zijn we meestal om twee uur terug op de werf.",
        at=at + timedelta(days=3),
    )

    # New: waits for the coach.
    workflow.raise_problem(
        actor=ahmed,
        title="Werkinstructie nieuwe inpaklijn is te moeilijk",
        description=(
            "De nieuwe werkinstructie bij de inpaklijn heeft veel tekst en weinig plaatjes. "
            "Mohamed begrijpt hem niet goed en durft het niet te vragen. "
            "Kan er een versie met foto's van elke stap komen?"
        ),
        trajectory=_trajectory(org, "mohamed"),
        at=_at(today - timedelta(days=1), 11, 5),
    )
