"""The start conversation, guided: the participant's own wishes first, then the choice card."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wpo.curriculum.access import visible_skills
from wpo.lib import ids
from wpo.lib.refusals import Refused
from wpo.orgs import access
from wpo.orgs.models import Department
from wpo.orgs.permissions import Ability

from ..forms import StartForm
from ..selectors import people_to_start, waiting_trajectory
from ..services.start import ChosenSkill, start_conversation_record


@access.ability_required(Ability.GUIDE_PARTICIPANTS)
def start(request: HttpRequest) -> HttpResponse:
    """The start conversation, guided: the participant's own wishes first, then the choice card."""
    me = access.person_of(request)
    skills = list(visible_skills(me))
    initial: dict[str, object] = {"department": me.department_id}
    chosen_id = request.GET.get("deelnemer", "")
    if (chosen_pk := ids.parse_id(chosen_id)) is not None:
        initial["participant"] = chosen_pk
        # Opened from the intake: the conversation starts from what was agreed there.
        waiting = waiting_trajectory(me, chosen_pk)
        if waiting is not None:
            initial.update(department=waiting.department_id, starts_on=waiting.starts_on, ends_on=waiting.ends_on)
    form = StartForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        people=people_to_start(me),
        departments=access.in_org(me, Department),
        skills=skills,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trajectory, started = start_conversation_record(
                trainer=me,
                submission=data["submission"],
                employee=data["participant"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                department=data["department"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                skills=[ChosenSkill(s, own, trainer) for s, own, trainer in form.chosen_skills()],
                first_assignment=data["first_assignment"],
                wish_develop=data["wish_develop"],
                wish_learn=data["wish_learn"],
                finds_hard=data["finds_hard"],
                trainer_sees=data["trainer_sees"],
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            if started:
                messages.success(
                    request,
                    _("Het WPO-traject van %(name)s is gestart. Maak nu de inlogkaart.")
                    % {"name": trajectory.participant.name},
                )
            return redirect("trajectories:trajectory_detail", trajectory_id=trajectory.pk)
    return render(request, "trajectories/start.html", {"form": form})
