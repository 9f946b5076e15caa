"""The werkplekopleider's and coach's pages of phase 3: plan an interim evaluation (or start the final
one), its agenda and record, cancel it, its invitation, and the participant's spoken answer.

The project manager reads an evaluation (``OnTrajectory.EVALUATIONS``) but records nothing; the
participant reads their own in their app (the ``participant_evaluations`` template tag)."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from wpo.lib import clock
from wpo.lib.refusals import Refused
from wpo.lib.uploads import content_type_for
from wpo.orgs import access as org_access
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may_on
from wpo.trajectories.models import Phase, Trajectory

from . import access, invitations, selectors, services
from .forms import FACES, PlanForm, RecordForm
from .models import InterimEvaluation

# Staff pages: the trajectory's staff (werkplekopleider, coach, project manager) read; who may work on it records.
staff_page = org_access.ability_required(Ability.FOLLOW_TRAJECTORIES)
work_on = org_access.ability_required(OnTrajectory.WORK)


def _to_panel(trajectory_id: int) -> HttpResponse:
    return redirect(reverse("trajectories:trajectory_detail", args=[trajectory_id]) + "#evaluaties")


@work_on
def plan(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    """Plan an interim evaluation; ``?eind=1`` starts the final evaluation (phase 3)."""
    me = org_access.person_of(request)
    trajectory = access.trajectory_to_evaluate(me, trajectory_id)
    final = request.GET.get("eind") == "1"
    initial: dict[str, Any] = {
        "date": clock.today() + timedelta(days=7),
        "time": "10:00",
        "duration_minutes": 45,
        "is_final": final,
    }
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        colleagues=access.colleagues_who_can_join(me, trajectory),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_plan(
                trajectory=trajectory,
                actor=me,
                planned_at=form.planned_at(),
                duration_minutes=data["duration_minutes"],
                location=data["location"],
                attendees=list(data["attendees"]),
                final=data["is_final"],
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            if evaluation.is_final:
                messages.success(request, _("De eindevaluatie is gepland. Het traject staat nu in fase 3."))
            else:
                messages.success(
                    request, _("De tussentijdse evaluatie is gepland. Iedereen met e-mail krijgt een uitnodiging.")
                )
            return redirect("evaluations:detail", evaluation_id=evaluation.pk)
    started = trajectory.status == Trajectory.Status.ACTIVE and trajectory.phase in services.EVALUATED_PHASES
    return render(
        request,
        "evaluations/plan.html",
        {"trajectory": trajectory, "form": form, "final": final or bool(form["is_final"].value()), "started": started},
    )


def _record_form(request: HttpRequest, me: Person, evaluation: InterimEvaluation, trajectory: Trajectory) -> RecordForm:
    posted = request.method == "POST"
    return RecordForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        chosen=access.chosen_skills(me, trajectory),
        addable=access.skills_to_add(me, trajectory),
        ends_on=trajectory.ends_on,
        initial={
            "achieved": selectors.achieved_text(trajectory) if not posted else "",
            "skills_fit": services.SkillsFit.KEEP,
            "period": "stands",
            "seen_ends_on": trajectory.ends_on,
        },
    )


@staff_page
def detail(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """The evaluation's agenda and, for who may work on the trajectory, the form that records it."""
    me = org_access.person_of(request)
    evaluation = access.access_evaluation(me, evaluation_id)
    trajectory = evaluation.trajectory
    may_work = may_on(me, OnTrajectory.WORK, trajectory)
    if request.method == "POST" and not may_work:
        raise PermissionDenied
    form: RecordForm | None = None
    status = 200
    if may_work and evaluation.held_at is None:
        form = _record_form(request, me, evaluation, trajectory)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.evaluation_record(
                    evaluation=evaluation,
                    actor=me,
                    achieved=data["achieved"],
                    feeling=data["feeling"],
                    participant_words=data["participant_words"],
                    voice_note=data.get("voice_note"),
                    agreements=data["agreements"],
                    skills=form.skills(),
                    period=form.period_decision(),
                )
            except Refused as exc:
                form.add_error(None, exc)
                status = 400
            else:
                messages.success(
                    request, _("De evaluatie is vastgelegd. De deelnemer ziet in de app wat jullie afspraken.")
                )
                return _to_panel(trajectory.pk)
        elif request.method == "POST":
            status = 400
    elif request.method == "POST":
        messages.error(request, _("Deze evaluatie is al vastgelegd."))
        return redirect("evaluations:detail", evaluation_id=evaluation.pk)
    return render(
        request,
        "evaluations/detail.html",
        {
            "evaluation": evaluation,
            "trajectory": trajectory,
            "people": invitations.invited_people(evaluation),
            "may_work": may_work,
            "may_hear": may_on(me, OnTrajectory.MEDIA, trajectory),
            "form": form,
            "faces": dict((str(value), face) for value, face, _label in FACES),
            "phase_3": trajectory.phase == Phase.EVALUATION,
        },
        status=status,
    )


@require_POST
@work_on
def cancel(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    evaluation = access.access_evaluation_for_work(me, evaluation_id)
    try:
        services.evaluation_cancel(evaluation=evaluation, actor=me)
    except Refused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evaluations:detail", evaluation_id=evaluation.pk)
    messages.success(request, _("De evaluatie is afgezegd. Iedereen met e-mail krijgt bericht."))
    return _to_panel(evaluation.trajectory_id)


@require_safe
@work_on
def ics(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """The invitation as an iCalendar file, for Outlook, Google or Apple Calendar."""
    evaluation = access.access_evaluation_for_work(org_access.person_of(request), evaluation_id)
    url = request.build_absolute_uri(reverse("evaluations:detail", args=[evaluation.pk]))
    response = HttpResponse(
        invitations.calendar_text(evaluation, invitations.PUBLISH, url=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{invitations.filename(evaluation)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@org_access.ability_required(OnTrajectory.MEDIA)
def voice(request: HttpRequest, evaluation_id: int) -> FileResponse:
    """The participant's spoken answer: for the participant themself and who guides them."""
    evaluation = access.access_evaluation_voice(org_access.person_of(request), evaluation_id)
    name = evaluation.voice_note.name if evaluation.voice_note else None
    if not name or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type_for(name))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
