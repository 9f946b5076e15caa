"""What a certificate's Open Badges say, and issuing them (called by ``services`` inside the
transaction that issues the certificate, so both exist or neither does).

A skill certificate gets one credential per sub-skill, with the highest level achieved in it; a
trajectory certificate gets one for the completed trajectory. Each holds the achievement (name, a
plain Dutch description, the level and what it means, the criteria from the curriculum), the
organisation as issuer, the issue date, and as evidence per assignment its title from the
curriculum, the number of observations and the assessment dates: nothing anyone wrote about the
person.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db.models import Count
from django.utils import formats, translation

from wpo.curriculum.models import LEVELS, SubSkill
from wpo.curriculum.selectors import fill_trainer
from wpo.trajectories.models import Assessment, ParticipantAssignment, Step

from . import badges
from .models import BadgeCredential, BadgeIssuer, Certificate

PROCESS = (
    "Geleerd op het werk met Werkplekopleiden (WPO): eerst oefenen, dan een werktaak met observaties door de "
    "werkplekopleider, daarna een zelfstandigheidsweek en een beoordeling door de werkplekopleider, soms met "
    "een tweede beoordelaar."
)


def _day(moment: datetime | date) -> str:
    with translation.override("nl"):
        return str(formats.date_format(moment, "j F Y"))


def _sentence(text: str) -> str:
    """``text`` ending as a sentence, so the next one can follow it."""
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?", "…")) else text + "."


def _achieved(certificate: Certificate) -> list[ParticipantAssignment]:
    qs = ParticipantAssignment.objects.filter(trajectory_id=certificate.trajectory_id, step=Step.ACHIEVED)
    if certificate.trajectory_skill_id is not None:
        qs = qs.filter(version__assignment__subskill__skill_id=certificate.trajectory_skill.skill_id)  # type: ignore[union-attr]
    return list(
        qs.select_related("version__assignment__subskill__skill")
        .annotate(observation_count=Count("observations"))
        .order_by("version__assignment__subskill__skill__order", "version__assignment__subskill__number", "pk")
    )


def _evidence(assignments: list[ParticipantAssignment]) -> list[dict[str, Any]]:
    dates: dict[int, list[datetime]] = defaultdict(list)
    for pa_id, at in Assessment.objects.filter(participant_assignment__in=assignments).values_list(
        "participant_assignment_id", "assessed_at"
    ):
        dates[pa_id].append(at)
    evidence = []
    for pa in assignments:
        title = fill_trainer(pa.version.title, "de werkplekopleider")
        assessed = ", ".join(_day(at) for at in sorted(dates[pa.pk])) or "-"
        evidence.append(
            {
                "type": ["Evidence"],
                "name": f"WPO-opdracht: {title} (niveau {pa.version.assignment.level})",
                "genre": "WPO-opdracht",
                "description": f"Observaties op het werk: {pa.observation_count}. Beoordeeld op: {assessed}.",  # type: ignore[attr-defined]
            }
        )
    return evidence


def _levels(issuer: BadgeIssuer, subskill: SubSkill) -> tuple[dict[str, Any], dict[str, str]]:
    """The sub-skill's three levels as an Open Badges ``ResultDescription``, and the id per level."""
    base = (subskill.skill.code, str(subskill.number))
    ids = {level: badges.achievement_id(issuer, *base, "level", level) for level in LEVELS}
    description = {
        "id": badges.achievement_id(issuer, *base, "levels"),
        "type": ["ResultDescription"],
        "name": "Niveau",
        "resultType": "RubricCriterionLevel",
        "allowedValue": list(LEVELS),
        "rubricCriterionLevel": [
            {
                "id": ids[level],
                "type": ["RubricCriterionLevel"],
                "name": f"Niveau {level}",
                "level": level,
                "description": subskill.level_description(level),
            }
            for level in LEVELS
        ],
    }
    return description, ids


def _subskill_badge(
    issuer: BadgeIssuer, subskill: SubSkill, level: str, assignments: list[ParticipantAssignment]
) -> dict[str, Any]:
    skill = subskill.skill
    at_level = next((pa for pa in assignments if pa.version.assignment.level == level), assignments[-1])
    criterion = fill_trainer(str((at_level.version.content.get("trainer") or {}).get("criterion", "")), "")
    levels, level_ids = _levels(issuer, subskill)
    narrative = f"{PROCESS} Behaald op niveau {level}: {_sentence(subskill.level_description(level))}"
    if criterion:
        narrative += f" Waar de werkplekopleider op let: {criterion}"
    achievement = {
        "id": badges.achievement_id(issuer, skill.code, str(subskill.number), level),
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": f"{skill.name}: {subskill.name} (niveau {level})",
        "description": f"{subskill.description} Niveau {level}: {subskill.level_description(level)}",
        "criteria": {"narrative": narrative},
        "inLanguage": "nl",
        "tag": ["WPO", "werknemersvaardigheden", skill.name],
        "resultDescription": [levels],
    }
    result = {"type": ["Result"], "resultDescription": levels["id"], "achievedLevel": level_ids[level], "value": level}
    return {
        "kind": BadgeCredential.Kind.SUBSKILL,
        "title": f"{skill.name}: {subskill.name}, niveau {level}",
        "level": level,
        "achievement": achievement,
        "results": [result],
        "evidence": _evidence(assignments),
    }


def _trajectory_badge(
    issuer: BadgeIssuer, certificate: Certificate, assignments: list[ParticipantAssignment]
) -> dict[str, Any]:
    achievement = {
        "id": badges.achievement_id(issuer, "trajectory"),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": "WPO-traject afgerond",
        "description": (
            "Een WPO-traject (Werkplekopleiden) is afgerond: algemene werknemersvaardigheden, geleerd op de "
            "werkvloer met de eigen werkplekopleider. Bij het resultaat staat welke deelskills op welk niveau "
            "zijn behaald. Er zijn drie niveaus: A (lukt met hulp), B (lukt meestal zelf), C (helemaal "
            "zelfstandig, ook als het werk nieuw of moeilijk is)."
        ),
        "criteria": {"narrative": f"{PROCESS} Het traject is afgesloten met minstens één behaalde deelskill."},
        "inLanguage": "nl",
        "tag": ["WPO", "werknemersvaardigheden"],
    }
    results = [
        {"type": ["Result"], "value": f"{skill['name']}: {sub['name']}, niveau {sub['level']}"}
        for skill in certificate.snapshot["skills"]
        for sub in skill["subskills"]
    ]
    return {
        "kind": BadgeCredential.Kind.TRAJECTORY,
        "title": "WPO-traject afgerond",
        "level": "",
        "achievement": achievement,
        "results": results,
        "evidence": _evidence(assignments),
    }


def badge_contents(issuer: BadgeIssuer, certificate: Certificate) -> list[dict[str, Any]]:
    assignments = _achieved(certificate)
    if certificate.kind == Certificate.Kind.TRAJECTORY:
        return [_trajectory_badge(issuer, certificate, assignments)]
    by_subskill: dict[int, list[ParticipantAssignment]] = defaultdict(list)
    for pa in assignments:
        by_subskill[pa.version.assignment.subskill_id].append(pa)
    contents = []
    for pas in by_subskill.values():
        subskill = pas[0].version.assignment.subskill
        # The level printed on the certificate: its snapshot is the one source of what was achieved.
        printed = next(
            (
                sub["level"]
                for skill in certificate.snapshot["skills"]
                for sub in skill["subskills"]
                if skill["name"] == subskill.skill.name and sub["number"] == subskill.number
            ),
            None,
        )
        if printed is not None:
            contents.append(_subskill_badge(issuer, subskill, printed, pas))
    return contents


def issue_credentials(certificate: Certificate) -> list[BadgeCredential]:
    """Sign and store the certificate's credentials. Runs inside the certificate's transaction: the
    issuer's row is locked while positions in its status list are taken."""
    issuer = badges.issuer_for(certificate.organization_id, lock=True)
    key = badges.active_key(issuer)
    used = set(BadgeCredential.objects.filter(issuer=issuer).values_list("status_index", flat=True))
    issued = []
    for content in badge_contents(issuer, certificate):
        index = badges.free_status_index(issuer, used)
        used.add(index)
        credential_id = uuid.uuid4()
        payload = badges.credential_payload(
            issuer,
            organization_name=certificate.snapshot["organization_name"],
            credential_id=credential_id,
            issued_at=certificate.issued_at,
            name=content["title"],
            recipient_name=certificate.participant_name,
            achievement=content["achievement"],
            results=content["results"],
            evidence=content["evidence"],
            status_index=index,
        )
        issued.append(
            BadgeCredential.objects.create(
                organization_id=certificate.organization_id,
                certificate=certificate,
                issuer=issuer,
                key=key,
                kind=content["kind"],
                credential_id=credential_id,
                title=content["title"][:300],
                level=content["level"],
                status_index=index,
                issued_at=certificate.issued_at,
                jwt=badges.sign(key, payload),
            )
        )
    return issued
