"""The participant's home page, its main part kept in the cache until something on it changes.

The home page is the page participants open most (issue 21): eight queries and a template that
together cost about four times the queries' own time, while what it shows changes only when someone
records something about this participant. So the main part of the page (from the greeting to what
the werkplekopleider saw; not the question form, which carries a CSRF token) is rendered once and
kept per participant and language, under two numbers:

- the participant's *generation*, moved on by every save or delete of a row the page is made of:
  the person and their login name, their trajectories and chosen skills, their assignments (except
  a save of only the practice position, which the page does not show), their coaching
  conversations, observations and interim evaluations with what those changed;
- an *epoch* for everyone, moved on by a change that is not one participant's: the curriculum's
  titles and skill names (``bump_all``).

Each number moves at the save (so the same request and the same transaction see the change) and
again at the commit (so a page rendered by another request between the save and the commit, from
the rows as they were, is not kept under the new number). What no write announces shows within
``PAGE_CACHE_SECONDS`` (60 with Redis; 0, the default without it, turns the cache off): time passing (the week
of the work task ends, a planned conversation passes), and another person's new name under an
observation. The tests switch the cache off (config/test_settings.py) except
tests/test_participant_home_cache.py, which checks every write above.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

from wpo.lib import page_cache

EPOCH_KEY = "learn:home-epoch"


def _generation_key(person_id: int) -> str:
    return f"learn:home-generation:{person_id}"


def key_for(person_id: int, language: str) -> str:
    """Where this participant's main part is kept now (the numbers read from the cache)."""
    generation_key = _generation_key(person_id)
    found = cache.get_many([generation_key, EPOCH_KEY])
    return f"learn:home:{person_id}:{found.get(generation_key, 0)}:{found.get(EPOCH_KEY, 0)}:{language}"


def _bump_now_and_at_commit(keys: list[str]) -> None:
    for key in keys:
        page_cache.move_on(key)

    def again() -> None:
        for key in keys:
            page_cache.move_on(key)

    transaction.on_commit(again)


def bump(*person_ids: int) -> None:
    """Forget the kept home page of these participants."""
    if page_cache.seconds() > 0 and person_ids:
        _bump_now_and_at_commit([_generation_key(pk) for pk in set(person_ids)])


def bump_all() -> None:
    """Forget every participant's kept home page (a change that is not one participant's)."""
    if page_cache.seconds() > 0:
        _bump_now_and_at_commit([EPOCH_KEY])


_quiet = threading.local()


@contextmanager
def suspended() -> Iterator[None]:
    """Around a bulk delete (closing an organisation): no participant is looked up row by row, and
    every kept home page is forgotten once at the end."""
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = False
        bump_all()


# Who a saved row belongs to ------------------------------------------------------------------------


def _participant_of_trajectory(instance: models.Model) -> list[int]:
    trajectory = instance._state.fields_cache.get("trajectory")
    if trajectory is not None:
        return [trajectory.participant_id]
    from wpo.trajectories.models import Trajectory

    return list(Trajectory.objects.filter(pk=instance.trajectory_id).values_list("participant_id", flat=True))  # type: ignore[attr-defined]


def _participant_of_observation(instance: models.Model) -> list[int]:
    from wpo.trajectories.models import ParticipantAssignment

    return list(
        ParticipantAssignment.objects.filter(pk=instance.participant_assignment_id).values_list(  # type: ignore[attr-defined]
            "trajectory__participant_id", flat=True
        )
    )


def _persons_of_user(instance: models.Model) -> list[int]:
    from wpo.orgs.models import Person

    return list(Person.objects.filter(user_id=instance.pk).values_list("pk", flat=True))


def _changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if page_cache.seconds() <= 0 or getattr(_quiet, "on", False):
        return
    if page_cache.changes_nothing_shown(kwargs.get("update_fields")):
        return
    resolve = _RESOLVERS.get(sender)
    if resolve is None:
        return
    found = resolve(instance)
    if found:
        bump(*found)
    else:  # the row's participant is gone already (a delete that cascades): forget everyone's
        bump_all()


def _curriculum_changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    bump_all()


_RESOLVERS: dict[type[models.Model], Any] = {}


def connect() -> None:
    """Watch every model the home page is made of (``LearnConfig.ready``)."""
    from django.contrib.auth import get_user_model

    from wpo.curriculum.models import Assignment, AssignmentVersion, Skill, SubSkill
    from wpo.evaluations.models import ChosenSkillChange, EndDateChange, InterimEvaluation
    from wpo.orgs.models import Person
    from wpo.trajectories.models import (
        CoachingConversation,
        Observation,
        ParticipantAssignment,
        Trajectory,
        TrajectorySkill,
    )

    _RESOLVERS.update(
        {
            Person: lambda person: [person.pk],
            get_user_model(): _persons_of_user,
            Trajectory: lambda trajectory: [trajectory.participant_id],  # type: ignore[attr-defined]
            TrajectorySkill: _participant_of_trajectory,
            ParticipantAssignment: _participant_of_trajectory,
            CoachingConversation: _participant_of_trajectory,
            InterimEvaluation: _participant_of_trajectory,
            ChosenSkillChange: _participant_of_trajectory,
            EndDateChange: _participant_of_trajectory,
            Observation: _participant_of_observation,
        }
    )
    for model in _RESOLVERS:
        uid = f"wpo.learn.home_cache.{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete")
    for model in (Skill, SubSkill, Assignment, AssignmentVersion):
        uid = f"wpo.learn.home_cache.{model.__name__}"
        post_save.connect(_curriculum_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_curriculum_changed, sender=model, dispatch_uid=f"{uid}.delete")
