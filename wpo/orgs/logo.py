"""The organisation's logo, printed on its certificates.

PNG or JPEG only, decided by the file's bytes (``wpo.lib.uploads.sniff``), never by its name; at
most 1 MB; stored under an unguessable name. It is served only inside certificate PDFs (as a
``data:`` URI) and on the administrator's organisation page through an access-checked view.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from wpo.lib.uploads import LOGO_TYPES, photo_without_metadata, sniff

from .models import Organization

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000


def check_logo(upload: UploadedFile[bytes]) -> tuple[bytes, str]:
    """The upload's bytes and its extension, or a Dutch ValidationError saying what is wrong."""
    if upload.size is not None and upload.size > LOGO_MAX_BYTES:
        raise ValidationError(_("Het logo is te groot. Het mag hoogstens 1 MB zijn."))
    upload.seek(0)
    raw = upload.read(LOGO_MAX_BYTES + 1)
    if len(raw) > LOGO_MAX_BYTES:
        raise ValidationError(_("Het logo is te groot. Het mag hoogstens 1 MB zijn."))
    found = sniff(raw[:16], LOGO_TYPES)
    if found is None:
        raise ValidationError(_("Dit is geen PNG- of JPEG-plaatje. Kies een logo dat eindigt op .png of .jpg."))
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("Dit plaatje is kapot of kan niet gelezen worden. Kies een ander bestand.")) from None
    if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
        raise ValidationError(
            _("Het logo is te groot: hoogstens %(max)s bij %(max)s beeldpunten.") % {"max": LOGO_MAX_PIXELS}
        )
    return raw, found[0]


def _delete_file_after_commit(organization: Organization, name: str | None) -> None:
    if name:
        storage = organization.logo.storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def organization_logo_set(*, organization: Organization, upload: UploadedFile[bytes]) -> Organization:
    raw, extension = check_logo(upload)
    raw, extension = photo_without_metadata(raw, extension)
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    old = locked.logo.name
    locked.logo.save(f"logo.{extension}", ContentFile(raw), save=False)
    locked.save(update_fields=["logo"])
    _delete_file_after_commit(locked, old)
    organization.logo = locked.logo
    return locked


@transaction.atomic
def organization_logo_remove(*, organization: Organization) -> bool:
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    old = locked.logo.name
    if not old:
        return False
    locked.logo = ""
    locked.save(update_fields=["logo"])
    _delete_file_after_commit(locked, old)
    organization.logo = locked.logo
    return True


def logo_content_type(organization: Organization) -> str:
    """The logo's type read from its bytes again when served, so a stored file never picks its own type."""
    with organization.logo.open("rb") as handle:
        head = handle.read(16)
    found = sniff(head, LOGO_TYPES)
    return found[1] if found else "application/octet-stream"
