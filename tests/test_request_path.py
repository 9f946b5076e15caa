"""The shared request path: what every page pays before its view runs."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wpo.accounts.models import User

from .conftest import login
from .factories import World

pytestmark = pytest.mark.django_db


def test_the_session_user_and_person_come_in_one_query(client: Client, world: World) -> None:
    login(client, world.coach)
    client.get(reverse("accounts:keep_alive"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("accounts:keep_alive"))
    assert response.status_code == 204
    user_queries = [q["sql"] for q in ctx.captured_queries if '"accounts_user"' in q["sql"]]
    assert len(user_queries) == 1
    assert '"orgs_person"' in user_queries[0]
    assert not [q for q in ctx.captured_queries if q["sql"].lstrip().startswith('SELECT "orgs_person"')]
    assert response.wsgi_request.person == world.coach  # type: ignore[attr-defined]


def test_a_user_without_a_person_has_none(client: Client, world: World) -> None:
    User.objects.create_user(username="loose", password="Een-lang-wachtwoord-42")
    assert client.login(username="loose", password="Een-lang-wachtwoord-42")
    response = client.get(reverse("accounts:keep_alive"))
    assert response.wsgi_request.person is None  # type: ignore[attr-defined]


def test_a_deactivated_user_is_logged_out(client: Client, world: World) -> None:
    login(client, world.participant)
    User.objects.filter(pk=world.participant.user_id).update(is_active=False)
    response = client.get(reverse("accounts:keep_alive"))
    assert response.wsgi_request.person is None  # type: ignore[attr-defined]
    assert not response.wsgi_request.user.is_authenticated


def test_the_redis_cache_keeps_one_client_per_pool() -> None:
    from config.cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/15", {})  # no connection is made to build clients
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is client
    assert client.connection_pool is cache._cache._get_connection_pool(False)
