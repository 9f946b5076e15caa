"""The writes of trajectories, one module per part of the work (each function one transaction that
refuses on its own): ``start`` (the start conversation), ``observations`` (what the werkplekopleider
records on the shop floor), ``conversations`` (coaching conversations and their reminder) and
``signoff`` (independence week, assessment, what next, closing), ``watch_requests`` (“Kijk je
mee?”, the participant's request to be watched); ``activity`` is what every writer
calls to keep the trajectory's last activity up to date. The state machine of one
assignment is ``wpo.trajectories.workflow``.
"""

from .. import activity  # what counts as activity, for other apps' writers (the participant's answers)

# The assignment's state machine, for the participant's own moves made in wpo/learn; the phase of a
# trajectory, for the interim evaluations (wpo/evaluations: the final evaluation, a skill added or dropped).
from ..workflow import follow_phase, give_assignment, last_skill_in_assessment, move, set_phase
from . import conversations, observations, signoff, start, watch_requests
from .observations import observation_record, work_adaptation_record
from .start import ChosenSkill, participant_invite, start_conversation_record, trajectory_start

__all__ = [
    "ChosenSkill",
    "activity",
    "conversations",
    "follow_phase",
    "give_assignment",
    "last_skill_in_assessment",
    "move",
    "observation_record",
    "observations",
    "participant_invite",
    "set_phase",
    "signoff",
    "start",
    "start_conversation_record",
    "trajectory_start",
    "watch_requests",
    "work_adaptation_record",
]
