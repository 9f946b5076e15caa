"""“Kijk je mee?”: the werkplekopleider answers a participant's request to come and watch, with one tap."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wpo.lib.refusals import Refused
from wpo.orgs import access
from wpo.orgs.permissions import OnTrajectory

from .. import access as trajectory_access
from ..models import WatchRequest
from ..services.watch_requests import watch_request_answer

ANSWERED = {
    WatchRequest.Status.COMING: gettext_lazy("%(name)s ziet nu: je komt eraan."),
    WatchRequest.Status.TOMORROW: gettext_lazy("%(name)s ziet nu: je komt morgen."),
}


def asked_ago(watch: WatchRequest, now: datetime) -> str:
    """How long ago the participant asked, in a few words ("zojuist gevraagd" under a minute)."""
    if now - watch.asked_at < timedelta(minutes=1):
        return _("zojuist gevraagd")
    return _("%(ago)s geleden gevraagd") % {"ago": timesince(watch.asked_at, now, depth=1)}


@require_POST
@access.ability_required(OnTrajectory.WATCH)
def answer(request: HttpRequest, watch_request_id: int) -> HttpResponse:
    me = access.person_of(request)
    watch = trajectory_access.access_watch_request(me, watch_request_id)
    try:
        answered = watch_request_answer(watch, actor=me, answer=request.POST.get("answer", ""))
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        name = watch.participant_assignment.trajectory.participant.first_name
        messages.success(request, str(ANSWERED[WatchRequest.Status(answered.status)]) % {"name": name})
    return redirect("trajectories:my_participants")
