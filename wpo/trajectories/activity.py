"""Keep ``Trajectory.last_activity_at`` up to date: the moment something last happened in a trajectory.

The coach's "nothing happened for N weeks" signal used to look in five tables for every trajectory
of the organisation (a NOT EXISTS per table). The newest moment is now kept on the trajectory itself,
so the signal is one indexed filter. Every write that counts as activity saves a row of one of these
models; the receivers below run inside that save, so in the same transaction as the write:

- a step change (``StepChange.at``),
- a practice answer or a look-back answer (``answered_at``),
- an observation (``observed_at``, which may lie in the past: the newest moment wins),
- a held conversation (``CoachingConversation.held_at``; a planned one is not activity).

The value only moves forward. Rows of these models are never deleted while the trajectory lives
(a planned conversation that is cancelled was never activity), so the maximum stays correct.
``bulk_create`` sends no signals: bulk generators (tests, the benchmark) set the field themselves.
"""

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.db.models.signals import post_save

from .models import CoachingConversation, LookBackAnswer, Observation, PracticeAnswer, StepChange, Trajectory


def record_activity(
    *, at: datetime, trajectory_id: int | None = None, participant_assignment_id: int | None = None
) -> None:
    """Move the trajectory's ``last_activity_at`` forward to ``at`` (never back). One UPDATE."""
    trajectories = Trajectory.objects.all()
    if trajectory_id is not None:
        trajectories = trajectories.filter(pk=trajectory_id)
    else:
        trajectories = trajectories.filter(assignments=participant_assignment_id)
    trajectories.filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=at)).update(last_activity_at=at)


def _on_assignment(instance: Any, at: datetime) -> None:
    # The assignment is usually loaded already (the service that writes holds it): no extra query.
    pa = instance._state.fields_cache.get("participant_assignment")
    if pa is not None:
        record_activity(at=at, trajectory_id=pa.trajectory_id)
    else:
        record_activity(at=at, participant_assignment_id=instance.participant_assignment_id)


def _step_change_saved(sender: Any, instance: StepChange, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        _on_assignment(instance, instance.at)


def _answer_saved(sender: Any, instance: PracticeAnswer | LookBackAnswer, created: bool, **kwargs: Any) -> None:
    if not kwargs.get("raw") and instance.answered_at is not None:
        _on_assignment(instance, instance.answered_at)


def _observation_saved(sender: Any, instance: Observation, created: bool, **kwargs: Any) -> None:
    if not kwargs.get("raw") and instance.observed_at is not None:
        _on_assignment(instance, instance.observed_at)


def _conversation_saved(sender: Any, instance: CoachingConversation, created: bool, **kwargs: Any) -> None:
    if not kwargs.get("raw") and instance.held_at is not None:
        record_activity(at=instance.held_at, trajectory_id=instance.trajectory_id)


def connect() -> None:
    post_save.connect(_step_change_saved, sender=StepChange, dispatch_uid="activity-stepchange")
    post_save.connect(_answer_saved, sender=PracticeAnswer, dispatch_uid="activity-practiceanswer")
    post_save.connect(_answer_saved, sender=LookBackAnswer, dispatch_uid="activity-lookbackanswer")
    post_save.connect(_observation_saved, sender=Observation, dispatch_uid="activity-observation")
    post_save.connect(_conversation_saved, sender=CoachingConversation, dispatch_uid="activity-conversation")
