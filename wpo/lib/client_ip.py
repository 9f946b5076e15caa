"""The client's address, as the login lock-outs and the certificate-check limit count it."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def trusted_proxy_count() -> int:
    """How many proxies in front of the application add to X-Forwarded-For (0: none, use REMOTE_ADDR)."""
    return int(getattr(settings, "WPO_TRUSTED_PROXY_COUNT", 0))


def _client_key(address: str) -> str | None:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        # One IPv6 user easily has a whole /64: count the network, not the single address.
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def client_ip(request: HttpRequest | None) -> str:
    """REMOTE_ADDR, or with N trusted proxies the N-th X-Forwarded-For entry from the right (each
    proxy appends the address it got the request from; entries further left were written by the
    client and prove nothing)."""
    if request is None:
        return "-"
    remote = _client_key(str(request.META.get("REMOTE_ADDR", ""))) or "-"
    proxies = trusted_proxy_count()
    if proxies <= 0:
        return remote
    entries = [e for e in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if e.strip()]
    if len(entries) < proxies:
        return remote
    return _client_key(entries[-proxies]) or remote
