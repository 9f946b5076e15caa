"""The coach's side of the demo: a realistic rhythm of coaching conversations, and the triage.

Runs last, over every running trajectory the other parts built. A trajectory that is going well has
a begeleidingsgesprek about every three weeks (the last one recently, or the next one planned), so
the coach's overview shows a handful of reasons (wpo/coaching/early_signals.py), not a signal on
every row:

- Mohamed's first assignment has waited since the start: nothing happened. The coach talked it over
  with Ahmed at the department visit (``besproken met werkplekopleider``);
- one running trajectory of the history works on its task without the look-back
  (wpo/demo/reports.py), and one has had no conversation for five weeks, none planned;
- Fatma's assignment takes long, but her second assessment runs: the coach snoozed that signal.

Conversations are written directly with dates in the past (a demo sends no e-mail); each held one
counts as the trajectory's activity, as ``conversation_record`` would have recorded it.
Deterministic, relative to today.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from wpo.coaching.early_signals import INACTIVE, LONG_ASSIGNMENT
from wpo.coaching.models import SignalEvent
from wpo.orgs.models import Organization, Person
from wpo.trajectories import activity
from wpo.trajectories.models import OPEN_STEPS, CoachingConversation, Phase, Step, Trajectory

EVERY = timedelta(weeks=3)
STARTED = [step for step in OPEN_STEPS if step != Step.INTRODUCED]
# The running trajectories that the rhythm leaves alone (the reasons the coach is meant to see).
NO_RHYTHM = ("mohamed",)

RECORDS = (
    ("{name} vertelde hoe het oefenen ging en wat lastig was.", "Rustig en geconcentreerd aan het werk.", ""),
    ("{name} liet zien wat het afgelopen weken lukte.", "Vraagt vaker zelf om uitleg.", "Zo doorgaan."),
    ("{name} vertelde over een drukke dag op de afdeling.", "Bleef vriendelijk tegen collega's.", ""),
    ("We keken samen terug op de opdracht.", "{name} neemt meer het initiatief.", "Volgende keer: afronden."),
)
LOCATIONS = {"Inpak en montage": "Vergaderkamer naast de kantine", "Groenvoorziening": "Keet Groenvoorziening"}


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _working_day(day: date, forward: bool) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1 if forward else -1)
    return day


def _held(trajectory: Trajectory, when: datetime, n: int) -> None:
    name = trajectory.participant.first_name
    done, saw, agreed = RECORDS[n % len(RECORDS)]
    conversation = CoachingConversation.objects.create(
        organization_id=trajectory.organization_id,
        trajectory=trajectory,
        participant_assignment_id=_open_assignment(trajectory),
        planned_at=when,
        duration_minutes=30,
        location=LOCATIONS.get(trajectory.department.name, ""),
        planned_by=trajectory.trainer,
        held_at=when,
        recorded_by=trajectory.trainer,
        done_and_learned=done.format(name=name),
        trainer_saw=saw.format(name=name),
        agreements=agreed.format(name=name),
    )
    activity.record(conversation.trajectory_id, when)


def _open_assignment(trajectory: Trajectory) -> int | None:
    found = trajectory.assignments.filter(step__in=OPEN_STEPS).order_by("-created_at").values_list("pk", flat=True)
    return found.first()


def _plan(trajectory: Trajectory, when: datetime) -> None:
    CoachingConversation.objects.create(
        organization_id=trajectory.organization_id,
        trajectory=trajectory,
        participant_assignment_id=_open_assignment(trajectory),
        planned_at=when,
        duration_minutes=30,
        location=LOCATIONS.get(trajectory.department.name, ""),
        planned_by=trajectory.trainer,
    )


def _rhythm(trajectory: Trajectory, today: date, last_held_ago: int | None = None) -> None:
    """A conversation every three weeks from two weeks after the start, on working days, around the
    conversations already there; the next one planned when the last was over a week ago.
    ``last_held_ago``: stop that many days ago and plan nothing (a trajectory the coach should see)."""
    found = CoachingConversation.objects.filter(trajectory=trajectory)
    existing = [timezone.localdate(c.held_at or c.planned_at) for c in found]
    stop = today - timedelta(days=last_held_ago if last_held_ago is not None else 2)
    day = trajectory.starts_on + timedelta(weeks=2)
    n = 0
    while day <= stop:
        held_on = _working_day(day, forward=False)
        if held_on > trajectory.starts_on and all(abs((held_on - other).days) > 7 for other in existing):
            _held(trajectory, _at(held_on, 10 + n % 4), n)
            existing.append(held_on)
        n += 1
        day += EVERY
    if last_held_ago is not None:
        return
    latest = max((d for d in existing if d <= today), default=None)
    planned_ahead = any(d > today for d in existing)
    if not planned_ahead and (latest is None or (today - latest).days > 7):
        _plan(trajectory, _at(_working_day(today + timedelta(days=3 + trajectory.pk % 7), forward=True), 14))


@transaction.atomic
def populate_demo(org: Organization) -> None:
    if SignalEvent.objects.filter(organization=org).exists():
        return  # already there
    coach = Person.objects.filter(organization=org, user__username="coach").first()
    if coach is None:
        return
    today = timezone.localdate()
    running = list(
        Trajectory.objects.filter(organization=org, status=Trajectory.Status.ACTIVE, phase__gte=Phase.LEARN_WORK)
        .select_related("participant__user", "trainer__user", "department")
        .order_by("pk")
    )
    # One running trajectory of the history, on its assignment for weeks and moving, had its last
    # conversation five weeks ago and none is planned.
    weeks_ago = timezone.now() - timedelta(weeks=3, days=1)
    quiet = (
        Trajectory.objects.filter(
            pk__in=[t.pk for t in running if t.participant.user.username.startswith("demo-deelnemer-")],
            assignments__step__in=STARTED,
            assignments__created_at__lt=weeks_ago,
            assignments__step_since__gt=timezone.now() - timedelta(weeks=1),
        )
        .order_by("pk")
        .first()
    )
    for trajectory in running:
        if trajectory.participant.user.username in NO_RHYTHM:
            continue
        _rhythm(trajectory, today, last_held_ago=35 if quiet is not None and trajectory.pk == quiet.pk else None)
    _mohamed(org, coach, today)
    _fatma(org, coach, today)


def _trajectory(org: Organization, username: str) -> Trajectory | None:
    return (
        Trajectory.objects.filter(organization=org, participant__user__username=username, status="active")
        .select_related("participant__user", "trainer__user", "department")
        .first()
    )


def _mohamed(org: Organization, coach: Person, today: date) -> None:
    """One conversation after the start, then nothing; talked over with Ahmed at the visit."""
    trajectory = _trajectory(org, "mohamed")
    if trajectory is None:
        return
    _held(trajectory, _at(_working_day(trajectory.starts_on + timedelta(weeks=2), forward=True), 11), 0)
    SignalEvent.objects.create(
        organization=org,
        trajectory=trajectory,
        kind=INACTIVE.code,
        action=SignalEvent.Action.DISCUSSED,
        note="Bij het afdelingsbezoek besproken. Ahmed neemt de eerste opdracht nog een keer met Mohamed door.",
        actor=coach,
        at=_at(today - timedelta(days=12), 11),
    )


def _fatma(org: Organization, coach: Person, today: date) -> None:
    """Her assignment takes long, with a second round; the coach snoozed that until the assessment."""
    trajectory = _trajectory(org, "fatma")
    if trajectory is None:
        return
    SignalEvent.objects.create(
        organization=org,
        trajectory=trajectory,
        kind=LONG_ASSIGNMENT.code,
        action=SignalEvent.Action.SNOOZED,
        until=today + timedelta(days=10),
        note="Na het gesprek over de twee oordelen een tweede ronde. De beoordeling loopt; Ingrid rondt af.",
        actor=coach,
        at=_at(today - timedelta(days=2), 15),
    )
