"""``Trajectory.last_activity_at``: the moment something last happened in a trajectory.

The coach's "nothing happened for N weeks" signal used to look in five tables for every trajectory
of the organisation (a NOT EXISTS per table). The newest moment is kept on the trajectory itself,
so the signal is one indexed filter. Every write that counts as activity calls ``record`` itself,
in its own transaction:

- a step change, also the first one of a new assignment (``workflow.move``, ``workflow.give_assignment``),
- a practice answer or a look-back answer (``wpo.learn.services``),
- an observation, whose moment may lie in the past: the newest moment wins
  (``services.observations.observation_record``),
- a held conversation (``services.conversations.conversation_record``; a planned one is not activity).

The value only moves forward. Rows of these kinds are never deleted while the trajectory lives (a
planned conversation that is cancelled was never activity), so the maximum stays correct. Bulk
generators that write these rows without the services (the benchmark) set the field themselves.
"""

from datetime import datetime

from django.db.models import Q

from .models import Trajectory


def record(trajectory_id: int, at: datetime) -> None:
    """Move the trajectory's ``last_activity_at`` forward to ``at`` (never back). One UPDATE."""
    Trajectory.objects.filter(pk=trajectory_id).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=at)
    ).update(last_activity_at=at)
