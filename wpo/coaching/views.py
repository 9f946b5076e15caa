"""What the coach and the project manager see."""

from collections import defaultdict
from typing import Any

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


@access.role_required(Role.PROJECT_MANAGER)
def report(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    per_department = (
        access.in_org(me, Department)
        .annotate(
            total=Count("trajectory"),
            active=Count("trajectory", filter=Q(trajectory__status=Trajectory.Status.ACTIVE)),
            closed=Count("trajectory", filter=Q(trajectory__status=Trajectory.Status.CLOSED)),
            stopped=Count("trajectory", filter=Q(trajectory__status=Trajectory.Status.STOPPED)),
        )
        .order_by("name")
    )
    achieved_rows = (
        access.in_org(me, ParticipantAssignment)
        .filter(step=Step.ACHIEVED)
        .values("version__assignment__subskill__skill__name", "version__assignment__level")
        .annotate(n=Count("id"))
    )
    by_skill: dict[str, dict[str, int]] = defaultdict(lambda: {"A": 0, "B": 0, "C": 0})
    for row in achieved_rows:
        by_skill[row["version__assignment__subskill__skill__name"]][row["version__assignment__level"]] += row["n"]
    largest = max((sum(v.values()) for v in by_skill.values()), default=0)
    skills: list[dict[str, Any]] = [
        {
            "name": name,
            "levels": levels,
            "total": sum(levels.values()),
            # Bar widths in percent of the largest skill, drawn with CSS classes (no inline style under CSP).
            "width": round(10 * sum(levels.values()) / largest) * 10 if largest else 0,
        }
        for name, levels in sorted(by_skill.items())
    ]
    totals = {key: sum(getattr(d, key) for d in per_department) for key in ("total", "active", "closed", "stopped")}
    return render(request, "coaching/report.html", {"departments": per_department, "skills": skills, "totals": totals})
