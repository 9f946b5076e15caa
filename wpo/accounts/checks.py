"""System checks for the settings the login protections depend on (``manage.py check --deploy``)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def check_trusted_proxy_count(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Behind a TLS proxy every request comes from the proxy's address. Without
    WPO_TRUSTED_PROXY_COUNT the lock-outs (wpo/accounts/lockout.py) and the certificate-check limit
    would count all clients as that one address, so thirty wrong passwords from anyone would lock
    out everyone. SECURE_PROXY_SSL_HEADER is the sign that a proxy is there."""
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    count = int(getattr(settings, "WPO_TRUSTED_PROXY_COUNT", 0))
    if proxy_header and count <= 0:
        return [
            Error(
                "SECURE_PROXY_SSL_HEADER is set (the app runs behind a proxy), but WPO_TRUSTED_PROXY_COUNT is 0: "
                "every client would share the proxy's address for the login lock-outs.",
                hint="Set WPO_TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For "
                "(1 for one nginx in front of gunicorn); see docs/production.md.",
                id="accounts.E001",
            )
        ]
    return []
