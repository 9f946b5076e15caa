from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .permissions import Ability, abilities

# (ability, url name, label) in the order they appear in the menu; an entry shows when the person
# may do that (wpo/orgs/permissions.py), once even when several abilities lead to it.
NAV: tuple[tuple[Ability, str, Any], ...] = (
    (Ability.LEARN, "learn:home", _("Mijn opdracht")),
    (Ability.GUIDE_PARTICIPANTS, "trajectories:my_participants", _("Mijn deelnemers")),
    (Ability.COACH_TRAJECTORIES, "coaching:overview", _("Overzicht")),
    (Ability.COACH_TRAJECTORIES, "coaching:signals", _("Signalen")),
    (Ability.COACH_TRAJECTORIES, "trajectories:second_assessor_waiting", _("Tweede beoordelaar")),
    (Ability.PLAN_MEETINGS, "meetings:list", _("Bijeenkomsten")),
    (Ability.PLAN_VISITS, "followup:visits", _("Bezoeken")),
    (Ability.READ_PROBLEMS, "followup:problems", _("Problemen")),
    (Ability.MANAGE_CERTIFICATES, "certificates:list", _("Certificaten")),
    # The report is open to the administrator too, but not in their menu: they keep the organisation going.
    (Ability.COACH_TRAJECTORIES, "reports:report", _("Rapportage")),
    (Ability.ANSWER_ESCALATIONS, "reports:report", _("Rapportage")),
    (Ability.MANAGE_PEOPLE, "orgs:people", _("Mensen")),
    (Ability.MANAGE_PEOPLE, "orgs:departments", _("Afdelingen")),
    (Ability.MANAGE_PEOPLE, "orgs:organization", _("Organisatie")),
    (Ability.MANAGE_PEOPLE, "audit:log", _("Logboek")),
    # The curriculum is open to every staff role; in the menu of those who work with it.
    (Ability.GUIDE_PARTICIPANTS, "curriculum:catalogue", _("WPO-opdrachten")),
    (Ability.COACH_TRAJECTORIES, "curriculum:catalogue", _("WPO-opdrachten")),
    (Ability.EDIT_CURRICULUM, "curriculum:catalogue", _("WPO-opdrachten")),
    # Those who plan meetings find them under Bijeenkomsten.
    (Ability.GUIDE_PARTICIPANTS, "meetings:mine", _("Mijn bijeenkomsten")),
    (Ability.LEARN, "meetings:mine", _("Mijn bijeenkomsten")),
    (Ability.USE_APP, "guidance:index", _("Hulp")),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    person = getattr(request, "person", None)
    if person is None:
        return {"nav_items": []}
    granted = abilities(person)
    items, seen = [], set()
    for ability, url_name, label in NAV:
        if ability in granted and url_name not in seen:
            seen.add(url_name)
            items.append({"url_name": url_name, "label": label})
    from wpo.accounts.two_factor import is_staff  # accounts imports orgs: import here, not at the top

    return {"nav_items": items, "current_person": person, "two_factor_link": is_staff(person)}
