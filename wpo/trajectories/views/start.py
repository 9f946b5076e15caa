"""The start conversation, guided: the participant's own wishes first, then the choice card."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wpo.curriculum.access import visible_skills
from wpo.lib import ids
from wpo.orgs import access
from wpo.orgs.models import Department
from wpo.orgs.permissions import Ability, only_participants_filter

from ..forms import StartForm
from ..models import Trajectory
from ..services.start import ChosenSkill, participant_invite, trajectory_start


@access.ability_required(Ability.GUIDE_PARTICIPANTS)
def start(request: HttpRequest) -> HttpResponse:
    """The start conversation, guided: the participant's own wishes first, then the choice card."""
    me = access.person_of(request)
    busy = access.in_org(me, Trajectory).filter(status=Trajectory.Status.ACTIVE).values("participant_id")
    people = (
        access.people(me)
        .exclude(pk=me.pk)
        .exclude(pk__in=busy)
        .filter(only_participants_filter())
        .order_by("user__first_name")
    )
    skills = list(visible_skills(me))
    initial = {"department": me.department_id}
    chosen_id = request.GET.get("deelnemer", "")
    if (chosen_pk := ids.parse_id(chosen_id)) is not None:
        initial["participant"] = chosen_pk
    form = StartForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        people=people,
        departments=access.in_org(me, Department),
        skills=skills,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            participant = participant_invite(
                trainer=me,
                existing=data["participant"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
            trajectory, _pa = trajectory_start(
                trainer=me,
                participant=participant,
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
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Het WPO-traject van %(name)s is gestart. Maak nu de inlogkaart.") % {"name": participant.name},
            )
            return redirect("trajectories:trajectory_detail", trajectory_id=trajectory.pk)
    return render(request, "trajectories/start.html", {"form": form})
