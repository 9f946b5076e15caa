"""The project manager's report."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wpo.orgs import access
from wpo.orgs.models import Department, Role
from wpo.trajectories.models import ParticipantAssignment, Step, Trajectory


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
    return render(request, "reports/report.html", {"departments": per_department, "skills": skills, "totals": totals})
