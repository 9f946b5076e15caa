"""On the shop floor: introduce an assignment with how the work changes, and note an observation
in a few taps."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.curriculum.selectors import fill_content, trainer_first_name
from wpo.lib.refusals import Refused
from wpo.orgs import access
from wpo.orgs.permissions import Ability, OnTrajectory, may_on

from .. import access as trajectory_access
from ..forms import ObservationForm, WorkAdaptationForm
from ..services.observations import observation_record, work_adaptation_record
from .watch_requests import asked_ago

trainer_or_coach = access.ability_required(Ability.WORK_ON_TRAJECTORIES)


@trainer_or_coach
def introduce(request: HttpRequest, pa_id: int) -> HttpResponse:
    """Explain the assignment, with the trainer tips for this level, and record how the work changes."""
    me = access.person_of(request)
    pa = trajectory_access.access_assignment_for_trainer(me, pa_id)
    form = WorkAdaptationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            work_adaptation_record(
                pa=pa, actor=me, description=form.cleaned_data["description"], starts_on=form.cleaned_data["starts_on"]
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De aanpassing van het werk is vastgelegd."))
            return redirect("trajectories:my_participants")
    return render(
        request,
        "trajectories/introduce.html",
        {
            "pa": pa,
            # The participant's text as they read it, with their werkplekopleider's first name.
            "parts": fill_content(pa.version.content, trainer_first_name(pa.trajectory.trainer)),
            "form": form,
            "adaptations": pa.work_adaptations.select_related("created_by__user").order_by("-starts_on"),
        },
    )


@trainer_or_coach
def observe(request: HttpRequest, pa_id: int) -> HttpResponse:
    """An observation in a few taps: behaviours seen, a few words or a photo, shared or not."""
    me = access.person_of(request)
    pa = trajectory_access.access_assignment_for_trainer(me, pa_id)
    behaviours = list(pa.version.content.get("trainer", {}).get("observe", []))
    bound = request.method == "POST"
    form = ObservationForm(request.POST if bound else None, request.FILES if bound else None, behaviours=behaviours)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation = observation_record(
                pa=pa,
                author=me,
                observed_at=timezone.now(),
                behaviours=data["behaviours"],
                note=data["note"],
                photo=data["photo"],
                went_well=data["went_well"],
                shared_with_participant=data["shared_with_participant"],
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            if observation.watch_requests.exists():
                name = pa.trajectory.participant.name
                messages.success(request, _("Observatie bewaard. Op verzoek van %(name)s.") % {"name": name})
            else:
                messages.success(request, _("Observatie bewaard."))
            return redirect("trajectories:my_participants")
    # Asked for by the participant ("Kijk je mee?"): this observation answers the request.
    watcher = may_on(me, OnTrajectory.WATCH, pa.trajectory)
    asked = trajectory_access.live_watch_request(pa, timezone.now()) if watcher else None
    ago = asked_ago(asked, timezone.now()) if asked else ""
    return render(request, "trajectories/observe.html", {"pa": pa, "form": form, "asked": asked, "ago": ago})
