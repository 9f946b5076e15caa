"""The coach's writes: the organisation's thresholds for signals."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused, checked
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, may

from .models import SignalSettings

SETTINGS_FIELDS = (
    "assignment_weeks",
    "look_back_weeks",
    "conversation_weeks",
    "trajectory_months",
    "inactive_weeks",
    "interim_weeks",
    "digest_enabled",
)


@transaction.atomic
def signal_settings_save(*, actor: Person, values: dict[str, Any]) -> SignalSettings:
    """Set when the organisation's signals go up; the first save creates the row."""
    if not may(actor, Ability.SET_SIGNAL_THRESHOLDS):
        raise Refused(_("Alleen een coach of beheerder stelt de grenzen voor signalen in."))
    config, _created = SignalSettings.objects.select_for_update().get_or_create(organization_id=actor.organization_id)
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(config, name, values[name])
    checked(config)
    config.save()
    return config
