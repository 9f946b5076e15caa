"""An organisation's own example beside an assignment: its content editor or administrator sets the
photo and the line; its participants and werkplekopleiders see them (the photo only through here)."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused
from wpo.lib.uploads import content_type_for
from wpo.orgs import access
from wpo.orgs.permissions import Ability

from .. import access as curriculum_access
from ..forms import LocalExampleForm
from ..services import local_example_delete, local_example_save


@access.ability_required(Ability.ADD_LOCAL_EXAMPLES)
def local_example_edit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    me = access.person_of(request)
    assignment = curriculum_access.access_assignment(me, assignment_id)
    example = curriculum_access.local_example(me, assignment)
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            local_example_delete(actor=me, assignment=assignment)
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Jullie eigen voorbeeld is weggehaald."))
        return redirect("curriculum:assignment_detail", assignment_id=assignment.pk)
    if request.method != "POST":
        initial = {"context": example.context, "photo_alt": example.photo_alt} if example else {}
        form = LocalExampleForm(initial=initial)
    else:
        form = LocalExampleForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                local_example_save(
                    actor=me,
                    assignment=assignment,
                    context=data["context"],
                    photo=data["photo"],
                    photo_alt=data["photo_alt"],
                    remove_photo=data["remove_photo"],
                )
            except Refused as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc)
            else:
                messages.success(request, _("Jullie eigen voorbeeld is bewaard."))
                return redirect("curriculum:assignment_detail", assignment_id=assignment.pk)
    return render(
        request,
        "curriculum/local_example.html",
        {"assignment": assignment, "version": assignment.current_version, "example": example, "form": form},
    )


@access.ability_required(Ability.USE_APP)
def local_example_photo(request: HttpRequest, assignment_id: int) -> FileResponse:
    """The photo of the reader's own organisation beside the assignment; no other organisation's."""
    me = access.person_of(request)
    assignment = curriculum_access.access_assignment(me, assignment_id)
    example = curriculum_access.local_example(me, assignment)
    name = example.photo.name if example is not None and example.photo else ""
    if not name or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type_for(name))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
