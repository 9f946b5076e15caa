"""Checking an uploaded e-learning package before a single byte of it is stored.

A package is someone else's zip: it may name files outside its folder (``../``, ``/etc``, ``C:\\``),
hold symbolic links, claim small sizes and unpack to gigabytes, or carry XML that expands itself
("billion laughs"). Everything is read from the zip's directory first and refused with a Dutch
message before extraction; extraction (``extract``) counts the bytes it really writes, so a header
that lies about its size is caught too. The XML is read with defusedxml, which refuses entity
declarations and external references.

Pure Python and Django settings only (no models): the tests call it with zips made in memory.
"""

import hashlib
import posixpath
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused

SCORM_MANIFEST = "imsmanifest.xml"
CMI5_MANIFEST = "cmi5.xml"
# Read in pieces of this size while extracting, so a lying header is caught after at most one piece.
CHUNK = 64 * 1024
# A file that unpacks to less than this is never a bomb, whatever its ratio (an empty CSS file of 20 kB).
RATIO_FLOOR_BYTES = 1024 * 1024


def limits() -> dict[str, int]:
    """The caps, from settings (read when a package is checked, so tests can lower them)."""
    return {
        "upload": settings.PACKAGE_MAX_UPLOAD_BYTES,
        "total": settings.PACKAGE_MAX_TOTAL_BYTES,
        "file": settings.PACKAGE_MAX_FILE_BYTES,
        "files": settings.PACKAGE_MAX_FILES,
        "ratio": settings.PACKAGE_MAX_RATIO,
    }


@dataclass(frozen=True)
class CheckedPackage:
    kind: str  # PackageVersion.Kind: scorm12, scorm2004, cmi5
    schema_version: str
    title: str
    start_path: str  # the launch file, relative to the package root, possibly with ?parameters
    files: tuple[str, ...]
    total_bytes: int
    sha256: str
    activity_id: str = ""  # cmi5: the AU's id (its xAPI activity)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


def safe_member_name(name: str) -> str | None:
    """The member's path if it stays inside the package, else None: no absolute path, no drive,
    no backslash, no ``..`` segment, no control characters."""
    if not name or "\\" in name or "\x00" in name or any(ord(c) < 32 for c in name):
        return None
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = name.split("/")
    if any(part in ("..", ".") for part in parts):
        return None
    normal = posixpath.normpath(name)
    if normal.startswith("..") or normal.startswith("/"):
        return None
    return name


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    # The upper 16 bits are the Unix mode for zips made on Unix; elsewhere they are 0 (no link).
    return stat.S_ISLNK(info.external_attr >> 16)


def open_zip(upload: IO[bytes], size: int) -> zipfile.ZipFile:
    if size > limits()["upload"]:
        raise Refused(
            _("Het bestand is te groot: %(size)s. Het mag hoogstens %(max)s zijn.")
            % {"size": _megabytes(size), "max": _megabytes(limits()["upload"])}
        )
    try:
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refused(
            _("Dit is geen zip-bestand. Exporteer de module als SCORM-pakket (.zip) en probeer het opnieuw.")
        ) from exc


def check_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The files of the package (folders left out), after every check on names, links and sizes."""
    caps = limits()
    infos = archive.infolist()
    files = [i for i in infos if not i.is_dir()]
    if len(files) > caps["files"]:
        raise Refused(
            _("Het pakket heeft te veel bestanden: %(n)d. Het mogen er hoogstens %(max)d zijn.")
            % {"n": len(files), "max": caps["files"]}
        )
    seen: set[str] = set()
    total = 0
    for info in infos:
        if safe_member_name(info.filename) is None:
            raise Refused(
                _(
                    "Het pakket bevat een bestand met een ongeldige plaats: ‘%(name)s’. "
                    "Bestanden moeten in het pakket zelf staan."
                )
                % {"name": info.filename[:120]}
            )
        if _is_symlink(info):
            raise Refused(
                _("Het pakket bevat een snelkoppeling (symbolische link): ‘%(name)s’. Dat is niet toegestaan.")
                % {"name": info.filename[:120]}
            )
        if info.flag_bits & 0x1:
            raise Refused(_("Het pakket is met een wachtwoord beveiligd. Upload een pakket zonder wachtwoord."))
        if info.is_dir():
            continue
        if info.filename.lower() in seen:
            raise Refused(_("Het bestand ‘%(name)s’ staat twee keer in het pakket.") % {"name": info.filename[:120]})
        seen.add(info.filename.lower())
        if info.file_size > caps["file"]:
            raise Refused(
                _("Het bestand ‘%(name)s’ is te groot: %(size)s. Eén bestand mag hoogstens %(max)s zijn.")
                % {"name": info.filename[:120], "size": _megabytes(info.file_size), "max": _megabytes(caps["file"])}
            )
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > caps["ratio"] * max(info.compress_size, 1):
            raise Refused(
                _("Het bestand ‘%(name)s’ wordt bij uitpakken verdacht veel groter. Dit pakket nemen we niet aan.")
                % {"name": info.filename[:120]}
            )
        total += info.file_size
        if total > caps["total"]:
            raise Refused(
                _("Het pakket is uitgepakt te groot. Alles samen mag hoogstens %(max)s zijn.")
                % {"max": _megabytes(caps["total"])}
            )
    if not files:
        raise Refused(_("Het zip-bestand is leeg."))
    return files


def _parse_xml(archive: zipfile.ZipFile, name: str) -> Element:
    info = archive.getinfo(name)
    if info.file_size > 2 * 1024 * 1024:
        raise Refused(_("%(name)s is te groot.") % {"name": name})
    data = b"".join(read_checked(archive, info))
    try:
        return safe_fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise Refused(
            _("%(name)s bevat een DTD of entiteiten. Die lezen we niet; exporteer het pakket opnieuw.") % {"name": name}
        ) from exc
    except (ParseError, ValueError) as exc:
        raise Refused(
            _("%(name)s is geen geldige XML: %(problem)s") % {"name": name, "problem": str(exc)[:200]}
        ) from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child.tag) == name)


def _first(element: Element, name: str) -> Element | None:
    return next(_children(element, name), None)


def _attribute(element: Element, name: str) -> str:
    """An attribute by its local name, whatever namespace prefix the authoring tool used."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return ""


def _text_of(element: Element | None) -> str:
    if element is None:
        return ""
    # <title>Tekst</title> or <title><langstring>Tekst</langstring></title> (cmi5).
    text = (element.text or "").strip()
    if not text:
        for child in element.iter():
            if (child.text or "").strip():
                return (child.text or "").strip()
    return text


def _scorm_version(root: Element) -> tuple[str, str]:
    """(kind, schema version as written) from <metadata><schemaversion>, or from the namespaces."""
    metadata = _first(root, "metadata")
    declared = _text_of(_first(metadata, "schemaversion")) if metadata is not None else ""
    if declared == "1.2":
        return "scorm12", declared
    if declared in ("2004 3rd Edition", "2004 4th Edition"):
        return "scorm2004", declared
    if declared:
        raise Refused(
            _(
                "Deze SCORM-versie kennen we niet: ‘%(version)s’. "
                "Exporteer als SCORM 1.2 of SCORM 2004 (3e of 4e editie)."
            )
            % {"version": declared[:60]}
        )
    namespaces = " ".join([root.tag, *(k for el in root.iter() for k in el.attrib)])
    if "adlcp_rootv1p2" in namespaces or "imscp_rootv1p1p2" in namespaces:
        return "scorm12", "1.2"
    raise Refused(_("In imsmanifest.xml staat niet welke SCORM-versie het is (schemaversion ontbreekt)."))


def _launch_file(start: str, names: set[str]) -> str:
    """The start file, checked: inside the package, and present in the zip."""
    path = start.split("?", 1)[0].split("#", 1)[0]
    if "://" in start or start.startswith("//"):
        raise Refused(
            _("Het startbestand is een adres op internet (%(href)s). Het moet in het pakket staan.")
            % {"href": start[:120]}
        )
    if safe_member_name(path) is None:
        raise Refused(_("Het startbestand heeft een ongeldige plaats: ‘%(href)s’.") % {"href": start[:120]})
    if path not in names:
        raise Refused(
            _("Het startbestand ‘%(href)s’ uit het manifest staat niet in het pakket.") % {"href": path[:120]}
        )
    if not path.lower().endswith((".html", ".htm")):
        raise Refused(_("Het startbestand ‘%(href)s’ is geen webpagina (.html).") % {"href": path[:120]})
    return start


def _check_scorm(archive: zipfile.ZipFile, names: set[str]) -> tuple[str, str, str, str]:
    root = _parse_xml(archive, SCORM_MANIFEST)
    if _local(root.tag) != "manifest":
        raise Refused(_("imsmanifest.xml is geen SCORM-manifest (het begint niet met <manifest>)."))
    kind, schema = _scorm_version(root)
    organizations = _first(root, "organizations")
    resources = _first(root, "resources")
    if organizations is None or resources is None:
        raise Refused(_("In imsmanifest.xml ontbreken de onderdelen ‘organizations’ of ‘resources’."))
    default = _attribute(organizations, "default")
    organization = next(
        (o for o in _children(organizations, "organization") if _attribute(o, "identifier") == default), None
    )
    if organization is None:
        organization = _first(organizations, "organization")
    if organization is None:
        raise Refused(_("In imsmanifest.xml staat geen organisatie van de inhoud (organization)."))
    title = _text_of(_first(organization, "title")) or _("Oefenpakket")
    by_id = {_attribute(r, "identifier"): r for r in _children(resources, "resource")}
    resource = None
    for item in organization.iter():
        if _local(item.tag) == "item" and _attribute(item, "identifierref") in by_id:
            resource = by_id[_attribute(item, "identifierref")]
            break
    if resource is None or not _attribute(resource, "href"):
        raise Refused(_("In imsmanifest.xml staat geen startbestand (een resource met href)."))
    base = _attribute(resources, "base") + _attribute(resource, "base")
    start = _launch_file(base + _attribute(resource, "href"), names)
    return kind, schema, title[:200], start


def _check_cmi5(archive: zipfile.ZipFile, names: set[str]) -> tuple[str, str, str, str, str]:
    root = _parse_xml(archive, CMI5_MANIFEST)
    if _local(root.tag) != "courseStructure":
        raise Refused(_("cmi5.xml is geen cmi5-cursus (het begint niet met <courseStructure>)."))
    units = [el for el in root.iter() if _local(el.tag) == "au"]
    if not units:
        raise Refused(_("In cmi5.xml staat geen les (au) om te starten."))
    url = _text_of(_first(units[0], "url"))
    if not url:
        raise Refused(_("In cmi5.xml staat geen startbestand (url)."))
    activity_id = _attribute(units[0], "id")
    if not activity_id or len(activity_id) > 500:
        raise Refused(_("In cmi5.xml heeft de les (au) geen geldige id."))
    course = _first(root, "course")
    title = _text_of(_first(course, "title")) if course is not None else ""
    return (
        activity_id,
        "cmi5",
        "cmi5",
        (title or _text_of(_first(units[0], "title")) or _("Oefenpakket"))[:200],
        _launch_file(url, names),
    )


def check_package(upload: IO[bytes], size: int) -> CheckedPackage:
    """Every check, in the order a person can fix them; the first problem is refused with its message."""
    archive = open_zip(upload, size)
    with archive:
        files = check_members(archive)
        names = {i.filename for i in files}
        activity_id = ""
        if SCORM_MANIFEST in names:
            kind, schema, title, start = _check_scorm(archive, names)
        elif CMI5_MANIFEST in names:
            activity_id, kind, schema, title, start = _check_cmi5(archive, names)
        elif any(n.endswith("/" + SCORM_MANIFEST) for n in names):
            raise Refused(
                _(
                    "imsmanifest.xml staat in een map. Het moet in de hoofdmap van de zip staan: "
                    "zip de inhoud van de map, niet de map zelf."
                )
            )
        else:
            raise Refused(_("Dit is geen SCORM- of cmi5-pakket: imsmanifest.xml of cmi5.xml ontbreekt."))
    upload.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: upload.read(CHUNK), b""):
        digest.update(block)
    upload.seek(0)
    return CheckedPackage(
        kind=kind,
        schema_version=schema,
        title=title,
        start_path=start,
        files=tuple(sorted(names)),
        total_bytes=sum(i.file_size for i in files),
        sha256=digest.hexdigest(),
        activity_id=activity_id,
    )


def read_checked(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes in pieces, refused as soon as more come out than its header said."""
    written = 0
    try:
        with archive.open(info) as member:
            for block in iter(lambda: member.read(CHUNK), b""):
                written += len(block)
                if written > info.file_size:
                    raise Refused(
                        _("Het bestand ‘%(name)s’ is groter dan het pakket zegt. Dit pakket nemen we niet aan.")
                        % {"name": info.filename[:120]}
                    )
                yield block
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise Refused(
            _("Het bestand ‘%(name)s’ in het pakket is beschadigd of op een onbekende manier ingepakt.")
            % {"name": info.filename[:120]}
        ) from exc


def extract(upload: IO[bytes], save: Callable[[str, Iterator[bytes]], None]) -> None:
    """Every file of an already checked package, through ``save(name, pieces)``."""
    with zipfile.ZipFile(upload) as archive:
        for info in check_members(archive):
            save(info.filename, read_checked(archive, info))
