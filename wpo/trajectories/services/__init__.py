"""The writes of trajectories, one module per part of the work (each function one transaction that
refuses on its own): ``start`` (the start conversation), ``observations`` (what the werkplekopleider
records on the shop floor), ``conversations`` (coaching conversations and their reminder) and
``signoff`` (independence week, assessment, what next, closing). The state machine of one
assignment is ``wpo.trajectories.workflow``.
"""

from . import conversations, observations, signoff, start
from .observations import observation_record, work_adaptation_record
from .start import ChosenSkill, participant_invite, trajectory_start

__all__ = [
    "ChosenSkill",
    "conversations",
    "observation_record",
    "observations",
    "participant_invite",
    "signoff",
    "start",
    "trajectory_start",
    "work_adaptation_record",
]
