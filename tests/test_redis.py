"""Redis as the cache and the session store (production with REDIS_URL), against a real Redis.

Redis runs at 127.0.0.1:6379 on developer machines and in CI (WPO_TEST_REDIS_URL points elsewhere).
Every test writes under its own key prefix in database 15 and deletes its keys afterwards. Without a
reachable Redis the tests are skipped, except in CI (``CI`` set), where that is a failure.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_CACHE_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, make_person
from tests.factories import World as WorldType
from wpo.orgs.models import Role

REDIS_TEST_URL = os.environ.get("WPO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@dataclass
class RedisUnderTest:
    client: "redis.Redis[bytes]"
    prefix: str

    def key(self, key: str) -> str:
        """The Redis key Django's RedisCache writes for ``key`` (version 1)."""
        return f"{self.prefix}:1:{key}"


@pytest.fixture
def real_redis() -> Iterator[RedisUnderTest]:
    client: redis.Redis[bytes] = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_TEST_URL} is not reachable in CI: {error}")
        pytest.skip(f"Redis at {REDIS_TEST_URL} is not reachable ({error}); start redis-server to run these tests")
    prefix = f"wpo-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        with override_settings(CACHES=caches, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
            yield RedisUnderTest(client, prefix)
    finally:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
        client.close()


def settings_with(redis_url: str | None) -> dict[str, Any]:
    """CACHES and SESSION_ENGINE as config/settings.py builds them for this environment."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DEBUG="false", SECRET_KEY="settings-test-key", DJANGO_SETTINGS_MODULE="config.settings")
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'caches': s.CACHES, 'session_engine': s.SESSION_ENGINE}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_redis_url_switches_cache_and_sessions_to_redis() -> None:
    without = settings_with(None)
    assert without["caches"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert without["session_engine"] == "django.contrib.sessions.backends.db"

    with_redis = settings_with("redis://127.0.0.1:6379/3")
    default = with_redis["caches"]["default"]
    assert default["BACKEND"] == "config.cache.RedisCache"
    assert default["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert with_redis["session_engine"] == "django.contrib.sessions.backends.cached_db"


def test_cache_set_get_and_expiry_in_redis(real_redis: RedisUnderTest) -> None:
    cache.set("greeting", {"text": "hallo", "n": 3}, timeout=1)
    assert cache.get("greeting") == {"text": "hallo", "n": 3}
    # It really is in Redis (not in a local-memory cache), under our prefix, with a TTL.
    assert real_redis.client.exists(real_redis.key("greeting")) == 1
    assert 0 < real_redis.client.pttl(real_redis.key("greeting")) <= 1000

    cache.set("counter", 1, timeout=60)
    assert cache.incr("counter") == 2
    assert cache.get("counter") == 2

    time.sleep(1.2)
    assert cache.get("greeting") is None
    assert real_redis.client.exists(real_redis.key("greeting")) == 0
    assert cache.get("counter") == 2

    cache.delete("counter")
    assert cache.get("counter") is None


def test_login_session_lives_in_redis_and_database(real_redis: RedisUnderTest, world: WorldType) -> None:
    person = make_person(world.org, [Role.COACH], username="coach-redis")
    browser = Client()
    response = browser.post(reverse("accounts:login"), {"username": "coach-redis", "password": PASSWORD})
    assert response.status_code == 302, "the real login page did not log in"
    session_key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert session_key

    # cached_db: the session is in Redis and behind it in the database.
    redis_key = real_redis.key(SESSION_CACHE_PREFIX + session_key)
    assert real_redis.client.exists(redis_key) == 1
    assert real_redis.client.ttl(redis_key) > 0
    assert Session.objects.filter(session_key=session_key).exists()
    cached = cache.get(SESSION_CACHE_PREFIX + session_key)
    assert str(cached["_auth_user_id"]) == str(person.user.pk)

    # A second client with only the cookie is the same logged-in person (as another gunicorn worker would be).
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = session_key
    start = other.get(reverse("home"))
    assert start.status_code == 302 and "/inloggen/" not in start["Location"]
    page = other.get(start["Location"])
    assert page.status_code == 200
    assert page.wsgi_request.user.pk == person.user.pk

    # Redis losing the key (restart, eviction) does not log anyone out: the database copy answers
    # and puts the session back in Redis.
    real_redis.client.delete(redis_key)
    again = other.get(start["Location"])
    assert again.status_code == 200 and again.wsgi_request.user.pk == person.user.pk
    assert real_redis.client.exists(redis_key) == 1

    # Logging out removes it from Redis and from the database; the cookie is worthless afterwards.
    browser.post(reverse("accounts:logout"))
    assert real_redis.client.exists(redis_key) == 0
    assert not Session.objects.filter(session_key=session_key).exists()
    after = other.get(reverse("home"))
    assert after.status_code == 302 and "/inloggen/" in after["Location"]


def test_a_stranger_cookie_is_not_a_session(real_redis: RedisUnderTest, world: WorldType) -> None:
    stranger = Client()
    stranger.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    response = stranger.get(reverse("home"))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]
