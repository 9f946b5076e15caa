"""Which curriculum a person sees: the national one as published in its editions, plus their
organisation's own skills. The draft edition is the method owner's: only a holder of the national
permission sees its new skills and versions, and only where they edit."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from wpo.orgs.access import get_in_org, in_org
from wpo.orgs.models import Person
from wpo.orgs.permissions import may_edit_editions, may_edit_skill

from .diff import assignment_diff
from .models import Assignment, AssignmentVersion, Edition, LocalExample, Skill, published_or_legacy


def visible_skills(person: Person) -> QuerySet[Skill]:
    """The skills a person reads and chooses from: national ones of a published edition, and the
    organisation's own."""
    return Skill.objects.filter(
        (Q(organization__isnull=True) & published_or_legacy()) | Q(organization_id=person.organization_id)
    )


def editable_skills(person: Person) -> QuerySet[Skill]:
    """The skills of the editor's pages: what the person reads, and for the method owner's editors
    also the new national skills of the draft edition."""
    if not may_edit_editions(person):
        return visible_skills(person)
    return Skill.objects.filter(Q(organization__isnull=True) | Q(organization_id=person.organization_id))


def access_assignment(person: Person, assignment_id: int) -> Assignment:
    qs = Assignment.objects.filter(subskill__skill__in=visible_skills(person)).select_related(
        "subskill__skill", "current_version"
    )
    return get_in_org(qs, pk=assignment_id)


def can_edit_skill(person: Person, skill: Skill) -> bool:
    return may_edit_skill(person, skill.organization_id)


def access_skill_for_editing(person: Person, skill_id: int) -> Skill:
    skill = get_in_org(editable_skills(person), pk=skill_id)
    if not can_edit_skill(person, skill):
        raise PermissionDenied
    return skill


def access_assignment_for_editing(person: Person, assignment_id: int) -> Assignment:
    qs = Assignment.objects.filter(subskill__skill__in=editable_skills(person)).select_related(
        "subskill__skill", "current_version"
    )
    assignment = get_in_org(qs, pk=assignment_id)
    if not can_edit_skill(person, assignment.subskill.skill):
        raise PermissionDenied
    return assignment


def access_version(person: Person, version_id: int) -> AssignmentVersion:
    """A version's media (video, captions): published ones for everyone who reads the assignment, a
    draft's for the method owner's editors, who preview it."""
    qs = AssignmentVersion.objects.filter(assignment__subskill__skill__in=editable_skills(person))
    if not may_edit_editions(person):
        qs = qs.filter(published_or_legacy())
    return get_in_org(qs, pk=version_id)


def published_versions(assignment: Assignment) -> QuerySet[AssignmentVersion]:
    """The versions of an assignment that have been published (the history on its page)."""
    return assignment.versions.filter(published_or_legacy()).select_related("published_by", "edition")


# Editions -----------------------------------------------------------------------------------------


def readable_editions(person: Person) -> QuerySet[Edition]:
    """Published editions, newest first, for everyone who reads the curriculum; the draft too for the
    method owner's editors."""
    qs = Edition.objects.order_by("-year", "-sequence")
    if may_edit_editions(person):
        return qs
    return qs.filter(status=Edition.Status.PUBLISHED)


def access_edition(person: Person, edition_id: int) -> Edition:
    return get_in_org(readable_editions(person).select_related("published_by"), pk=edition_id)


def access_draft_edition(person: Person) -> Edition | None:
    """The draft edition for the method owner's editors (None when there is none); 403 for others."""
    if not may_edit_editions(person):
        raise PermissionDenied
    return Edition.objects.filter(status=Edition.Status.DRAFT).first()


def access_draft_version(person: Person, assignment_id: int) -> tuple[Assignment, AssignmentVersion]:
    """An assignment and its text in the draft edition, for the method owner's editors: 404 for an
    assignment the person may not see, 403 without the national permission."""
    assignment = access_assignment_for_editing(person, assignment_id)
    if not may_edit_editions(person):
        raise PermissionDenied  # an organisation's own skill never has a draft
    version = draft_version(assignment)
    if version is None:
        raise Http404
    return assignment, version


def published_editions() -> QuerySet[Edition]:
    """The published editions, newest first, for everyone who reads the curriculum (one query)."""
    return Edition.objects.filter(status=Edition.Status.PUBLISHED).order_by("-year", "-sequence")


def draft_version(assignment: Assignment) -> AssignmentVersion | None:
    """The assignment's text in the draft edition, if it has one (for the method owner's editors)."""
    return assignment.versions.filter(edition__status=Edition.Status.DRAFT).select_related("edition").first()


def _previous_versions(versions: list[AssignmentVersion]) -> dict[int, AssignmentVersion]:
    """For each version, the published (or pre-edition) version of its assignment just before it,
    keyed by the version's id; a new assignment has none. One query."""
    if not versions:
        return {}
    earlier = (
        AssignmentVersion.objects.filter(assignment_id__in={v.assignment_id for v in versions})
        .filter(published_or_legacy())
        .order_by("assignment_id", "number")
    )
    by_assignment: dict[int, list[AssignmentVersion]] = {}
    for version in earlier:
        by_assignment.setdefault(version.assignment_id, []).append(version)
    found = {}
    for version in versions:
        before = [v for v in by_assignment.get(version.assignment_id, []) if v.number < version.number]
        if before:
            found[version.pk] = before[-1]
    return found


def edition_changes(edition: Edition) -> list[dict[str, Any]]:
    """Per assignment of the edition, in the curriculum's order: what it was and what changed (the
    readable diff). Three queries, however many assignments changed."""
    versions = list(
        edition.versions.select_related("assignment__subskill__skill").order_by(
            "assignment__subskill__skill__order", "assignment__subskill__number", "assignment__level"
        )
    )
    previous = _previous_versions(versions)
    new_skill_ids = {s.pk for s in edition.new_skills.all()}
    rows = []
    for version in versions:
        before = previous.get(version.pk)
        in_new_skill = version.assignment.subskill.skill_id in new_skill_ids
        rows.append(
            {
                "version": version,
                "assignment": version.assignment,
                "previous": before,
                "is_new": before is None,
                # A new skill's assignments are new as a whole: the diff would repeat every word.
                "fields": [] if in_new_skill or before is None else assignment_diff(before.content, version.content),
            }
        )
    return rows


def edition_new_skills(edition: Edition, *, with_assignments: bool = False) -> list[Skill]:
    """The national skills the edition adds, in the curriculum's order."""
    skills = edition.new_skills.order_by("order", "name")
    if with_assignments:
        skills = skills.prefetch_related("subskills__assignments")
    return list(skills)


# Local examples -----------------------------------------------------------------------------------


def local_example(person: Person, assignment: Assignment) -> LocalExample | None:
    """The person's organisation's own example beside ``assignment`` (never another's)."""
    return in_org(person, LocalExample).filter(assignment=assignment).first()
