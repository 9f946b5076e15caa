"""The certificate as an A4 PDF, rendered with WeasyPrint.

As for every PDF (``wpo.lib.pdf``), every picture travels inside the HTML as a ``data:`` URI — the
organisation's logo and the QR code — and the URL fetcher refuses every other protocol, so rendering
never reaches the network or any other file. Everything printed comes from the certificate's frozen
snapshot.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from wpo.lib.pdf import PDF_UA, join_pdf, layout, svg_data_uri
from wpo.lib.uploads import LOGO_TYPES, sniff
from wpo.orgs.models import Organization

from .models import Certificate

logger = logging.getLogger(__name__)

PRINT_CSS = Path(__file__).resolve().parent / "static" / "certificates" / "print.css"


def _seal_svg() -> str:
    """A seal between the signatures: the platform's mark (mountain and sun) in an amber rosette."""
    centres = [(50 + 43 * math.cos(i * math.pi / 12), 50 + 43 * math.sin(i * math.pi / 12)) for i in range(24)]
    petals = "".join(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="6.5"/>' for x, y in centres)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<g fill="#f2a900">{petals}<circle cx="50" cy="50" r="43"/></g>'
        '<circle cx="50" cy="50" r="38" fill="none" stroke="#fff" stroke-width="1.6" stroke-dasharray="2.5 2.5"/>'
        '<circle cx="50" cy="50" r="33" fill="#1d4e89"/>'
        '<path d="M27 62 39 41l9 13 7-9 18 17z" fill="#f2a900"/>'
        '<circle cx="63" cy="37" r="5" fill="#fff"/>'
        "</svg>"
    )


SEAL = svg_data_uri(_seal_svg())


def verification_path(certificate: Certificate) -> str:
    return reverse("certificates:verify", args=[certificate.display_code])


def verification_url(base_url: str, certificate: Certificate) -> str:
    """The absolute address of the public page that confirms this certificate (what the QR code holds)."""
    return base_url.rstrip("/") + verification_path(certificate)


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG ``data:`` URI, 4 px per module. The print stylesheet draws it with
    ``image-rendering: pixelated`` (no interpolation in the PDF), so the modules stay sharp at any
    size; at 10 px per module the PNG cost about 2 ms to make and 4 ms for WeasyPrint to decode and
    compress again, for the same picture."""
    return str(segno.make(url, error="m").png_data_uri(scale=4, border=4, dark="#0b2f5b"))


def logo_data_uri(organization: Organization) -> str:
    """The organisation's logo as a ``data:`` URI, or "" when there is none or it cannot be read."""
    if not organization.logo:
        return ""
    try:
        with organization.logo.open("rb") as handle:
            raw = handle.read()
    except OSError:
        logger.warning("Logo of organisation %s could not be read", organization.pk)
        return ""
    found = sniff(raw[:16], LOGO_TYPES)
    if found is None:
        return ""
    return f"data:{found[1]};base64," + base64.b64encode(raw).decode("ascii")


def _density(skills: list[dict[str, Any]]) -> str:
    """How tightly the list of what was learned is set, so that a certificate stays one page."""
    rows = sum(len(skill["subskills"]) for skill in skills)
    if len(skills) <= 1 and rows <= 2:
        return "roomy"
    if len(skills) <= 2 and rows <= 4:
        return "compact"
    if len(skills) <= 4 and rows <= 8:
        return "tight"
    return "list"


def page_context(certificate: Certificate, base_url: str, logo: str) -> dict[str, Any]:
    snapshot = certificate.snapshot
    density = _density(snapshot["skills"])
    url = verification_url(base_url, certificate)
    issued = timezone.localtime(certificate.issued_at, timezone.get_default_timezone())
    return {
        "certificate": certificate,
        "snapshot": snapshot,
        "skills": snapshot["skills"],
        "density": density,
        # Tight and list set the skills in two columns: the template groups them in rows of two.
        "columns": density in ("tight", "list"),
        "period_start": date.fromisoformat(snapshot["period_start"]),
        "period_end": date.fromisoformat(snapshot["period_end"]),
        "issued_on": issued.date(),
        "logo": logo,
        "seal": SEAL,
        "qr": qr_data_uri(url),
        "verify_url": url,
        "verify_form_url": base_url.rstrip("/") + reverse("certificates:verify_form"),
    }


def _html(certificates: list[Certificate], base_url: str, logos: dict[int, str]) -> str:
    pages = [page_context(c, base_url, logos.get(c.organization_id, "")) for c in certificates]
    return render_to_string("certificates/print/certificates.html", {"pages": pages})


def _logos(certificates: Iterable[Certificate]) -> dict[int, str]:
    logos: dict[int, str] = {}
    for certificate in certificates:
        if certificate.organization_id not in logos:
            logos[certificate.organization_id] = logo_data_uri(certificate.organization)
    return logos


def render_certificates(
    certificates: list[Certificate], base_url: str, progress: Callable[[int], None] | None = None
) -> bytes:
    """One PDF with every certificate, one A4 page each, in the order given.

    Each certificate is laid out on its own, so ``progress`` hears after every one how many are
    done; the pages are then joined into a single document.
    """
    logos = _logos(certificates)
    with translation.override(settings.LANGUAGE_CODE), timezone.override(timezone.get_default_timezone()):
        documents = []
        for number, certificate in enumerate(certificates, start=1):
            documents.append(layout(_html([certificate], base_url, logos), PRINT_CSS))
            if progress is not None:
                progress(number)
    if not documents:
        raise ValueError("no certificates to render")
    # Tagged PDF/UA-1: a screen reader reads it in order, in Dutch, with the pictures described.
    return join_pdf(documents, PDF_UA)


def warm_up() -> None:
    """A tiny certificate-like PDF, rendered once so that a fresh process has imported WeasyPrint and
    segno, loaded the fonts and parsed the print stylesheet before its first real certificate."""
    html = (
        '<html lang="nl"><body><article class="certificate"><div class="frame"><h1>WPO</h1>'
        f'<img src="{qr_data_uri("https://wpo")}" alt="QR"><img src="{SEAL}" alt="Zegel"></div></article></body></html>'
    )
    join_pdf([layout(html, PRINT_CSS)], PDF_UA)


# The rendered PDF of one certificate is cached (Redis in production): WeasyPrint takes about a
# quarter of a second, and a certificate never changes once issued — everything printed comes from
# its frozen snapshot. One entry per certificate, under ``cache_key``, holds the PDF with a stamp: a
# digest of everything that goes into the page (the snapshot, name, code and date, whether it is
# still valid — a revoked one is printed "Ingetrokken" —, the organisation's logo file, the address
# in the QR code, and the print CSS and template), so a revocation, a new logo or a new layout
# renders afresh. One entry, not one per stamp, so that ``evict`` can take a certificate's PDF out
# at once when its participant is anonymised or it is revoked: a cached PDF with the real name
# would otherwise stay up to ``PDF_CACHE_SECONDS``.
PDF_CACHE_SECONDS = 30 * 24 * 3600


def cache_key(certificate_id: int) -> str:
    return f"certificate-pdf:{certificate_id}"


def _layout_digest() -> str:
    template = Path(__file__).resolve().parent / "templates" / "certificates" / "print" / "certificates.html"
    parts = [PRINT_CSS.read_bytes(), template.read_bytes() if template.exists() else b""]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


def pdf_cache_key(certificate: Certificate, base_url: str) -> str:
    printed = {
        "snapshot": certificate.snapshot,
        "name": certificate.participant_name,
        "code": certificate.display_code,
        "issued_at": certificate.issued_at.isoformat(),
        "valid": certificate.is_valid,
        "logo": certificate.organization.logo.name if certificate.organization.logo else "",
        "base_url": base_url,
        "layout": _layout_digest(),
        "language": settings.LANGUAGE_CODE,
    }
    digest = hashlib.sha256(json.dumps(printed, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"{cache_key(certificate.pk)}:{digest}"


def certificate_pdf(certificate: Certificate, base_url: str) -> bytes:
    """The PDF of one certificate, from the cache when it was rendered before."""
    stamp = pdf_cache_key(certificate, base_url)
    cached = cache.get(cache_key(certificate.pk))
    if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == stamp and isinstance(cached[1], bytes):
        return cached[1]
    pdf = render_certificates([certificate], base_url)
    cache.set(cache_key(certificate.pk), (stamp, pdf), PDF_CACHE_SECONDS)
    return pdf


def evict(certificate_ids: Iterable[int]) -> None:
    """Take these certificates' PDFs out of the cache (after an anonymisation or a revocation)."""
    keys = [cache_key(pk) for pk in certificate_ids]
    if keys:
        cache.delete_many(keys)


def filename(certificate: Certificate) -> str:
    from django.utils.text import slugify

    return f"certificaat-{slugify(certificate.participant_name) or 'wpo'}-{certificate.display_code}.pdf"
