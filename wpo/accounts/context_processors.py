from typing import Any

from django.http import HttpRequest

from .middleware import idle_logout_seconds, is_card_session


def idle_logout(request: HttpRequest) -> dict[str, Any]:
    """``idle_logout_seconds`` for a session started with a login card; base.html hands it to app.js."""
    if is_card_session(request) and request.user.is_authenticated:
        return {"idle_logout_seconds": idle_logout_seconds()}
    return {}
