"""The sign-off sequence on screen: the independence week, the assessment with an optional second
assessor, what next, closing a skill and the trajectory.

The buttons live in the panel of each assignment on the trajectory page
(``_signoff_panel.html``); forms with text have a page of their own for their errors. Every form
that changes a step carries the step the user saw (``expected_step``): when someone else moved
the assignment meanwhile, the user is told and nothing is recorded twice or overruled.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wpo.curriculum.access import visible_skills
from wpo.curriculum.models import Assignment, Level
from wpo.lib import ids
from wpo.orgs import access
from wpo.orgs.permissions import Ability

from .. import access as trajectory_access
from .. import selectors
from ..forms import AssessmentForm, CloseTrajectoryForm, SecondJudgementForm, StopTrajectoryForm
from ..models import Judgement, ParticipantAssignment, Step, Trajectory
from ..services import signoff
from ..workflow import IllegalMove, StaleStep

staff = access.ability_required(Ability.WORK_ON_TRAJECTORIES)
coach_only = access.ability_required(Ability.COACH_TRAJECTORIES)


def _back(pa: ParticipantAssignment) -> HttpResponse:
    return redirect(reverse("trajectories:trajectory_detail", args=[pa.trajectory_id]) + f"#opdracht-{pa.pk}")


def _expected(request: HttpRequest) -> Step | None:
    """The step the user saw on the page they acted on."""
    raw = request.POST.get("expected_step", "")
    if not raw:
        return None
    try:
        return Step(raw)
    except ValueError:
        raise StaleStep(_("Iemand anders heeft deze stap net gezet. Bekijk de nieuwe stand.")) from None


@require_POST
@staff
def assessment_start(request: HttpRequest, pa_id: int) -> HttpResponse:
    me = access.person_of(request)
    pa = trajectory_access.access_assignment_for_staff(me, pa_id)
    try:
        signoff.assessment_start(pa, actor=me, expected=_expected(request))
    except IllegalMove as exc:
        messages.error(request, str(exc))
        return _back(pa)
    messages.success(request, _("Het beoordelingsgesprek is begonnen. Leg hier na het gesprek uw oordeel vast."))
    return redirect("trajectories:assessment_record", pa_id=pa.pk)


@staff
def assessment_record(request: HttpRequest, pa_id: int) -> HttpResponse:
    """The first judgement: achieved, or not yet and back to work."""
    me = access.person_of(request)
    pa = trajectory_access.access_assignment_for_staff(me, pa_id)
    if request.method != "POST" and pa.step != Step.ASSESSING:
        messages.info(request, _("Deze opdracht wacht niet op een beoordeling."))
        return _back(pa)
    form = AssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = signoff.assessment_record(
                pa,
                assessor=me,
                judgement=form.cleaned_data["judgement"],
                note=form.cleaned_data["note"],
                expected=_expected(request),
            )
        except StaleStep as exc:
            messages.error(request, str(exc))
            return _back(pa)
        except IllegalMove as exc:
            form.add_error(None, str(exc))
        else:
            if assessment.judgement == Judgement.ACHIEVED:
                done = _("Gehaald! %(name)s heeft deze opdracht behaald.") % {"name": pa.trajectory.participant.name}
            else:
                done = _("Vastgelegd. De deelnemer oefent nog even verder: de opdracht staat weer op ‘Aan de slag’.")
            messages.success(request, done)
            return _back(pa)
    return render(
        request,
        "trajectories/signoff_assessment.html",
        {"pa": pa, "form": form, "open_request": selectors.open_second_assessor_request(pa)},
    )


@require_POST
@staff
def second_assessor_request(request: HttpRequest, pa_id: int) -> HttpResponse:
    me = access.person_of(request)
    pa = trajectory_access.access_assignment_for_staff(me, pa_id)
    coach_id = request.POST.get("coach", "")
    coach_pk = ids.parse_id(coach_id)
    coach = trajectory_access.coaches_of(pa.trajectory).filter(pk=coach_pk).first() if coach_pk is not None else None
    if coach is None:
        messages.error(request, _("Kies een coach als tweede beoordelaar."))
        return _back(pa)
    try:
        signoff.second_assessor_request(pa, actor=me, coach=coach, expected=_expected(request))
    except IllegalMove as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is gevraagd als tweede beoordelaar.") % {"name": coach.name})
    return _back(pa)


@coach_only
def second_assessment_record(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The coach's own judgement, beside the first; it does not change the step."""
    me = access.person_of(request)
    assessment = trajectory_access.access_assessment_for_second_assessor(me, assessment_id)
    pa = assessment.participant_assignment
    form = SecondJudgementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            signoff.second_assessment_record(
                assessment, coach=me, judgement=form.cleaned_data["judgement"], note=form.cleaned_data["note"]
            )
        except IllegalMove as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Uw oordeel als tweede beoordelaar is vastgelegd."))
            return redirect("trajectories:second_assessor_waiting")
    return render(
        request, "trajectories/second_assessor_judgement.html", {"assessment": assessment, "pa": pa, "form": form}
    )


@coach_only
def second_assessor_waiting(request: HttpRequest) -> HttpResponse:
    """The assessments waiting for this coach as second assessor."""
    me = access.person_of(request)
    return render(
        request,
        "trajectories/second_assessor_waiting.html",
        {
            "waiting": list(trajectory_access.assessments_awaiting_my_judgement(me)),
            "coming": list(trajectory_access.second_assessor_requests_for_me(me)),
        },
    )


@require_POST
@staff
def give_next(request: HttpRequest, pa_id: int) -> HttpResponse:
    me = access.person_of(request)
    pa = trajectory_access.access_assignment_for_staff(me, pa_id)
    raw = request.POST.get("assignment", "")
    curriculum = Assignment.objects.filter(subskill__skill__in=visible_skills(me))
    assignment_pk = ids.parse_id(raw)
    assignment = curriculum.filter(pk=assignment_pk).first() if assignment_pk is not None else None
    if assignment is None:
        messages.error(request, _("Kies de volgende opdracht."))
        return _back(pa)
    try:
        given = signoff.give_next(pa.trajectory, assignment, actor=me)
    except IllegalMove as exc:
        messages.error(request, str(exc))
        return _back(pa)
    messages.success(
        request,
        _("‘%(title)s’ staat klaar voor %(name)s. Leg de opdracht uit en pas het werk aan.")
        % {"title": given.version.title, "name": pa.trajectory.participant.name},
    )
    return _back(given)


@require_POST
@staff
def skill_close(request: HttpRequest, chosen_skill_id: int) -> HttpResponse:
    me = access.person_of(request)
    chosen = trajectory_access.access_chosen_skill_for_staff(me, chosen_skill_id)
    level = request.POST.get("level", "")
    try:
        if level not in Level.values:
            raise IllegalMove(_("Kies het niveau waarop de skill wordt afgerond."))
        signoff.skill_close(chosen, actor=me, level=level)
    except IllegalMove as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(skill)s is afgerond op niveau %(level)s.") % {"skill": chosen.skill.name, "level": level},
        )
    url = reverse("trajectories:trajectory_detail", args=[chosen.trajectory_id])
    pa_id = request.POST.get("pa", "")
    return redirect(url + (f"#opdracht-{pa_id}" if pa_id.isdigit() else ""))


@staff
def trajectory_close(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    """Phase 4: close the trajectory when its skills are done or its agreed end date has passed."""
    me = access.person_of(request)
    trajectory: Trajectory = trajectory_access.access_trajectory_for_staff(me, trajectory_id)
    check = selectors.closing_check(trajectory)
    form = CloseTrajectoryForm(
        request.POST if request.method == "POST" else None, needs_reason=bool(check.open_assignments)
    )
    if request.method == "POST" and form.is_valid():
        raw = request.POST.get("expected_open", "")
        expected_open = set(ids.parse_ids(raw))
        try:
            signoff.trajectory_close(
                trajectory, actor=me, stop_reason=form.cleaned_data["stop_reason"], expected_open=expected_open
            )
        except StaleStep as exc:
            messages.error(request, str(exc))
            return redirect("trajectories:trajectory_close", trajectory_id=trajectory.pk)
        except IllegalMove as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Het WPO-traject van %(name)s is afgesloten. Vier het succes samen!")
                % {"name": trajectory.participant.name},
            )
            return redirect("trajectories:trajectory_detail", trajectory_id=trajectory.pk)
    return render(
        request,
        "trajectories/signoff_trajectory_close.html",
        {
            "trajectory": trajectory,
            "check": check,
            "form": form,
            "expected_open": ",".join(str(pa.pk) for pa in check.open_assignments),
            "chosen_skills": trajectory_access.chosen_skills_of(trajectory),
            "stop_form": StopTrajectoryForm(),
        },
    )


@require_POST
@staff
def trajectory_stop(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    """The participant stops early: the trajectory ends as ‘gestopt’ with the reason written down."""
    me = access.person_of(request)
    trajectory: Trajectory = trajectory_access.access_trajectory_for_staff(me, trajectory_id)
    form = StopTrajectoryForm(request.POST)
    if form.is_valid():
        raw = request.POST.get("expected_open", "")
        expected_open = set(ids.parse_ids(raw))
        try:
            signoff.trajectory_stop(
                trajectory, actor=me, reason=form.cleaned_data["reason"], expected_open=expected_open
            )
        except (IllegalMove, StaleStep) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Het WPO-traject van %(name)s is gestopt.") % {"name": trajectory.participant.name}
            )
            return redirect("trajectories:trajectory_detail", trajectory_id=trajectory.pk)
    else:
        messages.error(request, _("Schrijf op waarom het WPO-traject stopt."))
    return redirect("trajectories:trajectory_close", trajectory_id=trajectory.pk)
