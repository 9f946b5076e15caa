"""The problem log: raise a problem, the lists per role, one problem with its timeline, and the
changes of status and comments on it. The rules of the life of a problem are in ``workflow``."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from wpo.lib import ids
from wpo.lib.refusals import Refused
from wpo.orgs import access
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory, may, may_on

from .. import access as followup_access
from .. import selectors, workflow
from ..forms import CommentForm, ProblemChangeForm, ProblemFilterForm, RaiseProblemForm
from ..models import Problem, ProblemEvent, ProblemStatus, Urgency
from ..workflow import StaleProblem, Transition, WrongRole

S = ProblemStatus
readers = access.ability_required(Ability.READ_PROBLEMS)
raisers = access.ability_required(Ability.RAISE_PROBLEMS)
# Who may change which status is the workflow's (coach or project manager, per transition).
changers = access.ability_required(Ability.READ_PROBLEMS)

PAGE_SIZE = 25
UNSOLVED = [S.OPEN, S.IN_PROGRESS, S.ESCALATED, S.ANSWERED]

# How the timeline tells each change, by the status it went to (and from, for "back").
EVENT_TEXT = {
    "raised": gettext_lazy("%(name)s meldde het probleem"),
    "comment": gettext_lazy("%(name)s reageerde"),
    S.IN_PROGRESS: gettext_lazy("%(name)s pakte het op"),
    "back": gettext_lazy("%(name)s zette het terug naar ‘in behandeling’"),
    S.ESCALATED: gettext_lazy("%(name)s legde het voor aan de projectmanager"),
    S.ANSWERED: gettext_lazy("%(name)s gaf antwoord"),
    S.SOLVED: gettext_lazy("%(name)s sloot het af: opgelost"),
}


def _event_text(event: ProblemEvent) -> str:
    if event.is_raised:
        key: str = "raised"
    elif event.is_comment:
        key = "comment"
    elif event.to_status == S.IN_PROGRESS and event.from_status == S.ANSWERED:
        key = "back"
    else:
        key = event.to_status
    return str(EVENT_TEXT[key]) % {"name": event.actor.name}


# Lists -----------------------------------------------------------------------------------------


@require_safe
@readers
def problems(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    at_turn = workflow.statuses_at_turn(me)
    form = ProblemFilterForm(request.GET or None, waits=bool(at_turn))
    waiting = followup_access.problems_waiting_for(me)
    words: list[str] = []
    chosen = ""
    if form.is_valid():
        words, chosen = form.cleaned_data["q"].split(), form.cleaned_data["status"]
    qs = selectors.problem_list_page(me, words=words, status=chosen, at_turn=at_turn)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = {k: request.GET.get(k, "") for k in ("q", "status") if request.GET.get(k)}
    return render(
        request,
        "followup/problems.html",
        {
            "form": form,
            "page": page,
            "page_query": urlencode(query),
            "filtered": bool(query),
            "waiting_count": waiting.count(),
            "may_raise": may(me, Ability.RAISE_PROBLEMS),
            "raises_but_does_not_handle": may(me, Ability.RAISE_PROBLEMS) and not may(me, Ability.HANDLE_PROBLEMS),
        },
    )


# Raise ---------------------------------------------------------------------------------------


@raisers
def problem_raise(request: HttpRequest) -> HttpResponse:
    """A werkplekopleider or coach raises a problem; ``?traject=<id>`` chooses the participant."""
    me = access.person_of(request)
    trajectories = followup_access.raisable_trajectories(me)
    departments = followup_access.raisable_departments(me)
    initial: dict[str, Any] = {"urgency": Urgency.NORMAL.value}
    chosen = request.GET.get("traject", "")
    if chosen:
        trajectory_id = ids.parse_id(chosen)
        if trajectory_id is None:
            raise Http404
        trajectory = access.get_in_org(trajectories, pk=trajectory_id)
        initial.update(trajectory=trajectory.pk, department=trajectory.department_id)
    elif me.department_id is not None and departments.filter(pk=me.department_id).exists():
        initial["department"] = me.department_id
    form = RaiseProblemForm(
        request.POST if request.method == "POST" else None,
        trajectories=trajectories,
        departments=departments,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                problem = workflow.raise_problem(
                    actor=me,
                    title=data["title"],
                    description=data["description"],
                    urgency=data["urgency"],
                    trajectory=data["trajectory"],
                    department=data["department"],
                )
            except Refused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Het probleem is gemeld. De coach ziet het nu in de lijst."))
                return redirect("followup:problem_detail", problem.pk)
        status = 400
    return render(request, "followup/problem_raise.html", {"form": form}, status=status)


# One problem ---------------------------------------------------------------------------------


@dataclass
class ActionBox:
    """One possible change on the problem's page, with what was typed when it was refused."""

    transition: Transition
    text: str = ""
    error: str = ""

    @property
    def target(self) -> str:
        return str(self.transition.target)


def _may_link_trajectory(me: Person, problem: Problem) -> bool:
    trajectory = problem.trajectory
    if trajectory is None:
        return False
    return may_on(me, OnTrajectory.VIEW, trajectory)


def _render_problem(
    request: HttpRequest,
    me: Person,
    problem: Problem,
    *,
    refused: tuple[str, str, str] | None = None,
    comment_form: CommentForm | None = None,
    alert: str = "",
    status: int = 200,
) -> HttpResponse:
    boxes = [ActionBox(t) for t in workflow.transitions_for(me, problem)]
    if refused is not None:
        target, text, error = refused
        for box in boxes:
            if box.target == target:
                box.text, box.error = text, error
                break
        else:
            alert = alert or error
    events = list(problem.events.all())
    solution = next((e.text for e in reversed(events) if e.to_status == S.SOLVED and not e.is_comment), "")
    # While the project manager is involved, their question and answer stand above the buttons.
    question = answer = ""
    if problem.status in (S.ESCALATED, S.ANSWERED):
        question = next((e.text for e in reversed(events) if e.to_status == S.ESCALATED and not e.is_comment), "")
    if problem.status == S.ANSWERED:
        answer = next((e.text for e in reversed(events) if e.to_status == S.ANSWERED and not e.is_comment), "")
    at_turn = workflow.statuses_at_turn(me)
    return render(
        request,
        "followup/problem_detail.html",
        {
            "problem": problem,
            "boxes": boxes,
            "timeline": [{"event": e, "text": _event_text(e)} for e in events],
            "solution": solution if problem.is_solved else "",
            "question": question,
            "answer": answer,
            "comment_form": comment_form or CommentForm(),
            "my_turn": problem.status in at_turn,
            "link_trajectory": _may_link_trajectory(me, problem),
            "alert": alert,
        },
        status=status,
    )


@require_safe
@readers
def problem_detail(request: HttpRequest, problem_id: int) -> HttpResponse:
    me = access.person_of(request)
    return _render_problem(request, me, followup_access.access_problem(me, problem_id))


MESSAGES = {
    S.IN_PROGRESS: gettext_lazy("Je hebt het probleem opgepakt."),
    S.ESCALATED: gettext_lazy("Het probleem ligt nu bij de projectmanager."),
    S.ANSWERED: gettext_lazy("Je antwoord is verstuurd. De coach ziet het nu."),
    S.SOLVED: gettext_lazy("Het probleem is opgelost en afgesloten."),
}


@require_POST
@changers
def problem_change(request: HttpRequest, problem_id: int) -> HttpResponse:
    me = access.person_of(request)
    problem = followup_access.access_problem_to_change(me, problem_id)
    form = ProblemChangeForm(request.POST)
    if not form.is_valid():
        return _render_problem(
            request, me, problem, alert=_("Dit verzoek klopt niet. Laad de pagina opnieuw."), status=400
        )
    data = form.cleaned_data
    try:
        event = workflow.change_status(
            problem,
            data["to"],
            actor=me,
            expected_status=data["expected_status"],
            expected_version=data["expected_version"],
            text=data["text"],
        )
    except Refused as exc:
        status = 409 if isinstance(exc, StaleProblem) else 403 if isinstance(exc, WrongRole) else 400
        fresh = followup_access.access_problem(me, problem_id)
        return _render_problem(request, me, fresh, refused=(data["to"], data["text"], str(exc)), status=status)
    text = MESSAGES.get(S(event.to_status), _("Het probleem is bijgewerkt."))
    if event.from_status == S.ANSWERED and event.to_status == S.IN_PROGRESS:
        text = _("Het probleem staat weer op ‘in behandeling’.")
    messages.success(request, str(text))
    return redirect("followup:problem_detail", problem.pk)


@require_POST
@readers
def problem_comment(request: HttpRequest, problem_id: int) -> HttpResponse:
    me = access.person_of(request)
    problem = followup_access.access_problem(me, problem_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            workflow.comment(problem, actor=me, text=form.cleaned_data["text"])
        except Refused as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(request, _("Je reactie staat erbij."))
            return redirect(reverse("followup:problem_detail", args=[problem.pk]) + "#geschiedenis")
    return _render_problem(request, me, problem, comment_form=form, status=400)
