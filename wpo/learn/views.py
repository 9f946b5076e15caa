"""What the participant sees: home, an assignment one screen at a time, look-back and questions.

Every screen works as a plain form post; with htmx only the screen itself is swapped.
"""

from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from wpo.curriculum.selectors import fill_content, fill_trainer, trainer_first_name
from wpo.lib import page_cache
from wpo.lib.refusals import Refused
from wpo.lib.uploads import content_type_for
from wpo.orgs import access
from wpo.orgs import services as org_services
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, OnTrajectory
from wpo.packages.selectors import screen_context as package_screen
from wpo.trajectories import access as trajectory_access
from wpo.trajectories.models import (
    ParticipantAssignment,
    Step,
)
from wpo.trajectories.services.watch_requests import watch_request_ask

from . import home_cache, selectors, services
from .forms import DisplayForm, LookBackQuestionForm, QuestionForConversationForm

participant_only = access.ability_required(Ability.LEARN)
LOOK_BACK_AFTER = timedelta(days=5)


def next_step(pa: ParticipantAssignment) -> dict[str, Any]:
    """The one thing to do now, in plain words, with where to do it."""
    url = reverse("learn:assignment", args=[pa.pk])
    step = Step(pa.step)
    if step == Step.INTRODUCED:
        return {"text": _("Begin met je nieuwe opdracht."), "button": _("Begin"), "url": url}
    if step == Step.PRACTISING:
        return {"text": _("Ga verder met oefenen."), "button": _("Verder oefenen"), "url": url}
    if step == Step.WORKING:
        if timezone.now() - pa.step_since >= LOOK_BACK_AFTER:
            return {
                "text": _("Je week is om. Kijk terug: hoe ging het?"),
                "button": _("Terugkijken"),
                "url": reverse("learn:look_back", args=[pa.pk]),
            }
        return {"text": _("Doe deze week je opdracht op het werk."), "button": _("Bekijk je opdracht"), "url": url}
    if step == Step.LOOKING_BACK:
        return {"text": _("Praat met je werkplekopleider over hoe het ging."), "button": None, "url": url}
    if step == Step.INDEPENDENT:
        return {"text": _("Laat deze week zien dat je het zelf kunt."), "button": None, "url": url}
    if step == Step.ASSESSING:
        return {"text": _("Je werkplekopleider kijkt of je het zelf kunt."), "button": None, "url": url}
    return {"text": "", "button": None, "url": url}


@participant_only
def home(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    main = _home_main(request, me)
    return render(
        request,
        "learn/home.html",
        {
            "main": mark_safe(main["html"]),  # noqa: S308 - our own template's output, escaped when it was rendered
            "has_trajectory": main["has_trajectory"],
            "has_shared": main["has_shared"],
            "question_form": QuestionForConversationForm(),
        },
    )


def _home_main(request: HttpRequest, me: Person) -> dict[str, Any]:
    """The home page's main part, from the cache while nothing on it changed (``home_cache``)."""
    seconds = page_cache.seconds()
    key = home_cache.key_for(me.pk, translation.get_language() or "") if seconds > 0 else None
    found = cache.get(key) if key is not None else None
    if isinstance(found, dict) and {"html", "has_trajectory", "has_shared"} <= set(found):
        return found
    page = selectors.participant_home(me)
    html = render_to_string(
        "learn/home.html#main",
        {
            "current": [{"pa": pa, "next": next_step(pa)} for pa in page.current],
            "achieved": page.achieved,
            "achieved_more": page.achieved_more,
            "skills": page.skills,
            "conversation": page.conversation,
            "shared": page.shared,
            "trajectory": page.trajectory,
        },
        request=request,
    )
    main = {"html": str(html), "has_trajectory": page.trajectory is not None, "has_shared": bool(page.shared)}
    if key is not None:
        cache.set(key, main, timeout=seconds)
    return main


def _content(pa: ParticipantAssignment) -> dict[str, Any]:
    """The assignment's text as this participant reads it: their own werkplekopleider by first name."""
    return fill_content(pa.version.content, trainer_first_name(pa.trajectory.trainer))


def _screen_context(
    pa: ParticipantAssignment, feedback: services.Feedback | None = None, shown: int | None = None
) -> dict[str, Any]:
    """One screen of the assignment: where the participant is, or ``shown`` (a screen the phone keeps
    for offline use, ``?scherm=n``), which moves nothing."""
    parts = _content(pa)
    if feedback is not None:
        feedback = replace(feedback, text=fill_trainer(feedback.text, trainer_first_name(pa.trajectory.trainer)))
    questions = parts.get("questions", [])
    position = pa.practice_position if shown is None else shown
    total = services.screen_count(pa)
    practising = pa.step == Step.PRACTISING or (shown is not None and pa.step == Step.INTRODUCED and shown > 0)
    context: dict[str, Any] = {
        "pa": pa,
        "parts": parts,
        "skill": pa.version.assignment.subskill.skill,
        "level": pa.version.assignment.level,
        "version": pa.version,
        "position": position,
        "screens": total,
        "progress_percent": round(100 * position / max(total - 1, 1) / 10) * 10,
        "feedback": feedback,
        "next": next_step(pa),
        "screen_url": reverse("learn:assignment", args=[pa.pk]),
    }
    # An e-learning package in the practice part (wpo.packages) is played first, until it is done.
    package = package_screen(pa) if practising and position >= 1 else None
    if package is not None:
        context.update(package)
    elif practising and 1 <= position <= len(questions):
        question = questions[position - 1]
        steps = question.get("steps") or []
        options = question.get("options") or []
        context.update(
            screen="question",
            number=position,
            question=question,
            # Shown in a shuffled order, each with its place in the content (what the form posts).
            steps_shown=[(i, steps[i]) for i, _text in services.shuffled_steps(pa, position)],
            options_shown=[{**options[i], "value": i} for i in services.option_order(pa, position)],
        )
    elif practising and position == len(questions) + 1:
        context["screen"] = "summary"
    elif practising and position >= len(questions) + 2:
        context["screen"] = "work_task"
    elif pa.step in (Step.INTRODUCED, Step.PRACTISING):
        context["screen"] = "goal"
    elif pa.step == Step.WORKING:
        context["screen"] = "working"
        watch, now = trajectory_access.latest_watch_request(pa), timezone.now()
        live = watch is not None and watch.is_live(now)
        comes_today = watch is not None and live and watch.comes_today(now)
        context.update(watch=watch, watch_live=live, watch_comes_today=comes_today)
    elif pa.step == Step.ACHIEVED:
        context["screen"] = "achieved"
    else:
        context["screen"] = "waiting"
    return context


def _render_screen(request: HttpRequest, pa: ParticipantAssignment, **extra: Any) -> HttpResponse:
    context = {**_screen_context(pa, extra.pop("feedback", None), extra.pop("shown", None)), **extra}
    template = "learn/_screen.html" if getattr(request, "htmx", False) else "learn/assignment.html"
    return render(request, template, context, status=extra.get("status", 200))


def _own(request: HttpRequest, pa_id: int) -> tuple[Person, ParticipantAssignment]:
    me = access.person_of(request)
    return me, trajectory_access.access_own_assignment(me, pa_id)


def _kept_offline(pa: ParticipantAssignment) -> list[str]:
    """What the phone keeps of this assignment once it was opened online (static/js/sw.js): every
    practice screen, the look-back, and their pictures. The video is not kept (too big for a phone)."""
    base = reverse("learn:assignment", args=[pa.pk])
    urls = [reverse("learn:home"), reverse("curriculum:pictogram", args=[pa.version.assignment.subskill.skill_id])]
    if pa.step in (Step.INTRODUCED, Step.PRACTISING):
        urls += [f"{base}?scherm={n}" for n in range(services.screen_count(pa))]
    if pa.step == Step.WORKING:
        look_back = reverse("learn:look_back", args=[pa.pk])
        urls.append(look_back)
        urls += [f"{look_back}?vraag={n}" for n in range(1, len(pa.version.content.get("look_back", [])) + 1)]
    story = (pa.version.content.get("video") or {}).get("story") or []
    urls += [static(f"illustrations/{scene['picture']}.svg") for scene in story if scene.get("picture")]
    return urls


@participant_only
def assignment(request: HttpRequest, pa_id: int) -> HttpResponse:
    _me, pa = _own(request, pa_id)
    shown: int | None = None
    if pa.step in (Step.INTRODUCED, Step.PRACTISING) and request.GET.get("scherm", "").isdigit():
        shown = min(int(request.GET["scherm"]), services.screen_count(pa) - 1)
    return _render_screen(request, pa, shown=shown, keep=" ".join(_kept_offline(pa)))


def _act(request: HttpRequest, pa: ParticipantAssignment, action: Any) -> HttpResponse:
    try:
        action()
    except Refused as exc:
        return _render_screen(request, pa, error=str(exc))
    if getattr(request, "htmx", False):
        return _render_screen(request, pa)
    return redirect("learn:assignment", pa_id=pa.pk)


@require_POST
@participant_only
def start(request: HttpRequest, pa_id: int) -> HttpResponse:
    me, pa = _own(request, pa_id)
    return _act(request, pa, lambda: services.practice_start(pa, actor=me))


@require_POST
@participant_only
def next_screen(request: HttpRequest, pa_id: int) -> HttpResponse:
    me, pa = _own(request, pa_id)
    return _act(request, pa, lambda: services.practice_next(pa, actor=me))


@require_POST
@participant_only
def previous_screen(request: HttpRequest, pa_id: int) -> HttpResponse:
    me, pa = _own(request, pa_id)
    return _act(request, pa, lambda: services.practice_back(pa, actor=me))


@require_POST
@participant_only
def answer(request: HttpRequest, pa_id: int, number: int) -> HttpResponse:
    me = access.person_of(request)
    pa = trajectory_access.access_own_assignment_to_answer(me, pa_id)
    question = services.questions_of(pa)[number - 1] if 1 <= number <= len(services.questions_of(pa)) else None
    if question is None:
        raise Http404
    raw: Any = request.POST.getlist("position") if question.get("kind") == "order" else request.POST.get("answer")
    key = services.sent_key(request.POST.get("idempotency_key"))
    try:
        feedback = services.practice_answer(pa, number, raw, actor=me, key=key)
    except Refused as exc:
        return _render_screen(request, pa, error=str(exc))
    if feedback.late:
        pa.refresh_from_db()
        return _render_screen(request, pa, notice=_("Je antwoord is bewaard. Het oefenen was al klaar."))
    return _render_screen(request, pa, feedback=feedback)


@require_POST
@participant_only
def work_task_start(request: HttpRequest, pa_id: int) -> HttpResponse:
    me, pa = _own(request, pa_id)
    try:
        services.work_task_start(pa, actor=me)
    except Refused as exc:
        return _render_screen(request, pa, error=str(exc))
    messages.success(request, _("Goed gedaan! Nu ga je deze week aan de slag op het werk."))
    return redirect("learn:home")


def _look_back_number(request: HttpRequest, total: int) -> int | None:
    """The question asked for in ``?vraag=n`` (1-based, within the look-back), or None."""
    raw = request.GET.get("vraag", "")
    return min(max(int(raw), 1), max(total, 1)) if raw.isdigit() else None


@require_POST
@participant_only
def watch_request(request: HttpRequest, pa_id: int) -> HttpResponse:
    """“Kijk je mee?”: ask the werkplekopleider to come and watch, now or today."""
    me, pa = _own(request, pa_id)
    key = services.sent_key(request.POST.get("idempotency_key"))
    when = request.POST.get("when", "")
    return _act(request, pa, lambda: watch_request_ask(pa, actor=me, when=when, key=key))


@participant_only
def look_back(request: HttpRequest, pa_id: int) -> HttpResponse:
    """The look-back, one question per screen (``?vraag=n``): how did it go (three faces), tell about
    it by voice or in writing, and a photo if you like. Each screen keeps its answer at once, so the
    participant who leaves comes back to the first question still open. Works as plain form posts."""
    me, pa = _own(request, pa_id)
    parts = _content(pa)
    questions = parts.get("look_back", [])
    if request.method == "POST" and "vraag" not in request.GET:
        return _look_back_all(request, me, pa, parts, questions)
    given = services.look_back_given(pa)
    number = _look_back_number(request, len(questions)) or services.look_back_position(pa, given)
    record = given.get(number - 1)
    here = reverse("learn:look_back", args=[pa.pk])
    initial = {"feeling": record.feeling, "text": record.text} if record else None
    posted = request.method == "POST"
    form = LookBackQuestionForm(
        request.POST if posted else None, request.FILES if posted else None, prefix=f"v{number - 1}", initial=initial
    )
    error = ""
    if posted and form.is_valid():
        answer = services.LookBackInput(
            feeling=form.cleaned_data["feeling"],
            text=form.cleaned_data["text"],
            photo=form.cleaned_data["photo"],
            voice_note=form.cleaned_data["voice_note"],
        )
        try:
            saved = services.look_back_answer(
                pa, number, answer, actor=me, key=services.sent_key(request.POST.get("idempotency_key"))
            )
        except Refused as exc:
            error = str(exc)
        else:
            if saved.done or (saved.late and number >= len(questions)):
                messages.success(
                    request, _("Dank je! Je werkplekopleider leest je antwoorden. Jullie praten er samen over.")
                )
                return redirect("learn:home")
            if saved.missing is not None:
                messages.error(request, _("Vraag %(n)d heeft nog geen antwoord.") % {"n": saved.missing})
                return redirect(f"{here}?vraag={saved.missing}")
            return redirect(f"{here}?vraag={number + 1}")
    elif posted:
        error = _("Niet alles is goed gegaan. Kijk hieronder.")
    total = len(questions)
    return render(
        request,
        "learn/look_back.html",
        {
            "pa": pa,
            "parts": parts,
            "form": form,
            "error": error,
            "number": number,
            "total": total,
            "question": questions[number - 1] if questions else "",
            "record": record,
            "dots": [{"number": n, "answered": n - 1 in given} for n in range(1, total + 1)],
            "here": here,
            # Every question's screen, kept on the phone so the look-back goes on without internet.
            "keep": " ".join(f"{here}?vraag={n}" for n in range(1, total + 1)),
        },
        status=400 if error else 200,
    )


def _look_back_all(
    request: HttpRequest, me: Person, pa: ParticipantAssignment, parts: dict[str, Any], questions: list[str]
) -> HttpResponse:
    """All answers in one post: what a phone still has queued from the earlier look-back page, all
    questions on one page (fields ``v0-…``, ``v1-…``). Kept so that nothing waiting on a phone is lost."""
    forms = [LookBackQuestionForm(request.POST, request.FILES, prefix=f"v{i}") for i in range(len(questions))]
    error = _("Niet alles is goed gegaan. Kijk hieronder.")
    if all(f.is_valid() for f in forms):
        answers = [
            services.LookBackInput(
                feeling=f.cleaned_data["feeling"],
                text=f.cleaned_data["text"],
                photo=f.cleaned_data["photo"],
                voice_note=f.cleaned_data["voice_note"],
            )
            for f in forms
        ]
        try:
            services.look_back_submit(pa, answers, actor=me, key=services.sent_key(request.POST.get("idempotency_key")))
        except Refused as exc:
            error = str(exc)
        else:
            messages.success(
                request, _("Dank je! Je werkplekopleider leest je antwoorden. Jullie praten er samen over.")
            )
            return redirect("learn:home")
    wrong = next((i for i, f in enumerate(forms) if f.errors), 0)
    total = len(questions)
    return render(
        request,
        "learn/look_back.html",
        {
            "pa": pa,
            "parts": parts,
            "form": forms[wrong] if forms else None,
            "error": error,
            "number": wrong + 1,
            "total": total,
            "question": questions[wrong] if questions else "",
            "record": None,
            "dots": [{"number": n, "answered": False} for n in range(1, total + 1)],
            "here": reverse("learn:look_back", args=[pa.pk]),
        },
        status=400,
    )


@require_POST
@participant_only
def ask(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    trajectory = trajectory_access.access_own_trajectory(me)
    form = QuestionForConversationForm(request.POST, request.FILES)
    if trajectory is None:
        messages.error(request, _("Je hebt nu geen WPO-traject."))
    elif form.is_valid():
        try:
            services.question_ask(
                trajectory,
                actor=me,
                text=form.cleaned_data["text"],
                voice_note=form.cleaned_data["voice_note"],
                key=services.sent_key(request.POST.get("idempotency_key")),
            )
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Je vraag is bewaard. Je bespreekt hem in je volgende gesprek."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("learn:home")


# Not the project manager or the administrator: they follow trajectories but never hold the
# conversation where these are played, and a participant's voice is personal data (the
# administrator's AVG export holds the files when a participant asks for them).
@access.ability_required(OnTrajectory.MEDIA)
def look_back_media(request: HttpRequest, answer_id: int, kind: str) -> FileResponse:
    """A photo or voice note of a look-back answer, only through the access layer."""
    answer_record = trajectory_access.access_look_back_answer(access.person_of(request), answer_id)
    field = {"foto": answer_record.photo, "spraak": answer_record.voice_note}.get(kind)
    name = field.name if field else None
    if not name or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type_for(name))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@participant_only
def display(request: HttpRequest) -> HttpResponse:
    """Bigger text and calm colours with much contrast, remembered for this person on every device."""
    me = access.person_of(request)
    initial = {"large_text": me.large_text, "calm_colours": me.calm_colours}
    form = DisplayForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        org_services.display_set(
            me, actor=me, large_text=form.cleaned_data["large_text"], calm_colours=form.cleaned_data["calm_colours"]
        )
        messages.success(request, _("Bewaard. Zo zie je het nu overal."))
        return redirect("learn:display")
    return render(request, "learn/display.html", {"form": form})


# The participant's app on the phone (progressive web app). Both are the same for everyone and hold
# nothing personal, so they answer without a login: a phone whose session ended still gets the
# service worker's updates. The worker's address sits at /deelnemer/, so its scope is the participant's
# pages and no Service-Worker-Allowed header is needed.
@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(request, "learn/sw.js", content_type="text/javascript; charset=utf-8")
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    home_url = reverse("learn:home")
    return JsonResponse(
        {
            "name": _("WPO - Mijn opdracht"),
            "short_name": _("Mijn opdracht"),
            "description": _("Oefen je opdracht, ook zonder internet."),
            "lang": "nl",
            "dir": "ltr",
            "start_url": home_url,
            "scope": home_url,
            "id": home_url,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1d4e89",
            "icons": [
                {"src": static("icons/wpo.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
                {"src": static("icons/wpo-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
                {"src": static("icons/wpo-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
                {
                    "src": static("icons/wpo-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
