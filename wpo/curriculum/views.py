from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wpo.orgs import access
from wpo.orgs.models import Role

from . import access as curriculum_access
from .models import Assignment, SubSkill

STAFF = (Role.TRAINER, Role.COACH, Role.PROJECT_MANAGER, Role.ADMINISTRATOR, Role.CONTENT_EDITOR)


@access.role_required(*STAFF)
def catalogue(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    skills = curriculum_access.visible_skills(me).prefetch_related(
        Prefetch(
            "subskills",
            queryset=SubSkill.objects.prefetch_related(
                Prefetch("assignments", queryset=Assignment.objects.select_related("current_version"))
            ),
        )
    )
    return render(request, "curriculum/catalogue.html", {"skills": skills})


@access.role_required(*STAFF)
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = curriculum_access.access_assignment(access.person_of(request), assignment_id)
    version = assignment.current_version
    return render(
        request,
        "curriculum/assignment_detail.html",
        {"assignment": assignment, "version": version, "parts": version.content if version else None},
    )
