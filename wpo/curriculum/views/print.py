"""Printable PDFs of the curriculum: one assignment, and the skill choice card."""

from django.http import Http404, HttpRequest, HttpResponse

from wpo.orgs import access
from wpo.orgs.permissions import Ability

from .. import access as curriculum_access
from .. import pdf


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@access.ability_required(Ability.READ_CURRICULUM)
def assignment_pdf(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = curriculum_access.access_assignment(access.person_of(request), assignment_id)
    version = assignment.current_version
    if version is None:
        raise Http404
    return pdf_response(pdf.render_assignment(assignment, version), pdf.assignment_filename(assignment))


@access.ability_required(Ability.READ_CURRICULUM)
def choice_card_pdf(request: HttpRequest) -> HttpResponse:
    skills = list(curriculum_access.visible_skills(access.person_of(request)))
    return pdf_response(pdf.render_choice_card(skills), "wpo-skill-keuzekaart.pdf")
