"""The curriculum to read: the catalogue of skills, one assignment, and a skill's pictogram."""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wpo.orgs import access
from wpo.orgs.access import get_in_org
from wpo.orgs.permissions import Ability, may, may_add_local_example, may_edit_editions

from .. import access as curriculum_access
from ..models import Assignment, SubSkill
from ..services import editions
from ..wording import fill_content


@access.ability_required(Ability.READ_CURRICULUM)
def catalogue(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    national_editor = may_edit_editions(me)
    skills = curriculum_access.editable_skills(me).prefetch_related(
        Prefetch(
            "subskills",
            queryset=SubSkill.objects.prefetch_related(
                Prefetch("assignments", queryset=Assignment.objects.select_related("current_version"))
            ),
        )
    )
    skills_list = list(skills)
    editable = {s.pk for s in skills_list if curriculum_access.can_edit_skill(me, s)}
    return render(
        request,
        "curriculum/catalogue.html",
        {
            "skills": skills_list,
            "editable": editable,
            "is_editor": may(me, Ability.EDIT_CURRICULUM),
            "edition": editions.latest_published(),
            "draft": editions.current_draft() if national_editor else None,
        },
    )


@access.ability_required(Ability.READ_CURRICULUM)
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    me = access.person_of(request)
    assignment = curriculum_access.access_assignment(me, assignment_id)
    version = assignment.current_version
    skill = assignment.subskill.skill
    national_editor = skill.organization_id is None and may_edit_editions(me)
    return render(
        request,
        "curriculum/assignment_detail.html",
        {
            "assignment": assignment,
            "version": version,
            # Participant text as on paper: "je werkplekopleider" where the participant reads a name.
            "parts": fill_content(version.content) if version else None,
            "can_edit": curriculum_access.can_edit_skill(me, skill),
            "versions": curriculum_access.published_versions(assignment).order_by("-number"),
            "pending": (curriculum_access.draft_version(assignment) if national_editor else None),
            "example": curriculum_access.local_example(me, assignment),
            "may_add_example": may_add_local_example(me, skill.organization_id),
        },
    )


@access.ability_required(Ability.USE_APP)
def pictogram(request: HttpRequest, skill_id: int) -> HttpResponse:
    """A skill's pictogram as a cacheable file, so pages do not carry it inline again and again."""
    skill = get_in_org(curriculum_access.editable_skills(access.person_of(request)), pk=skill_id)
    response = HttpResponse(skill.pictogram_svg, content_type="image/svg+xml")
    # Opened on its own, an SVG is a document: allow it nothing but its own inline styling.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, max-age=86400"
    return response
