"""After the soak: is every write the load generator was told about in the database, exactly
once, and does the database hold no half-done write?

A write is *acknowledged* when the server confirmed it (the redirect or page that follows a
successful save). A write is *in doubt* when the request failed in a fault window: the server may
or may not have committed it, so it may be there once or not at all, never twice.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from soak.load import Write
from wpo.trajectories.models import (
    CoachingConversation,
    LookBackAnswer,
    Observation,
    ParticipantAssignment,
    ParticipantQuestion,
    PracticeAnswer,
    Step,
    StepChange,
)
from wpo.trajectories.services.conversations import send_conversation_reminder

# Each kind of write with a marker, and where the marker is kept.
MARKED = {
    "question": (ParticipantQuestion, "text"),
    "observation": (Observation, "note"),
    "conversation": (CoachingConversation, "location"),
    "look_back": (LookBackAnswer, "text"),
}
# Writes without a free-text field are counted per participant assignment instead.
COUNTED = {"practice_answer": PracticeAnswer}


@dataclass
class WriteReport:
    acknowledged: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    lost: list[Write] = field(default_factory=list)
    duplicated: list[Write] = field(default_factory=list)
    in_doubt: int = 0
    in_doubt_committed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "acknowledged": dict(self.acknowledged),
            "acknowledged_total": sum(self.acknowledged.values()),
            "found": dict(self.found),
            "found_total": sum(self.found.values()),
            "lost": [w.__dict__ for w in self.lost],
            "duplicated": [w.__dict__ for w in self.duplicated],
            "in_doubt": self.in_doubt,
            "in_doubt_committed": self.in_doubt_committed,
        }


def _marker_counts(kind: str, markers: set[str]) -> Counter[str]:
    model, column = MARKED[kind]
    found: Counter[str] = Counter()
    ordered = sorted(markers)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        rows = model.objects.filter(**{f"{column}__in": chunk}).values(column).annotate(n=Count("pk"))  # type: ignore[attr-defined]
        found.update({row[column]: row["n"] for row in rows})
    return found


def check_writes(acknowledged: Iterable[Write], in_doubt: Iterable[Write] = ()) -> WriteReport:
    """Compare the generator's writes with the database."""
    acked = list(acknowledged)
    doubt = list(in_doubt)
    report = WriteReport(acknowledged=Counter(w.kind for w in acked), in_doubt=len(doubt))
    for kind in MARKED:
        acked_markers = {w.key for w in acked if w.kind == kind}
        doubt_markers = {w.key for w in doubt if w.kind == kind}
        counts = _marker_counts(kind, acked_markers | doubt_markers)
        for marker in sorted(acked_markers):
            n = counts.get(marker, 0)
            report.found[kind] += min(n, 1)
            if n == 0:
                report.lost.append(Write(kind, marker))
            elif n > 1:
                report.duplicated.append(Write(kind, marker))
        for marker in sorted(doubt_markers - acked_markers):
            n = counts.get(marker, 0)
            report.in_doubt_committed += min(n, 1)
            if n > 1:
                report.duplicated.append(Write(kind, marker))
    for kind, model in COUNTED.items():
        acked_per: Counter[str] = Counter(w.key for w in acked if w.kind == kind)
        doubt_per: Counter[str] = Counter(w.key for w in doubt if w.kind == kind)
        keys = set(acked_per) | set(doubt_per)
        rows = (
            model.objects.filter(participant_assignment_id__in=[int(k) for k in keys])
            .values("participant_assignment_id")
            .annotate(n=Count("pk"))
        )
        stored = {str(row["participant_assignment_id"]): int(row["n"]) for row in rows}
        for key in sorted(keys):
            n, want, maybe = stored.get(key, 0), acked_per[key], doubt_per[key]
            report.found[kind] += min(n, want)
            report.in_doubt_committed += max(0, min(n - want, maybe))
            report.lost.extend([Write(kind, key)] * max(0, want - n))
            # More rows than were sent at all: something wrote twice.
            report.duplicated.extend([Write(kind, key)] * max(0, n - want - maybe))
    return report


def invariant_violations(*, conversations_after: int | None = None) -> list[str]:
    """Facts that hold after every complete write and that a half-done write would break.

    - An assignment's step and its history agree: it has history, the first entry hands it out
      and the newest entry ends in the step it is in (``workflow.move`` and ``give_assignment``
      write both in one transaction).
    - Look-back answers come as a whole set with the move to 'terugkijken'
      (``learn.services.look_back_submit``): a participant assignment has a multiple of the
      number of look-back questions, and at least one move to 'terugkijken' per set.
    - A conversation that is still ahead has its reminder queued (``conversations.conversation_plan``
      writes the conversation and the task in one transaction). Only for conversations with an
      id above ``conversations_after``: older ones (demo data) were made another way.
    """
    problems: list[str] = []
    history: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pa_id, from_step, to_step in StepChange.objects.order_by("participant_assignment_id", "at", "pk").values_list(
        "participant_assignment_id", "from_step", "to_step"
    ):
        history[pa_id].append((from_step, to_step))
    look_back_moves: Counter[int] = Counter(
        pa_id for pa_id, changes in history.items() for _from, to in changes if to == Step.LOOKING_BACK
    )
    answers = dict(
        LookBackAnswer.objects.values("participant_assignment_id")
        .annotate(n=Count("pk"))
        .values_list("participant_assignment_id", "n")
    )
    for pa in ParticipantAssignment.objects.only("pk", "step", "version__content").select_related("version"):
        changes = history.get(pa.pk, [])
        if not changes:
            problems.append(f"assignment {pa.pk}: step '{pa.step}' without any history")
            continue
        if changes[0] != ("", Step.INTRODUCED):
            problems.append(f"assignment {pa.pk}: history does not start with handing it out")
        if changes[-1][1] != pa.step:
            problems.append(f"assignment {pa.pk}: in step '{pa.step}' but history ends in '{changes[-1][1]}'")
        n_answers = answers.get(pa.pk, 0)
        per_set = len(pa.version.content.get("look_back", []))
        if n_answers and (per_set == 0 or n_answers % per_set or n_answers // per_set > look_back_moves[pa.pk]):
            problems.append(
                f"assignment {pa.pk}: {n_answers} look-back answers ({per_set} per set) "
                f"but {look_back_moves[pa.pk]} move(s) to looking back"
            )
    if conversations_after is not None:
        task_path = send_conversation_reminder.module_path
        queued = set()
        for args_kwargs in DBTaskResult.objects.filter(task_path=task_path).values_list("args_kwargs", flat=True):
            args = (args_kwargs or {}).get("args") or []
            if args:
                queued.add(args[0])
        for conversation_id in CoachingConversation.objects.filter(
            held_at__isnull=True, pk__gt=conversations_after
        ).values_list("pk", flat=True):
            if conversation_id not in queued:
                problems.append(f"conversation {conversation_id}: planned without its reminder")
    return problems
