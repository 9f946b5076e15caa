"""What the participant sees."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wpo.orgs import access
from wpo.orgs.models import Role
from wpo.trajectories import access as trajectory_access
from wpo.trajectories.models import ParticipantAssignment, Step


@access.role_required(Role.PARTICIPANT)
def home(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    mine = trajectory_access.open_assignments(me).filter(trajectory__participant=me).order_by("created_at")
    achieved = (
        access.in_org(me, ParticipantAssignment)
        .filter(trajectory__participant=me, step=Step.ACHIEVED)
        .select_related("version__assignment__subskill__skill")
        .order_by("-achieved_at")
    )
    return render(request, "learn/home.html", {"current": list(mine), "achieved": list(achieved)})
