"""Finding (issue 14, MEDIUM): the nightly retention task wiped staff.

The attack (no attacker needed, just time): the task picked everyone with the participant flag whose
last trajectory ended longer ago than the retention period. An administrator, coach or content
editor who once followed a WPO trajectory themself was renamed ``Verwijderde deelnemer <n>``,
stripped of every role and locked out, by a task nobody watches at 03:00.

The fix: the task anonymises only people who are nothing but a participant: no other role, not
Django staff or superuser, no permission or group (``services.expired_participants``). Former
participants who now hold another role are left alone and counted, by number, in the task's log and
result (``expired_but_staff``); ``person_anonymise`` itself refuses them for the retention reason, so
no other caller can do it either. Why left alone rather than their old participant data erased: see
``expired_but_staff``. The test moves the clock past the retention period with time-machine.
"""

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from time_machine import TimeMachineFixture

from tests.conftest import login
from tests.factories import PASSWORD, World, make_person
from wpo.orgs.models import Person, Role
from wpo.privacy import services, tasks
from wpo.privacy.models import Anonymisation, PrivacySettings
from wpo.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def _former_participant(world: World, roles: list[Role], ended: date) -> Person:
    person = make_person(world.org, [Role.PARTICIPANT, *roles], world.department)
    Trajectory.objects.create(
        organization=world.org, participant=person, trainer=world.trainer, department=world.department,
        starts_on=ended - timedelta(days=200), ends_on=ended, status=Trajectory.Status.CLOSED,
        closed_at=datetime(ended.year, ended.month, ended.day, 12, tzinfo=UTC),
    )  # fmt: skip
    return person


def test_the_retention_task_never_wipes_someone_with_another_role(
    client: Client, world: World, time_machine: TimeMachineFixture, caplog: pytest.LogCaptureFixture
) -> None:
    time_machine.move_to(datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
    PrivacySettings.objects.create(organization=world.org, retention_months=12)
    ended = date(2027, 2, 1)
    administrator = _former_participant(world, [Role.ADMINISTRATOR], ended)
    coach = _former_participant(world, [Role.COACH], ended)
    national_editor = _former_participant(world, [], ended)  # a participant by role, but with a national right
    national_editor.user.user_permissions.add(Permission.objects.get(codename="edit_national_curriculum"))
    grouped = _former_participant(world, [], ended)
    grouped.user.groups.add(Group.objects.create(name="Landelijke redactie"))
    staff = _former_participant(world, [], ended)
    type(staff.user).objects.filter(pk=staff.user.pk).update(is_staff=True)
    participant = _former_participant(world, [], ended)
    keep = [administrator, coach, national_editor, grouped, staff]
    names = {p.pk: p.name for p in keep}

    # Thirteen months on, the night run.
    time_machine.move_to(datetime(2028, 3, 2, 2, 0, tzinfo=UTC), tick=False)
    assert list(services.expired_participants(world.org)) == [participant]
    with caplog.at_level(logging.WARNING, logger="wpo.privacy.services"):
        result = tasks.anonymise_expired_participants.call()
    assert result == "1 anonymised, 0 failed, 5 left alone (another role)"
    assert set(Anonymisation.objects.values_list("person_id", flat=True)) == {participant.pk}
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert all(str(p.pk) in logged for p in keep)
    assert not any(name in logged for name in names.values())  # numbers, never names, in the log
    for person in keep:
        person.refresh_from_db()
        person.user.refresh_from_db()
        assert person.name == names[person.pk] and person.user.is_active and person.user.has_usable_password()
    administrator.refresh_from_db()
    coach.refresh_from_db()
    assert administrator.is_administrator and coach.is_coach

    # The administrator still logs in and manages people, the next night too.
    assert tasks.anonymise_expired_participants.call() == "0 anonymised, 0 failed, 5 left alone (another role)"
    login(client, administrator)
    assert client.get(reverse("privacy:retention")).status_code == 200
    assert Client().login(username=administrator.user.username, password=PASSWORD)

    # No other caller can take the account for the retention reason either.
    with pytest.raises(ValidationError):
        services.person_anonymise(person=administrator, actor=None, reason=Anonymisation.Reason.RETENTION)
