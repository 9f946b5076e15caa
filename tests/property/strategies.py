"""Hypothesis strategies: hostile and plausible values for form fields, and hostile uploads.

A field's strategy is chosen from its form field class (``value_for``), so a new field is fuzzed
the day it is added. Plausible values come from the running world (ids of organisation A's
objects, valid choices, dates near today); hostile ones are the same for every field.
"""

import struct
import zlib
from datetime import date, timedelta

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

# Text: every Unicode category but surrogates (a browser cannot send those), control characters,
# right-to-left overrides and zero-width characters included.
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=60)
NASTY = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "a\x00b",
    "\u202eRTL\u202c",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "\u200b\u200d\ufeff",
    "\U0001f600" * 20,
    "Z\u0351\u0353\u0328" * 30,
    "<script>alert(1)</script>",
    "'; DROP TABLE orgs_person; --",
    "{{ 7*7 }}{% debug %}",
    "../../../etc/passwd",
    "%s%n%x",
    "null",
    "None",
    "true",
    "[]",
    "{}",
]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "1.5",
    "1e999",
    "NaN",
    "inf",
    "2147483648",
    "9223372036854775808",
    "9" * 50,
    "\u0661\u0662",  # Arabic-Indic digits: Python's int() accepts them
    "\u00bd",
    "0x10",
    " 7 ",
]
DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "31-12-2026",
    "12/31/2026",
    "2026-1-1",
    "2026-01-01T25:61",
    "2026-01-01 10:00:00+99:00",
    "24:00",
    "23:60",
    "-1:00",
]
HUGE = st.sampled_from(["a" * 5_000, "\u00e9" * 20_000, "x\n" * 10_000, "1" * 100_000])
NONEXISTENT_IDS = ["0", "-1", "2147483647", "99999999", "abc", "1 OR 1=1"]


def hostile() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY + NUMBERS + DATES + NONEXISTENT_IDS),
        ANY_TEXT,
        HUGE,
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def _dates() -> st.SearchStrategy[str]:
    today = date.today()
    return st.integers(-800, 800).map(lambda d: (today + timedelta(days=d)).isoformat())


def _times() -> st.SearchStrategy[str]:
    return st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 45])).map(lambda t: f"{t[0]:02d}:{t[1]:02d}")


def plausible(field: forms.Field, ids: dict[type, list[str]]) -> st.SearchStrategy[str]:
    """A value a careful user could send for ``field``."""
    if isinstance(field, (forms.ModelChoiceField, forms.ModelMultipleChoiceField)):
        return st.sampled_from(ids.get(field.queryset.model) or NONEXISTENT_IDS)  # type: ignore[union-attr]
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "true", "false", "1", "0"])
    if isinstance(field, (forms.IntegerField, forms.FloatField, forms.DecimalField)):
        low = field.min_value if isinstance(getattr(field, "min_value", None), int) else -5
        high = field.max_value if isinstance(getattr(field, "max_value", None), int) else 500
        return st.integers(low, high).map(str)  # type: ignore[arg-type]
    if isinstance(field, forms.DateTimeField):
        return st.tuples(_dates(), _times()).map(lambda t: f"{t[0]}T{t[1]}")
    if isinstance(field, forms.DateField):
        return _dates()
    if isinstance(field, forms.TimeField):
        return _times()
    if isinstance(field, forms.ChoiceField):
        values = [str(v) for v, _label in getattr(field, "choices", []) if not isinstance(_label, (list, tuple))]
        return st.sampled_from(values) if values else ANY_TEXT
    if isinstance(field, forms.EmailField):
        return st.emails().map(str)
    if isinstance(field, forms.URLField):
        return st.sampled_from(["https://example.org/video.mp4", "http://x", "javascript:alert(1)", "ftp://a", ""])
    return st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), min_size=1, max_size=80)


def value_for(field: forms.Field, ids: dict[type, list[str]]) -> st.SearchStrategy[str]:
    """Mostly plausible, often hostile: hostile input must be refused, plausible input must not break."""
    return st.one_of(plausible(field, ids), plausible(field, ids), hostile())


# Uploads -------------------------------------------------------------------------------------


def _png(width: int = 1, height: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


PNG = _png()
# A PNG header that claims 100000 x 100000 pixels: a decompression bomb for a naive reader.
PNG_BOMB_HEADER = _png()[:16] + struct.pack(">II", 100_000, 100_000) + _png()[24:]
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f"
    "141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100"
    "ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000"
    "017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a"
    "3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a9293949596"
    "9798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2"
    "f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
WEBM = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701")
OGG = b"OggS\x00\x02" + bytes(20) + b"\x01\x1e\x01vorbis" + bytes(20)
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom\x00\x00\x00\x08free"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free"
WAV = (
    b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00@\x1f\x00\x00\x80>\x00\x00\x02\x00\x10\x00data"
    + bytes(4)
)
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + bytes(40)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><title>x</title></svg>'
REAL_FILES = [PNG, JPEG, WEBP, HEIC, WEBM, OGG, M4A, MP4, WAV, MP3, SVG]
OTHER = [
    b"",
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
    b"<html><script>alert(1)</script></html>",
    b'<svg onload="alert(1)" xmlns="http://www.w3.org/2000/svg"/>',
    b"<svg><script>alert(1)</script></svg>",
    b"PK\x03\x04" + bytes(26),
    b"MZ\x90\x00" + bytes(60),
    b"\x7fELF" + bytes(60),
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    PNG_BOMB_HEADER,
    PNG + b"<script>alert(1)</script>",  # polyglot: a real PNG with a script behind it
    JPEG[:3] + b"<?php system($_GET['c']); ?>",  # only the magic bytes are real
    b"\xff\xfe" + "voornaam;achternaam".encode("utf-16-le"),
]
NAMES = [
    "foto.jpg",
    "foto.png",
    "opname.webm",
    "opname.ogg",
    "mensen.csv",
    "logo.png",
    "foto.jpg.exe",
    "script.svg",
    "index.html",
    "../../../etc/passwd",
    "..\\..\\boot.ini",
    "",
    ".",
    "a" * 300 + ".png",
    "\u202egpj.exe",
    "na\x00me.png",
    'q"uote;name=.png',
    "new\nline.jpg",
    "\U0001f600.m4a",
]
CONTENT_TYPES = [
    "image/jpeg",
    "image/png",
    "audio/webm",
    "text/csv",
    "application/octet-stream",
    "text/html",
    "image/svg+xml",
    "",
    "x/\u00e9",
]


def upload_file(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    """An upload under any name at all: Django's setter refuses "", "." and "..", a browser does not."""
    file = SimpleUploadedFile("upload", content, content_type)
    file._name = name  # type: ignore[attr-defined]
    return file


@st.composite
def file_bytes(draw: st.DrawFn, extra: list[bytes] | None = None, max_bytes: int = 0) -> bytes:
    """Random bytes, real files, truncated or padded real files, polyglots, and one byte too many."""
    pool = REAL_FILES + OTHER + (extra or [])
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(st.binary(max_size=2048))
    if choice == 1:
        real = draw(st.sampled_from(pool))
        return real[: draw(st.integers(0, len(real)))]  # truncated
    if choice == 2 and max_bytes:
        real = draw(st.sampled_from(REAL_FILES))
        return real + bytes(max_bytes + 1 - len(real))  # a real header, one byte over the limit
    if choice == 3:
        return draw(st.sampled_from(pool)) + draw(st.binary(max_size=256))
    return draw(st.sampled_from(pool))


@st.composite
def upload(draw: st.DrawFn, extra: list[bytes] | None = None, max_bytes: int = 0) -> tuple[str, bytes, str]:
    """(name, bytes, content type): the name and type lie as often as they tell the truth."""
    name = draw(st.one_of(st.sampled_from(NAMES), ANY_TEXT.map(lambda t: t + ".jpg")))
    return name, draw(file_bytes(extra, max_bytes)), draw(st.sampled_from(CONTENT_TYPES))


# CSV for the people import ---------------------------------------------------------------------

CSV_HEADERS = [
    "tussenvoegsel",
    "voornaam",
    "achternaam",
    "e-mailadres",
    "afdeling",
    "rollen",
    "personeelsnummer",
    "werkplekopleider",
]


@st.composite
def people_csv(draw: st.DrawFn, departments: list[str] | None = None) -> bytes:
    """A people CSV with random delimiters, quoting, encodings, BOMs, line ends and cell contents."""
    delimiter = draw(st.sampled_from([";", ",", "\t", "|", " ", ";;"]))
    headers = draw(
        st.one_of(
            st.just(CSV_HEADERS),
            st.lists(st.sampled_from([*CSV_HEADERS, "Voornaam ", "ROLLEN", "", "onbekend"]), max_size=10),
        )
    )
    cell = st.one_of(
        st.sampled_from(departments or ["Inpak"]),
        st.sampled_from(
            ["Anna", "de Vries", "anna@example.org", "deelnemer", "werkplekopleider, coach", "", "1001", "1002"]
        ),
        st.sampled_from(NASTY + NUMBERS),
        ANY_TEXT,
    )
    by_header = {
        "tussenvoegsel": st.sampled_from(["", "de", "van der"]),
        "voornaam": st.sampled_from(["Anna", "Bo", "\u00c9lise", "x" * 200]),
        "achternaam": st.sampled_from(["Jansen", "de Vries", "\u202eRTL", "y" * 200]),
        "e-mailadres": st.sampled_from(["", "anna@example.org", "geen-adres", "a@b"]),
        "afdeling": st.sampled_from([*(departments or ["Inpak"]), "Nieuwe afdeling"]),
        "rollen": st.sampled_from(["deelnemer", "werkplekopleider", "coach, deelnemer", "baas", ""]),
        "personeelsnummer": st.sampled_from(["1001", "1002", "2001", "2002", "2001", "9" * 80, ""]),
        "werkplekopleider": st.sampled_from(["", "1001", "2001", "404"]),
    }
    well_formed = st.tuples(*(by_header.get(h, cell) for h in headers)).map(list)
    rows = draw(st.lists(st.one_of(well_formed, st.lists(cell, max_size=len(headers) + 2)), max_size=8))
    quote = draw(st.sampled_from(['"', "", "'"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def line(values: list[str]) -> str:
        return delimiter.join(f"{quote}{v}{quote}" for v in values)

    text = newline.join([line(headers), *(line(r) for r in rows)])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    raw = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        tail = [b"", b"\x00", b"\x00" * 5000, b"\xff\xfe\xfd", b'"unterminated', b"\n" * 5000 + b"\x00"]
        raw = raw + draw(st.sampled_from(tail))
    return raw
