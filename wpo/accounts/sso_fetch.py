"""The server's own requests to an organisation's identity provider, kept on a short leash.

An organisation's administrator types the issuer; the server then fetches it and every address its
discovery document names (``jwks_uri``, ``token_endpoint``). Without limits that is a way into the
server's own network (``http://169.254.169.254/`` cloud metadata, ``http://127.0.0.1:6379/`` Redis)
and, with a slow or endless answer, a way to hold every web worker from an anonymous form. So:

- only ``https``, only to public addresses: the host name is resolved here and every address it
  resolves to must be public (no loopback, private, link-local, shared, reserved, multicast or
  unspecified address, also not inside an IPv4-mapped, 6to4 or Teredo IPv6 address), and the
  connection goes to the address that was checked, with the host name for TLS (SNI and the
  certificate check), so a second DNS answer cannot point it elsewhere;
- no redirects, no user name or password in the address;
- at most ``SSO_FETCH_MAX_BYTES`` (256 kB) of answer and ``SSO_FETCH_TIMEOUT_SECONDS`` (5 s) in
  total per fetch, resolving, connecting, sending and reading together;
- a fetch that failed is not tried again for ``FAILURE_CACHE_SECONDS`` (60 s): every anonymous
  start of a login with that provider fails at once instead of waiting again.

``SSO_ALLOWED_TEST_HOSTS`` (empty by default) lists ``host:port`` pairs that may be plain http on
any address: the tests' in-process identity provider on 127.0.0.1, and nothing in production.
"""

import hashlib
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests.certs
import urllib3
from django.conf import settings
from django.core.cache import cache

DEFAULT_TIMEOUT_SECONDS = 5.0
DEFAULT_MAX_BYTES = 256 * 1024
FAILURE_CACHE_SECONDS = 60


class FetchRefused(Exception):
    """The address was not fetched, or its answer not accepted. ``reason`` is for the log only."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def timeout_seconds() -> float:
    return float(getattr(settings, "SSO_FETCH_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))


def max_bytes() -> int:
    return int(getattr(settings, "SSO_FETCH_MAX_BYTES", DEFAULT_MAX_BYTES))


def _allowed_test_host(host: str, port: int) -> bool:
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return netloc in set(getattr(settings, "SSO_ALLOWED_TEST_HOSTS", []))


def is_public_address(address: str) -> bool:
    """May the server connect to this IP address on an administrator's say-so?"""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return is_public_address(str(embedded))
        if ip.is_site_local:
            return False
    if ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
        return False
    # is_global also leaves out shared (100.64/10), documentation and benchmarking ranges.
    return ip.is_global


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def check_address(url: str) -> tuple[str, str, int, str]:
    """The scheme, host, port and path of ``url`` if its form is acceptable (nothing resolved yet)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"not a web address: {url!r}") from exc
    host = (parts.hostname or "").lower()
    if not host:
        raise FetchRefused(f"no host in {url!r}")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("a user name or password in the address")
    scheme = parts.scheme.lower()
    port = port or (443 if scheme == "https" else 80)
    if scheme != "https" and not (scheme == "http" and _allowed_test_host(host, port)):
        raise FetchRefused(f"only https: {url!r}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port, path


def check_named_address(url: str) -> None:
    """For the addresses a discovery document names: the form, and an IP address written in it must
    be public. A host name is resolved and checked when it is fetched."""
    _scheme, host, port, _path = check_address(url)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return
    if not _allowed_test_host(host, port) and not is_public_address(host):
        raise FetchRefused(f"not a public address: {host}")


def _resolve(host: str, port: int, deadline: float) -> list[str]:
    """Every address ``host`` resolves to, within the time left (getaddrinfo has no timeout of its own)."""
    found: list[Any] = []
    failure: list[BaseException] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            failure.append(exc)

    # A daemon thread: a resolver that hangs is left behind, the request goes on (and fails).
    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise FetchRefused(f"resolving {host} took too long")
    if failure or not found:
        raise FetchRefused(f"cannot resolve {host}: {failure[0] if failure else 'no address'}")
    return [str(info[4][0]) for info in found]


def target_for(url: str, deadline: float) -> Target:
    scheme, host, port, path = check_address(url)
    addresses = _resolve(host, port, deadline)
    if not _allowed_test_host(host, port):
        # All of them: a name that resolves to one public and one private address is refused too.
        refused = [a for a in addresses if not is_public_address(a)]
        if refused:
            raise FetchRefused(f"{host} resolves to an address that is not public: {refused[0]}")
    return Target(scheme, host, port, path, addresses[0])


def _pool(target: Target, seconds: float) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=seconds, read=seconds)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=requests.certs.where(),  # type: ignore[attr-defined]  # certifi's bundle, as requests uses
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout, retries=False, maxsize=1)


def _fetch_now(url: str, method: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout_seconds()
    target = target_for(url, deadline)
    limit = max_bytes()
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host:
        host_header = f"[{target.host}]" + ("" if target.port == default_port else f":{target.port}")
    pool = _pool(target, max(0.05, deadline - time.monotonic()))
    try:
        response = pool.urlopen(
            method,
            target.path,
            body=body,
            headers={"Host": host_header, "Accept": "application/json", "User-Agent": "WPO-platform", **headers},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            declared = response.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                raise FetchRefused(f"answer of {declared} bytes, more than {limit}")
            chunks: list[bytes] = []
            size = 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise FetchRefused(f"no complete answer within {timeout_seconds()} s")
                # Each read waits at most for the time that is left, so a drip of single bytes
                # cannot stretch the fetch beyond the deadline.
                sock = getattr(getattr(response, "connection", None), "sock", None)
                if sock is not None:
                    sock.settimeout(left)
                chunk = response.read1(16 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise FetchRefused(f"answer larger than {limit} bytes")
                chunks.append(chunk)
            return response.status, b"".join(chunks)
        finally:
            response.release_conn()
    except FetchRefused:
        raise
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
        raise FetchRefused(f"cannot fetch {url}: {type(exc).__name__}: {exc}") from exc
    finally:
        pool.close()


def _failure_key(url: str) -> str:
    return f"wpo-oidc-failed-{hashlib.sha256(url.encode('utf-8')).hexdigest()}"


def remember_failure(key: str, reason: str) -> None:
    cache.set(_failure_key(key), reason[:300], FAILURE_CACHE_SECONDS)


def recent_failure(key: str) -> str | None:
    reason = cache.get(_failure_key(key))
    return str(reason) if reason is not None else None


def fetch(
    url: str, *, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """Status and body of one request to an identity provider, within the limits above.

    A refused or failed fetch is remembered for ``FAILURE_CACHE_SECONDS``; until then the same
    address fails at once, without a connection.
    """
    failed = recent_failure(url)
    if failed is not None:
        raise FetchRefused(f"failed less than {FAILURE_CACHE_SECONDS} s ago, not fetched again: {failed}")
    try:
        return _fetch_now(url, method, body, headers or {})
    except FetchRefused as exc:
        remember_failure(url, exc.reason)
        raise
