"""Content editors: edit every part of an assignment with a preview, publish a new version of an
organisation's own assignment or put a national one in the draft edition; organisations add skills
of their own in the same structure, the method owner's editors national ones in the draft edition."""

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused
from wpo.orgs import access
from wpo.orgs.permissions import Ability, may_edit_editions

from .. import access as curriculum_access
from ..forms import AssignmentForm, SkillForm, SubSkillForm
from ..models import Skill
from ..services import PublishRefused, assignment_check, assignment_save, skill_save, store_video
from ..wording import fill_content

editor_only = access.ability_required(Ability.EDIT_CURRICULUM)


@editor_only
def assignment_edit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    me = access.person_of(request)
    assignment = curriculum_access.access_assignment_for_editing(me, assignment_id)
    skill = assignment.subskill.skill
    current = assignment.current_version
    national = skill.organization_id is None
    # A national assignment already changed in the draft edition is edited from its draft text.
    pending = curriculum_access.draft_version(assignment) if national else None
    editing = pending or current
    context: dict[str, Any] = {
        "assignment": assignment,
        "skill": skill,
        "level": assignment.level,
        "current": current,
        "version": current,
        "national": national,
        "pending": pending,
    }
    if request.method != "POST":
        form = AssignmentForm(initial=AssignmentForm.initial_from(editing.content) if editing else {})
        return render(request, "curriculum/assignment_edit.html", {**context, "form": form})

    form = AssignmentForm(request.POST, request.FILES)
    if form.is_valid():
        content = {
            **form.to_content(),
            "skill": skill.code,
            "subskill": assignment.subskill.number,
            "level": assignment.level,
        }
        kept_video = editing.content.get("video", {}).get("file") if editing else None
        if kept_video and not form.cleaned_data["remove_video"]:
            content["video"]["file"] = kept_video
        upload = form.cleaned_data["video_file"]
        if request.POST.get("action") == "publish":
            _checked, problems, _score = assignment_check(content)
            stored = store_video(upload) if upload and not problems else None
            if stored:
                content["video"]["file"] = stored
            try:
                version = assignment_save(assignment=assignment, content=content, actor=me)
            except PublishRefused as exc:
                if stored:
                    default_storage.delete(stored)
                form.add_problems(exc.problems)
            else:
                if version.edition is not None and version.edition.is_draft:
                    messages.success(
                        request,
                        _(
                            "‘%(title)s’ staat in de concept-editie %(edition)s. Iedereen krijgt de nieuwe tekst "
                            "als de editie gepubliceerd is."
                        )
                        % {"title": version.title, "edition": version.edition.number},
                    )
                    return redirect("curriculum:edition_draft")
                if version == current:
                    messages.success(request, _("Er is niets veranderd."))
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
    national_editor = may_edit_editions(access.person_of(request))
    skill_form = SkillForm(data, files, instance=skill, national_editor=national_editor)
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
        clash = curriculum_access.editable_skills(me).filter(code=instance.code).exclude(pk=instance.pk)
        if clash.exists():
            skill_form.add_error("code", _("Deze code wordt al gebruikt. Kies een andere."))
        else:
            try:
                saved = skill_save(
                    skill=instance,
                    subskills=[{"number": n, **f.cleaned_data} for n, f in enumerate(sub_forms, start=1)],
                    actor=me,
                    national=bool(skill_form.cleaned_data.get("national")),
                )
            except Refused as exc:
                errors = getattr(exc, "error_dict", {})
                if "pictogram_svg" in errors:
                    skill_form.add_error("pictogram_file", errors["pictogram_svg"])
                elif "code" in errors:
                    skill_form.add_error("code", errors["code"])
                else:
                    skill_form.add_error(None, exc)
            else:
                if saved.edition_id is not None and saved.edition.is_draft:  # type: ignore[union-attr]
                    messages.success(
                        request,
                        _(
                            "Skill ‘%(name)s’ staat in de concept-editie %(edition)s. Schrijf nu de 6 opdrachten; "
                            "daarna kan de editie gepubliceerd worden."
                        )
                        % {"name": saved.name, "edition": saved.edition.number},  # type: ignore[union-attr]
                    )
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
