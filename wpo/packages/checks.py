from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register()
def content_origin_is_another_host(app_configs: Any, **kwargs: Any) -> list[Error]:
    """The sandbox of a package (allow-scripts with allow-same-origin) holds only because the content
    origin is not the platform's: on the same host the package could reach the platform's cookies."""
    content = urlsplit(settings.CONTENT_ORIGIN)
    platform = urlsplit(settings.SITE_URL)
    if content.scheme not in ("http", "https") or not content.hostname:
        return [Error("CONTENT_ORIGIN must be an http(s) origin such as https://inhoud.example.nl", id="packages.E001")]
    if content.hostname == platform.hostname:
        return [
            Error(
                "CONTENT_ORIGIN must be another host than SITE_URL (cookies ignore the port)",
                hint="docs/curriculum-exchange.md, 'How a package is played, safely'",
                id="packages.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def content_origin_is_set_for_production(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """The development default (http://localhost:8001) cannot be framed by an https platform."""
    if urlsplit(settings.CONTENT_ORIGIN).scheme != "https":
        return [Warning("CONTENT_ORIGIN is not an https origin: e-learning packages will not play", id="packages.W001")]
    return []
