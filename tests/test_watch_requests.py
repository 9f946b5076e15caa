"""“Kijk je mee?”: the participant asks their werkplekopleider to come and watch the work task, the
werkplekopleider answers with one tap, and the observation they record is linked to the request."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from time_machine import TimeMachineFixture

from wpo.lib.refusals import Refused
from wpo.trajectories.models import Observation, Step, WatchRequest
from wpo.trajectories.services.watch_requests import watch_request_answer, watch_request_ask
from wpo.trajectories.workflow import move

from .conftest import login
from .factories import World

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Tuesday morning: the product's clock is an input (tests/test_clock.py).
TUESDAY = datetime(2027, 3, 9, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _tuesday_morning(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(TUESDAY, tick=False)


def working(world: World) -> World:
    """The world's assignment in the work-task week (aan de slag)."""
    move(world.pa, Step.PRACTISING, actor=world.participant)
    move(world.pa, Step.WORKING, actor=world.participant)
    return world


def ask(client: Client, world: World, when: str = "now", key: str | None = None) -> str:
    response = client.post(
        reverse("learn:watch_request", args=[world.pa.pk]),
        {"when": when, "idempotency_key": key or str(uuid.uuid4())},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def answer(client: Client, watch: WatchRequest, choice: str) -> str:
    response = client.post(reverse("trajectories:watch_request_answer", args=[watch.pk]), {"answer": choice})
    assert response.status_code == 302 and response["Location"] == reverse("trajectories:my_participants")
    return client.get(response["Location"]).content.decode()


def participant_page(client: Client, world: World) -> str:
    return client.get(reverse("learn:assignment", args=[world.pa.pk])).content.decode()


def test_the_button_is_on_the_work_task_as_a_plain_form(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    body = participant_page(client, world)
    assert "Kijk je mee?" in body
    action = reverse("learn:watch_request", args=[world.pa.pk])
    # A plain POST form (no JavaScript needed), queued offline like the other participant forms.
    assert f'<form method="post" action="{action}" data-wpo-post="{action}"' in body
    assert 'data-wpo-queue="done"' in body and 'name="idempotency_key"' in body
    assert 'name="when" value="now"' in body and 'name="when" value="today"' in body


def test_asking_writes_one_request_and_shows_it_is_sent(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    body = ask(client, world, "today")
    watch = WatchRequest.objects.get()
    assert (watch.participant_assignment, watch.when, watch.status) == (world.pa, "today", "open")
    assert watch.asked_at == timezone.now() and watch.answered_at is None
    # It lapses at the end of the day it was asked.
    assert watch.expires_at == datetime(2027, 3, 10, 0, 0, tzinfo=AMSTERDAM)
    assert "Je vraag is verstuurd." in body
    assert 'name="when"' not in body, "no second request while one is open"


def test_asking_again_while_one_is_open_writes_nothing_new(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    ask(client, world, "now")
    body = ask(client, world, "today")  # another key: a second tap, not a replay
    assert WatchRequest.objects.count() == 1
    assert WatchRequest.objects.get().when == "now"
    assert "Je vraag is verstuurd." in body


def test_a_double_send_of_the_same_form_writes_once(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    key = str(uuid.uuid4())
    ask(client, world, "now", key)
    ask(client, world, "now", key)
    assert WatchRequest.objects.get().idempotency_key == uuid.UUID(key)


def test_the_same_key_for_another_assignment_is_refused(world: World) -> None:
    working(world)
    key = uuid.uuid4()
    watch_request_ask(world.pa, actor=world.participant, when="now", key=key)
    other = world.trajectory.assignments.create(
        organization=world.org, version=world.pa.version, step=Step.WORKING, step_since=timezone.now()
    )
    with pytest.raises(Refused):
        watch_request_ask(other, actor=world.participant, when="now", key=key)


def test_asking_outside_the_work_task_is_refused_with_a_message(client: Client, world: World) -> None:
    login(client, world.participant)  # the assignment is only introduced
    body = ask(client, world)
    assert "Dit kun je vragen als je aan de slag bent met je opdracht." in body
    assert not WatchRequest.objects.exists()


def test_an_unknown_choice_is_refused_with_a_message(client: Client, world: World) -> None:
    working(world)
    login(client, world.participant)
    assert "Kies: nu of vandaag." in ask(client, world, "sometime")
    assert not WatchRequest.objects.exists()


def test_the_trainer_sees_it_at_the_top_and_answers_coming(client: Client, world: World) -> None:
    working(world)
    watch = watch_request_ask(world.pa, actor=world.participant, when="now")
    login(client, world.trainer)
    body = client.get(reverse("trajectories:my_participants")).content.decode()
    block = body.index('id="kijk-je-mee"')
    assert block < body.index("Wat vraagt nu om mij?") and block < body.index("WPO-traject starten")
    top = body[block : body.index("</section>", block)]
    assert world.participant.name in top and world.pa.version.title in top
    assert "kijk je nu mee?" in top and "zojuist gevraagd" in top
    assert reverse("trajectories:watch_request_answer", args=[watch.pk]) in top

    after = answer(client, watch, "coming")
    watch.refresh_from_db()
    assert (watch.status, watch.answered_by, watch.answered_at) == ("coming", world.trainer, timezone.now())
    assert "ziet nu: je komt eraan." in after
    assert reverse("trajectories:observe", args=[world.pa.pk]) in after

    client.logout()
    login(client, world.participant)
    assert "Je werkplekopleider komt eraan." in participant_page(client, world)


def test_tomorrow_keeps_the_request_until_the_end_of_tomorrow(
    client: Client, world: World, time_machine: TimeMachineFixture
) -> None:
    # Saturday before the clocks go forward (28 March 2027): tomorrow has 23 hours.
    time_machine.move_to(datetime(2027, 3, 27, 16, 0, tzinfo=AMSTERDAM), tick=False)
    working(world)
    watch = watch_request_ask(world.pa, actor=world.participant, when="today")
    login(client, world.trainer)
    answer(client, watch, "tomorrow")
    watch.refresh_from_db()
    assert watch.status == "tomorrow"
    assert watch.expires_at == datetime(2027, 3, 29, 0, 0, tzinfo=AMSTERDAM)
    client.logout()
    login(client, world.participant)
    assert "Je werkplekopleider komt morgen." in participant_page(client, world)
    time_machine.move_to(datetime(2027, 3, 28, 23, 59, tzinfo=AMSTERDAM), tick=False)
    login(client, world.participant)  # a new session the next day
    assert "Je werkplekopleider komt vandaag." in participant_page(client, world)
    time_machine.move_to(datetime(2027, 3, 29, 0, 1, tzinfo=AMSTERDAM), tick=False)
    login(client, world.participant)
    assert 'name="when" value="now"' in participant_page(client, world), "lapsed: the button is back"


def test_a_lapsed_request_is_cancelled_when_the_participant_asks_again(
    client: Client, world: World, time_machine: TimeMachineFixture
) -> None:
    working(world)
    first = watch_request_ask(world.pa, actor=world.participant, when="today")
    time_machine.move_to(TUESDAY + timedelta(days=1), tick=False)
    login(client, world.trainer)
    assert 'id="kijk-je-mee"' not in client.get(reverse("trajectories:my_participants")).content.decode()
    with pytest.raises(Refused, match="al afgehandeld"):
        watch_request_answer(first, actor=world.trainer, answer="coming")
    second = watch_request_ask(world.pa, actor=world.participant, when="now")
    first.refresh_from_db()
    assert first.status == "cancelled" and second.pk != first.pk and second.status == "open"


def test_the_next_observation_is_linked_and_the_request_is_done(client: Client, world: World) -> None:
    working(world)
    watch = watch_request_ask(world.pa, actor=world.participant, when="now")
    login(client, world.trainer)
    answer(client, watch, "coming")
    observe = reverse("trajectories:observe", args=[world.pa.pk])
    page = client.get(observe).content.decode()
    assert f"Op verzoek van {world.participant.name}" in page
    response = client.post(observe, {"note": "Vroeg zelf om hulp bij de weegschaal."}, follow=True)
    assert f"Observatie bewaard. Op verzoek van {world.participant.name}." in response.content.decode()
    observation = Observation.objects.get()
    watch.refresh_from_db()
    assert (watch.status, watch.observation) == ("done", observation)
    assert 'id="kijk-je-mee"' not in response.content.decode()
    # A second observation is not linked: the request was answered by the first.
    client.post(observe, {"note": "Nog een keer."})
    assert WatchRequest.objects.get().observation == observation
    client.logout()
    login(client, world.participant)
    body = participant_page(client, world)
    assert "Je werkplekopleider heeft meegekeken." in body and 'name="when" value="now"' in body


def test_an_open_request_is_linked_too_without_an_answer(world: World) -> None:
    from wpo.trajectories.services.observations import observation_record

    working(world)
    watch = watch_request_ask(world.pa, actor=world.participant, when="today")
    observation = observation_record(
        pa=world.pa, author=world.trainer, observed_at=timezone.now(), behaviours=[], note="x"
    )
    watch.refresh_from_db()
    assert (watch.status, watch.observation, watch.answered_by) == ("done", observation, world.trainer)


def test_a_coachs_observation_does_not_answer_the_participants_request(world: World) -> None:
    from wpo.trajectories.services.observations import observation_record

    working(world)
    watch = watch_request_ask(world.pa, actor=world.participant, when="now")
    observation_record(pa=world.pa, author=world.coach, observed_at=timezone.now(), behaviours=[], note="x")
    watch.refresh_from_db()
    assert watch.status == "open" and watch.observation is None


def test_a_request_of_an_assignment_that_moved_on_is_not_shown(client: Client, world: World) -> None:
    working(world)
    watch_request_ask(world.pa, actor=world.participant, when="now")
    move(world.pa, Step.LOOKING_BACK, actor=world.participant)
    login(client, world.trainer)
    assert 'id="kijk-je-mee"' not in client.get(reverse("trajectories:my_participants")).content.decode()


def test_how_long_ago_in_a_few_words(client: Client, world: World, time_machine: TimeMachineFixture) -> None:
    working(world)
    watch_request_ask(world.pa, actor=world.participant, when="today")
    time_machine.move_to(TUESDAY + timedelta(minutes=20), tick=False)
    login(client, world.trainer)
    # Django's timesince keeps number and unit together with a no-break space.
    body = client.get(reverse("trajectories:my_participants")).content.decode().replace("\xa0", " ")
    assert "20 minuten geleden gevraagd" in body and "kijk je vandaag mee?" in body
    page = client.get(reverse("trajectories:observe", args=[world.pa.pk])).content.decode().replace("\xa0", " ")
    assert "Kijk je vandaag mee? (20 minuten geleden gevraagd)" in page


def test_the_database_holds_one_live_request_per_assignment(world: World) -> None:
    from django.db import IntegrityError, transaction

    working(world)
    first = watch_request_ask(world.pa, actor=world.participant, when="now")
    fields = {"organization": world.org, "participant_assignment": world.pa, "asked_at": timezone.now()}
    with pytest.raises(IntegrityError), transaction.atomic():
        WatchRequest.objects.create(**fields, when="today", expires_at=first.expires_at)
    first.status = WatchRequest.Status.DONE
    first.save(update_fields=["status"])
    WatchRequest.objects.create(**fields, when="today", expires_at=first.expires_at)  # done ones do not count
