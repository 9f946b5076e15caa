"""Small e-learning packages made in memory, for the package tests (the journeys use them too)."""

import io
import stat
import zipfile

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="wpo-test" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org1">
    <organization identifier="org1"><title>{title}</title>
      <item identifier="item1" identifierref="res1"><title>{title}</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="{start}"><file href="{start}"/></resource>
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="wpo-test-2004" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>{title}</title>
    <item identifier="i" identifierref="r"><title>{title}</title></item></organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormType="sco" href="{start}"/></resources>
</manifest>
"""

CMI5 = """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.org/course"><title><langstring lang="nl">Cursus</langstring></title>
    <description><langstring lang="nl">x</langstring></description></course>
  <au id="https://example.org/au1"><title><langstring lang="nl">Les</langstring></title>
    <description><langstring lang="nl">x</langstring></description><url>index.html</url></au>
</courseStructure>
"""

PAGE = "<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>Les</title></head><body>Les</body></html>"


def make_zip(files: dict[str, bytes | str], *, symlinks: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def scorm12_zip(title: str = "Overleggen oefenen", start: str = "index.html", **extra: bytes | str) -> bytes:
    files: dict[str, bytes | str] = {"imsmanifest.xml": MANIFEST_12.format(title=title, start=start), start: PAGE}
    files.update(extra)
    return make_zip(files)


def scorm2004_zip(title: str = "Feedback oefenen", start: str = "index.html", **extra: bytes | str) -> bytes:
    files: dict[str, bytes | str] = {"imsmanifest.xml": MANIFEST_2004.format(title=title, start=start), start: PAGE}
    files.update(extra)
    return make_zip(files)
