"""The certificate PDF is rendered once and then served from the cache, until what is printed changes."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wpo.certificates import pdf
from wpo.certificates.models import Certificate

from .conftest import login
from .factories import World, make_certificate

pytestmark = pytest.mark.django_db


def test_the_second_download_is_served_from_the_cache(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.clear()
    certificate = make_certificate(world)
    renders: list[int] = []
    real = pdf.render_certificates

    def counting(certificates: list[Certificate], base_url: str) -> bytes:
        renders.append(certificates[0].pk)
        return real(certificates, base_url)

    monkeypatch.setattr(pdf, "render_certificates", counting)
    login(client, world.coach)
    url = reverse("certificates:pdf", args=[certificate.pk])
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content.startswith(b"%PDF") and first.content == second.content
    assert renders == [certificate.pk]


def test_what_is_printed_is_in_the_key(world: World) -> None:
    certificate = make_certificate(world)
    key = pdf.pdf_cache_key(certificate, "http://testserver")
    assert key.startswith(f"certificate-pdf:{certificate.pk}:")
    assert pdf.pdf_cache_key(certificate, "https://wpo.example") != key  # the QR code holds the address
    certificate.revoked_at = timezone.now()  # printed as "Ingetrokken"
    assert pdf.pdf_cache_key(certificate, "http://testserver") != key
    certificate.revoked_at = None
    certificate.snapshot = {**certificate.snapshot, "participant": "Iemand anders"}
    assert pdf.pdf_cache_key(certificate, "http://testserver") != key
    certificate.refresh_from_db()
    certificate.organization.logo.name = "orgs/logos/nieuw.png"
    assert pdf.pdf_cache_key(certificate, "http://testserver") != key
