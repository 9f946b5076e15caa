"""What must hold of the database after any accepted request, and how to see what a request wrote."""

import re
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import F

from wpo.lib.uploads import PHOTO_TYPES, VOICE_TYPES, sniff

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
# Written by every request (the session and its messages), never a sign of a partial write.
ALWAYS_WRITTEN = frozenset({"django_session"})


def tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models()} & set(connection.introspection.table_names()))


def dump(table: str) -> list[tuple[Any, ...]]:
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")
        return sorted((tuple(map(repr, row)) for row in cursor.fetchall()), key=repr)


def written_tables(queries: list[dict[str, str]]) -> set[str]:
    found = set()
    for query in queries:
        match = WRITE.match(query["sql"])
        if match:
            found.add(match.group(1))
    return found - ALWAYS_WRITTEN


def _no_row(queryset: Any, what: str) -> None:
    offending = list(queryset.values_list("pk", flat=True)[:5])
    assert not offending, f"{what}: {offending}"


def check_consistent() -> None:
    """Domain invariants: history complete, no row pointing into another organisation, uploads real."""
    from wpo.curriculum.models import EditionSeen, LocalExample
    from wpo.evaluations.models import ChosenSkillChange, EndDateChange, InterimEvaluation
    from wpo.followup.models import Problem, ProblemEvent, VisitAction
    from wpo.meetings.models import MeetingAttendance
    from wpo.orgs.models import Organization, Person
    from wpo.trajectories.models import (
        LookBackAnswer,
        Observation,
        ParticipantAssignment,
        ParticipantQuestion,
        StepChange,
        Trajectory,
        TrajectorySkill,
    )

    for pa in ParticipantAssignment.objects.all():
        last = StepChange.objects.filter(participant_assignment=pa).order_by("at", "id").last()
        assert last is not None, f"assignment {pa.pk} has no history"
        assert last.to_step == pa.step, f"assignment {pa.pk} is {pa.step}, its history says {last.to_step}"
    # An extended trajectory ends on the date of its latest extension (the only writer of ends_on).
    for trajectory_id in set(EndDateChange.objects.values_list("trajectory_id", flat=True)):
        latest = EndDateChange.objects.filter(trajectory_id=trajectory_id).order_by("at", "id").last()
        assert latest is not None and latest.trajectory.ends_on == latest.to_date, f"trajectory {trajectory_id}"
    for problem in Problem.objects.all():
        last_event = ProblemEvent.objects.filter(problem=problem).order_by("id").last()
        assert last_event is not None and last_event.to_status == problem.status, f"problem {problem.pk}"
    same_org: list[tuple[Any, str]] = [
        (ParticipantAssignment, "trajectory__organization"),
        (StepChange, "participant_assignment__organization"),
        (Trajectory, "participant__organization"),
        (Trajectory, "trainer__organization"),
        (Trajectory, "department__organization"),
        (TrajectorySkill, "trajectory__organization"),
        (Observation, "participant_assignment__organization"),
        (LookBackAnswer, "participant_assignment__organization"),
        (ParticipantQuestion, "trajectory__organization"),
        (MeetingAttendance, "meeting__organization"),
        (MeetingAttendance, "person__organization"),
        (VisitAction, "visit__organization"),
        (VisitAction, "owner__organization"),
        (ProblemEvent, "problem__organization"),
        (Person, "department__organization"),
        (InterimEvaluation, "trajectory__organization"),
        (ChosenSkillChange, "trajectory__organization"),
        (EndDateChange, "trajectory__organization"),
        (LocalExample, "updated_by__organization"),
        (LocalExample, "assignment__subskill__skill__organization"),  # a national assignment has none
        (EditionSeen, "person__organization"),
    ]
    for model, path in same_org:
        _no_row(
            model.objects.exclude(**{f"{path}__isnull": True}).exclude(organization=F(path)),
            f"{model.__name__} points into another organisation through {path}",
        )
    uploads: list[tuple[Any, str, Any]] = [
        (LookBackAnswer, "photo", PHOTO_TYPES),
        (LookBackAnswer, "voice_note", VOICE_TYPES),
        (Observation, "photo", PHOTO_TYPES),
        (ParticipantQuestion, "voice_note", VOICE_TYPES),
        (Organization, "logo", PHOTO_TYPES),
        (InterimEvaluation, "voice_note", VOICE_TYPES),
        (LocalExample, "photo", PHOTO_TYPES),
    ]
    for model, name, types in uploads:
        for row in model.objects.exclude(**{name: ""}):
            stored = getattr(row, name)
            with stored.open("rb") as handle:
                found = sniff(handle.read(16), types)
            assert found is not None, f"{model.__name__} {row.pk}: {name} is not what it claims to be"
            assert stored.name.endswith("." + found[0]), f"{stored.name} holds {found[0]}"
