"""Uploaded files: unguessable storage names, the check of an upload's bytes and size, and photos
stored without their metadata."""

import io
from pathlib import PurePath
from typing import Any
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

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
# An organisation's logo: what a certificate PDF can show.
LOGO_TYPES = tuple(t for t in PHOTO_TYPES if t[1] in ("png", "jpg"))
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


def checked_upload(upload: UploadedFile[Any] | None, types: Any, max_bytes: int, kind: str) -> UploadedFile[Any] | None:
    """Accept a photo or voice note only when its bytes say it is one, and it is not too big."""
    if not upload:
        return None
    if upload.size and upload.size > max_bytes:
        raise ValidationError(_("Dit bestand is te groot (hoogstens %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)})
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head, types)
    if found is None:
        raise ValidationError(_("Dit is geen %(kind)s. Probeer het nog een keer.") % {"kind": kind})
    if types is PHOTO_TYPES:
        # Every photo loses its metadata (GPS position, time, phone) before it is stored.
        return stripped_photo(upload, found[0])
    upload.name = f"upload.{found[0]}"
    return upload


def content_type_for(name: str) -> str:
    extension = PurePath(name).suffix.lower().lstrip(".")
    for _test, ext, content_type in PHOTO_TYPES + VOICE_TYPES:
        if ext == extension:
            return str(content_type)
    return "application/octet-stream"


# Photos ------------------------------------------------------------------------------------------
# A phone writes EXIF into every photo: the GPS position (often the participant's home or the shop
# floor), the time, the phone's make and serial number. Nobody needs that, so a photo is decoded and
# encoded afresh with none of it; only the colour profile stays, and the orientation the EXIF asked
# for is applied to the pixels first, so the photo still stands the right way up. HEIC (an iPhone's
# own format, which most browsers cannot show) becomes JPEG.
PHOTO_MAX_PIXELS = 40_000_000
JPEG_QUALITY = 88
_ENCODINGS = {"jpg": ("JPEG", "jpg"), "png": ("PNG", "png"), "webp": ("WEBP", "webp"), "heic": ("JPEG", "jpg")}


def photo_without_metadata(raw: bytes, extension: str) -> tuple[bytes, str]:
    """``raw`` (a photo of type ``extension``, as ``sniff`` found it) re-encoded without metadata,
    and the extension of what comes out. Raises a Dutch ``ValidationError`` when it cannot be read."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if extension == "heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    unreadable = _("Deze foto kan niet gelezen worden. Maak de foto opnieuw of kies een andere.")
    fmt, out_extension = _ENCODINGS.get(extension, ("JPEG", "jpg"))
    try:
        with Image.open(io.BytesIO(raw)) as opened:
            width, height = opened.size
            if width * height > PHOTO_MAX_PIXELS:
                raise ValidationError(_("Deze foto is te groot. Maak een kleinere foto."))
            icc_profile = opened.info.get("icc_profile")
            image = ImageOps.exif_transpose(opened)
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise ValidationError(unreadable) from None
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif fmt == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        image = image.convert("RGBA")
    # Keep nothing of the original's metadata (exif, xmp, comments, text chunks): only the colour
    # profile and, for a palette picture, which colour is transparent.
    image.info = {k: v for k, v in image.info.items() if k == "transparency" and fmt == "PNG"}
    out = io.BytesIO()
    options: dict[str, Any] = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif fmt == "WEBP":
        options.update(quality=JPEG_QUALITY)
    try:
        image.save(out, format=fmt, **options)
    except (OSError, ValueError):
        raise ValidationError(unreadable) from None
    return out.getvalue(), out_extension


def stripped_photo(upload: Any, extension: str) -> SimpleUploadedFile:
    """An uploaded photo replaced by its copy without metadata, named ``upload.<extension>``."""
    upload.seek(0)
    clean, out_extension = photo_without_metadata(upload.read(), extension)
    content_type = next(t[2] for t in PHOTO_TYPES if t[1] == out_extension)
    return SimpleUploadedFile(f"upload.{out_extension}", clean, content_type=content_type)
