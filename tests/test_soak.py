"""The soak test's own machinery: the write verifier, the invariant checker and the figures.

The end-to-end soak (gunicorn, a throwaway PostgreSQL cluster, simulated users, both faults) takes
minutes of set-up on a shared machine, so it runs only with SOAK_IN_TESTS=1; `make soak` is the
real thing. The checkers it relies on are tested here in the normal suite, each against a
deliberately broken record.
"""

import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from soak.load import Recorder, Sample, Write
from soak.runner import Fault, figures, in_window, percentile
from soak.verify import check_writes, invariant_violations
from tests.factories import World
from wpo.learn import services as learn
from wpo.trajectories.models import (
    CoachingConversation,
    LookBackAnswer,
    Observation,
    ParticipantAssignment,
    ParticipantQuestion,
    PracticeAnswer,
    Step,
)
from wpo.trajectories.services import conversations, observation_record
from wpo.trajectories.workflow import move

pytestmark = pytest.mark.django_db


def _answer(world: World) -> None:
    learn.practice_start(world.pa, actor=world.participant)
    question = learn.questions_of(world.pa)[0]
    raw = list(range(1, len(question["steps"]) + 1)) if question.get("kind") == "order" else 0
    learn.practice_answer(world.pa, 1, raw, actor=world.participant)


def _look_back(world: World, text: str) -> None:
    learn.practice_start(world.pa, actor=world.participant)
    move(world.pa, Step.WORKING, actor=world.participant)
    n = len(world.pa.version.content["look_back"])
    answers = [learn.LookBackInput(feeling="", text=f"{text}-{i}", photo=None, voice_note=None) for i in range(n)]
    learn.look_back_submit(world.pa, answers, actor=world.participant)


# Acknowledged writes --------------------------------------------------------------------------


def test_every_acknowledged_write_is_found(world: World) -> None:
    trajectory = world.trajectory
    learn.question_ask(trajectory, actor=world.participant, text="soak-1 vraag", voice_note=None)
    observation_record(pa=world.pa, author=world.trainer, observed_at=timezone.now(), behaviours=[], note="soak-2")
    _answer(world)
    _answer(world)
    report = check_writes(
        [
            Write("question", "soak-1 vraag"),
            Write("observation", "soak-2"),
            Write("practice_answer", str(world.pa.pk)),
            Write("practice_answer", str(world.pa.pk)),
        ]
    )
    assert report.lost == [] and report.duplicated == []
    assert sum(report.found.values()) == 4


def test_a_lost_write_is_reported(world: World) -> None:
    _answer(world)
    report = check_writes(
        [
            Write("question", "soak-never-saved"),
            Write("practice_answer", str(world.pa.pk)),
            Write("practice_answer", str(world.pa.pk)),
        ]
    )
    assert report.lost == [Write("question", "soak-never-saved"), Write("practice_answer", str(world.pa.pk))]
    assert report.found["practice_answer"] == 1


def test_a_write_stored_twice_is_reported(world: World) -> None:
    for _ in range(2):
        ParticipantQuestion.objects.create(organization=world.org, trajectory=world.trajectory, text="soak-twice")
    report = check_writes([Write("question", "soak-twice")])
    assert report.duplicated == [Write("question", "soak-twice")]


def test_a_write_in_doubt_may_be_there_once_or_not_at_all(world: World) -> None:
    learn.question_ask(world.trajectory, actor=world.participant, text="soak-committed", voice_note=None)
    _answer(world)
    report = check_writes(
        [],
        [
            Write("question", "soak-committed"),
            Write("question", "soak-not-committed"),
            Write("practice_answer", str(world.pa.pk)),
        ],
    )
    assert report.lost == [] and report.duplicated == []
    assert (report.in_doubt, report.in_doubt_committed) == (3, 2)
    _answer(world)
    assert check_writes([], [Write("practice_answer", str(world.pa.pk))]).duplicated == [
        Write("practice_answer", str(world.pa.pk))
    ]


# Invariants: no partial record ----------------------------------------------------------------


def test_complete_writes_keep_every_invariant(world: World) -> None:
    _look_back(world, "soak-lb")
    conversations.conversation_plan(
        trajectory=world.trajectory,
        actor=world.trainer,
        planned_at=timezone.make_aware(datetime.combine(date.today() + timedelta(days=5), time(10))),
        location="soak-room",
    )
    assert LookBackAnswer.objects.filter(participant_assignment=world.pa).exists()
    assert invariant_violations(conversations_after=0) == []


def test_an_assignment_without_its_history_is_a_partial_record(world: World) -> None:
    orphan = ParticipantAssignment.objects.create(
        organization=world.org,
        trajectory=world.trajectory,
        version=world.pa.version,
        step=Step.INTRODUCED,
        step_since=timezone.now(),
        created_at=timezone.now(),
    )
    assert invariant_violations() == [f"assignment {orphan.pk}: step 'introduced' without any history"]


def test_a_step_without_its_history_row_is_a_partial_record(world: World) -> None:
    # What a move that saved the step but not its StepChange would leave behind.
    ParticipantAssignment.objects.filter(pk=world.pa.pk).update(step=Step.PRACTISING)
    assert invariant_violations() == [
        f"assignment {world.pa.pk}: in step 'practising' but history ends in 'introduced'"
    ]


def test_look_back_answers_without_the_move_are_a_partial_record(world: World) -> None:
    LookBackAnswer.objects.create(organization=world.org, participant_assignment=world.pa, question_index=0, text="x")
    [problem] = invariant_violations()
    assert problem.startswith(f"assignment {world.pa.pk}: 1 look-back answers")


def test_half_a_set_of_look_back_answers_is_a_partial_record(world: World) -> None:
    _look_back(world, "soak-lb")
    LookBackAnswer.objects.filter(participant_assignment=world.pa, question_index=0).delete()
    assert len(invariant_violations()) == 1


def test_a_conversation_without_its_reminder_is_a_partial_record(world: World) -> None:
    floor = CoachingConversation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    bare = CoachingConversation.objects.create(
        organization=world.org, trajectory=world.trajectory, planned_at=timezone.now() + timedelta(days=3)
    )
    assert invariant_violations(conversations_after=floor) == [f"conversation {bare.pk}: planned without its reminder"]
    # Older conversations (the demo's) are not held to it.
    assert invariant_violations(conversations_after=bare.pk) == []


def test_the_checkers_ignore_unrelated_rows(world: World, other_world: World) -> None:
    Observation.objects.create(
        organization=other_world.org,
        participant_assignment=other_world.pa,
        author=other_world.trainer,
        observed_at=timezone.now(),
        behaviours=[],
        note="not from the soak",
    )
    PracticeAnswer.objects.create(
        organization=other_world.org, participant_assignment=other_world.pa, question_index=0, answer=0, is_correct=True
    )
    assert check_writes([]).lost == [] and invariant_violations() == []


# Figures --------------------------------------------------------------------------------------


def test_a_request_counts_as_during_a_fault_when_it_overlaps_the_window() -> None:
    fault = Fault("PostgreSQL restart", at=10, window_start=100.0, window_end=105.0)
    assert in_window(Sample("GET", 99.0, 100.5, False, 0), [fault]) is fault
    assert in_window(Sample("GET", 104.9, 106.0, False, 500), [fault]) is fault
    assert in_window(Sample("GET", 98.0, 99.9, True, 200), [fault]) is None
    assert in_window(Sample("GET", 105.1, 105.2, True, 200), [fault]) is None


def test_a_500_breaks_a_promise_even_during_a_fault_and_a_503_does_not() -> None:
    fault = Fault("PostgreSQL restart", at=10, window_start=100.0, window_end=105.0, detail="not restarted")
    verified = {"writes": check_writes([]).as_dict() | {"acknowledged_total": 1}, "invariant_violations": []}

    def promises(*samples: Sample) -> dict[str, bool]:
        recorder = Recorder(samples=[Sample("GET", 1.0, 1.1, True, 200), *samples])
        result = figures(recorder=recorder, faults=[fault], duration=200, verified=verified, context={})
        return dict(result["promises"])

    assert promises(Sample("POST", 101.0, 101.2, False, 503))["no response with status 500, also during the faults"]
    assert not promises(Sample("POST", 101.0, 101.2, False, 500))["no response with status 500, also during the faults"]


def test_percentiles() -> None:
    values = [float(n) for n in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([], 50) == 0.0


# The real thing, short ------------------------------------------------------------------------


@pytest.mark.skipif(os.environ.get("SOAK_IN_TESTS") != "1", reason="set SOAK_IN_TESTS=1: needs minutes and PostgreSQL")
def test_a_short_soak_with_both_faults_keeps_every_promise(tmp_path: Path) -> None:
    from soak.runner import run

    result = run(seconds=30, users=10, think=1.0, workers=3, faults_on=True, out=tmp_path / "soak.json", log=print)
    assert result["ok"], result["promises"]
    assert [f["name"] for f in result["faults"]] == [
        "PostgreSQL restart",
        "SIGKILL one gunicorn worker",
        "SIGKILL the app server",
    ]
    assert result["writes"]["acknowledged_total"] > 0 and not result["writes"]["lost"]


def test_the_app_has_no_redis_unless_the_soak_is_given_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from soak.runner import app_env

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")  # the caller's own Redis is never used
    without = app_env("postgresql://x@127.0.0.1:1/soak", tmp_path)
    assert "REDIS_URL" not in without
    given = app_env("postgresql://x@127.0.0.1:1/soak", tmp_path, "redis://127.0.0.1:6379/13")
    assert given["REDIS_URL"] == "redis://127.0.0.1:6379/13"
