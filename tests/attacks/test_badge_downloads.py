"""An attacker of organisation B, a participant with a badge of their own, tries to download the badges,
certificate and dossier of organisation A's participant by walking the ids next to theirs."""

import pytest
from django.test import Client
from django.urls import reverse

from ..conftest import login
from ..factories import World, make_certificate

pytestmark = pytest.mark.django_db


def test_an_attacker_cannot_walk_credential_ids(client: Client, world: World, other_world: World) -> None:
    """Organisation B's participant with a certificate of their own tries A's credential id next to theirs."""
    theirs = make_certificate(other_world).credentials.get()
    ours = make_certificate(world).credentials.get()
    login(client, other_world.participant)
    assert client.get(reverse("certificates:credential_download", args=[theirs.pk, "jwt"])).status_code == 200
    for pk in (ours.pk, ours.pk + 1, 0):
        for fmt in ("jwt", "json", "png"):
            assert client.get(reverse("certificates:credential_download", args=[pk, fmt])).status_code == 404
    for name in ("certificates:mine_pdf", "certificates:mine_dossier"):
        assert client.get(reverse(name, args=[ours.certificate_id])).status_code == 404
    # Their own page lists only their own badge.
    page = client.get(reverse("certificates:mine")).content.decode()
    assert reverse("certificates:credential_download", args=[theirs.pk, "png"]) in page
    assert reverse("certificates:credential_download", args=[ours.pk, "png"]) not in page
