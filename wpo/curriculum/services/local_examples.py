"""An organisation's own example beside an assignment: a photo of its shop floor and one line of its
own context, shown to its participants and werkplekopleiders and to no other organisation.

The example hangs on the assignment, not on a version, so it stays when a new edition changes the
text. The photo is checked by its bytes and stored without its metadata (``wpo.lib.uploads``).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused
from wpo.lib.uploads import PHOTO_MAX_BYTES, PHOTO_TYPES, checked_upload
from wpo.orgs.models import Person
from wpo.orgs.permissions import may_add_local_example

from ..models import Assignment, LocalExample, Skill, published_or_legacy

MAX_CONTEXT = 200


def _refuse_unless_allowed(actor: Person, assignment: Assignment) -> None:
    skill = Skill.objects.filter(published_or_legacy(), pk=assignment.subskill.skill_id).first()
    if skill is None or not may_add_local_example(actor, skill.organization_id):
        raise Refused(_("Je mag bij deze opdracht geen eigen voorbeeld zetten."))


def _forget_file(name: str) -> None:
    # Only once the row no longer points at it: a rolled back change keeps its photo.
    transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def local_example_save(
    *,
    actor: Person,
    assignment: Assignment,
    context: str,
    photo: Any = None,
    photo_alt: str = "",
    remove_photo: bool = False,
) -> LocalExample | None:
    """Set the actor's organisation's example for ``assignment``. An example left without a line and
    without a photo is removed (None)."""
    _refuse_unless_allowed(actor, assignment)
    context = " ".join(context.split())
    photo_alt = " ".join(photo_alt.split())
    if len(context) > MAX_CONTEXT:
        raise Refused(_("Schrijf hoogstens %(max)d tekens.") % {"max": MAX_CONTEXT}, field="context")
    if len(photo_alt) > MAX_CONTEXT:
        raise Refused(_("Schrijf hoogstens %(max)d tekens.") % {"max": MAX_CONTEXT}, field="photo_alt")
    if photo:
        try:
            photo = checked_upload(photo, PHOTO_TYPES, PHOTO_MAX_BYTES, _("foto"))
        except ValidationError as exc:
            raise Refused(exc.messages, field="photo") from exc
    example = (
        LocalExample.objects.select_for_update()
        .filter(organization_id=actor.organization_id, assignment=assignment)
        .first()
    )
    old_photo = example.photo.name if example is not None and example.photo else ""
    keeps_photo = bool(photo) or (bool(old_photo) and not remove_photo)
    if keeps_photo and not photo_alt:
        raise Refused(
            _("Schrijf in één zin wat er op de foto staat, voor wie de foto niet kan zien."), field="photo_alt"
        )
    if not context and not keeps_photo:
        if example is not None:
            example.delete()
            if old_photo:
                _forget_file(old_photo)
        return None
    if example is None:
        example = LocalExample(organization_id=actor.organization_id, assignment=assignment)
    example.context = context
    example.photo_alt = photo_alt if keeps_photo else ""
    example.updated_at = timezone.now()
    example.updated_by = actor
    if photo:
        example.photo.save(photo.name, photo, save=False)
    elif remove_photo:
        example.photo = ""
    example.save()
    if old_photo and (photo or remove_photo):
        _forget_file(old_photo)
    return example


@transaction.atomic
def local_example_delete(*, actor: Person, assignment: Assignment) -> None:
    """Remove the actor's organisation's example for ``assignment``, photo and all."""
    _refuse_unless_allowed(actor, assignment)
    example = (
        LocalExample.objects.select_for_update()
        .filter(organization_id=actor.organization_id, assignment=assignment)
        .first()
    )
    if example is None:
        return
    if example.photo and example.photo.name:
        _forget_file(example.photo.name)
    example.delete()
