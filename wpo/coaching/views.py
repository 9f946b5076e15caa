"""What the coach and the project manager see."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from wpo.orgs import access
from wpo.orgs.models import Department, Role
from wpo.trajectories.access import visible_trajectories
from wpo.trajectories.models import ParticipantAssignment, Step, Trajectory

PAGE_SIZE = 50


@access.role_required(Role.COACH)
def overview(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    active = (
        visible_trajectories(me)
        .filter(status=Trajectory.Status.ACTIVE)
        .select_related("participant__user", "trainer__user", "department")
        .order_by("department__name", "participant__user__first_name")
    )
    page = Paginator(active, PAGE_SIZE).get_page(request.GET.get("pagina"))
    trajectories = list(page.object_list)
    current: dict[int, ParticipantAssignment] = {}
    for pa in (
        access.in_org(me, ParticipantAssignment)
        .filter(trajectory__in=trajectories)
        .exclude(step__in=[Step.ACHIEVED, Step.STOPPED])
        .select_related("version")
        .order_by("created_at")
    ):
        current[pa.trajectory_id] = pa
    now = timezone.now()
    rows = []
    for t in trajectories:
        open_pa = current.get(t.pk)
        rows.append(
            {"trajectory": t, "pa": open_pa, "weeks": (now - open_pa.step_since).days // 7 if open_pa else None}
        )
    capacity = access.in_org(me, Department).annotate(
        in_wpo=Count("trajectory", filter=Q(trajectory__status=Trajectory.Status.ACTIVE))
    )
    return render(request, "coaching/overview.html", {"page": page, "rows": rows, "capacity": capacity})
