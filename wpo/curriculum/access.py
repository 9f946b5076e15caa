"""Which curriculum a person sees: the national one plus their organisation's own skills."""

from django.db.models import Q, QuerySet

from wpo.orgs.access import get_in_org
from wpo.orgs.models import Person

from .models import Assignment, Skill


def visible_skills(person: Person) -> QuerySet[Skill]:
    return Skill.objects.filter(Q(organization__isnull=True) | Q(organization_id=person.organization_id))


def access_assignment(person: Person, assignment_id: int) -> Assignment:
    qs = Assignment.objects.filter(subskill__skill__in=visible_skills(person)).select_related(
        "subskill__skill", "current_version"
    )
    return get_in_org(qs, pk=assignment_id)
