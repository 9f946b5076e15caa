"""Open Badges: the participant's "Mijn certificaten", the downloads of a credential, and the public
documents a verifier needs (issuer profile, keys, status list) and the credential offered on the
public check.

The issuer's documents are public by design: they name the organisation and hold public keys and
one bit per credential, nothing about a person. They answer to any site (CORS), so a verifier in a
browser can read them.
"""

import json
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wpo.orgs import access as org_access
from wpo.orgs.permissions import Ability

from . import access, badges, services, throttle
from .badge_image import baked_png
from .dossier import dossier_filename, dossier_pdf
from .models import BadgeCredential, BadgeIssuer
from .pdf import certificate_pdf as cached_certificate_pdf
from .pdf import filename

participant_only = org_access.ability_required(Ability.LEARN)
FORMATS = ("png", "jwt", "json")
JWT_TYPE = "application/vc+jwt"


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# The participant: Mijn certificaten --------------------------------------------------------------


@require_GET
@participant_only
def mine(request: HttpRequest) -> HttpResponse:
    me = org_access.person_of(request)
    certificates = list(
        access.own_certificates(me)
        .prefetch_related("credentials")
        .select_related("organization", "trajectory__trainer__user")
        .order_by("-issued_at", "-id")
    )
    # One consent choice per trajectory that has a certificate (and so a dossier), newest first.
    trajectories = list({c.trajectory_id: c.trajectory for c in certificates}.values())
    given = access.open_dossier_consents(t.pk for t in trajectories)
    consents = [{"trajectory": t, "consent": given.get(t.pk)} for t in trajectories]
    return render(
        request,
        "certificates/mine.html",
        {"certificates": certificates, "consents": consents, "consented": set(given), "several": len(consents) > 1},
    )


@require_GET
@participant_only
def mine_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = access.access_own_certificate(org_access.person_of(request), certificate_id)
    response = HttpResponse(cached_certificate_pdf(certificate, _base_url(request)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(certificate)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@participant_only
def mine_dossier(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The evidence dossier of one of the participant's own certificates (wpo.certificates.dossier)."""
    certificate = access.access_own_certificate(org_access.person_of(request), certificate_id)
    response = HttpResponse(dossier_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier_filename(certificate)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@participant_only
def dossier_consent(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    """The participant gives (``toestemming=ja``) or withdraws (``nee``) consent that their
    werkplekopleider downloads the evidence dossier of this trajectory."""
    me = org_access.person_of(request)
    trajectory = access.access_consent_trajectory(me, trajectory_id)
    choice = request.POST.get("toestemming", "")
    if choice == "ja":
        services.dossier_consent_give(actor=me, trajectory=trajectory)
        messages.success(request, _("Je werkplekopleider mag je bewijsmap nu downloaden."))
    elif choice == "nee":
        services.dossier_consent_withdraw(actor=me, trajectory=trajectory)
        messages.success(request, _("Je werkplekopleider kan je bewijsmap nu niet meer downloaden."))
    else:
        messages.error(request, _("Kies: mag het wel of mag het niet?"))
    return redirect(reverse("certificates:mine") + f"#toestemming-{trajectory.pk}")


def _slug(credential: BadgeCredential) -> str:
    return f"open-badge-{credential.certificate.code.lower()}-{credential.pk}"


def _download(credential: BadgeCredential, fmt: str) -> HttpResponse:
    """The credential as it was signed: ``jwt`` as it is, ``json`` wrapped as a W3C
    ``EnvelopedVerifiableCredential``, ``png`` baked into the badge picture."""
    if fmt not in FORMATS or not credential.jwt:
        raise Http404
    if fmt == "jwt":
        response = HttpResponse(credential.jwt, content_type=JWT_TYPE)
    elif fmt == "json":
        response = HttpResponse(json.dumps(badges.enveloped(credential.jwt), indent=2), content_type="application/json")
    else:
        image = baked_png(
            credential.title, credential.level, credential.certificate.snapshot["organization_name"], credential.jwt
        )
        response = HttpResponse(image, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{_slug(credential)}.{fmt}"'
    return response


@require_GET
@participant_only
def credential_download(request: HttpRequest, credential_id: int, fmt: str) -> HttpResponse:
    credential = access.access_own_credential(org_access.person_of(request), credential_id)
    response = _download(credential, fmt)
    response["Cache-Control"] = "private, no-store"
    return response


# Public by design --------------------------------------------------------------------------------


def _public_json(data: dict[str, Any], content_type: str = "application/json") -> HttpResponse:
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Robots-Tag"] = "noindex"
    return response


def _issuer(public_id: uuid.UUID) -> BadgeIssuer:
    issuer = access.issuer_by_public_id(public_id)
    if issuer is None:
        raise Http404
    return issuer


@require_GET
def badge_issuer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    issuer = _issuer(public_id)
    response = _public_json(badges.issuer_profile(issuer, issuer.organization.name), "application/ld+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def badge_jwks(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    response = _public_json(badges.jwks(_issuer(public_id)), "application/jwk-set+json")
    # Short: a verifier sees a new key soon after a rotation (old keys are never removed).
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def badge_key(request: HttpRequest, public_id: uuid.UUID, thumbprint: str) -> HttpResponse:
    """One public key: a credential's ``kid`` is this address."""
    key = _issuer(public_id).keys.filter(thumbprint=thumbprint).first()
    if key is None:
        raise Http404
    response = _public_json(badges.public_jwk(key), "application/jwk+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
@never_cache
def badge_status(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The signed Bitstring Status List as it is now: a revocation shows from the next request on."""
    issuer = _issuer(public_id)
    revoked = set(
        BadgeCredential.objects.filter(issuer=issuer, revoked_at__isnull=False).values_list("status_index", flat=True)
    )
    response = HttpResponse(badges.status_list_credential(issuer, revoked), content_type=JWT_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@never_cache
def verify_credential(request: HttpRequest, code: str, number: int, fmt: str) -> HttpResponse:
    """The public check offers the certificate's Open Badges to whoever holds its code."""
    if not throttle.lookup_allowed(request):
        return render(request, "certificates/verify_limited.html", status=429)
    credential = access.credential_for_code(code, number)
    if credential is None or code != credential.certificate.display_code:
        raise Http404
    response = _download(credential, fmt)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
