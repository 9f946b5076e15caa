"""Privacy pages: the privacy statement, the export of someone's data, anonymisation, the retention period."""

import logging
import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from wpo.orgs import access as org_access
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability

from . import access, export, services
from .forms import AnonymiseForm, PrivacySettingsForm
from .models import PrivacySettings

log = logging.getLogger(__name__)

admin_only = org_access.ability_required(Ability.MANAGE_PEOPLE)
anyone_logged_in = org_access.ability_required(Ability.USE_APP)


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    """The privacy statement; for someone logged in it names their organisation's retention period."""
    person: Person | None = getattr(request, "person", None)
    context = {
        "person": person,
        "retention_months": services.retention_months(person.organization) if person else None,
    }
    return render(request, "privacy/page.html", context)


@require_safe
@anyone_logged_in
def mine(request: HttpRequest) -> HttpResponse:
    """‘Mijn gegevens’: download your own data."""
    return render(request, "privacy/mine.html", {"me": org_access.person_of(request)})


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@anyone_logged_in
def export_zip(request: HttpRequest, person_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    person = access.access_person_data(me, person_id)
    started = time.perf_counter()
    content = export.export_zip(person, viewer=me)
    log.info("privacy: export zip of %s, %d bytes in %.2fs", person.pk, len(content), time.perf_counter() - started)
    return _download(content, "application/zip", export.file_name(person, "zip"))


@require_safe
@anyone_logged_in
def export_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    person = access.access_person_data(me, person_id)
    return _download(export.export_pdf(person, viewer=me), "application/pdf", export.file_name(person, "pdf"))


@admin_only
def anonymise(request: HttpRequest, person_id: int) -> HttpResponse:
    """Confirm with the participant's name, then remove their personal data for good."""
    me = org_access.person_of(request)
    person = access.access_person_to_anonymise(me, person_id)
    refusal = services.anonymise_refusal(person)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("orgs:person_edit", person_id=person.pk)
    form = AnonymiseForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        name = person.name
        try:
            number = services.person_anonymise(person=person, actor=me)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("De gegevens van %(name)s zijn verwijderd. In overzichten heet deze deelnemer nu %(anonymous)s.")
                % {"name": name, "anonymous": services.anonymous_name(number)},
            )
            return redirect("orgs:people")
    return render(request, "privacy/anonymise.html", {"person": person, "form": form})


@admin_only
def retention(request: HttpRequest) -> HttpResponse:
    me = org_access.person_of(request)
    current = org_access.in_org(me, PrivacySettings).first() or PrivacySettings(organization=me.organization)
    form = PrivacySettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("De bewaartermijn is opgeslagen."))
        return redirect("privacy:retention")
    return render(
        request,
        "privacy/retention.html",
        {"form": form, "due": services.expired_participants(me.organization).count()},
    )
