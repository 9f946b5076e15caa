"""Writes on the audit history itself: only the privacy scrub.

The log is never edited otherwise. When a participant is anonymised (issue 7, privacy), the
personal data in the history of that person must go too, or the log would keep what the live
rows no longer hold.

We *overwrite* the personal fields of the historical rows with the values the live row now has
(the anonymised ones), rather than delete those rows. The log is first of all an account of what
staff did: who gave which role, who stopped which trajectory, who judged what. Deleting the rows
would erase that account together with the personal data; overwriting keeps who-did-what-when
and the non-personal before → after (roles, phase, status, dates, judgements) while leaving no
name, e-mail, username, employee number or free text of the person behind. Because the values
are copied from the live row, the history shows exactly what the privacy code chose for the live
row, whatever that is. When the live row no longer exists, the fields are blanked.

Call it *after* the live rows have been anonymised, in the same transaction.
"""

from typing import Any

from django.db import models, transaction

from wpo.orgs.models import Person

# Per tracked model: the fields that can hold personal data of the person the row is about.
# Only those that are tracked at all are touched (a model without history is skipped).
USER_PERSONAL_FIELDS = ("username", "first_name", "last_name", "email")
PERSON_PERSONAL_FIELDS = ("employee_number",)
TRAJECTORY_PERSONAL_FIELDS = ("stop_reason",)
ASSESSMENT_PERSONAL_FIELDS = ("note", "second_note", "outcome_note")


def _history_model(model: type[models.Model]) -> Any:
    """The historical model of ``model``, or None while it is not tracked."""
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None) if manager is not None else None


def _overwrite(historical: Any, live_model: type[models.Model], object_ids: list[int], fields: tuple[str, ...]) -> int:
    """Give the historical rows of ``object_ids`` the live values of ``fields``; blank them if gone."""
    if historical is None or not object_ids:
        return 0
    tracked = {f.name for f in historical._meta.fields}
    fields = tuple(f for f in fields if f in tracked)
    if not fields:
        return 0
    live = {row["pk"]: row for row in live_model._default_manager.filter(pk__in=object_ids).values("pk", *fields)}
    changed = 0
    for object_id in object_ids:
        values = live.get(object_id) or {f: "" for f in fields}
        changed += historical.objects.filter(id=object_id).update(**{f: values[f] for f in fields})
    return changed


@transaction.atomic
def scrub_person_history(person: Person) -> int:
    """Remove ``person``'s personal data from the audit history; returns the number of rows touched.

    Touches the history of the person, of their login account, of their trajectories (stop
    reason) and of the assessments of their assignments (notes). Other rows only point at the
    person by id, and a name on the log page always comes from the live (anonymised) row.
    """
    from django.contrib.auth import get_user_model

    from wpo.trajectories.models import Assessment, Trajectory

    user_model = get_user_model()
    touched = _overwrite(_history_model(user_model), user_model, [person.user_id], USER_PERSONAL_FIELDS)
    touched += _overwrite(_history_model(Person), Person, [person.pk], PERSON_PERSONAL_FIELDS)

    # The trajectories and assessments that are about this person, including ones already
    # deleted (only the history still knows them).
    trajectory_history = _history_model(Trajectory)
    trajectory_ids = set(Trajectory.objects.filter(participant=person).values_list("pk", flat=True))
    if trajectory_history is not None:
        trajectory_ids |= set(trajectory_history.objects.filter(participant_id=person.pk).values_list("id", flat=True))
    touched += _overwrite(trajectory_history, Trajectory, sorted(trajectory_ids), TRAJECTORY_PERSONAL_FIELDS)

    assessment_ids = set(
        Assessment.objects.filter(participant_assignment__trajectory__participant=person).values_list("pk", flat=True)
    )
    assessment_history = _history_model(Assessment)
    if assessment_history is not None:
        # An assessment row deleted with its assignment is only findable through the
        # assignment ids of this person's (live) trajectories.
        from wpo.trajectories.models import ParticipantAssignment

        assignment_ids = ParticipantAssignment.objects.filter(trajectory_id__in=trajectory_ids).values_list(
            "pk", flat=True
        )
        assessment_ids |= set(
            assessment_history.objects.filter(participant_assignment_id__in=list(assignment_ids)).values_list(
                "id", flat=True
            )
        )
    touched += _overwrite(assessment_history, Assessment, sorted(assessment_ids), ASSESSMENT_PERSONAL_FIELDS)
    return touched
