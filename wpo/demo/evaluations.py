"""The demo's phase 3 (issue 16): interim evaluations, one with an extension, and trajectories in the
evaluation phase.

- Sanne (Inpak en montage, Ahmed) had her interim evaluation ten days ago: level A of Overleggen
  achieved, she feels good about it, in her own words; the period was extended by six weeks, with the
  reason and the end date's history.
- Joyce has her interim evaluation planned next week, with the coach joining.
- Fatma's final evaluation is planned; she and Piotr stand in phase 3 already, moved there by the
  workflow when their last chosen skill came into the independence week or the assessment
  (wpo/demo/signoff.py walks them there).
- Most running trajectories of the report's history had an evaluation some weeks ago; one older one
  did not, so the coach sees the signal "geen tussentijdse evaluatie" once, not for every trajectory.

Evaluations in the past are written as ``wpo.evaluations.services`` would have written them then
(its services plan only in the future and stamp the present). Deterministic; quiet when the people
or trajectories it builds on are missing; a second run adds nothing.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from wpo.evaluations.models import EndDateChange, InterimEvaluation
from wpo.evaluations.selectors import achieved_text
from wpo.orgs.models import Organization, Person
from wpo.trajectories.models import Phase, Trajectory
from wpo.trajectories.workflow import set_phase

# Running trajectories older than this get an evaluation in the history (the signal's default is 12).
EVALUATED_AFTER_WEEKS = 10


def _moment(days: int, hour: int = 10) -> datetime:
    """``days`` days from today (negative: in the past) at ``hour`` local time."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _person(org: Organization, username: str) -> Person | None:
    return Person.objects.filter(organization=org, user__username=username).select_related("user").first()


def _running(org: Organization, username: str) -> Trajectory | None:
    return (
        Trajectory.objects.filter(
            organization=org, participant__user__username=username, status=Trajectory.Status.ACTIVE
        )
        .select_related("participant__user", "trainer__user")
        .first()
    )


def _held(trajectory: Trajectory, days_ago: int, *, feeling: str, words: str, agreements: str) -> InterimEvaluation:
    when = _moment(-days_ago)
    return InterimEvaluation.objects.create(
        organization_id=trajectory.organization_id,
        trajectory=trajectory,
        planned_at=when,
        planned_by=trajectory.trainer,
        held_at=when + timedelta(minutes=40),
        recorded_by=trajectory.trainer,
        achieved=achieved_text(trajectory),
        feeling=feeling,
        participant_words=words,
        agreements=agreements,
        agreed_ends_on=trajectory.ends_on,
    )


def _sanne(org: Organization) -> None:
    trajectory = _running(org, "deelnemer")
    if trajectory is None:
        return
    evaluation = _held(
        trajectory,
        10,
        feeling="good",
        words="Ik durf nu in het overleg te zeggen wat ik vind. Bij nieuwe collega's vind ik het nog spannend.",
        agreements="Sanne werkt aan niveau B. Over zes weken kijken we weer samen terug.",
    )
    new_end = trajectory.ends_on + timedelta(weeks=6)
    EndDateChange.objects.create(
        organization=org,
        trajectory=trajectory,
        evaluation=evaluation,
        from_date=trajectory.ends_on,
        to_date=new_end,
        reason="Twee weken ziek geweest, en Sanne wil ook niveau B halen.",
        actor=trajectory.trainer,
        at=evaluation.held_at or _moment(-10),
    )
    trajectory.ends_on = new_end
    trajectory.save(update_fields=["ends_on"])
    evaluation.agreed_ends_on = new_end
    evaluation.save(update_fields=["agreed_ends_on"])


def _planned(org: Organization, username: str, days: int, *, final: bool = False) -> None:
    trajectory = _running(org, username)
    coach = _person(org, "coach")
    if trajectory is None:
        return
    evaluation = InterimEvaluation.objects.create(
        organization=org,
        trajectory=trajectory,
        is_final=final,
        planned_at=_moment(days, 14),
        duration_minutes=45,
        location="Kantoor van de afdeling",
        planned_by=trajectory.trainer,
    )
    if coach is not None:
        evaluation.attendees.add(coach)
    if final and trajectory.phase == Phase.LEARN_WORK:
        set_phase(trajectory, Phase.EVALUATION, actor=trajectory.trainer, note="Eindevaluatie gestart.")


def _history(org: Organization) -> None:
    """An evaluation some weeks ago for the older running trajectories of the history, but one."""
    limit = timezone.localdate() - timedelta(weeks=EVALUATED_AFTER_WEEKS)
    older = list(
        Trajectory.objects.filter(
            organization=org,
            status=Trajectory.Status.ACTIVE,
            phase__in=[Phase.LEARN_WORK, Phase.EVALUATION],
            starts_on__lt=limit,
            participant__user__username__startswith="demo-deelnemer-",
        )
        .select_related("trainer__user")
        .order_by("starts_on", "pk")
    )
    faces = ["good", "bit", "good", "not_yet"]
    # The oldest is left without one: the coach's signal shows what a missing evaluation looks like.
    for n, trajectory in enumerate(older[1:]):
        _held(
            trajectory,
            21 + 7 * (n % 6),
            feeling=faces[n % len(faces)],
            words="Het gaat steeds beter. Ik vraag vaker om hulp." if n % 2 else "",
            agreements="Zo doorgaan. Over een paar maanden weer samen terugkijken.",
        )


@transaction.atomic
def populate_demo(org: Organization) -> None:
    if InterimEvaluation.objects.filter(organization=org).exists():
        return  # already there
    _sanne(org)
    _planned(org, "joyce", 6)
    _planned(org, "fatma", 4, final=True)
    _history(org)
