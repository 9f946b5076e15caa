"""The sign-off sequence on screen: the independence week with its ticked days, the assessment with
an optional blind second assessor and, when the two judgements differ, the talk that settles them;
what next, closing a skill and the trajectory.

The buttons live in the panel of each assignment on the trajectory page
(``_signoff_panel.html``); forms with text have a page of their own for their errors. Every form
that changes a step carries the step the user saw (``expected_step``): when someone else moved
the assignment meanwhile, the user is told and nothing is recorded twice or overruled.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wpo.curriculum.access import visible_skills
from wpo.curriculum.models import Assignment, Level
from wpo.lib import ids
from wpo.lib.refusals import Refused
from wpo.orgs import access
from wpo.orgs.permissions import Ability

from .. import access as trajectory_access
from .. import selectors
from ..forms import (
    AssessmentForm,
    CloseTrajectoryForm,
    IndependenceDayForm,
    OutcomeForm,
    SecondJudgementForm,
    StopTrajectoryForm,
    TalkForm,
)
from ..models import Assessment, Judgement, ParticipantAssignment, Step, Trajectory
from ..services import signoff
from ..workflow import StaleStep

staff = access.ability_required(Ability.WORK_ON_TRAJECTORIES)
coach_only = access.ability_required(Ability.COACH_TRAJECTORIES)


def _back(pa: ParticipantAssignment) -> HttpResponse:
    return redirect(reverse("trajectories:trajectory_detail", args=[pa.trajectory_id]) + f"#opdracht-{pa.pk}")


def _done_message(pa: ParticipantAssignment, judgement: str) -> str:
    """What the assessor reads once a judgement settles the assignment."""
    if judgement == Judgement.ACHIEVED:
        return _("Gehaald! %(name)s heeft deze opdracht behaald.") % {"name": pa.trajectory.participant.name}
    return _("Vastgelegd. De deelnemer oefent nog even verder: de opdracht staat weer op ‘Aan de slag’.")


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
    except Refused as exc:
        messages.error(request, str(exc))
        return _back(pa)
    messages.success(request, _("Het beoordelingsgesprek is begonnen. Leg hier na het gesprek uw oordeel vast."))
    return redirect("trajectories:assessment_record", pa_id=pa.pk)


@require_POST
@staff
def independence_day_record(request: HttpRequest, pa_id: int) -> HttpResponse:
    """Tick one day of the independence week on the trajectory page."""
    me = access.person_of(request)
    pa = trajectory_access.access_assignment_for_staff(me, pa_id)
    form = IndependenceDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies een dag en of de deelnemer het zelf liet zien."))
        return redirect(reverse("trajectories:trajectory_detail", args=[pa.trajectory_id]) + f"#week-{pa.pk}")
    try:
        tick = signoff.independence_day_record(
            pa,
            actor=me,
            day=form.cleaned_data["day"],
            shown=form.cleaned_data["shown"],
            note=form.cleaned_data["note"],
        )
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        day = formats.date_format(tick.day, "l j F")
        if tick.shown:
            messages.success(request, _("Afgevinkt: op %(day)s liet de deelnemer het zelf zien.") % {"day": day})
        else:
            messages.success(request, _("Afgevinkt: op %(day)s heb je het niet gezien.") % {"day": day})
    return redirect(reverse("trajectories:trajectory_detail", args=[pa.trajectory_id]) + f"#week-{pa.pk}")


@staff
def assessment_record(request: HttpRequest, pa_id: int) -> HttpResponse:
    """The first judgement: achieved, or not yet and back to work (with a second assessor: blind,
    waiting for theirs)."""
    me = access.person_of(request)
    pa = trajectory_access.access_assignment_for_staff(me, pa_id)
    if request.method != "POST" and pa.step != Step.ASSESSING:
        messages.info(request, _("Deze opdracht wacht niet op een beoordeling."))
        return _back(pa)
    pending = selectors.open_assessment(pa)
    if request.method != "POST" and pending is not None:
        messages.info(request, _("Het eerste oordeel is al vastgelegd."))
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
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            if assessment.second_assessor is not None:
                done = _(
                    "Je oordeel is vastgelegd. %(coach)s geeft een eigen oordeel zonder het jouwe te zien. "
                    "Daarna zien jullie allebei beide oordelen."
                ) % {"coach": assessment.second_assessor.name}
            else:
                done = _done_message(pa, assessment.judgement)
            messages.success(request, done)
            return _back(pa)
    return render(
        request,
        "trajectories/signoff_assessment.html",
        {
            "pa": pa,
            "form": form,
            "open_request": selectors.open_second_assessor_request(pa),
            "week": selectors.week_of(pa),
        },
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
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is gevraagd als tweede beoordelaar.") % {"name": coach.name})
    return _back(pa)


@coach_only
def second_assessment_record(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The coach's own judgement, given blind: the first judgement is not on this page until the
    coach has written theirs. Agreeing moves the step; differing asks for a talk."""
    me = access.person_of(request)
    assessment = trajectory_access.access_assessment_for_second_assessor(me, assessment_id)
    pa = assessment.participant_assignment
    form = SecondJudgementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            signoff.second_assessment_record(
                assessment, coach=me, judgement=form.cleaned_data["judgement"], note=form.cleaned_data["note"]
            )
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            if assessment.judgements_differ:
                messages.warning(
                    request,
                    _(
                        "Je oordeel is vastgelegd. Jullie oordelen verschillen: plan een kort gesprek met "
                        "%(trainer)s en %(name)s. De uitkomst van dat gesprek telt."
                    )
                    % {"trainer": assessment.assessor.name, "name": pa.trajectory.participant.name},
                )
                return redirect("trajectories:assessment_talk_plan", assessment_id=assessment.pk)
            messages.success(request, _("Je oordeel is vastgelegd. Jullie oordelen zijn hetzelfde."))
            return redirect("trajectories:second_assessor_waiting")
    return render(
        request,
        "trajectories/second_assessor_judgement.html",
        {
            "assessment": assessment,
            "pa": pa,
            "form": form,
            # Blind: the first judgement shows only once the coach's own is in.
            "show_first": bool(assessment.second_judgement) or assessment.settled_at is not None,
            "week": selectors.week_of(pa),
        },
    )


@coach_only
def second_assessor_waiting(request: HttpRequest) -> HttpResponse:
    """The assessments waiting for this coach as second assessor, and those where the judgements
    differ and wait for the talk."""
    me = access.person_of(request)
    return render(
        request,
        "trajectories/second_assessor_waiting.html",
        {
            "waiting": list(trajectory_access.assessments_awaiting_my_judgement(me)),
            "differing": list(trajectory_access.differing_judgements_for_me(me)),
            "coming": list(trajectory_access.second_assessor_requests_for_me(me)),
        },
    )


def _awaiting_talk(request: HttpRequest, assessment: Assessment) -> HttpResponse | None:
    """Back to the trajectory, with why, when there is nothing to talk about (any more)."""
    pa = assessment.participant_assignment
    if assessment.settled_at is not None:
        messages.info(request, _("Deze beoordeling is al afgerond."))
        return _back(pa)
    if not assessment.awaiting_outcome or pa.step != Step.ASSESSING:
        messages.info(request, _("Er zijn geen verschillende oordelen om te bespreken."))
        return _back(pa)
    return None


@staff
def assessment_talk_plan(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Plan the short talk of both assessors with the participant about their different judgements."""
    me = access.person_of(request)
    assessment = trajectory_access.access_assessment_for_staff(me, assessment_id)
    pa = assessment.participant_assignment
    if request.method != "POST" and (away := _awaiting_talk(request, assessment)) is not None:
        return away
    if request.method != "POST" and assessment.talk is not None:
        return redirect("trajectories:assessment_outcome_record", assessment_id=assessment.pk)
    form = TalkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            talk = signoff.assessment_talk_plan(
                assessment,
                actor=me,
                planned_at=form.planned_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                location=form.cleaned_data["location"],
            )
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Het gesprek is gepland op %(when)s. Iedereen krijgt de dag ervoor een herinnering.")
                % {"when": formats.date_format(timezone.localtime(talk.planned_at), "l j F H:i")},
            )
            return _back(pa)
    return render(
        request,
        "trajectories/signoff_talk_plan.html",
        {"assessment": assessment, "pa": pa, "form": form, "week": selectors.week_of(pa)},
    )


@staff
def assessment_outcome_record(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """What the two assessors and the participant agreed in their talk: this moves the step."""
    me = access.person_of(request)
    assessment = trajectory_access.access_assessment_for_staff(me, assessment_id)
    pa = assessment.participant_assignment
    if request.method != "POST" and (away := _awaiting_talk(request, assessment)) is not None:
        return away
    people = selectors.talk_people(assessment, pa.trajectory)
    form = OutcomeForm(
        request.POST if request.method == "POST" else None,
        people=people,
        initial={"present": selectors.talk_people_ids(assessment, pa.trajectory)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            settled = signoff.assessment_outcome_record(
                assessment,
                actor=me,
                judgement=form.cleaned_data["judgement"],
                note=form.cleaned_data["note"],
                present=list(form.cleaned_data["present"]),
            )
        except StaleStep as exc:
            messages.error(request, str(exc))
            return _back(pa)
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _done_message(pa, settled.outcome))
            return _back(pa)
    return render(
        request,
        "trajectories/signoff_outcome.html",
        {
            "assessment": assessment,
            "pa": pa,
            "form": form,
            "talk": assessment.talk,
            "talk_to_come": assessment.talk is not None and assessment.talk.planned_at > timezone.now(),
            "week": selectors.week_of(pa),
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
    except Refused as exc:
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
            raise Refused(_("Kies het niveau waarop de skill wordt afgerond."))
        signoff.skill_close(chosen, actor=me, level=level)
    except Refused as exc:
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
        except Refused as exc:
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
        except (Refused, StaleStep) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Het WPO-traject van %(name)s is gestopt.") % {"name": trajectory.participant.name}
            )
            return redirect("trajectories:trajectory_detail", trajectory_id=trajectory.pk)
    else:
        messages.error(request, _("Schrijf op waarom het WPO-traject stopt."))
    return redirect("trajectories:trajectory_close", trajectory_id=trajectory.pk)
