from typing import Any

from django import template

from ..models import PackageAttempt

register = template.Library()


@register.inclusion_tag("packages/_result.html", takes_context=True)
def package_result(context: template.Context, pa: Any) -> dict[str, Any]:
    """The line with a participant's package result beside the assignment, for the trainer. The
    attempts of the whole trajectory are read once per page (the page reached it through the access
    layer), so the page's query count does not grow with its assignments."""
    request = context.get("request")
    cache: dict[int, dict[int, PackageAttempt]] = getattr(request, "_package_results", {})
    if pa.trajectory_id not in cache:
        attempts = PackageAttempt.objects.filter(
            organization_id=pa.organization_id, participant_assignment__trajectory_id=pa.trajectory_id
        ).select_related("package_version")
        cache[pa.trajectory_id] = {a.participant_assignment_id: a for a in attempts}
        if request is not None:
            request._package_results = cache
    return {"attempt": cache[pa.trajectory_id].get(pa.pk)}
