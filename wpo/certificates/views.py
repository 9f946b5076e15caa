"""Certificates: the staff list and detail, downloads, revoking, the print batch, and the public check."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wpo.lib import ids
from wpo.lib.refusals import Refused
from wpo.orgs import access as org_access
from wpo.orgs.permissions import Ability, OnTrajectory

from . import access, selectors, throttle
from .dossier import dossier_filename, dossier_pdf
from .forms import BatchForm, ListFilterForm, RevokeForm, VerifyForm
from .models import Certificate, CertificateBatch
from .pdf import certificate_pdf as cached_certificate_pdf
from .pdf import filename, verification_path
from .services import MAX_BATCH, batch_create, certificate_revoke

staff_only = org_access.ability_required(Ability.MANAGE_CERTIFICATES)
PAGE_SIZE = 50
# The batch page offers the certificates of the last weeks; a closing ceremony follows the closings.
BATCH_WEEKS = (4, 8, 13, 26, 52)
DEFAULT_BATCH_WEEKS = 8


def _base_url(request: HttpRequest) -> str:
    """The address this platform was reached on: QR codes and links on paper point there."""
    return request.build_absolute_uri("/").rstrip("/")


# Staff pages -------------------------------------------------------------------------------------


@staff_only
def certificate_list(request: HttpRequest) -> HttpResponse:
    me = org_access.person_of(request)
    form = ListFilterForm(request.GET)
    query, status = "", ""
    if form.is_valid():
        query, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    qs = selectors.listed_certificates(me, text=query, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    batches = selectors.recent_batches(me)
    return render(
        request,
        "certificates/list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(query or status),
            "page_query": urlencode({k: v for k, v in (("q", query), ("status", status)) if v}),
            "batches": batches,
        },
    )


def _detail(request: HttpRequest, certificate: Certificate, form: RevokeForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "snapshot": certificate.snapshot,
            "period_start": date.fromisoformat(certificate.snapshot["period_start"]),
            "period_end": date.fromisoformat(certificate.snapshot["period_end"]),
            "form": form,
            "verify_url": _base_url(request) + verification_path(certificate),
        },
        status=status,
    )


@staff_only
def certificate_detail(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = access.access_certificate(org_access.person_of(request), certificate_id)
    return _detail(request, certificate, RevokeForm())


@require_POST
@staff_only
def certificate_revoke_view(request: HttpRequest, certificate_id: int) -> HttpResponse:
    me = org_access.person_of(request)
    certificate = access.access_certificate(me, certificate_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            certificate_revoke(certificate, actor=me, reason=form.cleaned_data["reason"])
        except Refused as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Het certificaat van %(name)s is ingetrokken. De controlepagina zegt dat nu ook.")
                % {"name": certificate.participant_name},
            )
            return redirect("certificates:detail", certificate_id=certificate.pk)
    return _detail(request, certificate, form, status=400)


@org_access.ability_required(Ability.FOLLOW_TRAJECTORIES)
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = access.access_certificate_download(org_access.person_of(request), certificate_id)
    pdf = cached_certificate_pdf(certificate, _base_url(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(certificate)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@org_access.ability_required(OnTrajectory.DOWNLOAD_DOSSIER)
def certificate_dossier(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The evidence dossier for the participant's werkplekopleider, while the participant's consent is
    given: the same PDF the participant downloads (wpo.certificates.dossier)."""
    certificate = access.access_dossier_for_trainer(org_access.person_of(request), certificate_id)
    response = HttpResponse(dossier_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier_filename(certificate)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# The print batch of a closing ceremony -----------------------------------------------------------


def _people_ids(raw: str) -> list[int]:
    """``?personen=1,2,3`` as ids; anything else in the list is ignored."""
    return [number for part in raw.split(",")[:MAX_BATCH] if (number := ids.parse_id(part)) is not None]


@staff_only
def batch_new(request: HttpRequest) -> HttpResponse:
    me = org_access.person_of(request)
    weeks = request.GET.get("weken", "")
    parsed_weeks = ids.parse_id(weeks)
    weeks_shown = parsed_weeks if parsed_weeks in BATCH_WEEKS else DEFAULT_BATCH_WEEKS
    people = _people_ids(request.GET.get("personen", ""))
    # Each named participant's latest valid certificate.
    preselected = selectors.latest_per_participant(me, people) if people else {}
    form = BatchForm(request.POST if request.method == "POST" else None, choices=selectors.printable_certificates(me))
    if request.method == "POST" and form.is_valid():
        try:
            batch = batch_create(actor=me, certificates=form.cleaned_data["certificaten"], base_url=_base_url(request))
        except Refused as exc:
            form.add_error(None, exc)
        else:
            return redirect("certificates:batch_detail", batch_id=batch.pk)
    if request.method == "POST":
        checked = set(ids.parse_ids(",".join(request.POST.getlist("certificaten"))))
    elif people:
        checked = set(preselected.values())
    else:
        checked = None  # everything shown
    shown = selectors.batch_candidates(
        me,
        issued_since=timezone.now() - timedelta(weeks=weeks_shown),
        also=list(preselected.values()) + list(checked or ()),
    )
    return render(
        request,
        "certificates/batch_new.html",
        {
            "form": form,
            "shown": shown,
            "checked": checked if checked is not None else {c.pk for c in shown},
            "weeks_shown": weeks_shown,
            "week_choices": BATCH_WEEKS,
            "people": ",".join(str(p) for p in people),
            "missing": len(people) - len(preselected) if people else 0,
            "limit_reached": len(shown) >= selectors.BATCH_LIST_LIMIT,
            "max_batch": MAX_BATCH,
        },
        status=400 if request.method == "POST" else 200,
    )


def _batch_state(batch: CertificateBatch) -> dict[str, object]:
    if batch.status == CertificateBatch.Status.DONE:
        text = _("%(done)s van %(total)s klaar. De PDF staat klaar.") % {"done": batch.done, "total": batch.total}
    elif batch.status == CertificateBatch.Status.FAILED:
        text = batch.error or _("Het maken van de PDF is mislukt.")
    elif batch.status == CertificateBatch.Status.EXPIRED:
        text = _("De PDF is weggehaald, omdat er echte namen in staan. Heb je hem nog nodig? Maak hem opnieuw.")
    elif batch.status == CertificateBatch.Status.QUEUED and batch.done == 0:
        text = _("Wacht op zijn beurt … 0 van %(total)s klaar") % {"total": batch.total}
    else:
        text = _("%(done)s van %(total)s klaar") % {"done": batch.done, "total": batch.total}
    return {
        "status": batch.status,
        "done": batch.done,
        "total": batch.total,
        "text": text,
        "download_url": reverse("certificates:batch_pdf", args=[batch.pk])
        if batch.status == CertificateBatch.Status.DONE
        else "",
    }


@staff_only
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access.access_batch(org_access.person_of(request), batch_id)
    certificates = list(batch.certificates.order_by("participant_name", "-issued_at", "-id"))
    return render(
        request,
        "certificates/batch_detail.html",
        {"batch": batch, "state": _batch_state(batch), "certificates": certificates},
    )


@never_cache
@staff_only
def batch_status(request: HttpRequest, batch_id: int) -> JsonResponse:
    batch = access.access_batch(org_access.person_of(request), batch_id)
    return JsonResponse(_batch_state(batch))


@staff_only
def batch_pdf(request: HttpRequest, batch_id: int) -> FileResponse:
    batch = access.access_batch(org_access.person_of(request), batch_id)
    if batch.status != CertificateBatch.Status.DONE or not batch.file:
        raise Http404
    day = timezone.localtime(batch.created_at).strftime("%Y-%m-%d")
    response = FileResponse(
        batch.file.open("rb"), as_attachment=True, filename=f"certificaten-{day}.pdf", content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# The public check --------------------------------------------------------------------------------
# Public by design (no login): whoever holds the certificate holds its code. The page shows only
# what confirms the paper: the name, what was achieved, who issued it and when, and whether it
# still holds. The code space (60 bits) makes guessing codes hopeless.


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _too_many_lookups(request: HttpRequest) -> HttpResponse:
    return _public(render(request, "certificates/verify_limited.html", status=429))


@never_cache
def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and not throttle.lookup_allowed(request):
        return _too_many_lookups(request)
    if form.is_bound and form.is_valid():
        certificate = access.certificate_for_code(form.cleaned_data["code"])
        if certificate is not None:
            return redirect("certificates:verify", code=certificate.display_code)
        form.add_error("code", _("Er is geen certificaat met deze code. Kijk of u de code goed hebt overgenomen."))
    return _public(render(request, "certificates/verify_form.html", {"form": form}))


@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if not throttle.lookup_allowed(request):
        return _too_many_lookups(request)
    certificate = access.certificate_for_code(code)
    if certificate is None:
        raise Http404
    if code != certificate.display_code:
        return redirect("certificates:verify", code=certificate.display_code)
    snapshot = certificate.snapshot
    credentials = list(certificate.credentials.select_related("issuer").order_by("id"))
    return _public(
        render(
            request,
            "certificates/verify.html",
            {
                "certificate": certificate,
                "name": snapshot["participant_name"],
                "organization_name": snapshot["organization_name"],
                "skills": snapshot["skills"],
                # Our copies of a forgotten participant's badges are emptied: then there is nothing to offer.
                "credentials": [c for c in credentials if c.jwt],
                "issuer": credentials[0].issuer if credentials else None,
            },
        )
    )
