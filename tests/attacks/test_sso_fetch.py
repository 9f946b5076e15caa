"""Finding 3 (MEDIUM): single sign-on could be pointed anywhere.

The attack: an organisation's administrator sets the issuer; the server fetched it and every
address its discovery document named (``jwks_uri``, ``token_endpoint``) with no host check, no size
cap and only a per-read timeout, and did not remember failures. So the issuer could be
``http://169.254.169.254/`` (cloud metadata) or ``http://127.0.0.1:6379/`` (the server's own
services), an endless answer could fill memory, a server dripping one byte a second could hold a
worker for as long as it liked, and anonymous posts to the SSO start form made the server fetch
again every time: enough of them hold every worker.

The fix (wpo/accounts/sso_fetch.py): only https, only public addresses (the host is resolved and
every address checked, the connection goes to the checked address), no redirects, at most
``SSO_FETCH_MAX_BYTES`` and ``SSO_FETCH_TIMEOUT_SECONDS`` in total per fetch, and a failure is
remembered for 60 s. The administrator's form refuses an internal issuer in Dutch. Tests need a
local server, so ``SSO_ALLOWED_TEST_HOSTS`` can let one ``host:port`` through; it is empty by
default, and the tests below that check the default leave it empty.
"""

import contextlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wpo.accounts import sso_fetch
from wpo.accounts.models import OidcProvider

from ..conftest import login
from ..factories import World

pytestmark = pytest.mark.django_db

CANNOT_NOW = "Inloggen via je organisatie lukt nu niet."


class Behaviour:
    """What the local server does on the next requests; ``hits`` counts every request it got."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.hits = 0
        self.discovery: dict[str, Any] = {}


class LocalServer:
    """An HTTP server on 127.0.0.1 in this process, playing a misbehaving identity provider."""

    def __init__(self) -> None:
        self.behaviour = Behaviour()
        behaviour = self.behaviour

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                behaviour.hits += 1
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the app hung up: the point
                    self._answer()

            def _answer(self) -> None:
                mode = behaviour.mode
                if mode == "error":
                    self.send_response(500)
                    self.end_headers()
                elif mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                    self.end_headers()
                elif mode in ("huge", "huge_undeclared"):
                    body = b'{"padding": "' + b"x" * (2 * 1024 * 1024) + b'"}'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    if mode == "huge":
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                elif mode == "drip":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    for _ in range(30):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(1)
                elif mode == "silent":
                    time.sleep(30)
                else:
                    body = json.dumps(behaviour.discovery).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.netloc = f"127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def local_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.server.shutdown()


@pytest.fixture
def local(local_server: LocalServer) -> LocalServer:
    cache.clear()
    local_server.behaviour.mode = "ok"
    local_server.behaviour.hits = 0
    local_server.behaviour.discovery = {
        "issuer": local_server.base,
        "authorization_endpoint": local_server.base + "/authorize",
        "token_endpoint": local_server.base + "/token",
        "jwks_uri": local_server.base + "/jwks",
    }
    return local_server


def point_sso_at(world: World, issuer: str) -> OidcProvider:
    """What a (hostile or mistaken) administrator stored; saved directly, the form refuses it too."""
    return OidcProvider.objects.create(
        organization=world.org, display_name="IdP", issuer=issuer, client_id="wpo", enabled=True
    )


def anonymous_start(world: World, caplog: pytest.LogCaptureFixture) -> str:
    """An anonymous visitor starts a login with the organisation; the reason the server logged."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="wpo.accounts.security_views"):
        response = Client().post(reverse("accounts:sso_start"), {"organization": world.org.slug})
    assert response.status_code == 200
    assert CANNOT_NOW in response.content.decode()
    reasons = [r.getMessage() for r in caplog.records if "SSO start failed" in r.getMessage()]
    assert reasons, "the refusal is logged with its reason"
    return reasons[-1]


# The default refuses addresses inside our own network -----------------------------------------


@pytest.mark.parametrize(
    ("issuer", "reason"),
    [
        pytest.param("http://127.0.0.1:{port}", "only https", id="plain-http"),
        pytest.param("https://127.0.0.1:{port}", "not public", id="loopback"),
        pytest.param("https://10.0.0.1", "not public", id="private-10"),
        pytest.param("https://169.254.169.254/latest/meta-data", "not public", id="cloud-metadata"),
        pytest.param("https://[::1]:{port}", "not public", id="ipv6-loopback"),
        pytest.param("https://[::ffff:127.0.0.1]:{port}", "not public", id="ipv4-mapped"),
        pytest.param("https://[::ffff:a9fe:a9fe]", "not public", id="ipv4-mapped-metadata"),
        pytest.param("https://0.0.0.0:{port}", "not public", id="unspecified"),
        pytest.param("https://100.64.0.1", "not public", id="shared-cgnat"),
        pytest.param("https://localhost:{port}", "not public", id="name-resolving-to-loopback"),
        pytest.param("https://user:pw@example.org", "user name or password", id="credentials"),
    ],
)
def test_the_default_refuses_internal_addresses_without_connecting(
    world: World, local: LocalServer, caplog: pytest.LogCaptureFixture, issuer: str, reason: str
) -> None:
    point_sso_at(world, issuer.format(port=local.port))
    logged = anonymous_start(world, caplog)
    assert reason in logged, logged
    assert local.behaviour.hits == 0, "no connection was made"


def test_the_administrator_cannot_save_an_internal_issuer(client: Client, world: World, local: LocalServer) -> None:
    login(client, world.administrator)
    data = {"display_name": "X", "client_id": "a", "client_secret": "s", "claim": "email", "match_field": "email"}
    for issuer, message in (
        (local.base, "Het adres moet met https:// beginnen."),
        ("https://169.254.169.254", "Dit is geen openbaar adres."),
        ("https://10.1.2.3/tenant", "Dit is geen openbaar adres."),
        ("https://[::1]", "Dit is geen openbaar adres."),
        ("https://localhost", "Dit is geen openbaar adres."),
    ):
        response = client.post(reverse("accounts:sso_settings"), {**data, "issuer": issuer})
        assert response.status_code == 200, issuer
        assert message in response.content.decode(), issuer
    assert not OidcProvider.objects.exists()


def test_a_redirect_to_an_internal_address_is_not_followed(
    world: World, local: LocalServer, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.SSO_ALLOWED_TEST_HOSTS = [local.netloc]
    local.behaviour.mode = "redirect"
    point_sso_at(world, local.base)
    assert "answered 302" in anonymous_start(world, caplog)
    assert local.behaviour.hits == 1


@pytest.mark.parametrize("field", ["jwks_uri", "token_endpoint"])
def test_a_discovery_document_naming_an_internal_address_is_refused(
    world: World, local: LocalServer, caplog: pytest.LogCaptureFixture, settings: Any, field: str
) -> None:
    settings.SSO_ALLOWED_TEST_HOSTS = [local.netloc]
    local.behaviour.discovery[field] = "https://169.254.169.254/latest/meta-data/iam"
    point_sso_at(world, local.base)
    logged = anonymous_start(world, caplog)
    assert f"discovery document's {field}" in logged and "not a public address" in logged


# Size and time ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["huge", "huge_undeclared"])
def test_an_oversized_document_is_refused(
    world: World, local: LocalServer, caplog: pytest.LogCaptureFixture, settings: Any, mode: str
) -> None:
    settings.SSO_ALLOWED_TEST_HOSTS = [local.netloc]
    local.behaviour.mode = mode
    point_sso_at(world, local.base)
    logged = anonymous_start(world, caplog)
    assert f"{sso_fetch.DEFAULT_MAX_BYTES}" in logged and ("larger than" in logged or "more than" in logged)


@pytest.mark.parametrize("mode", ["drip", "silent"])
def test_a_slow_server_cannot_hold_the_request_beyond_the_total_time(
    world: World, local: LocalServer, caplog: pytest.LogCaptureFixture, settings: Any, mode: str
) -> None:
    """One byte a second never trips a per-read timeout; the total time limit stops it."""
    settings.SSO_ALLOWED_TEST_HOSTS = [local.netloc]
    settings.SSO_FETCH_TIMEOUT_SECONDS = 1.5
    local.behaviour.mode = mode
    point_sso_at(world, local.base)
    started = time.monotonic()
    logged = anonymous_start(world, caplog)
    elapsed = time.monotonic() - started
    assert elapsed < 3.0, elapsed
    assert "1.5 s" in logged or "timed out" in logged.lower() or "ReadTimeout" in logged, logged


def test_a_failed_discovery_is_not_fetched_again_within_the_cache_time(
    world: World, local: LocalServer, caplog: pytest.LogCaptureFixture, settings: Any, time_machine: Any
) -> None:
    settings.SSO_ALLOWED_TEST_HOSTS = [local.netloc]
    time_machine.move_to(timezone.now(), tick=True)
    local.behaviour.mode = "error"
    point_sso_at(world, local.base)
    assert "answered 500" in anonymous_start(world, caplog)
    assert local.behaviour.hits == 1
    for _ in range(20):
        assert "not fetched again" in anonymous_start(world, caplog)
    assert local.behaviour.hits == 1, "twenty anonymous starts, no new request"

    time_machine.move_to(timezone.now() + timedelta(seconds=sso_fetch.FAILURE_CACHE_SECONDS - 5), tick=True)
    anonymous_start(world, caplog)
    assert local.behaviour.hits == 1
    time_machine.move_to(timezone.now() + timedelta(seconds=10), tick=True)
    anonymous_start(world, caplog)
    assert local.behaviour.hits == 2, "after the cache time the provider is asked again"


def test_a_working_provider_on_an_allowed_test_host_still_answers(
    world: World, local: LocalServer, settings: Any
) -> None:
    """The allow-list is what lets tests/test_sso.py run; with it, a good discovery is fetched and used."""
    settings.SSO_ALLOWED_TEST_HOSTS = [local.netloc]
    point_sso_at(world, local.base)
    response = Client().post(reverse("accounts:sso_start"), {"organization": world.org.slug})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/authorize"
