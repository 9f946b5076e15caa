"""The national curriculum's editions: the list, one edition's release notes with what changed per
assignment (everyone who reads the curriculum; opening it ends the "new edition" notice), and for the
method owner's editors the draft: its number and notes, a preview per changed assignment, publishing."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wpo.lib.refusals import Refused
from wpo.orgs import access
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, may_edit_editions

from .. import access as curriculum_access
from ..diff import assignment_diff
from ..forms import EditionForm
from ..models import AssignmentVersion, Edition
from ..services import draft_assignment_withdraw, edition_draft_update, edition_mark_seen, edition_publish, editions
from ..wording import fill_content

readers = access.ability_required(Ability.READ_CURRICULUM)
editors = access.ability_required(Ability.EDIT_CURRICULUM)


@readers
def edition_list(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    return render(
        request,
        "curriculum/editions.html",
        {
            "editions": list(curriculum_access.published_editions()),
            "draft": editions.current_draft() if may_edit_editions(me) else None,
            "national_editor": may_edit_editions(me),
        },
    )


@readers
def edition_detail(request: HttpRequest, edition_id: int) -> HttpResponse:
    me = access.person_of(request)
    edition = curriculum_access.access_edition(me, edition_id)
    if edition.is_draft:
        return redirect("curriculum:edition_draft")
    edition_mark_seen(person=me, edition=edition)
    return render(
        request,
        "curriculum/edition_detail.html",
        {
            "edition": edition,
            "changes": curriculum_access.edition_changes(edition),
            "new_skills": curriculum_access.edition_new_skills(edition),
        },
    )


def _draft_page(request: HttpRequest, me: Person, draft: Edition | None, form: EditionForm) -> HttpResponse:
    new_skills = curriculum_access.edition_new_skills(draft, with_assignments=True) if draft else []
    return render(
        request,
        "curriculum/edition_draft.html",
        {
            "draft": draft,
            "form": form,
            "changes": curriculum_access.edition_changes(draft) if draft else [],
            "new_skills": new_skills,
            "problems": editions.draft_problems(draft) if draft else [],
        },
    )


@editors
def edition_draft(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    draft = curriculum_access.access_draft_edition(me)
    if request.method != "POST":
        initial = {"number": draft.number, "notes": draft.notes} if draft else {"number": editions.next_number()}
        return _draft_page(request, me, draft, EditionForm(initial=initial))
    form = EditionForm(request.POST)
    if form.is_valid():
        try:
            draft = edition_draft_update(actor=me, number=form.cleaned_data["number"], notes=form.cleaned_data["notes"])
        except Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc)
        else:
            messages.success(request, _("De concept-editie %(number)s is bewaard.") % {"number": draft.number})
            return redirect("curriculum:edition_draft")
    return _draft_page(request, me, draft, form)


@editors
@require_POST
def edition_publish_view(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    draft = curriculum_access.access_draft_edition(me)
    if draft is None:
        messages.error(request, _("Er is geen concept-editie om te publiceren."))
        return redirect("curriculum:edition_draft")
    try:
        published = edition_publish(edition=draft, actor=me)
    except Refused as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("curriculum:edition_draft")
    messages.success(
        request,
        _(
            "Editie %(number)s is gepubliceerd. Nieuwe opdrachten krijgen de nieuwe tekst; wie al bezig is, "
            "houdt de eigen versie."
        )
        % {"number": published.number},
    )
    return redirect("curriculum:edition_detail", edition_id=published.pk)


@editors
def edition_preview(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """What the participant will see of one changed assignment of the draft, beside what changed."""
    me = access.person_of(request)
    assignment, version = curriculum_access.access_draft_version(me, assignment_id)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            draft_assignment_withdraw(assignment=assignment, actor=me)
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("De wijziging is uit de concept-editie gehaald."))
        return redirect("curriculum:edition_draft")
    previous: AssignmentVersion | None = assignment.current_version
    return render(
        request,
        "curriculum/edition_preview.html",
        {
            "assignment": assignment,
            "skill": assignment.subskill.skill,
            "level": assignment.level,
            "draft_version": version,
            "edition": version.edition,
            "previous": previous,
            "fields": assignment_diff(previous.content if previous else None, version.content) if previous else [],
            # The participant's screens, as on paper: "je werkplekopleider" where a name will stand.
            "parts": fill_content(version.content),
            "in_new_skill": assignment.subskill.skill.edition_id == version.edition_id,
        },
    )
