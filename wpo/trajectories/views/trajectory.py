"""The werkplekopleider's list of their participants, and the trajectory page."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wpo.lib.urls import PkUrl
from wpo.orgs import access
from wpo.orgs.permissions import Ability

from .. import access as trajectory_access
from .. import panels, selectors
from ..models import ParticipantAssignment, Phase, Step, Trajectory
from .watch_requests import asked_ago

INDEPENDENCE_WEEK = timedelta(days=selectors.INDEPENDENCE_WEEK_DAYS)


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
    if pa is None and trajectory.phase == Phase.START:
        # Opened from the intake, waiting for the start conversation (the caller links to it).
        return {"urgency": 2, "text": _("Wacht op het startgesprek."), "action": _("Startgesprek voeren"), "url": None}
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
    mine = selectors.my_participants(me)
    now = timezone.now()
    urls = RowUrls()
    start_url = reverse("trajectories:start")
    step_labels = dict(Step.choices)
    rows: list[dict[str, Any]] = []
    for p in mine.participants:
        trajectory = mine.trajectory_of.get(p.pk)
        pa = mine.open_assignment_of.get(p.pk)
        need = needs_me(pa, trajectory, bool(trajectory and trajectory.pk in mine.planned), urls)
        if need["url"] is None:
            need["url"] = f"{start_url}?deelnemer={p.pk}"
        weeks = (now - pa.step_since).days // 7 if pa else None
        rows.append(
            {
                "person": p,
                "trajectory": trajectory,
                "pa": pa,
                "weeks": weeks,
                # The card's texts are put together here rather than by {% blocktranslate %} and
                # get_step_display per card (the same catalogue entries; the template escapes them).
                "step_label": str(step_labels.get(pa.step, pa.step)) if pa else "",
                "weeks_label": _weeks_label(weeks) if weeks is not None else "",
                "card_label": _("Inlogkaart van %(name)s") % {"name": p.user.first_name},
                "need": need,
                # Built here rather than with {% url %} per row: one reverse per pattern, not per row.
                "detail_url": urls.detail(trajectory.pk) if trajectory else None,
                "observe_url": urls.observe(pa.pk) if pa else None,
                "card_url": urls.login_card(p.pk),
            }
        )
    rows.sort(key=lambda r: (int(r["need"]["urgency"]), str(r["person"].name)))
    answer_url = PkUrl("trajectories:watch_request_answer")
    watching = [
        {
            "request": watch,
            "answer_url": answer_url(watch.pk),
            "observe_url": urls.observe(watch.participant_assignment_id),
            "ago": asked_ago(watch, now),
        }
        for watch in trajectory_access.live_watch_requests_for(me, now)
    ]
    return render(request, "trajectories/my_participants.html", {"rows": rows, "watching": watching})


def _weeks_label(weeks: int) -> str:
    return ngettext("%(weeks)s week in deze stap", "%(weeks)s weken in deze stap", weeks) % {"weeks": weeks}


@access.ability_required(Ability.FOLLOW_TRAJECTORIES)
def trajectory_detail(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    me = access.person_of(request)
    trajectory: Trajectory = trajectory_access.access_trajectory(me, trajectory_id)
    page = panels.trajectory_page(me, trajectory)
    return render(request, "trajectories/trajectory_detail.html", {"trajectory": trajectory, "page": page})
