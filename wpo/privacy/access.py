"""Who may see and erase whose data. Everything else goes through ``wpo.orgs.access``."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wpo.orgs import access
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, may


def access_person_data(me: Person, person_id: int) -> Person:
    """The person whose data is exported: anyone in the organisation for the administrator, and
    everyone's own data for themselves. Anyone else's is 404, so its existence does not leak.

    Only the administrator handles requests for access of others (the coach sends them on): the
    export holds every note of every trainer, which no other role sees in one piece.
    """
    if may(me, Ability.MANAGE_PEOPLE):
        return access.get_in_org(access.people(me), pk=person_id)
    if person_id == me.pk:
        return me
    raise Http404


def access_person_to_anonymise(me: Person, person_id: int) -> Person:
    person = access.access_person_for_admin(me, person_id)
    if person.pk == me.pk:
        raise PermissionDenied
    return person
