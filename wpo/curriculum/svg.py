"""An allow-list sanitiser for SVG pictures that people upload (a skill's pictogram).

The old check was a blocklist of patterns, and blocklists lose: ``<svg/onload=…>`` has no space
before the handler, ``&#106;avascript:`` only becomes ``javascript:`` once an XML parser reads it.
So the file is parsed as XML by defusedxml (no DTD, no entities, nothing external) and a new
document is written from what is known to be harmless: a short list of drawing elements and their
geometry and presentation attributes. Everything else is dropped; anything that can run code or
fetch something (a script, an event handler, ``foreignObject``, a link that does not stay inside the
file) refuses the whole file, so the editor learns why instead of seeing a silently changed picture.
"""

import re
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "path",
        "circle",
        "ellipse",
        "rect",
        "line",
        "polyline",
        "polygon",
        "title",
        "desc",
        "defs",
        "linearGradient",
        "radialGradient",
        "stop",
        "use",
        # A clipping shape (a picture's rounded corners); it can only point inside the file.
        "clipPath",
    }
)
# Elements whose text is part of the picture (its accessible name); other text is whitespace.
TEXT_ELEMENTS = frozenset({"title", "desc"})
# Elements dropped with everything inside them, and the file refused: they run code or hold HTML.
FORBIDDEN_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"})

PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-opacity",
        "opacity",
        "clip-rule",
        "clip-path",
        "stop-color",
        "stop-opacity",
        "visibility",
        "display",
        "color",
    }
)
ATTRIBUTES = PRESENTATION | frozenset(
    {
        "id",
        "viewBox",
        "preserveAspectRatio",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "fx",
        "fy",
        "d",
        "points",
        "transform",
        "offset",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "clipPathUnits",
        "role",
        "aria-label",
        "aria-labelledby",
        "aria-hidden",
        "version",
    }
)
# Elements that may point at another element of the same file (never at anything outside it).
HREF_ELEMENTS = frozenset({"use", "linearGradient", "radialGradient"})
LOCAL_REFERENCE = re.compile(r"#[A-Za-z_][\w.-]*")
LOCAL_URL = re.compile(r"url\(\s*#[A-Za-z_][\w.-]*\s*\)")
MAX_DEPTH = 50


class UnsafeSvg(ValueError):
    """The file is not an SVG we accept; ``str()`` is the Dutch message for the editor."""


def sanitise_svg(text: str) -> str:
    """A new SVG document with only the allowed elements and attributes of ``text``.

    Raises ``UnsafeSvg`` when ``text`` is no SVG, or holds something that runs code or points
    outside the file. The result passes again unchanged (sanitising is idempotent).
    """
    try:
        root = fromstring(text.strip(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise UnsafeSvg(_("Een pictogram mag geen DOCTYPE of entiteiten bevatten.")) from None
    except (ParseError, ValueError):
        raise UnsafeSvg(_("Dit is geen SVG-bestand.")) from None
    if _local_name(root.tag) != "svg" or _namespace(root) not in ("", SVG_NS):
        raise UnsafeSvg(_("Dit is geen SVG-bestand."))
    for element in root.iter():
        _refuse_active_content(element)
    body = _element(root, depth=0)
    assert body is not None  # the root is an svg element, which is always kept
    return body


def _namespace(element: Element) -> str:
    tag = element.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _local_name(name: object) -> str:
    if not isinstance(name, str):  # comments and processing instructions
        return ""
    return name.rsplit("}", 1)[-1]


def _refuse_active_content(element: Element) -> None:
    """Anything that runs code or fetches something refuses the file, wherever it sits (even inside
    an element that would be dropped anyway)."""
    if _local_name(element.tag).lower() in FORBIDDEN_ELEMENTS:
        raise UnsafeSvg(_("Een pictogram mag geen scripts bevatten."))
    for raw_key, raw_value in element.attrib.items():
        key, value = _local_name(raw_key), raw_value.strip()
        if key.lower().startswith("on"):
            raise UnsafeSvg(_("Een pictogram mag geen scripts bevatten."))
        if key == "href" and not LOCAL_REFERENCE.fullmatch(value):
            if re.sub(r"\s", "", value).lower().startswith(("javascript:", "vbscript:")):
                raise UnsafeSvg(_("Een pictogram mag geen scripts bevatten."))
            raise UnsafeSvg(_("Een pictogram mag niet verwijzen naar andere bestanden of adressen."))


def _element(element: Element, depth: int) -> str | None:
    name = _local_name(element.tag)
    if depth > MAX_DEPTH:
        raise UnsafeSvg(_("Dit SVG-bestand is te ingewikkeld."))
    # Other vocabularies (an editor's own metadata, RDF) and unknown elements go, with their content.
    if _namespace(element) not in ("", SVG_NS) or name not in ELEMENTS:
        return None
    attributes = _attributes(element, name)
    if depth == 0:
        attributes = {"xmlns": SVG_NS, **attributes}
    children = [c for c in (_element(child, depth + 1) for child in element) if c is not None]
    text = escape(element.text or "").strip() if name in TEXT_ELEMENTS else ""
    opening = name + "".join(f" {key}={quoteattr(value)}" for key, value in attributes.items())
    if not children and not text:
        return f"<{opening}/>"
    inside = text + ("\n" + "\n".join(children) + "\n" if children else "")
    return f"<{opening}>{inside}</{name}>"


def _attributes(element: Element, name: str) -> dict[str, str]:
    kept: dict[str, str] = {}
    styled: dict[str, str] = {}
    for raw_key, raw_value in element.attrib.items():
        key, value = _local_name(raw_key), raw_value.strip()
        namespace = raw_key[1:].split("}", 1)[0] if raw_key.startswith("{") else ""
        if key == "href" and namespace in ("", XLINK_NS):
            # Only a reference inside the file is left here (``_refuse_active_content``).
            if name in HREF_ELEMENTS and LOCAL_REFERENCE.fullmatch(value):
                kept["href"] = value
            continue
        if namespace:
            continue  # xml:space, an editor's own attributes
        if key == "style":
            styled = _style(value)
            continue
        if key in ATTRIBUTES and _safe_value(value):
            kept[key] = value
    # As in CSS, the style attribute wins over a presentation attribute.
    return {**kept, **styled}


def _style(style: str) -> dict[str, str]:
    """The presentation properties of a ``style`` attribute, as attributes (drawing programs write
    colours there); every other property, and anything that is not a plain value, goes."""
    kept: dict[str, str] = {}
    for declaration in style.split(";"):
        prop, _sep, value = declaration.partition(":")
        prop, value = prop.strip().lower(), value.strip()
        if prop in PRESENTATION and value and _safe_value(value) and not re.search(r"[\\<>{}@]", value):
            kept[prop] = value
    return kept


def _safe_value(value: str) -> bool:
    """A value may point only inside the file (``url(#id)``, for a gradient)."""
    lowered = re.sub(r"\s", "", value).lower()
    without_local = LOCAL_URL.sub("", value)
    return "url(" not in re.sub(r"\s", "", without_local).lower() and "javascript:" not in lowered
