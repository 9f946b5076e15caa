"""What the werkplekopleider records on the shop floor: how the work changes for an assignment,
and an observation in a few taps."""

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused
from wpo.orgs.models import Person
from wpo.orgs.permissions import OnTrajectory, may_on

from .. import activity
from ..models import Observation, ParticipantAssignment, WorkAdaptation
from .watch_requests import watch_request_link


@transaction.atomic
def work_adaptation_record(
    *, pa: ParticipantAssignment, actor: Person, description: str, starts_on: date
) -> WorkAdaptation:
    if not may_on(actor, OnTrajectory.WORK, pa.trajectory):
        raise Refused(_("Alleen de werkplekopleider of coach kan het werk aanpassen."))
    if not pa.is_open:
        raise Refused(_("Deze opdracht is al afgerond."))
    if not description.strip():
        raise Refused(_("Schrijf op wat er verandert."))
    return WorkAdaptation.objects.create(
        organization_id=pa.organization_id,
        participant_assignment=pa,
        description=description.strip(),
        starts_on=starts_on,
        created_by=actor,
    )


@transaction.atomic
def observation_record(
    *,
    pa: ParticipantAssignment,
    author: Person,
    observed_at: Any,
    behaviours: list[str],
    note: str = "",
    photo: UploadedFile[Any] | None = None,
    went_well: bool = False,
    shared_with_participant: bool = False,
) -> Observation:
    """A quick note of what the trainer saw: tapped behaviours, a few words or a photo. When the
    participant asked "Kijk je mee?", the observation answers that request (``watch_request_link``)."""
    if not may_on(author, OnTrajectory.WORK, pa.trajectory):
        raise Refused(_("Alleen de werkplekopleider of coach kan een observatie vastleggen."))
    allowed = set(pa.version.content.get("trainer", {}).get("observe", []))
    unknown = [b for b in behaviours if b not in allowed]
    if unknown:
        raise Refused(_("Kies gedrag uit de lijst van deze opdracht."))
    if not behaviours and not note.strip() and not photo:
        raise Refused(_("Tik minstens één gedrag aan, of schrijf een korte notitie."))
    observation = Observation(
        organization_id=pa.organization_id,
        participant_assignment=pa,
        author=author,
        observed_at=observed_at,
        behaviours=behaviours,
        note=note.strip(),
        went_well=went_well,
        shared_with_participant=shared_with_participant,
    )
    if photo:
        observation.photo.save(photo.name or "foto", photo, save=False)
    observation.save()
    watch_request_link(observation, pa, author)
    activity.record(pa.trajectory_id, observation.observed_at)
    return observation
