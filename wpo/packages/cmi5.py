"""cmi5: the launch of a cmi5 package and the few xAPI calls its AU makes, scoped to that launch.

The practice screen's script asks for a launch (``launch_start``, through ``packages:track``): a
one-time fetch secret goes into the launch URL with the xAPI endpoint, the registration, the
activity id and a pseudonymous actor. The AU posts to the fetch URL once and gets an auth token that
is valid for ``TOKEN_LIFETIME``; with it, and only for its own attempt, it reads the launch data
(``LMS.LaunchData``), keeps state documents and sends statements. The endpoints live on the content
origin itself (wpo/packages/xapi.py), so the AU never calls the platform and needs no CORS. Every
statement is kept raw on the attempt; the verbs cmi5 defines move it: completed, passed, failed
(launched, initialized, terminated are kept).
"""

import hashlib
import json
import secrets
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused
from wpo.orgs.models import Person
from wpo.trajectories.models import ParticipantAssignment

from . import services
from .models import Cmi5Launch, PackageAttempt, PackageVersion

TOKEN_LIFETIME = timedelta(hours=3)
VERBS = "http://adlnet.gov/expapi/verbs/"
MAX_STATEMENTS = 500
MAX_STATE_DOCUMENTS = 20
MAX_DOCUMENT_CHARS = 65_536


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def registration_of(attempt: PackageAttempt) -> str:
    """The cmi5 registration: one per attempt, the same at every launch."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"wpo-package-attempt-{attempt.pk}"))


def actor_of(attempt: PackageAttempt) -> dict[str, Any]:
    """A pseudonymous actor: the package learns no name."""
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": f"deelnemer-{attempt.participant_assignment_id}"},
    }


def _statement(attempt: PackageAttempt, verb: str, session: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor_of(attempt),
        "verb": {"id": VERBS + verb},
        "object": {"id": attempt.package_version.activity_id},
        "context": {
            "registration": registration_of(attempt),
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": session},
        },
        "timestamp": timezone.now().isoformat(),
    }


@transaction.atomic
def launch_start(pa: ParticipantAssignment, version: PackageVersion, *, actor: Person) -> str:
    """A new launch of ``version`` for the participant, recorded as a 'launched' statement; the URL."""
    if pa.trajectory.participant_id != actor.pk:
        raise Refused(_("Dit is niet jouw opdracht."))
    attempt = services._attempt(pa, version)
    if attempt.pk is None:
        attempt.cmi = {"statements": [], "state": {}}
        attempt.save()
    now = timezone.now()
    launch = Cmi5Launch.objects.create(
        organization_id=pa.organization_id,
        attempt=attempt,
        fetch_secret=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + TOKEN_LIFETIME,
    )
    _keep(attempt, _statement(attempt, "launched", str(launch.registration)))
    attempt.save(update_fields=["cmi"])
    origin = settings.CONTENT_ORIGIN
    query = urlencode(
        {
            "endpoint": f"{origin}/xapi/",
            "fetch": f"{origin}/cmi5/fetch/{launch.fetch_secret}/",
            "registration": registration_of(attempt),
            "activityId": version.activity_id,
            "actor": json.dumps(actor_of(attempt), separators=(",", ":")),
        }
    )
    separator = "&" if "?" in version.start_path else "?"
    return f"{origin}/p/{version.public_id}/{version.start_path}{separator}{query}"


@transaction.atomic
def fetch_token(secret: str) -> str | None:
    """The auth token for a launch's fetch URL, once; None for an unknown, used or expired one."""
    launch = Cmi5Launch.objects.select_for_update().filter(fetch_secret=secret).first()
    if launch is None or launch.fetched_at is not None or launch.expires_at <= timezone.now():
        return None
    token = secrets.token_urlsafe(32)
    launch.token_hash = _hash(token)
    launch.fetched_at = timezone.now()
    launch.save(update_fields=["token_hash", "fetched_at"])
    return token


def launch_for_token(token: str) -> Cmi5Launch | None:
    if not token:
        return None
    return (
        Cmi5Launch.objects.filter(token_hash=_hash(token), expires_at__gt=timezone.now())
        .select_related("attempt__package_version__package", "attempt__participant_assignment__version")
        .first()
    )


def launch_data(launch: Cmi5Launch) -> dict[str, Any]:
    return {
        "contextTemplate": {
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": str(launch.registration)}
        },
        "launchMode": "Normal",
        "moveOn": "CompletedOrPassed",
    }


def _keep(attempt: PackageAttempt, statement: dict[str, Any]) -> None:
    statements = attempt.cmi.setdefault("statements", [])
    if len(statements) >= MAX_STATEMENTS:
        raise Refused(_("Het oefendeel stuurde te veel berichten."))
    statements.append(statement)


@transaction.atomic
def statement_record(launch: Cmi5Launch, statement: Any) -> str:
    """Keep one statement of the launch's AU (raw) and read what cmi5 defines from it; its id."""
    if not isinstance(statement, dict) or not isinstance(statement.get("verb"), dict):
        raise Refused(_("Het oefendeel stuurde iets wat we niet begrijpen."))
    verb = statement["verb"].get("id")
    obj = statement.get("object") or {}
    attempt = PackageAttempt.objects.select_for_update().get(pk=launch.attempt_id)
    version = launch.attempt.package_version
    if not isinstance(verb, str) or not isinstance(obj, dict) or obj.get("id") != version.activity_id:
        raise Refused(_("Het oefendeel stuurde iets wat we niet begrijpen."))
    statement_id = str(statement.get("id") or uuid.uuid4())
    _keep(attempt, {**statement, "id": statement_id})
    raw_result = statement.get("result")
    result: dict[str, Any] = raw_result if isinstance(raw_result, dict) else {}
    raw_score = result.get("score")
    score: dict[str, Any] = raw_score if isinstance(raw_score, dict) else {}
    C, S = PackageAttempt.Completion, PackageAttempt.Success
    if verb == VERBS + "initialized" and attempt.completion_status == C.NOT_ATTEMPTED:
        attempt.completion_status = C.INCOMPLETE
    elif verb == VERBS + "completed":
        attempt.completion_status = C.COMPLETED
    elif verb in (VERBS + "passed", VERBS + "failed"):
        attempt.success_status = S.PASSED if verb.endswith("passed") else S.FAILED
        for field, key in (("score_scaled", "scaled"), ("score_raw", "raw")):
            value = score.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                setattr(attempt, field, float(value))
    services._settle(attempt, launch.attempt.participant_assignment, version)
    return statement_id


@transaction.atomic
def state_put(launch: Cmi5Launch, state_id: str, document: str) -> None:
    if not state_id or len(state_id) > 200 or len(document) > MAX_DOCUMENT_CHARS:
        raise Refused(_("Het oefendeel stuurde iets wat we niet begrijpen."))
    attempt = PackageAttempt.objects.select_for_update().get(pk=launch.attempt_id)
    state = attempt.cmi.setdefault("state", {})
    if state_id not in state and len(state) >= MAX_STATE_DOCUMENTS:
        raise Refused(_("Het oefendeel stuurde te veel berichten."))
    state[state_id] = document
    attempt.save(update_fields=["cmi"])


def state_get(launch: Cmi5Launch, state_id: str) -> str | None:
    if state_id == "LMS.LaunchData":
        return json.dumps(launch_data(launch))
    value = PackageAttempt.objects.get(pk=launch.attempt_id).cmi.get("state", {}).get(state_id)
    return value if isinstance(value, str) else None
