"""The platform's pages of the packages app: a content editor attaches a package to an assignment, and
the participant's practice screen sends what the package reports (static/js/packages.js)."""

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wpo.curriculum import access as curriculum_access
from wpo.lib.refusals import Refused
from wpo.orgs import access
from wpo.orgs.permissions import Ability
from wpo.trajectories import access as trajectory_access

from . import cmi5, services
from .forms import PackageUploadForm
from .models import Package, PackageVersion
from .selectors import practice_package


@access.ability_required(Ability.EDIT_CURRICULUM)
def upload(request: HttpRequest, assignment_id: int) -> HttpResponse:
    me = access.person_of(request)
    assignment = curriculum_access.access_assignment_for_editing(me, assignment_id)
    package = Package.objects.filter(assignment=assignment).select_related("current_version").first()
    versions = list(package.versions.select_related("uploaded_by__user")) if package else []
    form = PackageUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            try:
                version = services.package_upload(
                    assignment=assignment,
                    upload=upload_file,
                    size=upload_file.size or 0,
                    name=upload_file.name or "pakket.zip",
                    placement=form.cleaned_data["placement"],
                    actor=me,
                )
            except Refused as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request,
                    _("‘%(title)s’ is het oefenpakket van deze opdracht (versie %(n)d, %(kind)s).")
                    % {"title": version.title, "n": version.number, "kind": version.get_kind_display()},
                )
                return redirect("packages:upload", assignment_id=assignment.pk)
        status = 400
    return render(
        request,
        "packages/upload.html",
        {"assignment": assignment, "package": package, "versions": versions, "form": form},
        status=status,
    )


@require_POST
@access.ability_required(Ability.LEARN)
def track(request: HttpRequest, pa_id: int) -> JsonResponse:
    """What a SCORM package reported (its values, as JSON), kept on the participant's own attempt; for
    a cmi5 package, a new launch (its URL with the launch parameters)."""
    me = access.person_of(request)
    pa = trajectory_access.access_own_assignment(me, pa_id)
    found = practice_package(pa)
    try:
        body: Any = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if found is None:
        return JsonResponse({"error": _("Deze opdracht heeft geen oefenpakket.")}, status=404)
    if not isinstance(body, dict) or body.get("version") != str(found.version.public_id):
        return JsonResponse({"error": _("Het oefendeel stuurde iets wat we niet begrijpen.")}, status=400)
    version: PackageVersion = found.version
    if version.kind == PackageVersion.Kind.CMI5:
        # A cmi5 AU reports to its own xAPI endpoint; the page only asks for a new launch to play.
        if body.get("launch") is not True:
            return JsonResponse({"error": _("Het oefendeel stuurde iets wat we niet begrijpen.")}, status=400)
        try:
            return JsonResponse({"launch_url": cmi5.launch_start(pa, version, actor=me)})
        except Refused as exc:
            return JsonResponse({"error": str(exc)}, status=400)
    try:
        attempt = services.attempt_commit(pa, version, body.get("values"), actor=me)
    except Refused as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(
        {
            "done": attempt.done,
            "completion": attempt.completion_status,
            "success": attempt.success_status,
            "score": attempt.score_raw,
        }
    )
