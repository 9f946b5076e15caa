"""A lost database connection answers 503 "even geduld", keeps what was typed, and writes nothing."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from time_machine import TimeMachineFixture

from wpo.trajectories.models import ParticipantQuestion

from .conftest import login
from .factories import World


@contextmanager
def database_gone(after: int = 0) -> Iterator[None]:
    """Every query after the first ``after`` fails the way psycopg fails while PostgreSQL restarts."""
    seen = 0

    def fail(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal seen
        seen += 1
        if seen > after:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield


def test_a_page_during_a_restart_says_wait_with_retry_after(world: World) -> None:
    client = login(Client(raise_request_exception=False), world.participant)
    with database_gone():
        response = client.get(reverse("learn:home"))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Even geduld" in page and "Traceback" not in page
    assert response["Cache-Control"] == "no-store"


def test_the_typed_question_comes_back_and_nothing_is_written(world: World) -> None:
    client = login(Client(raise_request_exception=False), world.participant)
    typed = "Mag ik morgen ook in de kantine werken?"
    with database_gone():
        response = client.post(reverse("learn:ask"), {"text": typed})
    assert response.status_code == 503
    page = response.content.decode()
    assert typed in page
    assert f'action="{reverse("learn:ask")}"' in page and 'name="csrfmiddlewaretoken"' in page
    assert ParticipantQuestion.objects.count() == 0
    # Sent again once the database is back, it is saved.
    assert client.post(reverse("learn:ask"), {"text": typed}).status_code == 302
    assert ParticipantQuestion.objects.get().text == typed


def test_a_password_is_never_shown_again(world: World) -> None:
    client = Client(raise_request_exception=False)
    with database_gone():
        response = client.post(
            reverse("accounts:login"), {"username": "iemand met spaties", "password": "geheim wachtwoord 1"}
        )
    assert response.status_code == 503
    assert "geheim wachtwoord" not in response.content.decode()


def test_a_session_that_cannot_be_saved_is_a_503_not_a_400(world: World, time_machine: TimeMachineFixture) -> None:
    """Django reports a failed session save as 400 (SessionInterrupted); the database is the cause."""
    time_machine.move_to(timezone.now(), tick=False)
    client = login(Client(raise_request_exception=False), world.coach)
    url = reverse("coaching:overview")
    # Half an hour later a staff page notes when it was last seen: the session is written at the end.
    time_machine.shift(timedelta(minutes=30))
    with CaptureQueriesContext(connection) as page:
        assert client.get(url).status_code == 200
    time_machine.shift(timedelta(minutes=30))
    sql = [q["sql"] for q in page.captured_queries]
    session_write = next(i for i, q in enumerate(sql) if q.startswith('UPDATE "django_session"'))
    assert not any(q.startswith(("SELECT", "UPDATE", "INSERT")) for q in sql[session_write + 1 :])
    with database_gone(after=session_write):
        response = client.get(url)
    assert response.status_code == 503


def test_other_errors_stay_a_plain_500() -> None:
    from django.test import RequestFactory

    from config import errors

    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = errors.server_error(request)
    assert response.status_code == 500
