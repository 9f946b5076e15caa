from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Role

# (role, url name, label) in the order they appear in the menu.
NAV: tuple[tuple[Role, str, Any], ...] = (
    (Role.PARTICIPANT, "learn:home", _("Mijn opdracht")),
    (Role.TRAINER, "trajectories:my_participants", _("Mijn deelnemers")),
    (Role.COACH, "coaching:overview", _("Overzicht")),
    (Role.COACH, "coaching:signals", _("Signalen")),
    (Role.COACH, "trajectories:second_assessor_waiting", _("Tweede beoordelaar")),
    (Role.COACH, "meetings:list", _("Bijeenkomsten")),
    (Role.COACH, "followup:visits", _("Bezoeken")),
    (Role.COACH, "followup:problems", _("Problemen")),
    (Role.COACH, "certificates:list", _("Certificaten")),
    (Role.COACH, "reports:report", _("Rapportage")),
    (Role.PROJECT_MANAGER, "reports:report", _("Rapportage")),
    (Role.PROJECT_MANAGER, "meetings:list", _("Bijeenkomsten")),
    (Role.PROJECT_MANAGER, "followup:problems", _("Problemen")),
    (Role.PROJECT_MANAGER, "certificates:list", _("Certificaten")),
    (Role.ADMINISTRATOR, "orgs:people", _("Mensen")),
    (Role.ADMINISTRATOR, "orgs:departments", _("Afdelingen")),
    (Role.ADMINISTRATOR, "orgs:organization", _("Organisatie")),
    (Role.ADMINISTRATOR, "audit:log", _("Logboek")),
    (Role.TRAINER, "curriculum:catalogue", _("WPO-opdrachten")),
    (Role.COACH, "curriculum:catalogue", _("WPO-opdrachten")),
    (Role.CONTENT_EDITOR, "curriculum:catalogue", _("WPO-opdrachten")),
    (Role.TRAINER, "meetings:mine", _("Mijn bijeenkomsten")),
    (Role.TRAINER, "followup:problems", _("Problemen")),
    (Role.PARTICIPANT, "meetings:mine", _("Mijn bijeenkomsten")),
    # Help is for everyone; the dedup below keeps one entry.
    *((role, "guidance:index", _("Hulp")) for role in Role),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    person = getattr(request, "person", None)
    if person is None:
        return {"nav_items": []}
    items, seen = [], set()
    for role, url_name, label in NAV:
        if person.has_role(role) and url_name not in seen:
            seen.add(url_name)
            items.append({"url_name": url_name, "label": label})
    from wpo.accounts.two_factor import is_staff  # accounts imports orgs: import here, not at the top

    return {"nav_items": items, "current_person": person, "two_factor_link": is_staff(person)}
