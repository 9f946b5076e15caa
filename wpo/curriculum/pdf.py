"""Printable PDFs of the curriculum, for participants who work on paper.

Pure rendering helpers: a template becomes PDF bytes (``wpo.lib.pdf``). Every picture travels
inside the HTML as a ``data:`` URI (pictograms from the database, story illustrations from
``settings.CONTENT_DIR / "illustrations"``), and the URL fetcher refuses every other protocol,
so rendering never reaches the network or any other file.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wpo.lib.pdf import html_to_pdf, svg_data_uri

from .content_format import PICTURE_NAME_RE
from .models import Assignment, AssignmentVersion, Skill
from .wording import fill_content, shuffled_indices

PRINT_CSS = Path(__file__).resolve().parent / "static" / "curriculum" / "print.css"
# Empty lines to write on, per place in the assignment; fewer per look-back question when there
# are many, so that the look-back fits on about one page.
WORK_TASK_LINES = 4
LOOK_BACK_LINES = 3
LOOK_BACK_LINES_MANY = 2


def illustration_uri(name: str | None) -> str:
    """A story picture as a data: URI; only the known names, only from the content directory."""
    if not name or not PICTURE_NAME_RE.match(name):
        return ""
    path = Path(settings.CONTENT_DIR) / "illustrations" / f"{name}.svg"
    try:
        return svg_data_uri(path.read_text(encoding="utf-8"))
    except OSError:
        return ""


def shuffled_steps(steps: list[str], seed: str) -> list[dict[str, Any]]:
    """The steps of an order question in a fixed mixed-up order, each with its right position.

    The same steps always come out in the same order, and never in the right one."""
    numbered = [{"position": i, "text": text} for i, text in enumerate(steps, start=1)]
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big"))
    rng.shuffle(numbered)
    if len(numbered) > 1 and [s["position"] for s in numbered] == list(range(1, len(numbered) + 1)):
        numbered = numbered[1:] + numbered[:1]
    return numbered


def print_questions(questions: list[dict[str, Any]], seed: str = "") -> list[dict[str, Any]]:
    """The practice questions as the paper shows them: order steps shuffled, positions kept; the
    answer options shuffled by ``seed`` (one assignment version prints the same every time)."""
    result = []
    for number, question in enumerate(questions, start=1):
        options = list(question.get("options", []))
        item: dict[str, Any] = {
            "number": number,
            "kind": question.get("kind"),
            "prompt": question.get("prompt", ""),
            "options": [options[i] for i in shuffled_indices(len(options), f"{seed}/{number}")],
        }
        if question.get("kind") == "order":
            steps = list(question.get("steps", []))
            item["steps"] = shuffled_steps(steps, f"{number}\n" + "\n".join(steps))
            item["steps_in_order"] = steps
            item["feedback_correct"] = question.get("feedback_correct", "")
            item["feedback_wrong"] = question.get("feedback_wrong", "")
        result.append(item)
    return result


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF bytes with the print stylesheet; no network, no file access."""
    return html_to_pdf(render_to_string(template_name, context), PRINT_CSS)


def assignment_filename(assignment: Assignment) -> str:
    skill = assignment.subskill.skill
    return f"wpo-{slugify(skill.code)}-{assignment.subskill.number}-{assignment.level}.pdf"


def assignment_context(assignment: Assignment, version: AssignmentVersion) -> dict[str, Any]:
    # Paper knows no name: "je werkplekopleider", "mijn werkplekopleider" in the participant's own words.
    parts = fill_content(version.parts)
    subskill = assignment.subskill
    skill = subskill.skill
    video = parts.get("video") or {}
    return {
        "assignment": assignment,
        "version": version,
        "skill": skill,
        "subskill": subskill,
        "level_description": subskill.level_description(assignment.level),
        "parts": parts,
        "pictogram": svg_data_uri(skill.pictogram_svg),
        "scenes": [
            {
                "text": scene.get("text", ""),
                "picture": illustration_uri(scene.get("picture")),
                "alt": scene.get("alt", ""),
            }
            for scene in video.get("story", [])
        ],
        # Seeded by what the version is, not by a database key: the same version prints the same anywhere.
        "questions": print_questions(
            parts.get("questions", []), f"{skill.code}/{subskill.number}-{assignment.level}/v{version.number}"
        ),
        "work_task_lines": range(WORK_TASK_LINES),
        "look_back_lines": range(LOOK_BACK_LINES if len(parts.get("look_back", [])) <= 4 else LOOK_BACK_LINES_MANY),
        "days": [_("maandag"), _("dinsdag"), _("woensdag"), _("donderdag"), _("vrijdag")],
    }


def render_assignment(assignment: Assignment, version: AssignmentVersion) -> bytes:
    return render_pdf("curriculum/print/assignment.html", assignment_context(assignment, version))


def render_choice_card(skills: list[Skill]) -> bytes:
    items = [
        {
            "skill": skill,
            "pictogram": svg_data_uri(skill.pictogram_svg),
            "hard": list(skill.choice_card_hard or []),
            "better": list(skill.choice_card_better or []),
        }
        for skill in skills
    ]
    return render_pdf("curriculum/print/choice_card.html", {"skills": items, "reason_lines": range(3)})
