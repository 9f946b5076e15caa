"""The demo's fair sign-off (issue 16): an independence week ticked day by day, a blind second
judgement that differed and the outcome agreed in a talk, and judgements in the history, so that
the coach's calibration page has figures.

- Piotr (Groenvoorziening, Ingrid) achieved his first assignment and is now in the independence week
  of the next level, three days in, with the days so far ticked.
- Fatma (Groenvoorziening, Ingrid) was assessed with the coach as second assessor: Ingrid said
  ‘behaald’, the coach ‘nog niet’; in their talk with Fatma they agreed on ‘nog niet’, she worked on,
  and she is now in her second assessment, her second independence week ticked day by day.
- Every achieved assignment of the report's history gets its first judgement; some of Ingrid's had a
  ‘nog niet’ round first, and about one in three had the coach as second assessor.

Steps move through the workflow with dates in the past; the judgements, ticked days and the talk
are written as the services would have written them then. Deterministic, and quiet when the
curriculum or the people it builds on are missing.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from wpo.orgs.models import Organization, Person
from wpo.trajectories.models import (
    Assessment,
    CoachingConversation,
    IndependenceDay,
    Judgement,
    ParticipantAssignment,
    SecondAssessorRequest,
    Step,
    StepChange,
)
from wpo.trajectories.workflow import give_assignment, move


def _person(org: Organization, username: str) -> Person | None:
    return Person.objects.filter(organization=org, user__username=username).select_related("user").first()


def _open_assignment(org: Organization, username: str, step: Step) -> ParticipantAssignment | None:
    return (
        ParticipantAssignment.objects.filter(
            organization=org, trajectory__participant__user__username=username, step=step
        )
        .select_related("trajectory", "version__assignment__subskill")
        .first()
    )


def _day(days_ago: int, hour: int = 9) -> datetime:
    """``days_ago`` days before today at ``hour`` local time."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _tick(pa: ParticipantAssignment, trainer: Person, days: list[tuple[int, bool, str]]) -> None:
    for days_ago, shown, note in days:
        IndependenceDay.objects.create(
            organization_id=pa.organization_id,
            participant_assignment=pa,
            day=timezone.localdate() - timedelta(days=days_ago),
            shown=shown,
            note=note,
            recorded_by=trainer,
            recorded_at=_day(days_ago, 16),
        )


def _piotr(org: Organization, trainer: Person) -> None:
    """Piotr's first assignment is assessed and achieved; the next level is in its independence week."""
    participant = _person(org, "piotr")
    pa = _open_assignment(org, "piotr", Step.INDEPENDENT)
    if participant is None or pa is None:
        return
    move(pa, Step.ASSESSING, actor=trainer, at=_day(30, 10), note="De zelfstandigheidsweek liep 6 dagen.")
    change = move(pa, Step.ACHIEVED, actor=trainer, at=_day(30, 11), note="Bleef positief, ook bij regen.")
    Assessment.objects.create(
        organization=org,
        participant_assignment=pa,
        assessor=trainer,
        judgement=Judgement.ACHIEVED,
        note="Bleef positief, ook bij regen.",
        assessed_at=change.at,
        settled_at=change.at,
    )
    following = (
        pa.version.assignment.subskill.assignments.filter(level="B", current_version__isnull=False)
        .select_related("current_version")
        .first()
    )
    if following is None or following.current_version is None:
        return
    nxt = give_assignment(pa.trajectory, following.current_version, actor=trainer, at=_day(28, 9))
    for step, who, days_ago in [
        (Step.PRACTISING, participant, 26),
        (Step.WORKING, participant, 22),
        (Step.LOOKING_BACK, participant, 9),
        (Step.INDEPENDENT, trainer, 3),
    ]:
        move(nxt, step, actor=who, at=_day(days_ago, 10))
    _tick(
        nxt,
        trainer,
        [
            (3, True, "Bleef rustig toen de maaier niet startte."),
            (2, True, ""),
            (1, False, "Mopperde bij de regen, herpakte zich niet."),
        ],
    )


def _fatma(org: Organization, trainer: Person, coach: Person) -> None:
    """Fatma's blind second judgement differed; the talk agreed on ‘nog niet’; she is in her second
    assessment now."""
    participant = _person(org, "fatma")
    pa = _open_assignment(org, "fatma", Step.ASSESSING)
    if participant is None or pa is None:
        return
    independent = pa.history.filter(to_step=Step.INDEPENDENT).order_by("-at").first()
    if independent is not None:
        first_day = (timezone.now() - independent.at).days
        _tick(
            pa,
            trainer,
            [
                (first_day, True, "Vroeg zelf hoe het beter kon."),
                (first_day - 1, True, ""),
                (first_day - 2, False, "Werd boos bij de opmerking van een klant."),
                (first_day - 3, True, ""),
            ],
        )
    SecondAssessorRequest.objects.create(
        organization=org,
        participant_assignment=pa,
        coach=coach,
        requested_by=trainer,
        requested_at=_day(33, 14),
        assessment=None,
    )
    request = SecondAssessorRequest.objects.get(organization=org, participant_assignment=pa, assessment__isnull=True)
    assessment = Assessment.objects.create(
        organization=org,
        participant_assignment=pa,
        assessor=trainer,
        judgement=Judgement.ACHIEVED,
        note="Ze vraagt nu zelf om feedback en doet er iets mee.",
        assessed_at=_day(30, 11),
        second_assessor=coach,
        second_judgement=Judgement.NOT_YET,
        second_note="Bij kritiek van een klant werd ze nog boos. Dat hoort bij deze opdracht.",
        second_assessed_at=_day(29, 15),
    )
    request.assessment = assessment
    request.save(update_fields=["assessment"])
    talk = CoachingConversation.objects.create(
        organization=org,
        trajectory=pa.trajectory,
        participant_assignment=pa,
        planned_at=_day(27, 10),
        duration_minutes=15,
        location="Keet Groenvoorziening",
        planned_by=trainer,
        held_at=_day(27, 10),
        recorded_by=trainer,
        decision="Na het gesprek over de oordelen: nog niet.",
        agreements="Fatma oefent nog een week met feedback van klanten; Ingrid vraagt er elke dag naar.",
    )
    talk.attendees.set([coach])
    note = "Fatma oefent nog een week met feedback van klanten; Ingrid vraagt er elke dag naar."
    change = move(
        pa,
        Step.WORKING,
        actor=trainer,
        at=_day(27, 10) + timedelta(minutes=20),
        note=f"Na het gesprek over de oordelen: nog niet. {note}",
    )
    assessment.talk = talk
    assessment.outcome = Judgement.NOT_YET
    assessment.outcome_note = note
    assessment.outcome_by = trainer
    assessment.settled_at = change.at
    assessment.save(update_fields=["talk", "outcome", "outcome_note", "outcome_by", "settled_at"])
    assessment.outcome_present.set([participant, trainer, coach])
    move(pa, Step.LOOKING_BACK, actor=participant, at=_day(16, 10))
    move(pa, Step.INDEPENDENT, actor=trainer, at=_day(9, 10), note="Leerdoel gehaald: de zelfstandigheidsweek begint")
    _tick(
        pa,
        trainer,
        [
            (9, True, "Bedankte een klant voor de tip."),
            (8, True, ""),
            (7, True, ""),
            (6, False, "Geen klanten gezien vandaag."),
            (5, True, "Bleef rustig bij een klacht."),
            (4, True, ""),
            (3, True, ""),
        ],
    )
    move(
        pa,
        Step.ASSESSING,
        actor=trainer,
        at=_day(2, 10),
        note="De zelfstandigheidsweek liep 7 dagen. Zelf laten zien op 6 van de 7 dagen.",
    )


def _history_judgements(org: Organization, coach: Person | None) -> None:
    """First judgements for the achieved assignments of the history; some of Ingrid's with a ‘nog
    niet’ round before, between the history's own moves to ‘beoordelen’ and ‘behaald’."""
    achieved = list(
        ParticipantAssignment.objects.filter(organization=org, step=Step.ACHIEVED, assessments__isnull=True)
        .select_related("trajectory__trainer__user", "trajectory__participant")
        .order_by("achieved_at", "pk")
    )
    strict_round = 0
    for i, pa in enumerate(achieved):
        trainer = pa.trajectory.trainer
        participant = pa.trajectory.participant
        assessing = pa.history.filter(to_step=Step.ASSESSING).order_by("-at").first()
        if assessing is None or pa.achieved_at is None:
            continue
        span = pa.achieved_at - assessing.at
        if trainer.user.username == "werkplekopleider2" and span > timedelta(hours=5):
            strict_round += 1
            if strict_round % 2 == 1:
                # A ‘nog niet’ first, then another round of work, look-back and independence week.
                for fraction, source, target, who, note in [
                    (0.2, Step.ASSESSING, Step.WORKING, trainer, "Nog niet zelfstandig bij drukte."),
                    (0.45, Step.WORKING, Step.LOOKING_BACK, participant, ""),
                    (0.6, Step.LOOKING_BACK, Step.INDEPENDENT, trainer, ""),
                    (0.85, Step.INDEPENDENT, Step.ASSESSING, trainer, ""),
                ]:
                    at = assessing.at + span * fraction
                    StepChange.objects.create(
                        organization=org,
                        participant_assignment=pa,
                        from_step=source,
                        to_step=target,
                        actor=who,
                        at=at,
                        note=note,
                    )
                    if target == Step.WORKING:
                        Assessment.objects.create(
                            organization=org,
                            participant_assignment=pa,
                            assessor=trainer,
                            judgement=Judgement.NOT_YET,
                            note=note,
                            assessed_at=at,
                            settled_at=at,
                        )
        second = coach is not None and i % 3 == 0
        Assessment.objects.create(
            organization=org,
            participant_assignment=pa,
            assessor=trainer,
            judgement=Judgement.ACHIEVED,
            assessed_at=pa.achieved_at,
            settled_at=pa.achieved_at,
            second_assessor=coach if second else None,
            second_judgement=Judgement.ACHIEVED if second else "",
            second_assessed_at=pa.achieved_at if second else None,
        )


@transaction.atomic
def populate_demo(org: Organization) -> None:
    if IndependenceDay.objects.filter(organization=org).exists():
        return  # already there
    trainer = _person(org, "werkplekopleider2")
    coach = _person(org, "coach")
    if trainer is not None:
        _piotr(org, trainer)
        if coach is not None:
            _fatma(org, trainer, coach)
    _history_judgements(org, coach)
