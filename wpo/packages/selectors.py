"""Reads of the packages app: which package a participant plays in the practice part, and the
results a trainer sees. The participant assignment itself was reached through the access layer."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from wpo.orgs.models import Department, Organization
from wpo.trajectories.models import ParticipantAssignment

from .models import Package, PackageAttempt, PackageVersion


@dataclass(frozen=True)
class PracticePackage:
    version: PackageVersion
    attempt: PackageAttempt | None
    placement: str

    @property
    def done(self) -> bool:
        return self.attempt is not None and self.attempt.done


def practice_package(pa: ParticipantAssignment) -> PracticePackage | None:
    """The package of the participant's practice part: the version they started (kept when a newer one
    is uploaded), else the assignment's current one; None when the assignment has none.

    The assignment's package is read first: an attempt is only ever made for a version of it, and a
    package cannot go while an attempt holds one of its versions (``PackageAttempt.package_version``
    protects it), so an assignment without a package (most of them) costs one query, else two."""
    package = Package.objects.filter(assignment_id=pa.version.assignment_id).select_related("current_version").first()
    if package is None:
        return None
    attempt = (
        PackageAttempt.objects.filter(organization_id=pa.organization_id, participant_assignment=pa)
        .select_related("package_version__package")
        .first()
    )
    if attempt is not None:
        version = attempt.package_version
        return PracticePackage(version, attempt, version.package.placement)
    if package.current_version is None:
        return None
    return PracticePackage(package.current_version, None, package.placement)


def launch_url(version: PackageVersion) -> str:
    return f"{settings.CONTENT_ORIGIN}/launch/{version.public_id}/"


def initial_values(found: PracticePackage) -> dict[str, str]:
    """What the package reads when it starts: every value it set before, and whether it resumes."""
    values = dict(found.attempt.cmi) if found.attempt else {}
    resumes = any(values.get(k) for k in ("cmi.suspend_data", "cmi.core.lesson_location", "cmi.location"))
    entry = "resume" if resumes else "ab-initio"
    if found.version.kind == PackageVersion.Kind.SCORM_12:
        values["cmi.core.entry"] = entry
    else:
        values["cmi.entry"] = entry
    return values


def launch_state(found: PracticePackage) -> dict[str, Any]:
    """What static/js/packages.js hands the launcher: the kind, the version played, the values."""
    return {"kind": found.version.kind, "version": str(found.version.public_id), "values": initial_values(found)}


def screen_context(pa: ParticipantAssignment) -> dict[str, Any] | None:
    """The practice screen's context for the package while it still has to be played, and, when it
    takes the place of the questions, on their screens too (back from the summary: the package again,
    with "Verder"); else None."""
    found = practice_package(pa)
    if found is None:
        return None
    if found.done and (
        found.placement != Package.Placement.INSTEAD
        or pa.practice_position > len(pa.version.content.get("questions", []))
    ):
        return None
    return {
        "screen": "package",
        "package": found,
        "content_origin": settings.CONTENT_ORIGIN,
        "package_state": launch_state(found),
        "package_state_id": f"pakket-stand-{pa.pk}",
        "launch_url": launch_url(found.version),
    }


def export_references(assignments: list[Any]) -> list[dict[str, Any]]:
    """The packages of these assignments for the curriculum's exchange document: which assignment,
    where in the practice part, and which upload (its original name and SHA-256), so the receiving
    side can match the .zip it is handed. The package itself travels beside the document, not in it."""
    packages = (
        Package.objects.filter(assignment__in=assignments, current_version__isnull=False)
        .select_related("current_version", "assignment__subskill__skill")
        .order_by("assignment__subskill__skill__order", "assignment__subskill__number", "assignment__level")
    )
    found = []
    for package in packages:
        version = package.current_version
        assert version is not None  # filtered above
        assignment = package.assignment
        found.append(
            {
                "skill": assignment.subskill.skill.code,
                "subskill": assignment.subskill.number,
                "level": assignment.level,
                "placement": package.placement,
                "kind": version.kind,
                "schema_version": version.schema_version,
                "title": version.title,
                "version": version.number,
                "file_name": version.original_name,
                "sha256": version.sha256,
                "files": version.file_count,
                "bytes": version.total_bytes,
            }
        )
    return found


@dataclass(frozen=True)
class PackageCounts:
    """What the report counts of the e-learning packages in a period."""

    started: int = 0  # participants who began a package
    done: int = 0  # packages finished (completed or passed): the practice part done
    failed: int = 0  # attempts the package reported as not passed


def report_counts(
    organization: Organization, start: datetime, end: datetime, department: Department | None = None
) -> PackageCounts:
    """The packages played in [start, end) in the organisation (and department): one aggregate query."""
    attempts = PackageAttempt.objects.filter(organization=organization)
    if department is not None:
        attempts = attempts.filter(participant_assignment__trajectory__department=department)
    counted = attempts.aggregate(
        started=Count("pk", filter=Q(started_at__gte=start, started_at__lt=end)),
        done=Count("pk", filter=Q(done_at__gte=start, done_at__lt=end)),
        failed=Count(
            "pk",
            filter=Q(success_status=PackageAttempt.Success.FAILED, updated_at__gte=start, updated_at__lt=end),
        ),
    )
    return PackageCounts(started=counted["started"], done=counted["done"], failed=counted["failed"])
