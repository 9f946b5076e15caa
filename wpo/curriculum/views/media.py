"""The video and captions of an assignment version, for everyone who may see the assignment.

Uploaded videos are never served from a public path: each request goes through the access layer.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from wpo.orgs import access
from wpo.orgs.permissions import Ability

from .. import access as curriculum_access
from ..captions import webvtt
from ..wording import fill_content

anyone_in_an_organisation = access.ability_required(Ability.USE_APP)


@anyone_in_an_organisation
def captions(request: HttpRequest, version_id: int) -> HttpResponse:
    version = curriculum_access.access_version(access.person_of(request), version_id)
    # The same words for everyone who plays the video: "je werkplekopleider", as on paper.
    story = fill_content(version.content).get("video", {}).get("story", [])
    response = HttpResponse(webvtt(story), content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@anyone_in_an_organisation
def video(request: HttpRequest, version_id: int) -> FileResponse:
    version = curriculum_access.access_version(access.person_of(request), version_id)
    name = version.content.get("video", {}).get("file")
    if not name or not default_storage.exists(name):
        raise Http404
    content_type = "video/webm" if name.endswith(".webm") else "video/mp4"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
