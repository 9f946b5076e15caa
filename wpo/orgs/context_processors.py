from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wpo.lib.urls import fixed_url

from .permissions import Ability, abilities, may_read_national_figures

Entry = tuple[Ability, str, Any]  # (ability, url name, label)


@dataclass(frozen=True)
class NavGroup:
    """One entry of the main menu: a small submenu of pages that belong together.

    A person sees the entries of a group they may open (wpo/orgs/permissions.py). A group of which
    they see one entry is shown as that entry's link, without a submenu; a group they see nothing
    of is left out. Each page is listed once, in the first group where one of the person's
    abilities leads to it.
    """

    label: Any
    entries: tuple[Entry, ...]


A = Ability
# Grouped so that every role's menu fits one line of a phone (360 px; tests/browser/test_menu.py
# measures it): at most three entries for the coach, who sees the most.
NAV: tuple[NavGroup, ...] = (
    # Where each role's day starts: the page they land on after logging in, and what they use most.
    NavGroup(
        _("Vandaag"),
        (
            (A.LEARN, "learn:home", _("Mijn opdracht")),
            (A.GUIDE_PARTICIPANTS, "trajectories:my_participants", _("Mijn deelnemers")),
            (A.GUIDE_PARTICIPANTS, "curriculum:catalogue", _("WPO-opdrachten")),
            (A.COACH_TRAJECTORIES, "coaching:overview", _("Overzicht")),
            (A.COACH_TRAJECTORIES, "coaching:signals", _("Signalen")),
            # The report is open to the administrator too, but not in their menu: they keep the
            # organisation going. The project manager's day starts with it.
            (A.ANSWER_ESCALATIONS, "reports:report", _("Rapportage")),
            (A.MANAGE_PEOPLE, "orgs:people", _("Mensen")),
            (A.EDIT_CURRICULUM, "curriculum:catalogue", _("WPO-opdrachten")),
        ),
    ),
    # The trajectories as a whole: judging, certificates, the curriculum, the figures.
    NavGroup(
        _("Trajecten"),
        (
            (A.COACH_TRAJECTORIES, "trajectories:second_assessor_waiting", _("Tweede beoordelaar")),
            (A.COACH_TRAJECTORIES, "coaching:calibration", _("Kalibratie")),
            (A.MANAGE_CERTIFICATES, "certificates:list", _("Certificaten")),
            (A.COACH_TRAJECTORIES, "curriculum:catalogue", _("WPO-opdrachten")),
            (A.COACH_TRAJECTORIES, "reports:report", _("Rapportage")),
            # Only for the method owner's editors (NATIONAL_ONLY below), not every content editor.
            (A.EDIT_CURRICULUM, "national:figures", _("Landelijke cijfers")),
        ),
    ),
    # What is planned around the trajectories: who joins next, meetings, visits, problems.
    NavGroup(
        _("Organiseren"),
        (
            (A.READ_INTAKE, "intake:index", _("Aanmeldingen")),
            (A.PLAN_MEETINGS, "meetings:list", _("Bijeenkomsten")),
            (A.PLAN_VISITS, "followup:visits", _("Bezoeken")),
            (A.READ_PROBLEMS, "followup:problems", _("Problemen")),
            # Those who plan meetings find them under Bijeenkomsten.
            (A.GUIDE_PARTICIPANTS, "meetings:mine", _("Mijn bijeenkomsten")),
            (A.LEARN, "meetings:mine", _("Mijn bijeenkomsten")),
        ),
    ),
    NavGroup(
        _("Beheer"),
        (
            (A.MANAGE_PEOPLE, "orgs:departments", _("Afdelingen")),
            (A.MANAGE_PEOPLE, "orgs:organization", _("Organisatie")),
            (A.MANAGE_PEOPLE, "audit:log", _("Logboek")),
        ),
    ),
)
# Pages that need more than an ability: the national permission of the method owner's editors.
NATIONAL_ONLY = frozenset({"national:figures"})
# Beside the menu, for everyone: help, and the account (two-factor, logging out).
HELP: Entry = (A.USE_APP, "guidance:index", _("Hulp"))
ACCOUNT: tuple[Entry, ...] = ((A.STAFF_SESSION, "accounts:two_factor", _("Tweestapsverificatie")),)


def _item(url_name: str, label: Any, path: str) -> dict[str, Any]:
    url = fixed_url(url_name)
    return {"url_name": url_name, "url": url, "label": label, "current": path == url}


def navigation(request: HttpRequest) -> dict[str, Any]:
    person = getattr(request, "person", None)
    if person is None:
        return {"nav_groups": []}
    granted = abilities(person)
    path = request.path
    groups, seen = [], set()
    # Asked only of those with the ability (one permission query, cached on the user for the request).
    national = Ability.EDIT_CURRICULUM in granted and may_read_national_figures(person)
    for group in NAV:
        items = []
        for ability, url_name, label in group.entries:
            if url_name in NATIONAL_ONLY and not national:
                continue
            if ability in granted and url_name not in seen:
                seen.add(url_name)
                items.append(_item(url_name, label, path))
        if items:
            groups.append(
                {
                    "label": group.label,
                    "items": items,
                    "single": items[0] if len(items) == 1 else None,
                    # Below one of its pages (a trajectory under "Mijn deelnemers"): the group is marked.
                    "current": any(path.startswith(item["url"]) and item["url"] != "/" for item in items),
                }
            )
    return {
        "nav_groups": groups,
        "nav_help": _item(HELP[1], HELP[2], path) if HELP[0] in granted else None,
        "nav_account": [_item(url_name, label, path) for ability, url_name, label in ACCOUNT if ability in granted],
        "current_person": person,
        "two_factor_link": Ability.STAFF_SESSION in granted,
        # A participant (and no staff role): the header is one line on a phone, the menu opens on
        # demand (templates/base.html), and the person's display choices apply (issue 18).
        "participant_only": Ability.LEARN in granted and Ability.STAFF_SESSION not in granted,
    }
