"""Content editors: edit every part of an assignment with a preview, publish a new version;
organisations add skills of their own in the same structure."""

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused
from wpo.orgs import access
from wpo.orgs.permissions import Ability

from .. import access as curriculum_access
from ..forms import AssignmentForm, SkillForm, SubSkillForm
from ..models import Skill
from ..services import PublishRefused, assignment_check, assignment_publish, skill_save, store_video
from ..wording import fill_content

editor_only = access.ability_required(Ability.EDIT_CURRICULUM)


@editor_only
def assignment_edit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    me = access.person_of(request)
    assignment = curriculum_access.access_assignment_for_editing(me, assignment_id)
    skill = assignment.subskill.skill
    current = assignment.current_version
    context: dict[str, Any] = {
        "assignment": assignment,
        "skill": skill,
        "level": assignment.level,
        "current": current,
        "version": current,
    }
    if request.method != "POST":
        form = AssignmentForm(initial=AssignmentForm.initial_from(current.content) if current else {})
        return render(request, "curriculum/assignment_edit.html", {**context, "form": form})

    form = AssignmentForm(request.POST, request.FILES)
    if form.is_valid():
        content = {
            **form.to_content(),
            "skill": skill.code,
            "subskill": assignment.subskill.number,
            "level": assignment.level,
        }
        kept_video = current.content.get("video", {}).get("file") if current else None
        if kept_video and not form.cleaned_data["remove_video"]:
            content["video"]["file"] = kept_video
        upload = form.cleaned_data["video_file"]
        if request.POST.get("action") == "publish":
            _checked, problems, _score = assignment_check(content)
            stored = store_video(upload) if upload and not problems else None
            if stored:
                content["video"]["file"] = stored
            try:
                version = assignment_publish(assignment=assignment, content=content, actor=me)
            except PublishRefused as exc:
                if stored:
                    default_storage.delete(stored)
                form.add_problems(exc.problems)
            else:
                messages.success(
                    request,
                    _("Versie %(n)d van ‘%(title)s’ is gepubliceerd. Wie al bezig is, houdt de eigen versie.")
                    % {"n": version.number, "title": version.title},
                )
                return redirect("curriculum:assignment_detail", assignment_id=assignment.pk)
        else:
            checked, problems, score = assignment_check(content)
            if problems:
                form.add_problems(problems)
            else:
                context.update(parts=fill_content(checked), reading_ease=score)
    return render(request, "curriculum/assignment_edit.html", {**context, "form": form})


def _skill_forms(request: HttpRequest, skill: Skill | None) -> tuple[SkillForm, list[SubSkillForm]]:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    skill_form = SkillForm(data, files, instance=skill)
    existing = {s.number: s for s in skill.subskills.all()} if skill else {}
    sub_forms = []
    for number in (1, 2):
        sub = existing.get(number)
        initial = (
            {
                "name": sub.name,
                "description": sub.description,
                "level_a": sub.level_a,
                "level_b": sub.level_b,
                "level_c": sub.level_c,
            }
            if sub
            else {}
        )
        sub_forms.append(SubSkillForm(data, prefix=f"sub{number}", initial=initial))
    return skill_form, sub_forms


def _skill_page(request: HttpRequest, skill: Skill | None) -> HttpResponse:
    me = access.person_of(request)
    skill_form, sub_forms = _skill_forms(request, skill)
    if request.method == "POST" and skill_form.is_valid() and all(f.is_valid() for f in sub_forms):
        # The owner of the skill is the service's to decide (a national skill stays national).
        instance = skill_form.save(commit=False)
        instance.choice_card_hard = skill_form.cleaned_data["choice_card_hard_text"]
        instance.choice_card_better = skill_form.cleaned_data["choice_card_better_text"]
        if skill_form.cleaned_data["pictogram_file"]:
            instance.pictogram_svg = skill_form.cleaned_data["pictogram_file"]
        clash = curriculum_access.visible_skills(me).filter(code=instance.code).exclude(pk=instance.pk)
        if clash.exists():
            skill_form.add_error("code", _("Deze code wordt al gebruikt. Kies een andere."))
        else:
            try:
                saved = skill_save(
                    skill=instance,
                    subskills=[{"number": n, **f.cleaned_data} for n, f in enumerate(sub_forms, start=1)],
                    actor=me,
                )
            except Refused as exc:
                if hasattr(exc, "error_dict") and "pictogram_svg" in exc.error_dict:
                    skill_form.add_error("pictogram_file", exc.error_dict["pictogram_svg"])
                else:
                    skill_form.add_error(None, exc)
            else:
                messages.success(request, _("Skill ‘%(name)s’ is opgeslagen.") % {"name": saved.name})
                return redirect("curriculum:catalogue")
    return render(
        request,
        "curriculum/skill_form.html",
        {"form": skill_form, "sub_forms": sub_forms, "skill": skill},
    )


@editor_only
def skill_new(request: HttpRequest) -> HttpResponse:
    return _skill_page(request, None)


@editor_only
def skill_edit(request: HttpRequest, skill_id: int) -> HttpResponse:
    skill = curriculum_access.access_skill_for_editing(access.person_of(request), skill_id)
    return _skill_page(request, skill)
