"""Writes of the packages app: attach an uploaded package to an assignment, and keep what a
participant's package reports. Each refuses on its own (``Refused``) and writes in one transaction."""

import re
import uuid
from collections.abc import Iterator
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.curriculum.models import Assignment
from wpo.lib.refusals import Refused
from wpo.orgs.models import Person
from wpo.orgs.permissions import may_edit_skill
from wpo.trajectories.models import ParticipantAssignment, Step
from wpo.trajectories.services import activity

from .models import Package, PackageAttempt, PackageVersion
from .validation import check_package, extract

# What the practice screen may send: data-model elements only, within SCORM's own limits
# (suspend_data is 64,000 characters in SCORM 2004, 4,096 in 1.2).
ELEMENT_RE = re.compile(r"^cmi\.[A-Za-z0-9_.]{1,200}$")
MAX_ELEMENTS = 1000
MAX_VALUE_CHARS = 65_536


def package_upload(
    *, assignment: Assignment, upload: IO[bytes], size: int, name: str, placement: str, actor: Person
) -> PackageVersion:
    """Check the zip, extract it under its own versioned folder and make it the assignment's practice
    package (a new version when it already had one). Nothing is stored when a check fails."""
    skill = assignment.subskill.skill
    if not may_edit_skill(actor, skill.organization_id):
        raise Refused(_("Je mag de oefenpakketten van deze opdracht niet wijzigen."))
    if placement not in Package.Placement.values:
        raise Refused(_("Kies waar het pakket in het oefendeel komt."))
    checked = check_package(upload, size)
    with transaction.atomic():
        package, _created = Package.objects.select_for_update().get_or_create(
            assignment=assignment, defaults={"organization_id": skill.organization_id, "placement": placement}
        )
        number = (package.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        # Per package and version; the random part keeps a folder left by a rolled-back upload out of the way.
        prefix = f"packages/{package.pk}/v{number}-{uuid.uuid4().hex[:8]}"
        version = PackageVersion.objects.create(
            package=package,
            number=number,
            kind=checked.kind,
            schema_version=checked.schema_version,
            title=checked.title,
            start_path=checked.start_path,
            activity_id=checked.activity_id,
            storage_prefix=prefix,
            file_count=len(checked.files),
            total_bytes=checked.total_bytes,
            sha256=checked.sha256,
            original_name=name[:255],
            assignment_version=assignment.current_version,
            uploaded_at=timezone.now(),
            uploaded_by=actor,
        )
        stored: list[str] = []
        try:
            extract(upload, lambda member, pieces: stored.append(_store(prefix, member, pieces)))
        except BaseException:
            for path in stored:
                default_storage.delete(path)
            raise
        package.current_version = version
        package.placement = placement
        package.save(update_fields=["current_version", "placement"])
    return version


def _store(prefix: str, member: str, pieces: Iterator[bytes]) -> str:
    path = f"{prefix}/{member}"
    saved = default_storage.save(path, ContentFile(b"".join(pieces)))
    if saved != path:  # the storage renamed it: the versioned folder was not empty
        default_storage.delete(saved)
        raise Refused(_("Het pakket kon niet worden opgeslagen. Probeer het opnieuw."))
    return saved


def _checked_values(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or len(raw) > MAX_ELEMENTS:
        raise Refused(_("Het oefendeel stuurde iets wat we niet begrijpen."))
    values: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not ELEMENT_RE.match(key):
            raise Refused(_("Het oefendeel stuurde iets wat we niet begrijpen."))
        if not isinstance(value, str | int | float) or isinstance(value, bool) or len(str(value)) > MAX_VALUE_CHARS:
            raise Refused(_("Het oefendeel stuurde iets wat we niet begrijpen."))
        values[key] = str(value)
    return values


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def read_status(kind: str, cmi: dict[str, str]) -> dict[str, Any]:
    """Completion, success and score as the platform reads them from the package's own values."""
    C, S = PackageAttempt.Completion, PackageAttempt.Success
    if kind == PackageVersion.Kind.SCORM_12:
        status = cmi.get("cmi.core.lesson_status", "")
        completion = {
            "passed": C.COMPLETED,
            "completed": C.COMPLETED,
            "failed": C.COMPLETED,
            "incomplete": C.INCOMPLETE,
            "browsed": C.INCOMPLETE,
        }.get(status, C.NOT_ATTEMPTED)
        success = {"passed": S.PASSED, "failed": S.FAILED}.get(status, S.UNKNOWN)
        raw = _number(cmi.get("cmi.core.score.raw"))
        top = _number(cmi.get("cmi.core.score.max")) or 100.0
        bottom = _number(cmi.get("cmi.core.score.min")) or 0.0
        scaled = None if raw is None or top <= bottom else (raw - bottom) / (top - bottom)
    else:
        completion = {
            "completed": C.COMPLETED,
            "incomplete": C.INCOMPLETE,
            "not attempted": C.NOT_ATTEMPTED,
        }.get(cmi.get("cmi.completion_status", ""), C.UNKNOWN)
        success = {"passed": S.PASSED, "failed": S.FAILED}.get(cmi.get("cmi.success_status", ""), S.UNKNOWN)
        raw = _number(cmi.get("cmi.score.raw"))
        scaled = _number(cmi.get("cmi.score.scaled"))
        if scaled is None and raw is not None:
            top = _number(cmi.get("cmi.score.max")) or 100.0
            bottom = _number(cmi.get("cmi.score.min")) or 0.0
            scaled = (raw - bottom) / (top - bottom) if top > bottom else None
    if scaled is not None:
        scaled = max(-1.0, min(1.0, scaled))
    return {"completion_status": completion, "success_status": success, "score_raw": raw, "score_scaled": scaled}


def is_done(completion: str, success: str) -> bool:
    """Practice done: the package says it is completed (a reported pass counts as completed) and not failed."""
    if success == PackageAttempt.Success.FAILED:
        return False
    return completion == PackageAttempt.Completion.COMPLETED or success == PackageAttempt.Success.PASSED


@transaction.atomic
def attempt_commit(pa: ParticipantAssignment, version: PackageVersion, raw: Any, *, actor: Person) -> PackageAttempt:
    """Keep what a SCORM package sent (every value, raw) and settle the attempt (``_settle``)."""
    if pa.trajectory.participant_id != actor.pk:
        raise Refused(_("Dit is niet jouw opdracht."))
    values = _checked_values(raw)
    attempt = _attempt(pa, version)
    attempt.cmi = {**attempt.cmi, **values}
    for field, value in read_status(version.kind, attempt.cmi).items():
        setattr(attempt, field, value)
    _settle(attempt, pa, version)
    return attempt


def _settle(attempt: PackageAttempt, pa: ParticipantAssignment, version: PackageVersion) -> None:
    """Save the attempt and, the first time it is done, move the practice part on: with the package
    *instead of* the questions to the summary, *before* them to the first question (the screen
    follows from the attempt)."""
    now = timezone.now()
    attempt.commits += 1
    attempt.updated_at = now
    newly_done = attempt.done_at is None and is_done(attempt.completion_status, attempt.success_status)
    if newly_done:
        attempt.done_at = now
    attempt.save()
    activity.record(pa.trajectory_id, now)
    if newly_done and pa.step == Step.PRACTISING and version.package.placement == Package.Placement.INSTEAD:
        questions = len(pa.version.content.get("questions", []))
        if pa.practice_position <= questions:
            pa.practice_position = questions + 1  # the summary, then the work task
            pa.save(update_fields=["practice_position"])


def _attempt(pa: ParticipantAssignment, version: PackageVersion) -> PackageAttempt:
    """The participant's attempt, locked; a new one (not saved yet) pins ``version``."""
    now = timezone.now()
    attempt = PackageAttempt.objects.select_for_update().filter(participant_assignment=pa).first()
    if attempt is None:
        if pa.step not in (Step.INTRODUCED, Step.PRACTISING):
            raise Refused(_("Het oefenen van deze opdracht is klaar."))
        return PackageAttempt(
            organization_id=pa.organization_id,
            participant_assignment=pa,
            package_version=version,
            started_at=now,
            updated_at=now,
        )
    if attempt.package_version_id != version.pk:
        raise Refused(_("Je speelt nog de versie van het oefendeel waarmee je begon."))
    return attempt


def practice_blocked(pa: ParticipantAssignment) -> bool:
    """Whether the assignment's package still has to be finished before the work task can start."""
    from .selectors import practice_package

    found = practice_package(pa)
    return found is not None and not (found.attempt and found.attempt.done)
