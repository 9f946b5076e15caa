"""The audit trail's own tables: the history of people, roles, trainer links, trajectories, chosen
skills, assessments and the login account.

The tracked models do not know they are tracked: their history is registered here, and every
historical table lives in this app (``app="audit"``), so the domain apps never import the audit trail
(tests/test_boundaries.py) and the history has its own migrations.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from wpo.orgs.models import Person, TrainerLink
from wpo.trajectories.models import Assessment, Trajectory, TrajectorySkill

from .history import (
    AuditedUserHistory,
    AuditHistoricalRecords,
    Kind,
    about_assignment_participant,
    about_participant,
    about_self,
    about_trajectory_participant,
    person_kind,
    user_subject,
)


def _register(model: type[models.Model], **options: Any) -> None:
    """What ``history = AuditHistoricalRecords(...)`` in the model's class body would do."""
    records = AuditHistoricalRecords(**options)
    records.manager_name = "history"
    records.module = model.__module__
    records.cls = model
    records.add_extra_methods(model)
    records.finalize(model)


_register(Person, kind=person_kind, subject=about_self)
_register(TrainerLink, kind=Kind.TRAINER_LINK, subject=about_participant)
# The start conversation is the participant's own words, not an administrative change.
_register(
    Trajectory,
    kind=Kind.TRAJECTORY,
    subject=about_participant,
    excluded_fields=[
        "wish_develop",
        "wish_learn",
        "finds_hard",
        "trainer_sees",
        "created_at",
        "last_activity_at",
        "start_submission",
    ],
)
_register(TrajectorySkill, kind=Kind.TRAJECTORY, subject=about_trajectory_participant)
_register(Assessment, kind=Kind.ASSESSMENT, subject=about_assignment_participant)
# Django's User is not ours to edit either. Only who someone is and whether they may log in; not the
# password hash or login times.
_register(
    get_user_model(),
    kind=Kind.PERSON,
    subject=user_subject,
    bases=(AuditedUserHistory,),
    excluded_fields=["password", "last_login", "date_joined"],
    verbose_name="historical user",
)
