"""What the werkplekopleider sees."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from wpo.orgs import access
from wpo.orgs.models import Role

from . import access as trajectory_access
from .models import ParticipantAssignment, Trajectory


@access.role_required(Role.TRAINER)
def my_participants(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    participants = access.visible_participants(me).filter(trainer_links__trainer=me).order_by("user__first_name")
    open_by_participant: dict[int, list[ParticipantAssignment]] = {}
    for pa in trajectory_access.open_assignments(me).filter(trajectory__participant__in=participants):
        open_by_participant.setdefault(pa.trajectory.participant_id, []).append(pa)
    now = timezone.now()
    rows = [
        {
            "person": p,
            "assignments": [
                {"pa": pa, "weeks": max(0, (now - pa.step_since).days // 7)} for pa in open_by_participant.get(p.pk, [])
            ],
        }
        for p in participants
    ]
    return render(request, "trajectories/my_participants.html", {"rows": rows})


@access.role_required(Role.TRAINER, Role.COACH, Role.PROJECT_MANAGER, Role.ADMINISTRATOR)
def trajectory_detail(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    me = access.person_of(request)
    trajectory: Trajectory = trajectory_access.access_trajectory(me, trajectory_id)
    return render(request, "trajectories/trajectory_detail.html", {"trajectory": trajectory})
