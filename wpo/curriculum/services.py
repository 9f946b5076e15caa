"""Writes to the curriculum: loading content files and publishing versions."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from . import content_format
from .models import Assignment, AssignmentVersion, Skill, SubSkill


class ContentInvalid(Exception):
    def __init__(self, problems: list[content_format.Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the curriculum content")
        self.problems = problems


@dataclass
class LoadReport:
    skills: int = 0
    subskills: int = 0
    assignments: int = 0
    new_versions: list[str] = field(default_factory=list)


def curriculum_from_directory(content_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    skills, assignments, problems = content_format.validate_tree(content_dir)
    if problems:
        raise ContentInvalid(problems)
    for skill in skills:
        skill["pictogram_svg"] = (content_dir / "pictograms" / skill["pictogram"]).read_text(encoding="utf-8")
    return skills, assignments


@transaction.atomic
def curriculum_load(*, skills: list[dict[str, Any]], assignments: list[dict[str, Any]]) -> LoadReport:
    """Create or update the national curriculum; publish a version only when the text changed.

    Running it twice on the same content changes nothing (idempotent).
    """
    report = LoadReport()
    by_code: dict[str, Skill] = {}
    for data in skills:
        skill, _created = Skill.objects.update_or_create(
            organization=None,
            code=data["code"],
            defaults={
                "name": data["name"],
                "order": data["order"],
                "explanation": data["explanation"],
                "pictogram_svg": data["pictogram_svg"],
                "choice_card_hard": data["choice_card"]["hard"],
                "choice_card_better": data["choice_card"]["better"],
            },
        )
        by_code[skill.code] = skill
        report.skills += 1
        for sub in data["subskills"]:
            SubSkill.objects.update_or_create(
                skill=skill,
                number=sub["number"],
                defaults={
                    "name": sub["name"],
                    "description": sub["description"],
                    "level_a": sub["levels"]["A"],
                    "level_b": sub["levels"]["B"],
                    "level_c": sub["levels"]["C"],
                },
            )
            report.subskills += 1
    subskills = {
        (s.skill.code, s.number): s for s in SubSkill.objects.filter(skill__organization=None).select_related("skill")
    }
    for data in assignments:
        subskill = subskills[(data["skill"], data["subskill"])]
        assignment, _created = Assignment.objects.get_or_create(subskill=subskill, level=data["level"])
        report.assignments += 1
        current = assignment.current_version
        if current is not None and current.content == data:
            continue
        version = AssignmentVersion.objects.create(
            assignment=assignment,
            number=(current.number + 1) if current else 1,
            title=data["title"],
            content=data,
        )
        assignment.current_version = version
        assignment.save(update_fields=["current_version"])
        report.new_versions.append(f"{data['skill']}/{data['subskill']}-{data['level']}")
    return report
