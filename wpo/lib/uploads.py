"""Uploaded files: unguessable storage names, and the real type read from the bytes."""

from pathlib import PurePath
from typing import Any
from uuid import uuid4

from django.utils.deconstruct import deconstructible

PHOTO_MAX_BYTES = 15 * 1024 * 1024
VOICE_MAX_BYTES = 15 * 1024 * 1024


@deconstructible
class UnguessableName:
    """``upload_to`` that throws the uploaded name away: only a random name and the type's extension stay."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: Any, filename: str) -> str:
        extension = PurePath(filename).suffix.lower()
        if not extension[1:].isalnum() or len(extension) > 6:
            extension = ""
        return f"{self.folder}/{uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnguessableName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


# (magic test, extension, content type) — the first bytes decide, never the file name.
PHOTO_TYPES = (
    (lambda h: h[:3] == b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (lambda h: h[:8] == b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", "webp", "image/webp"),
    (lambda h: h[4:8] == b"ftyp" and h[8:12] in (b"heic", b"heix", b"mif1", b"heif"), "heic", "image/heic"),
)
VOICE_TYPES = (
    (lambda h: h[:4] == b"\x1a\x45\xdf\xa3", "webm", "audio/webm"),
    (lambda h: h[:4] == b"OggS", "ogg", "audio/ogg"),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE", "wav", "audio/wav"),
    (lambda h: h[:3] == b"ID3" or h[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"), "mp3", "audio/mpeg"),
    (lambda h: h[4:8] == b"ftyp", "m4a", "audio/mp4"),
)


def sniff(head: bytes, types: tuple[Any, ...]) -> tuple[str, str] | None:
    for test, extension, content_type in types:
        if test(head):
            return extension, content_type
    return None


def content_type_for(name: str) -> str:
    extension = PurePath(name).suffix.lower().lstrip(".")
    for _test, ext, content_type in PHOTO_TYPES + VOICE_TYPES:
        if ext == extension:
            return str(content_type)
    return "application/octet-stream"
