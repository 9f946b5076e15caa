"""Writes to the curriculum: loading content files, saving an assignment's text, and skills.

An organisation's own skills publish each assignment's new version at once; the national curriculum
goes through the draft edition (``editions``): a changed national assignment waits there until the
whole edition is published."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from wpo.lib.refusals import Refused, checked
from wpo.orgs.models import Organization, Person
from wpo.orgs.permissions import may_edit_skill

from .. import content_format
from ..access import can_edit_skill
from ..models import Assignment, AssignmentVersion, Skill, SubSkill, published_or_legacy
from ..svg import UnsafeSvg, sanitise_svg
from . import editions
from .editions import LoadReport


class ContentInvalid(Exception):
    def __init__(self, problems: list[content_format.Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the curriculum content")
        self.problems = problems


def curriculum_from_directory(content_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    skills, assignments, problems = content_format.validate_tree(content_dir)
    problems += _sanitise_pictograms(skills)
    if problems:
        raise ContentInvalid(problems)
    return skills, assignments


def curriculum_from_document(doc: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    skills, assignments, problems = content_format.validate_document(doc)
    problems += _sanitise_pictograms(skills)
    # Pictures do not travel in the document: each one must be among this installation's illustrations.
    for a in assignments:
        where = f"assignments/{a['skill']}/{a['subskill']}-{a['level']}"
        problems += content_format.unknown_pictures(a, Path(settings.CONTENT_DIR), where)
    if problems:
        raise ContentInvalid(problems)
    return skills, assignments


def _sanitise_pictograms(skills: list[dict[str, Any]]) -> list[content_format.Problem]:
    """Replace each skill's pictogram by its sanitised form (``wpo.curriculum.svg``); a pictogram
    that cannot be made safe is a problem of the content, and nothing is loaded."""
    problems = []
    for skill in skills:
        if not skill.get("pictogram_svg"):
            continue
        try:
            skill["pictogram_svg"] = sanitise_svg(skill["pictogram_svg"])
        except UnsafeSvg as exc:
            problems.append(content_format.Problem(f"skills/{skill.get('code', '?')}", "pictogram", str(exc)))
    return problems


# Apps that build on the curriculum add their own part to an export, keyed by a top-level name: each
# gets the exported assignments and returns a list (left out when empty). wpo.packages registers the
# e-learning packages that are an assignment's practice part ("packages"), referenced, not embedded.
ExportPart = Callable[[list[Assignment]], list[dict[str, Any]]]
EXPORT_PARTS: dict[str, ExportPart] = {}


def curriculum_export(*, organization: Organization | None = None) -> dict[str, Any]:
    """The whole curriculum of the national product (or of one organisation's own skills) as one
    exchange document; ``curriculum_load`` reads it back (docs/curriculum-exchange.md). The national
    document carries the number and release notes of the edition it holds; a draft stays out."""
    skills = (
        Skill.objects.filter(published_or_legacy(), organization=organization)
        .prefetch_related("subskills__assignments__current_version")
        .order_by("order", "code")
    )
    doc_skills: list[dict[str, Any]] = []
    doc_assignments: list[dict[str, Any]] = []
    exported: list[Assignment] = []
    for skill in skills:
        subskills = sorted(skill.subskills.all(), key=lambda s: s.number)
        doc_skills.append(
            {
                "code": skill.code,
                "name": skill.name,
                "order": skill.order,
                "explanation": skill.explanation,
                "pictogram": f"{skill.code}.svg",
                "pictogram_svg": skill.pictogram_svg,
                "choice_card": {"hard": list(skill.choice_card_hard), "better": list(skill.choice_card_better)},
                "subskills": [
                    {
                        "number": sub.number,
                        "name": sub.name,
                        "description": sub.description,
                        "levels": {"A": sub.level_a, "B": sub.level_b, "C": sub.level_c},
                    }
                    for sub in subskills
                ],
            }
        )
        for sub in subskills:
            for assignment in sorted(sub.assignments.all(), key=lambda a: a.level):
                if assignment.current_version is not None:
                    doc_assignments.append(assignment.current_version.content)
                    exported.append(assignment)
    doc: dict[str, Any] = {
        "format": content_format.DOCUMENT_FORMAT,
        "version": content_format.DOCUMENT_VERSION,
        "skills": doc_skills,
        "assignments": doc_assignments,
    }
    latest = editions.latest_published() if organization is None else None
    if latest is not None:
        doc["edition"] = {"number": latest.number, "notes": latest.notes}
    for key, part in EXPORT_PARTS.items():
        found = part(exported)
        if found:
            doc[key] = found
    return doc


@transaction.atomic
def curriculum_load(
    *,
    skills: list[dict[str, Any]],
    assignments: list[dict[str, Any]],
    organization: Organization | None = None,
    edition: str | None = None,
    notes: str | None = None,
) -> LoadReport:
    """Load checked content: the national curriculum as an edition (``editions.edition_load``, with
    ``edition`` and ``notes``), or an organisation's own skills, whose changed texts are published at
    once. Running it twice on the same content changes nothing (idempotent)."""
    problems = _sanitise_pictograms(skills)
    if problems:
        raise ContentInvalid(problems)
    if organization is None:
        return editions.edition_load(skills=skills, assignments=assignments, number=edition, notes=notes)
    if edition:
        raise Refused(_("Een editie is landelijk: de eigen skills van een organisatie horen er niet bij."))
    report = LoadReport()
    for data in skills:
        skill, _created = Skill.objects.update_or_create(
            organization=organization,
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
        (s.skill.code, s.number): s
        for s in SubSkill.objects.filter(skill__organization=organization).select_related("skill")
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


class PublishRefused(Refused):
    """The content breaks a rule of the curriculum: the editor shows each problem at its field."""

    def __init__(self, problems: list[content_format.Problem], reading_ease: float | None = None) -> None:
        super().__init__(_("De opdracht kan zo niet gepubliceerd worden."))
        self.problems = problems
        self.reading_ease = reading_ease


def assignment_check(content: dict[str, Any]) -> tuple[dict[str, Any], list[content_format.Problem], float | None]:
    """Validate edited content with the rules of content/ (its pictures must be among the
    illustrations; the rule of two own pictures is for content/ only), and measure its reading ease."""
    checker = content_format.Checker("opdracht")
    checked = content_format.check_assignment(content, checker)
    checker.problems += content_format.unknown_pictures(checked, Path(settings.CONTENT_DIR), checker.path)
    score = None
    if not checker.problems:
        score = content_format.reading_ease(content_format.participant_text(checked))
        if score < content_format.MIN_READING_EASE:
            checker.add(
                "leesgemak",
                f"{score:.0f} is te moeilijk; minstens {content_format.MIN_READING_EASE:.0f} nodig. "
                "Maak zinnen korter en gebruik kortere woorden.",
            )
    return checked, checker.problems, score


def store_video(upload: Any) -> str:
    """Keep an uploaded video under an unguessable name; it is only served through the access layer."""
    from uuid import uuid4

    from django.core.files.storage import default_storage

    name: str = default_storage.save(f"videos/{uuid4().hex}.{upload.wpo_extension}", upload)
    return name


@transaction.atomic
def assignment_save(*, assignment: Assignment, content: dict[str, Any], actor: Person) -> AssignmentVersion:
    """Save edited content: an organisation's own assignment publishes a new version at once; a
    national one goes into the draft edition, to be published with the whole edition.

    Work in progress keeps the version it started with either way.
    """
    locked = Assignment.objects.select_for_update().select_related("subskill__skill").get(pk=assignment.pk)
    if not may_edit_skill(actor, locked.subskill.skill.organization_id):
        raise Refused(_("Je mag deze opdracht niet bewerken."))
    content = {
        **content,
        "skill": locked.subskill.skill.code,
        "subskill": locked.subskill.number,
        "level": locked.level,
    }
    checked, problems, score = assignment_check(content)
    if problems:
        raise PublishRefused(problems, score)
    if locked.subskill.skill.organization_id is None:
        return editions.draft_assignment_save(assignment=locked, content=checked, actor=actor)
    current = locked.current_version
    if current is not None and current.content == checked:
        return current
    last = locked.versions.order_by("-number").first()
    version = AssignmentVersion.objects.create(
        assignment=locked,
        number=(last.number + 1) if last else 1,
        title=checked["title"],
        content=checked,
        published_by=actor.user,
    )
    locked.current_version = version
    locked.save(update_fields=["current_version"])
    assignment.current_version = version
    return version


@transaction.atomic
def skill_save(*, skill: Skill, subskills: list[dict[str, Any]], actor: Person, national: bool = False) -> Skill:
    """Create or update a skill with its two sub-skills; a new skill gets its six assignment slots,
    to be written one by one.

    A new skill is the actor's organisation's own, or, with ``national`` and the national
    permission, a national skill that joins the draft edition: organisations see it when that
    edition is published. An existing skill keeps the owner it has: a national skill stays national
    (moving it would take it away from every other organisation and leave their trajectories
    pointing into another tenant), and only a holder of the national permission edits it; an
    organisation's editor edits only their own organisation's skills.
    """
    if not actor.is_content_editor:
        raise Refused(_("Alleen een inhoudsredacteur kan skills bewerken."))
    if skill.pk is None:
        skill.organization_id = None if national else actor.organization_id
        if national:
            skill.edition = editions.draft_skill(actor)
        if Skill.objects.filter(organization_id=skill.organization_id, code=skill.code).exists():
            raise Refused({"code": _("Deze code wordt al gebruikt. Kies een andere.")})
    else:
        stored = Skill.objects.select_for_update().filter(pk=skill.pk).first()
        if stored is None or not can_edit_skill(actor, stored):
            raise Refused(_("Deze skill mag je niet bewerken."))
        skill.organization_id = stored.organization_id
        skill.edition_id = stored.edition_id
        skill.code = stored.code
    if skill.pictogram_svg:
        try:
            skill.pictogram_svg = sanitise_svg(skill.pictogram_svg)
        except UnsafeSvg as exc:
            raise Refused({"pictogram_svg": str(exc)}) from None
    checked(skill)
    skill.save()
    for sub in subskills:
        subskill, _created = SubSkill.objects.update_or_create(
            skill=skill,
            number=sub["number"],
            defaults={
                "name": sub["name"],
                "description": sub["description"],
                "level_a": sub["level_a"],
                "level_b": sub["level_b"],
                "level_c": sub["level_c"],
            },
        )
        for level in content_format.LEVELS:
            Assignment.objects.get_or_create(subskill=subskill, level=level)
    return skill
