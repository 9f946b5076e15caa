"""The content origin's cmi5 and xAPI addresses (wpo/packages/cmi5.py): the fetch URL and the
minimal xAPI endpoint an AU needs. No cookie, no session: the bearer of a launch's token reaches
that launch's attempt and nothing else; anything else is 401 or 404."""

import base64
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from wpo.lib.refusals import Refused

from . import cmi5
from .models import Cmi5Launch

XAPI_VERSION = "1.0.3"


def _answer(response: HttpResponse) -> HttpResponse:
    response["X-Experience-API-Version"] = XAPI_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _launch(request: HttpRequest) -> Cmi5Launch | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    launch = cmi5.launch_for_token(token.strip())
    if launch is None:
        # Some AUs decode and re-encode the token as user:password; accept its base64 form too.
        try:
            launch = cmi5.launch_for_token(base64.b64decode(token.strip(), validate=True).decode().rstrip(":"))
        except ValueError:
            return None
    return launch


def fetch(request: HttpRequest, secret: str) -> HttpResponse:
    if request.method != "POST":
        return _answer(HttpResponse(status=405))
    token = cmi5.fetch_token(secret)
    if token is None:
        return _answer(JsonResponse({"error-code": "1", "error-text": "Already fetched or expired"}, status=400))
    return _answer(JsonResponse({"auth-token": token}))


def about(request: HttpRequest) -> HttpResponse:
    return _answer(JsonResponse({"version": [XAPI_VERSION]}))


def statements(request: HttpRequest) -> HttpResponse:
    launch = _launch(request)
    if launch is None:
        return _answer(HttpResponse(status=401))
    if request.method not in ("POST", "PUT"):
        return _answer(HttpResponse(status=405))
    try:
        body: Any = json.loads(request.body or b"null")
    except ValueError:
        return _answer(JsonResponse({"error": "invalid JSON"}, status=400))
    if request.method == "PUT" and isinstance(body, dict):
        body = {**body, "id": request.GET.get("statementId") or body.get("id")}
    batch = body if isinstance(body, list) else [body]
    try:
        ids = [cmi5.statement_record(launch, statement) for statement in batch[:50]]
    except Refused as exc:
        return _answer(JsonResponse({"error": str(exc)}, status=400))
    return _answer(HttpResponse(status=204) if request.method == "PUT" else JsonResponse(ids, safe=False))


def state(request: HttpRequest) -> HttpResponse:
    launch = _launch(request)
    if launch is None:
        return _answer(HttpResponse(status=401))
    if request.GET.get("activityId") != launch.attempt.package_version.activity_id:
        return _answer(HttpResponse(status=404))
    state_id = request.GET.get("stateId", "")
    if request.method == "GET":
        document = cmi5.state_get(launch, state_id)
        if document is None:
            return _answer(HttpResponse(status=404))
        return _answer(HttpResponse(document, content_type="application/json"))
    if request.method in ("PUT", "POST"):
        try:
            cmi5.state_put(launch, state_id, request.body.decode("utf-8", errors="replace"))
        except Refused as exc:
            return _answer(JsonResponse({"error": str(exc)}, status=400))
        return _answer(HttpResponse(status=204))
    return _answer(HttpResponse(status=405))


def agent_profile(request: HttpRequest) -> HttpResponse:
    """No learner preferences are kept: the AU uses its own defaults."""
    if _launch(request) is None:
        return _answer(HttpResponse(status=401))
    return _answer(HttpResponse(status=404))
