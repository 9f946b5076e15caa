"""What the werkplekopleider sees and does: my participants, start a trajectory, introduce an
assignment with its work adaptation, and note an observation in a few taps."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.curriculum.access import visible_skills
from wpo.lib import ids
from wpo.lib.urls import PkUrl
from wpo.orgs import access
from wpo.orgs.models import Department
from wpo.orgs.permissions import Ability, only_participants_filter

from . import access as trajectory_access
from .forms import ObservationForm, StartForm, WorkAdaptationForm
from .models import CoachingConversation, ParticipantAssignment, Step, Trajectory
from .services import ChosenSkill, observation_record, participant_invite, trajectory_start, work_adaptation_record

INDEPENDENCE_WEEK = timedelta(days=7)
trainer_or_coach = access.ability_required(Ability.WORK_ON_TRAJECTORIES)


class RowUrls:
    """The links of the trainer's list, each pattern reversed once per request (PkUrl)."""

    def __init__(self) -> None:
        self.detail = PkUrl("trajectories:trajectory_detail")
        self.introduce = PkUrl("trajectories:introduce")
        self.observe = PkUrl("trajectories:observe")
        self.login_card = PkUrl("accounts:login_card")


def needs_me(
    pa: ParticipantAssignment | None, trajectory: Trajectory | None, planned: bool, urls: RowUrls | None = None
) -> dict[str, Any]:
    """What this participant needs from the trainer now; lower urgency comes first."""
    if trajectory is None:
        return {"urgency": 5, "text": _("Nog geen WPO-traject."), "action": _("Traject starten"), "url": None}
    urls = urls or RowUrls()
    detail = urls.detail(trajectory.pk)
    if pa is None:
        return {"urgency": 2, "text": _("Geen lopende opdracht."), "action": _("Nieuwe opdracht geven"), "url": detail}
    anchor = f"{detail}#opdracht-{pa.pk}"
    waited = timezone.now() - pa.step_since
    if pa.step == Step.ASSESSING:
        return {"urgency": 1, "text": _("Beoordeling vastleggen."), "action": _("Beoordelen"), "url": anchor}
    if pa.step == Step.LOOKING_BACK:
        return {"urgency": 1, "text": _("Terugkijken bespreken."), "action": _("Gesprek voeren"), "url": anchor}
    if pa.step == Step.INDEPENDENT and waited >= INDEPENDENCE_WEEK:
        return {"urgency": 1, "text": _("De zelfstandigheidsweek is om."), "action": _("Beoordelen"), "url": anchor}
    if pa.step == Step.INTRODUCED:
        url = urls.introduce(pa.pk)
        return {"urgency": 2, "text": _("Opdracht uitleggen."), "action": _("Introduceren"), "url": url}
    if pa.step == Step.WORKING and not planned:
        return {"urgency": 3, "text": _("Nog geen gesprek gepland."), "action": _("Gesprek plannen"), "url": detail}
    return {"urgency": 4, "text": _("Loopt goed."), "action": _("Bekijken"), "url": anchor}


@access.ability_required(Ability.GUIDE_PARTICIPANTS)
def my_participants(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    participants = list(
        access.visible_participants(me).filter(trainer_links__trainer=me).order_by("user__first_name").distinct()
    )
    trajectories = {
        t.participant_id: t
        for t in access.in_org(me, Trajectory).filter(participant__in=participants, status=Trajectory.Status.ACTIVE)
    }
    open_pa: dict[int, ParticipantAssignment] = {}
    for open_one in trajectory_access.open_assignments(me).filter(trajectory__in=trajectories.values()):
        open_pa.setdefault(open_one.trajectory.participant_id, open_one)
    planned = set(
        access.in_org(me, CoachingConversation)
        .filter(trajectory__in=trajectories.values(), held_at__isnull=True, planned_at__gte=timezone.now())
        .values_list("trajectory_id", flat=True)
    )
    now = timezone.now()
    urls = RowUrls()
    start_url = reverse("trajectories:start")
    rows: list[dict[str, Any]] = []
    for p in participants:
        trajectory = trajectories.get(p.pk)
        pa = open_pa.get(p.pk)
        need = needs_me(pa, trajectory, bool(trajectory and trajectory.pk in planned), urls)
        if need["url"] is None:
            need["url"] = f"{start_url}?deelnemer={p.pk}"
        rows.append(
            {
                "person": p,
                "trajectory": trajectory,
                "pa": pa,
                "weeks": (now - pa.step_since).days // 7 if pa else None,
                "need": need,
                # Built here rather than with {% url %} per row: one reverse per pattern, not per row.
                "detail_url": urls.detail(trajectory.pk) if trajectory else None,
                "observe_url": urls.observe(pa.pk) if pa else None,
                "card_url": urls.login_card(p.pk),
            }
        )
    rows.sort(key=lambda r: (int(r["need"]["urgency"]), str(r["person"].name)))
    return render(request, "trajectories/my_participants.html", {"rows": rows})


@access.ability_required(Ability.FOLLOW_TRAJECTORIES)
def trajectory_detail(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    me = access.person_of(request)
    trajectory: Trajectory = trajectory_access.access_trajectory(me, trajectory_id)
    return render(request, "trajectories/trajectory_detail.html", {"trajectory": trajectory})


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
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De aanpassing van het werk is vastgelegd."))
            return redirect("trajectories:my_participants")
    return render(
        request,
        "trajectories/introduce.html",
        {
            "pa": pa,
            "parts": pa.version.content,
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
            observation_record(
                pa=pa,
                author=me,
                observed_at=timezone.now(),
                behaviours=data["behaviours"],
                note=data["note"],
                photo=data["photo"],
                went_well=data["went_well"],
                shared_with_participant=data["shared_with_participant"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Observatie bewaard."))
            return redirect("trajectories:my_participants")
    return render(request, "trajectories/observe.html", {"pa": pa, "form": form})
