"""The certificate PDF is a tagged PDF/UA-1 document: a structure tree in reading order, the language
``nl``, a title shown as the window title, and a text alternative for every picture (logo, seal, QR
code). Read back with pypdf, a different library than the one that wrote it (WeasyPrint)."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from wpo.certificates.pdf import render_certificates, verification_url

from .factories import World, make_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _structure(node: Any, found: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Every structure element under ``node``, depth first (the reading order), as (type, alt)."""
    node = node.get_object()
    if "/S" in node:
        found.append((str(node["/S"]), node.get("/Alt")))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and ("/S" in kid or "/K" in kid):
            _structure(kid, found)
    return found


def test_the_certificate_is_a_tagged_pdf_ua_in_dutch(world: World, media: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (240, 80), (29, 78, 137)).save(out, "PNG")
    world.org.logo.save("logo.png", ContentFile(out.getvalue()))
    # Names as long as in a full test run, where they may wrap in the signature column.
    world.trainer.user.first_name, world.trainer.user.last_name = "Voornaam1040", "Achternaam1040"
    world.trainer.user.save()
    certificate = make_certificate(world)
    pdf = render_certificates([certificate], "http://testserver")
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata is not None and reader.metadata.title == f"Certificaat {world.participant.name}"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp), "no PDF/UA identification in the XMP metadata"
    tree = _structure(root["/StructTreeRoot"], [])
    kinds = [kind for kind, _ in tree]
    assert kinds[0] == "/Document" and "/H1" in kinds and "/H2" in kinds and "/L" in kinds
    assert kinds.index("/H1") < kinds.index("/H2") < kinds.index("/L")
    figures = [alt for kind, alt in tree if kind == "/Figure"]
    assert figures == [
        f"Logo van {world.org.name}",
        "Zegel van Werkplekopleiden",
        f"QR-code naar de controlepagina: {verification_url('http://testserver', certificate)}",
    ]
    # The text comes out in reading order: who, what was learned, who signed, when, how to check.
    # Whitespace evened out: a long name may wrap in its signature column.
    text = " ".join(reader.pages[0].extract_text().split())
    order = [
        "Met trots uitgereikt aan",
        world.participant.name,
        "DIT IS GELEERD OP HET WERK",
        "niveau A",
        world.trainer.name,
        "werkplekopleider",
        "Uitgereikt op",
        "Is dit certificaat echt?",
        certificate.display_code,
    ]
    positions = [text.find(part) for part in order]
    assert -1 not in positions, list(zip(order, positions, strict=True))
    assert positions == sorted(positions)


def test_a_print_batch_is_tagged_too(world: World) -> None:
    certificate = make_certificate(world)
    reader = PdfReader(io.BytesIO(render_certificates([certificate, certificate], "http://testserver")))
    assert len(reader.pages) == 2 and reader.trailer["/Root"]["/Lang"] == "nl"
    assert [kind for kind, _ in _structure(reader.trailer["/Root"]["/StructTreeRoot"], [])].count("/H1") == 2
