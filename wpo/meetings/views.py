"""Meetings for the coach and project manager (list, plan, change, cancel, record), and for
everyone invited: their own meetings and the invitation to put in their calendar."""

from datetime import date, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from wpo.intake import selectors as intake_selectors
from wpo.lib.refusals import Refused
from wpo.orgs import access as org_access
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability

from . import access, invitations, services
from .forms import AttendanceForm, MeetingForm
from .kinds import BY_KIND, BY_SLUG, KINDS
from .models import Meeting

planners = org_access.ability_required(Ability.PLAN_MEETINGS)
everyone = org_access.ability_required(Ability.USE_APP)
PAGE_SIZE = 20
# A new meeting is proposed two weeks ahead, in the afternoon.
DEFAULT_DAYS_AHEAD = 14
DEFAULT_TIME = time(13, 30)
# Invitees see their meetings of the last weeks too, to look back at what they attended.
MINE_PAST = timedelta(days=60)


# The list ---------------------------------------------------------------------------------------


def _intervision_status(me: Person) -> dict[str, Any]:
    now = timezone.now()
    start, end = access.quarter_of(now)
    this_quarter = list(
        access.intervisions(me).filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at")[:1]
    )
    local = timezone.localtime(now)
    return {
        "last_held": access.intervisions(me).filter(starts_at__lt=now).order_by("-starts_at").first(),
        "this_quarter": this_quarter[0] if this_quarter else None,
        "quarter": (local.month - 1) // 3 + 1,
        "year": local.year,
    }


@require_safe
@planners
def meeting_list(request: HttpRequest) -> HttpResponse:
    me = org_access.person_of(request)
    now = timezone.now()
    chosen = BY_SLUG.get(request.GET.get("soort", ""))
    meetings = access.meetings_for_planner(me).select_related("department")
    if chosen is not None:
        meetings = meetings.filter(kind=chosen.kind)
    upcoming = list(meetings.filter(starts_at__gte=now).order_by("starts_at"))
    past = Paginator(meetings.filter(starts_at__lt=now).order_by("-starts_at"), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "meetings/list.html",
        {
            "kinds": KINDS,
            "chosen": chosen,
            "upcoming": upcoming,
            "page": past,
            "past": past.object_list,
            "page_query": urlencode({"soort": chosen.slug}) if chosen else "",
            "intervision": _intervision_status(me),
        },
    )


# Plan, change, cancel ---------------------------------------------------------------------------


def _kind_chooser(request: HttpRequest) -> HttpResponse:
    return render(request, "meetings/choose_kind.html", {"kinds": KINDS})


def _working_day(day: date, *, earliest: date, latest: date | None = None) -> date:
    """``day``, or when it falls in a weekend the Monday after (or the Friday before, if Monday is
    too late); the weekend day itself when neither fits between ``earliest`` and ``latest``."""
    for step in (1, -1):
        candidate = day
        while candidate.weekday() >= 5:
            candidate += timedelta(days=step)
        if earliest <= candidate and (latest is None or candidate <= latest):
            return candidate
    return day


def _proposed_day() -> date:
    today = timezone.localdate()
    return _working_day(today + timedelta(days=DEFAULT_DAYS_AHEAD), earliest=today + timedelta(days=1))


def _day_in_this_quarter() -> date:
    """Two weeks ahead, or earlier when the quarter ends sooner (but not before tomorrow)."""
    today = timezone.localdate()
    _start, end = access.quarter_of(timezone.now())
    last_day = timezone.localtime(end).date() - timedelta(days=1)
    tomorrow = today + timedelta(days=1)
    day = max(tomorrow, min(today + timedelta(days=DEFAULT_DAYS_AHEAD), last_day))
    return _working_day(day, earliest=tomorrow, latest=max(last_day, tomorrow))


@require_http_methods(["GET", "POST"])
@planners
def meeting_plan(request: HttpRequest) -> HttpResponse:
    me = org_access.person_of(request)
    defaults = BY_SLUG.get(request.GET.get("soort", ""))
    if defaults is None:
        return _kind_chooser(request)
    initial: dict[str, Any] = {
        "title": str(defaults.title),
        "agenda": str(defaults.agenda),
        "duration_minutes": defaults.duration_minutes,
        "date": _proposed_day(),
        "time": DEFAULT_TIME,
    }
    if defaults.kind == Meeting.Kind.INTERVISION:
        # Intervision is for the werkplekopleiders: all of them are ticked, the coach unticks who not.
        initial["trainers"] = list(access.invitable_trainers(me).values_list("pk", flat=True))
        if request.GET.get("kwartaal") == "dit":
            initial["date"] = _day_in_this_quarter()
    kickoff = defaults.kind == Meeting.Kind.START
    if kickoff:
        # The kick-off invites from the intake's waiting list: everyone on it is ticked, with their trainer.
        initial["interests"] = list(intake_selectors.kickoff_candidates(me).values_list("pk", flat=True))
    form = MeetingForm(request.POST if request.method == "POST" else None, me=me, initial=initial, kickoff=kickoff)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_plan(actor=me, kind=defaults.kind, details=form.details())
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De bijeenkomst is gepland. Wie een e-mailadres heeft, krijgt bericht."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/plan.html", {"form": form, "defaults": defaults, "meeting": None})


@require_http_methods(["GET", "POST"])
@planners
def meeting_change(request: HttpRequest, meeting_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    meeting = access.access_meeting_for_planner(me, meeting_id)
    if meeting.is_cancelled or meeting.has_begun:
        messages.error(request, _("Deze bijeenkomst is afgezegd of al begonnen. Je kunt hem niet meer wijzigen."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    local = timezone.localtime(meeting.starts_at)
    invited = [a.person for a in meeting.attendances.all()]
    initial = {
        "title": meeting.title,
        "date": local.date(),
        "time": local.time(),
        "duration_minutes": meeting.duration_minutes,
        "location": meeting.location,
        "department": meeting.department_id,
        "agenda": meeting.agenda,
        "trainers": [p.pk for p in invited if p.is_trainer],
        "participants": [p.pk for p in invited if p.is_participant and not p.is_trainer],
        "staff": [p.pk for p in invited if not (p.is_trainer or p.is_participant)],
    }
    kickoff = meeting.kind == Meeting.Kind.START
    if kickoff:
        invited_ids = {p.pk for p in invited}
        initial["interests"] = [i.pk for i in intake_selectors.kickoff_candidates(me) if i.employee_id in invited_ids]
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        me=me,
        keep=[p.pk for p in invited],
        initial=initial,
        kickoff=kickoff,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_change(meeting=meeting, actor=me, details=form.details())
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De bijeenkomst is gewijzigd. De genodigden krijgen de nieuwe gegevens."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    defaults = BY_KIND[Meeting.Kind(meeting.kind)]
    return render(request, "meetings/plan.html", {"form": form, "defaults": defaults, "meeting": meeting})


@require_http_methods(["GET", "POST"])
@planners
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET asks to confirm; POST calls the meeting off and mails the cancellation."""
    me = org_access.person_of(request)
    meeting = access.access_meeting_for_planner(me, meeting_id)
    if request.method == "GET" and (meeting.is_cancelled or meeting.has_begun):
        messages.error(request, _("Deze bijeenkomst is al afgezegd of al begonnen."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    if request.method == "POST":
        try:
            services.meeting_cancel(meeting=meeting, actor=me)
        except Refused as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("De bijeenkomst is afgezegd. Wie een e-mailadres heeft, krijgt bericht."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/cancel.html", {"meeting": meeting, **_people_context(meeting)})


# One meeting --------------------------------------------------------------------------------------


def _people_context(meeting: Meeting) -> dict[str, Any]:
    attendances = list(meeting.attendances.all())
    return {
        "attendances": attendances,
        "without_email": [a.person for a in attendances if not a.person.user.email],
    }


def _certificates_url(meeting: Meeting) -> str | None:
    """The batch print of certificates for the participants invited to a closing."""
    if meeting.kind != Meeting.Kind.CLOSING:
        return None
    base = reverse("certificates:batch_new")
    ids = [str(a.person_id) for a in meeting.attendances.all() if a.person.is_participant]
    return f"{base}?personen={','.join(ids)}" if ids else None


@require_safe
@planners
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    meeting = access.access_meeting_for_planner(me, meeting_id)
    attendances = list(meeting.attendances.all())
    counts = {status: sum(1 for a in attendances if a.status == status) for status in ("present", "excused", "absent")}
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            **_people_context(meeting),
            "counts": counts,
            "may_change": not (meeting.is_cancelled or meeting.has_begun),
            "may_record": not meeting.is_cancelled and meeting.has_begun,
            "certificates_url": _certificates_url(meeting),
        },
    )


@require_http_methods(["GET", "POST"])
@planners
def meeting_record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    meeting = access.access_meeting_for_planner(me, meeting_id)
    if meeting.is_cancelled or not meeting.has_begun:
        messages.error(
            request,
            _("Deze bijeenkomst is afgezegd.")
            if meeting.is_cancelled
            else _("Je kunt de aanwezigheid vastleggen zodra de bijeenkomst begonnen is."),
        )
        return redirect("meetings:detail", meeting_id=meeting.pk)
    attendances = list(meeting.attendances.all())
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        attendances=attendances,
        initial={"notes": meeting.notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(
                meeting=meeting, actor=me, statuses=form.statuses(), notes=form.cleaned_data["notes"]
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De aanwezigheid en het verslag zijn bewaard."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/record.html", {"meeting": meeting, "form": form})


# For everyone invited -----------------------------------------------------------------------------


@require_safe
@everyone
def my_meetings(request: HttpRequest) -> HttpResponse:
    me = org_access.person_of(request)
    now = timezone.now()
    mine = access.my_meetings(me).filter(starts_at__gte=now - MINE_PAST)
    return render(
        request,
        "meetings/mine.html",
        {
            "upcoming": list(mine.filter(starts_at__gte=now).order_by("starts_at")),
            "past": list(mine.filter(starts_at__lt=now, cancelled_at__isnull=True).order_by("-starts_at")),
        },
    )


@require_safe
@everyone
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The invitation as an iCalendar file, for the planners and for everyone invited."""
    me = org_access.person_of(request)
    meeting = access.access_meeting_invitation(me, meeting_id)
    page = reverse("meetings:detail", args=[meeting.pk]) if access.may_plan(me) else reverse("meetings:mine")
    url = request.build_absolute_uri(page)
    method = invitations.CANCEL if meeting.is_cancelled else invitations.PUBLISH
    response = HttpResponse(
        invitations.calendar_text(meeting, method, url=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{invitations.filename(meeting)}"'
    response["Cache-Control"] = "private, no-store"
    return response
