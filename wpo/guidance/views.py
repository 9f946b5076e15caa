"""The help pages: an index by role, and one page per role with an anchor per phase, step or theme.

Help is not secret: anyone who is logged in reads any role's help. The index puts the reader's own
roles first; a participant, who holds no other role, gets their own simple help straight away.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wpo.orgs import access
from wpo.orgs.models import Person
from wpo.orgs.permissions import Ability, may
from wpo.trajectories import access as trajectory_access

from .content import GUIDES, PARTICIPANT, Guide, guide_for

any_role = access.ability_required(Ability.USE_APP)


def _ordered(person: Person) -> list[Guide]:
    """Every guide, the reader's own roles first."""
    return sorted(GUIDES, key=lambda guide: guide.role not in person.roles)


def _page(request: HttpRequest, person: Person, guide: Guide) -> HttpResponse:
    others = [g for g in _ordered(person) if g is not guide]
    if guide is PARTICIPANT:
        # Mark the step the participant is at now, so "where am I?" is answered on the page.
        here = set(trajectory_access.own_open_assignments(person).values_list("step", flat=True))
        return render(request, "guidance/participant.html", {"guide": guide, "others": others, "here": here})
    return render(
        request,
        "guidance/role.html",
        {"guide": guide, "others": others, "own": guide.role in person.roles},
    )


@any_role
def index(request: HttpRequest) -> HttpResponse:
    me = access.person_of(request)
    if not may(me, Ability.STAFF_SESSION):
        return _page(request, me, PARTICIPANT)
    guides = [{"guide": g, "own": g.role in me.roles} for g in _ordered(me)]
    return render(request, "guidance/index.html", {"guides": guides})


@any_role
def role_help(request: HttpRequest, role: str) -> HttpResponse:
    guide = guide_for(role)
    assert guide is not None, role  # the URL patterns are made from GUIDES
    return _page(request, access.person_of(request), guide)
