"""Which curriculum a person sees: the national one plus their organisation's own skills."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from wpo.orgs.access import get_in_org
from wpo.orgs.models import Person
from wpo.orgs.permissions import may_edit_skill

from .models import Assignment, AssignmentVersion, Skill


def visible_skills(person: Person) -> QuerySet[Skill]:
    return Skill.objects.filter(Q(organization__isnull=True) | Q(organization_id=person.organization_id))


def access_assignment(person: Person, assignment_id: int) -> Assignment:
    qs = Assignment.objects.filter(subskill__skill__in=visible_skills(person)).select_related(
        "subskill__skill", "current_version"
    )
    return get_in_org(qs, pk=assignment_id)


def can_edit_skill(person: Person, skill: Skill) -> bool:
    return may_edit_skill(person, skill.organization_id)


def access_skill_for_editing(person: Person, skill_id: int) -> Skill:
    skill = get_in_org(visible_skills(person), pk=skill_id)
    if not can_edit_skill(person, skill):
        raise PermissionDenied
    return skill


def access_assignment_for_editing(person: Person, assignment_id: int) -> Assignment:
    assignment = access_assignment(person, assignment_id)
    if not can_edit_skill(person, assignment.subskill.skill):
        raise PermissionDenied
    return assignment


def access_version(person: Person, version_id: int) -> AssignmentVersion:
    qs = AssignmentVersion.objects.filter(assignment__subskill__skill__in=visible_skills(person))
    return get_in_org(qs, pk=version_id)
