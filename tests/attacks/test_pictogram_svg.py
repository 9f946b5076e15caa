"""Finding (issue 14, LOW): the pictogram SVG filter was a blocklist, and blocklists are bypassed.

The attack: a content editor uploads a skill pictogram that the old regular expression let through:
``<svg/onload=…>`` (no space before the handler), ``&#106;avascript:`` (an XML entity the parser turns
into ``javascript:``), ``xlink:href="data:…"``, ``<use href="http://…">`` (fetching another file),
or a DOCTYPE declaring entities (the billion laughs, or an entity that spells the script).

The fix: ``wpo.curriculum.svg.sanitise_svg``, an allow-list sanitiser. The file is parsed by
defusedxml (no DTD, no entities, nothing external); anything that runs code or points outside the
file refuses it with a Dutch message; of the rest only a list of drawing elements with geometry and
presentation attributes is written into a new document. The form and the services
(``skill_save``, the curriculum loader) both use it. The tests upload each bypass over HTTP as the
editor would, and check that the shipped pictograms and illustrations still pass, drawing intact.
"""

from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.factories import World
from tests.test_curriculum_editing import skill_data
from wpo.curriculum.models import Skill
from wpo.curriculum.svg import UnsafeSvg, sanitise_svg

pytestmark = pytest.mark.django_db

NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
XHTML = 'xmlns:h="http://www.w3.org/1999/xhtml"'
BYPASSES = {
    "onload without a space": "<svg/onload=alert(1)>",
    "onload without a space, well-formed": f'<svg {NS}><rect/><g/onload="alert(1)"/></svg>',
    "handler in upper case": f'<svg {NS} ONLOAD="alert(1)"><rect width="8" height="8"/></svg>',
    "entity-encoded javascript:": f'<svg {NS}><a href="&#106;avascript:alert(1)"><rect/></a></svg>',
    "entity-encoded javascript: on use": f'<svg {NS} {XLINK}><use xlink:href="&#x6A;avascript:alert(1)"/></svg>',
    "xlink:href to data:": f'<svg {NS} {XLINK}><use xlink:href="data:image/svg+xml;base64,PHN2Zy8+"/></svg>',
    "image with data:": f'<svg {NS}><image href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/></svg>',
    "use href to another site": f'<svg {NS}><use href="http://evil.example/x.svg#a"/></svg>',
    "DOCTYPE with entities": (
        f'<!DOCTYPE svg [<!ENTITY js "javascript:alert(1)">]><svg {NS}><a href="&js;"><rect/></a></svg>'
    ),
    "billion laughs": (
        '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f"<svg {NS}><title>&b;</title></svg>"
    ),
    "external entity": f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg {NS}><title>&x;</title></svg>',
    "script element": f"<svg {NS}><script>alert(1)</script></svg>",
    "script in another namespace": f"<svg {NS}><h:script {XHTML}>alert(1)</h:script></svg>",
    "foreignObject": f'<svg {NS}><foreignObject><h:iframe {XHTML} src="javascript:1"/></foreignObject></svg>',
    "set with an event": f'<svg {NS}><set attributeName="onmouseover" to="alert(1)"/><rect onclick="alert(1)"/></svg>',
}


@pytest.mark.parametrize("name", list(BYPASSES))
def test_a_known_bypass_is_refused_over_http(name: str, client: Client, world: World) -> None:
    login(client, world.content_editor)
    upload = SimpleUploadedFile("p.svg", BYPASSES[name].encode(), "image/svg+xml")
    response = client.post(reverse("curriculum:skill_new"), skill_data(pictogram_file=upload))
    assert response.status_code == 200  # the form again, with the message
    body = response.content.decode()
    assert any(
        message in body
        for message in (
            "Een pictogram mag geen scripts bevatten",
            "Een pictogram mag niet verwijzen naar andere bestanden of adressen",
            "Een pictogram mag geen DOCTYPE of entiteiten bevatten",
            "Dit is geen SVG-bestand",
        )
    ), body
    assert not Skill.objects.filter(code="veilig-werken").exists()


def test_an_edited_skill_keeps_its_old_pictogram_when_the_new_one_is_refused(client: Client, world: World) -> None:
    before = world.skill.pictogram_svg
    login(client, world.content_editor)
    upload = SimpleUploadedFile("p.svg", BYPASSES["xlink:href to data:"].encode(), "image/svg+xml")
    client.post(reverse("curriculum:skill_edit", args=[world.skill.pk]), skill_data(pictogram_file=upload))
    world.skill.refresh_from_db()
    assert world.skill.pictogram_svg == before


def test_what_is_stored_holds_only_the_drawing(client: Client, world: World) -> None:
    """Harmless extras an editor's drawing program writes are dropped; the drawing stays."""
    drawing = (
        f'<?xml version="1.0"?><svg {NS} {XLINK} xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        'viewBox="0 0 10 10" inkscape:version="1.3"><metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        '22-rdf-syntax-ns#"/></metadata><style>rect { fill: url(http://evil.example/x) }</style>'
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>'
        '<rect id="r" width="10" height="10" fill="url(#g)" style="stroke:#000;behavior:url(x.htc)"/>'
        '<use xlink:href="#r" x="1"/><circle cx="5" cy="5" r="2" fill="url(http://evil.example/p)"/></svg>'
    )
    login(client, world.content_editor)
    upload = SimpleUploadedFile("p.svg", drawing.encode(), "image/svg+xml")
    response = client.post(reverse("curriculum:skill_new"), skill_data(pictogram_file=upload), follow=True)
    assert "is opgeslagen" in response.content.decode()
    stored = Skill.objects.get(code="veilig-werken").pictogram_svg
    for gone in ("metadata", "style", "inkscape", "evil.example", "behavior", "<?xml"):
        assert gone not in stored
    for kept in ('fill="url(#g)"', 'stroke="#000"', 'href="#r"', "<linearGradient", "<circle", 'viewBox="0 0 10 10"'):
        assert kept in stored
    assert sanitise_svg(stored) == stored
    served = client.get(reverse("curriculum:pictogram", args=[Skill.objects.get(code="veilig-werken").pk]))
    assert served.content.decode() == stored


def _drawing(element: Element) -> list[tuple[str, dict[str, str], str]]:
    return [(e.tag, dict(e.attrib), (e.text or "").strip()) for e in element.iter()]


SHIPPED = sorted((Path(settings.CONTENT_DIR) / "pictograms").glob("*.svg")) + sorted(
    (Path(settings.CONTENT_DIR) / "illustrations").glob("*.svg")
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_shipped_pictures_pass_with_their_drawing_unchanged(path: Path) -> None:
    original = path.read_text(encoding="utf-8")
    cleaned = sanitise_svg(original)
    # Same elements, attributes and titles in the same order: it looks the same.
    assert _drawing(fromstring(cleaned)) == _drawing(fromstring(original))
    assert sanitise_svg(cleaned) == cleaned


def test_not_an_svg_is_refused() -> None:
    for text in ("geen plaatje", "<html><body/></html>", f"<svg {NS}><rect>", ""):
        with pytest.raises(UnsafeSvg):
            sanitise_svg(text)


def test_a_clipping_shape_stays_inside_the_file() -> None:
    # A clip path is a drawing (the rounded corners of an illustration); it may only point inside the file.
    drawing = (
        f'<svg {NS} viewBox="0 0 10 10"><clipPath id="c"><rect width="10" height="10" rx="2"/></clipPath>'
        '<g clip-path="url(#c)"><circle r="9"/></g><g clip-path="url(https://evil.example/x.svg#c)"><rect/></g>'
        '<rect style="clip-path: url(http://evil.example/)"/></svg>'
    )
    cleaned = sanitise_svg(drawing)
    assert '<clipPath id="c">' in cleaned and '<g clip-path="url(#c)">' in cleaned
    assert "evil.example" not in cleaned and sanitise_svg(cleaned) == cleaned
