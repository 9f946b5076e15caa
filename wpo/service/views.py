"""The service desk's pages under /servicebeheer/, and the public page behind an invitation's link."""

import json
from pathlib import Path

import django_otp
import segno
from django.apps import apps
from django.contrib import auth, messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wpo.accounts import services as accounts
from wpo.lib.pdf import html_to_pdf
from wpo.lib.refusals import Refused
from wpo.orgs.models import Organization

from . import closing, receipts, selectors, services
from .access import operator_required
from .forms import CloseForm, InvitationPasswordForm, OperatorCodeForm, OrganizationForm, SuspendForm
from .models import OrganizationExport, ServiceEvent, ServiceOperator

RECEIPT_CSS = Path(__file__).resolve().parent / "static" / "service" / "receipt-print.css"
# The login that made the session, recorded by Django; an invitation logs its person in with it.
LOGIN_BACKEND = "wpo.accounts.backends.UsernameOrEmailBackend"
QR_SCALE, QR_BORDER = 5, 4


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return ""


@operator_required()
@require_GET
@never_cache
def organizations(request: HttpRequest, operator: ServiceOperator) -> HttpResponse:
    return render(request, "service/organizations.html", {"rows": selectors.organization_rows()})


@operator_required()
@never_cache
def organization_new(request: HttpRequest, operator: ServiceOperator) -> HttpResponse:
    form = OrganizationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.organization_add(
                operator=operator,
                data=services.NewOrganization(
                    name=data["name"],
                    slug=data["slug"],
                    sector_details=data["sector_details"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    places=data["places"],
                    admin_first_name=data["admin_first_name"],
                    admin_last_name=data["admin_last_name"],
                    admin_email=data["admin_email"],
                ),
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "%(organization)s is toegevoegd. %(name)s krijgt een e-mail met een link om een wachtwoord "
                    "te kiezen. De gebruikersnaam is %(username)s."
                )
                % {
                    "organization": added.organization.name,
                    "name": added.administrator.name,
                    "username": added.administrator.user.username,
                },
            )
            return redirect("service:organizations")
    return render(request, "service/organization_form.html", {"form": form})


@operator_required()
@never_cache
def organization_suspend(request: HttpRequest, organization_id: int, operator: ServiceOperator) -> HttpResponse:
    organization = selectors.organization_for_service(organization_id)
    if organization is None:
        raise Http404
    form = SuspendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_suspend(
                operator=operator, organization_id=organization.pk, reason=form.cleaned_data["reason"]
            )
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(organization)s is geschorst. Niemand van deze organisatie kan nu inloggen.")
                % {"organization": organization.name},
            )
            return redirect("service:organizations")
    return render(request, "service/organization_suspend.html", {"organization": organization, "form": form})


@operator_required()
@require_POST
def organization_reactivate(request: HttpRequest, organization_id: int, operator: ServiceOperator) -> HttpResponse:
    organization = selectors.organization_for_service(organization_id)
    if organization is None:
        raise Http404
    try:
        services.organization_reactivate(operator=operator, organization_id=organization.pk)
    except Refused as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(organization)s is weer actief. De mensen van deze organisatie kunnen weer inloggen.")
            % {"organization": organization.name},
        )
    return redirect("service:organizations")


@operator_required()
@require_POST
def invitation_resend(request: HttpRequest, organization_id: int, operator: ServiceOperator) -> HttpResponse:
    organization = selectors.organization_for_service(organization_id)
    if organization is None:
        raise Http404
    try:
        person = services.invitation_resend(operator=operator, organization_id=organization.pk)
    except Refused as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s krijgt een nieuwe e-mail met een link. De oude link werkt niet meer.") % {"name": person.name},
        )
    return redirect("service:organizations")


# Closing an organisation ----------------------------------------------------------------------


def _organization_or_404(organization_id: int) -> Organization:
    organization = selectors.organization_for_service(organization_id)
    if organization is None:
        raise Http404
    return organization


def _export_state(export: OrganizationExport | None) -> dict[str, object]:
    if export is None:
        return {"status": "none", "done": 0, "total": 0, "text": _("Er is nog geen export."), "download_url": ""}
    if export.status == OrganizationExport.Status.DONE:
        text = _("De export is klaar (%(size)s).") % {"size": filesizeformat(export.size)}
    elif export.status == OrganizationExport.Status.FAILED:
        text = export.error or _("Het maken van de export is mislukt.")
    elif export.status == OrganizationExport.Status.QUEUED:
        text = _("Wacht op zijn beurt …")
    else:
        text = _("%(done)s van %(total)s onderdelen klaar") % {"done": export.done, "total": export.total}
    return {
        "status": export.status,
        "done": export.done,
        "total": export.total,
        "text": text,
        "download_url": reverse("service:export_download", args=[export.organization_id])
        if export.status == OrganizationExport.Status.DONE
        else "",
    }


@operator_required()
@never_cache
def organization_close(request: HttpRequest, organization_id: int, operator: ServiceOperator) -> HttpResponse:
    """Step 1, the export (start, follow, download); step 2, closing with the short name typed."""
    organization = _organization_or_404(organization_id)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            closed = closing.organization_close(
                operator=operator, organization_id=organization.pk, confirmation=form.cleaned_data["confirmation"]
            )
        except Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc)
        else:
            messages.success(
                request,
                _("%(organization)s is gesloten. Alle gegevens en bestanden zijn verwijderd.")
                % {"organization": organization.name},
            )
            return redirect("service:receipt", event_id=closed.event.pk)
    export = closing.latest_export(organization.pk)
    context = {
        "organization": organization,
        "export": export,
        "state": _export_state(export),
        "form": form,
    }
    return render(request, "service/organization_close.html", context, status=400 if form.errors else 200)


@operator_required()
@require_POST
def export_start(request: HttpRequest, organization_id: int, operator: ServiceOperator) -> HttpResponse:
    organization = _organization_or_404(organization_id)
    try:
        closing.export_start(operator=operator, organization_id=organization.pk)
    except Refused as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De export wordt gemaakt. Dat kan even duren."))
    return redirect("service:organization_close", organization_id=organization.pk)


@operator_required()
@require_GET
@never_cache
def export_status(request: HttpRequest, organization_id: int, operator: ServiceOperator) -> JsonResponse:
    organization = _organization_or_404(organization_id)
    return JsonResponse(_export_state(closing.latest_export(organization.pk)))


@operator_required()
@require_GET
@never_cache
def export_download(request: HttpRequest, organization_id: int, operator: ServiceOperator) -> HttpResponseBase:
    organization = _organization_or_404(organization_id)
    export = closing.latest_export(organization.pk)
    if export is None:
        raise Http404
    try:
        export = closing.export_downloaded(operator=operator, export_id=export.pk)
    except Refused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("service:organization_close", organization_id=organization.pk)
    day = timezone.localtime(export.created_at).strftime("%Y-%m-%d")
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"wpo-export-{organization.slug}-{day}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _closed_event(event_id: int) -> ServiceEvent:
    event = ServiceEvent.objects.filter(pk=event_id, kind=ServiceEvent.Kind.CLOSED).exclude(receipt="").first()
    if event is None:
        raise Http404
    return event


def _receipt_context(event: ServiceEvent) -> dict[str, object]:
    content = receipts.verify(event.receipt)
    tables = []
    if content is not None:
        for label, count in dict(content.get("rows") or {}).items():
            try:
                name = str(apps.get_model(label)._meta.verbose_name_plural)
            except (LookupError, ValueError):
                name = label
            tables.append({"label": label, "name": name, "count": count})
    return {"event": event, "receipt": content, "valid": content is not None, "tables": tables}


@operator_required()
@require_GET
@never_cache
def receipt(request: HttpRequest, event_id: int, operator: ServiceOperator) -> HttpResponse:
    """The receipt of a closed organisation, readable and printable, with whether its signature holds."""
    return render(request, "service/receipt.html", _receipt_context(_closed_event(event_id)))


@operator_required()
@require_GET
@never_cache
def receipt_pdf(request: HttpRequest, event_id: int, operator: ServiceOperator) -> HttpResponse:
    """The same receipt as an A4 PDF to send with the export; only while its signature holds."""
    context = _receipt_context(_closed_event(event_id))
    if not context["valid"]:
        raise Http404
    event = _closed_event(event_id)
    context["signature"] = json.loads(event.receipt)["signature"]
    pdf = html_to_pdf(render_to_string("service/receipt_pdf.html", context, request=request), RECEIPT_CSS)
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localtime(event.at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="sluitingsbewijs-{event.pk}-{day}.pdf"'
    return response


@operator_required()
@require_GET
@never_cache
def receipt_json(request: HttpRequest, event_id: int, operator: ServiceOperator) -> HttpResponse:
    event = _closed_event(event_id)
    response = HttpResponse(event.receipt, content_type="application/json; charset=utf-8")
    day = timezone.localtime(event.at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="sluitingsbewijs-{event.pk}-{day}.json"'
    return response


@operator_required()
@require_GET
@never_cache
def log(request: HttpRequest, operator: ServiceOperator) -> HttpResponse:
    return render(request, "service/log.html", {"events": selectors.events()})


@operator_required(verified=False)
@never_cache
def two_factor(request: HttpRequest, operator: ServiceOperator) -> HttpResponse:
    """An operator sets up their authenticator app before any other page of the service desk."""
    user = operator.user
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if accounts.has_two_factor(user):
        # Set up already: type its code (the login did that unless the session is older).
        return redirect(next_url or "service:organizations")
    device = accounts.pending_totp(user)
    form = OperatorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = accounts.operator_two_factor_confirm(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            django_otp.login(request, device)
            services.operator_two_factor_done(operator=operator)
            return render(request, "service/backup_codes.html", {"codes": codes, "next": next_url})
        form.add_error(
            "code",
            _("Deze code klopt niet. Kijk of de tijd op uw telefoon goed staat en typ de code die nu in de app staat."),
        )
    code = segno.make(device.config_url, error="m")
    width, _height = code.symbol_size(scale=QR_SCALE, border=QR_BORDER)
    context = {
        "form": form,
        "qr": code.svg_data_uri(scale=QR_SCALE, border=QR_BORDER),
        "qr_size": width,
        "secret": accounts.secret_in_groups(device),
        "next": next_url,
    }
    return render(request, "service/two_factor.html", context)


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind an invitation's link: choose a password, then set up the second factor.

    Public by design: the token in the address is the secret (only its SHA-256 is stored). A used,
    expired or unknown link changes nothing and says so; nothing on the page names the person but
    their own username.
    """
    found = selectors.invitation_for_token(token)
    state = services.invitation_state(found)
    if state != services.InvitationState.OK or found is None:
        return render(request, "service/invitation_unusable.html", {"state": state}, status=404)
    user = found.user
    form = InvitationPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except Refused as exc:
            form.add_error(None, exc)
        else:
            user.refresh_from_db()
            auth.login(request, user, backend=LOGIN_BACKEND)
            messages.success(
                request,
                _("Uw wachtwoord is opgeslagen. Stel nu de tweestapsverificatie in met een app op uw telefoon."),
            )
            if found.organization_id is None:
                return redirect("service:two_factor")
            return redirect("accounts:two_factor")
    return render(request, "service/invitation.html", {"form": form, "username": user.username})
