"""The demo's intake (phase 1): a queue in both departments, and a kick-off meeting planned for those
invited from it.

- Inpak en montage: one invited to the coming kick-off, two interested (one asked it themself),
  one 'niet nu' to ask again in six weeks, and one started five days ago whose trajectory waits in
  phase 1 for Ahmed's start conversation;
- Groenvoorziening: one invited, one interested, one 'niet nu' whose day to ask again has come;
- the five demo participants were put forward, invited to the kick-off that was held and started:
  the intake's history of their trajectories.

The queue goes through the intake's services (with dates in the past); the five earlier ones and the
planned kick-off are written directly, like the other demo meetings (a demo sends no e-mail).
Deterministic, relative to today.
"""

from datetime import datetime, time, timedelta

from django.utils import formats, timezone

from wpo.intake import services
from wpo.intake.models import Interest, InterestChange
from wpo.meetings.kinds import BY_KIND
from wpo.meetings.models import Meeting, MeetingAttendance
from wpo.orgs.models import Department, Organization, Person
from wpo.orgs.services import person_create
from wpo.trajectories.models import Trajectory

Status = Interest.Status
Source = Interest.Source
STARTED_DEMO = ("deelnemer", "mohamed", "joyce", "piotr", "fatma")


def _ago(days: int, hour: int = 10) -> datetime:
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _employee(org: Organization, department: Department, first: str, last: str) -> Person:
    """A new employee with no role yet: no login until their trajectory starts."""
    return person_create(organization=org, first_name=first, last_name=last, department=department)


def _kick_off_note(meeting: Meeting) -> str:
    day = formats.date_format(timezone.localtime(meeting.starts_at), "j F Y")
    return f"Uitgenodigd voor {meeting.title} op {day}."


def _started_history(org: Organization, coach: Person, held: Meeting | None) -> None:
    """The five demo participants went through the intake before their trajectories began."""
    people = Person.objects.filter(organization=org, user__username__in=STARTED_DEMO).select_related("department")
    note = _kick_off_note(held) if held is not None else ""
    for position, person in enumerate(people.order_by("pk"), 1):
        trajectory = Trajectory.objects.filter(participant=person).order_by("-starts_on").first()
        if trajectory is None:
            continue
        started = timezone.make_aware(datetime.combine(trajectory.starts_on, time(9, 0)))
        interest = Interest.objects.create(
            organization=org,
            employee=person,
            department=trajectory.department,
            trainer=trajectory.trainer,
            put_forward_by=trajectory.trainer,
            source=Source.TRAINER,
            put_forward_on=(started - timedelta(weeks=3)).date(),
            status=Status.STARTED,
            status_since=started,
            position=position,
            trajectory=trajectory,
        )
        for from_status, to_status, actor, at, text in (
            ("", Status.INTERESTED, trajectory.trainer, started - timedelta(weeks=3), ""),
            (Status.INTERESTED, Status.INVITED, coach, started - timedelta(weeks=2), note),
            (Status.INVITED, Status.STARTED, coach, started, ""),
        ):
            InterestChange.objects.create(
                organization=org,
                interest=interest,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                at=at,
                note=text,
            )


def _kick_off(org: Organization, coach: Person, people: list[Person]) -> Meeting:
    """The next kick-off, in two weeks, for those invited from the queue, their trainers and the staff."""
    day = timezone.localdate() + timedelta(weeks=2)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    defaults = BY_KIND[Meeting.Kind.START]
    meeting = Meeting.objects.create(
        organization=org,
        kind=Meeting.Kind.START,
        title=str(defaults.title),
        starts_at=timezone.make_aware(datetime.combine(day, time(10, 0))),
        duration_minutes=defaults.duration_minutes,
        location="Kantine",
        agenda=str(defaults.agenda),
        organiser=coach,
    )
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(organization=org, meeting=meeting, person=p) for p in {p.pk: p for p in people}.values()
    )
    return meeting


def populate_demo(org: Organization) -> None:
    found = {
        p.user.username: p
        for p in Person.objects.filter(
            organization=org, user__username__in=["coach", "projectmanager", "werkplekopleider", "werkplekopleider2"]
        ).select_related("user")
    }
    coach, ahmed, ingrid = found.get("coach"), found.get("werkplekopleider"), found.get("werkplekopleider2")
    if coach is None or ahmed is None or ingrid is None or ahmed.department is None or ingrid.department is None:
        return
    inpak, groen = ahmed.department, ingrid.department
    held = Meeting.objects.filter(organization=org, kind=Meeting.Kind.START).order_by("starts_at").first()
    _started_history(org, coach, held)

    def put(
        department: Department,
        trainer: Person,
        first: str,
        last: str,
        *,
        days_ago: int,
        by: Person,
        source: str,
        note: str = "",
    ) -> Interest:
        return services.interest_put_forward(
            actor=by,
            department=department,
            trainer=trainer,
            source=source,
            employee=_employee(org, department, first, last),
            put_forward_on=timezone.localdate() - timedelta(days=days_ago),
            note=note,
            at=_ago(days_ago),
        )

    # Inpak en montage, in the order of the queue.
    kees = put(inpak, ahmed, "Kees", "Brandsma", days_ago=38, by=ahmed, source=Source.TRAINER)
    tom = put(inpak, ahmed, "Tom", "de Wit", days_ago=30, by=coach, source=Source.COACH)
    services.interest_start(
        actor=coach,
        interest=tom,
        starts_on=timezone.localdate() - timedelta(days=5),
        ends_on=timezone.localdate() + timedelta(days=178),
        note="Een plek vrij op Inpak en montage.",
        at=_ago(5, 14),
    )
    put(
        inpak,
        ahmed,
        "Lisa",
        "Koopman",
        days_ago=20,
        by=ahmed,
        source=Source.EMPLOYEE,
        note="Lisa vroeg het zelf: ze wil leren om hulp te vragen als iets niet lukt.",
    )
    ria = put(inpak, ahmed, "Ria", "Groenewoud", days_ago=16, by=coach, source=Source.COACH)
    services.interest_not_now(
        actor=coach,
        interest=ria,
        reason="Eerst terug van ziekteverlof. Daarna opnieuw bespreken met Ahmed.",
        ask_again_on=timezone.localdate() + timedelta(weeks=6),
        at=_ago(12),
    )
    put(inpak, ahmed, "Hamza", "Ouali", days_ago=6, by=coach, source=Source.COACH)

    # Groenvoorziening.
    sevda = put(groen, ingrid, "Sevda", "Arslan", days_ago=33, by=ingrid, source=Source.TRAINER)
    johan = put(groen, ingrid, "Johan", "Meijer", days_ago=70, by=ingrid, source=Source.EMPLOYEE)
    services.interest_not_now(
        actor=coach,
        interest=johan,
        reason="Johan haalt eerst zijn rijbewijs voor de trekker.",
        ask_again_on=timezone.localdate() + timedelta(days=1),
        at=_ago(60),
    )
    # The day to ask again has come (a date in the past cannot be chosen, so it is set afterwards).
    Interest.objects.filter(pk=johan.pk).update(ask_again_on=timezone.localdate() - timedelta(days=3))
    put(groen, ingrid, "Niels", "Hoekman", days_ago=9, by=ingrid, source=Source.TRAINER)

    # The coming kick-off invites from the queue; inviting moves them to 'uitgenodigd voor de start'.
    staff = [coach, *([found["projectmanager"]] if "projectmanager" in found else [])]
    invited = [kees.employee, sevda.employee]
    meeting = _kick_off(org, coach, [*invited, ahmed, ingrid, *staff])
    services.interests_invited_to_start(
        actor=coach, employee_ids=[p.pk for p in invited], note=_kick_off_note(meeting), at=_ago(2)
    )
