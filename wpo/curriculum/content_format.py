"""The curriculum's text-file format and its validation.

Pure Python (no Django) so that content authors can check their files with
``python -m wpo.curriculum.content_format content/`` before a database exists.
The loader uses the same functions, so what passes here loads there.

Layout of ``content/``::

    skills/<skill>.yaml                    one per skill, with its two sub-skills
    assignments/<skill>/<sub>-<level>.yaml one per assignment, e.g. overleggen/1-A.yaml
    pictograms/<skill>.svg                 the skill's pictogram
    illustrations/<name>.svg               pictures for the illustrated story
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import safe_yaml

LEVELS = ("A", "B", "C")
QUESTION_KINDS = ("multiple_choice", "true_false", "order", "situation")
# Pictures available to the illustrated step-by-step story (content/illustrations/<name>.svg).
ILLUSTRATIONS = (
    "werkvloer",
    "gesprek",
    "vraag",
    "idee",
    "klok",
    "team",
    "fout",
    "duim",
    "lijst",
    "luisteren",
    "telefoon",
    "hart",
)
MIN_READING_EASE = 70.0
SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*$")
VIDEO_NAME_RE = re.compile(r"^videos/[0-9a-f]{32}\.(mp4|webm)$")
# Caps on one assignment, far above what content needs (5 questions, 3 answers, 5 steps, texts under
# 350 characters), so that text from the editor or an import never makes the checks, the database
# row or the participant's page large.
MAX_QUESTIONS = 12
MAX_OPTIONS = 6
MAX_STEPS = 6
MAX_SCENES = 12
MAX_LIST_ITEMS = 10
MAX_TEXT = 1_000


@dataclass
class Problem:
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


@dataclass
class Checker:
    """Collects problems for one file; every check names the field it looked at."""

    path: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.path, field_name, message))

    def text(self, data: Any, key: str, where: str = "", max_length: int | None = None) -> str:
        name = f"{where}{key}"
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, str) or not value.strip():
            self.add(name, "ontbreekt of is leeg (verwacht tekst)")
            return ""
        if max_length is not None and len(value.strip()) > max_length:
            self.add(name, f"is te lang: hoogstens {max_length} tekens")
        return value.strip()

    def optional_text(self, data: Any, key: str, where: str = "") -> str:
        value = data.get(key) if isinstance(data, dict) else None
        if value is None:
            return ""
        if not isinstance(value, str):
            self.add(f"{where}{key}", "moet tekst zijn")
            return ""
        return value.strip()

    def text_list(
        self,
        data: Any,
        key: str,
        minimum: int,
        maximum: int | None = None,
        where: str = "",
        max_length: int | None = None,
    ) -> list[str]:
        name = f"{where}{key}"
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, list):
            self.add(name, f"ontbreekt (verwacht een lijst van minstens {minimum})")
            return []
        items = [v.strip() for v in value if isinstance(v, str) and v.strip()]
        if len(items) != len(value):
            self.add(name, "elk punt moet een niet-lege tekst zijn")
        if max_length is not None and any(len(item) > max_length for item in items):
            self.add(name, f"een punt is te lang: hoogstens {max_length} tekens")
        if len(items) < minimum:
            self.add(name, f"heeft {len(items)} punten, minstens {minimum} nodig")
        if maximum is not None and len(items) > maximum:
            self.add(name, f"heeft {len(items)} punten, hoogstens {maximum} toegestaan")
        return items


def load_yaml(path: Path, checker: Checker) -> dict[str, Any] | None:
    """One content file, read without anchors or aliases and within a size cap (``safe_yaml``)."""
    # Four bytes per character at most: a file this large is refused before it is read.
    if path.stat().st_size > 4 * safe_yaml.MAX_FILE_CHARS:
        checker.add("bestand", f"is te groot: hoogstens {safe_yaml.MAX_FILE_CHARS} tekens")
        return None
    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8"))
    except safe_yaml.YamlRefused as exc:
        checker.add(f"regel {exc.line}" if exc.line else "bestand", exc.dutch())
        return None
    except UnicodeDecodeError:
        checker.add("bestand", "is geen UTF-8-tekst")
        return None
    if not isinstance(data, dict):
        checker.add("bestand", "moet een YAML-object (sleutels met waarden) zijn")
        return None
    return data


def check_skill(data: dict[str, Any], checker: Checker, content_dir: Path | None) -> dict[str, Any]:
    """Check one skill. From ``content/`` the pictogram is a file name; in an exchange document
    (``content_dir`` is None) the SVG itself travels along as ``pictogram_svg``."""
    code = checker.text(data, "code")
    if code and not SLUG_RE.match(code):
        checker.add("code", "alleen kleine letters, cijfers en streepjes")
    skill: dict[str, Any] = {
        "code": code,
        "name": checker.text(data, "name"),
        "order": data.get("order"),
        "explanation": checker.text(data, "explanation"),
        "pictogram": checker.text(data, "pictogram"),
        "pictogram_svg": "",
    }
    if not isinstance(skill["order"], int) or isinstance(skill["order"], bool):
        checker.add("order", "moet een geheel getal zijn")
    if content_dir is None:
        skill["pictogram_svg"] = checker.text(data, "pictogram_svg")
    elif skill["pictogram"]:
        svg = content_dir / "pictograms" / skill["pictogram"]
        if not svg.is_file():
            checker.add("pictogram", f"bestand pictograms/{skill['pictogram']} bestaat niet")
        else:
            skill["pictogram_svg"] = svg.read_text(encoding="utf-8").strip()
    if skill["pictogram_svg"] and "<svg" not in skill["pictogram_svg"][:500]:
        checker.add("pictogram", "is geen SVG-bestand")
    card = data.get("choice_card")
    if not isinstance(card, dict):
        checker.add("choice_card", "ontbreekt (verwacht 'hard' en 'better')")
        card = {}
    hard = checker.text_list(card, "hard", 2, 4, where="choice_card.")
    better = checker.text_list(card, "better", 2, 4, where="choice_card.")
    skill["choice_card"] = {"hard": hard, "better": better}
    for statement in hard:
        if not statement.startswith("Ik vind het moeilijk om"):
            checker.add("choice_card.hard", f"begint niet met 'Ik vind het moeilijk om': {statement!r}")
    for statement in better:
        if not statement.startswith("Ik wil beter worden in"):
            checker.add("choice_card.better", f"begint niet met 'Ik wil beter worden in': {statement!r}")
    subskills = data.get("subskills")
    subskill_list: list[dict[str, Any]] = []
    skill["subskills"] = subskill_list
    if not isinstance(subskills, list) or len(subskills) != 2:
        checker.add("subskills", "verwacht precies 2 deelskills")
        subskills = subskills if isinstance(subskills, list) else []
    for i, sub in enumerate(subskills, start=1):
        where = f"subskills[{i}]."
        number = sub.get("number") if isinstance(sub, dict) else None
        if number != i:
            checker.add(f"{where}number", f"moet {i} zijn")
        levels = sub.get("levels") if isinstance(sub, dict) else None
        if not isinstance(levels, dict) or set(levels) != set(LEVELS):
            checker.add(f"{where}levels", "verwacht precies de niveaus A, B en C")
            levels = {}
        subskill_list.append(
            {
                "number": i,
                "name": checker.text(sub, "name", where=where),
                "description": checker.text(sub, "description", where=where),
                "levels": {lv: checker.text(levels, lv, where=f"{where}levels.") for lv in LEVELS},
            }
        )
    return skill


def _check_options(question: dict[str, Any], checker: Checker, where: str) -> list[dict[str, Any]]:
    options = question.get("options")
    if not isinstance(options, list) or len(options) < 2:
        checker.add(f"{where}options", "verwacht minstens 2 antwoorden")
        return []
    if len(options) > MAX_OPTIONS:
        checker.add(f"{where}options", f"heeft {len(options)} antwoorden, hoogstens {MAX_OPTIONS} toegestaan")
        options = options[:MAX_OPTIONS]
    result = []
    for j, opt in enumerate(options, start=1):
        ow = f"{where}options[{j}]."
        correct = opt.get("correct", False) if isinstance(opt, dict) else False
        if not isinstance(correct, bool):
            checker.add(f"{ow}correct", "moet true of false zijn")
            correct = False
        result.append(
            {
                "text": checker.text(opt, "text", where=ow, max_length=MAX_TEXT),
                "correct": correct,
                "feedback": checker.text(opt, "feedback", where=ow, max_length=MAX_TEXT),
            }
        )
    if sum(1 for o in result if o["correct"]) != 1:
        checker.add(f"{where}options", "precies 1 antwoord moet 'correct: true' hebben")
    return result


def check_question(question: Any, checker: Checker, where: str) -> dict[str, Any]:
    if not isinstance(question, dict):
        checker.add(where.rstrip("."), "moet een object zijn")
        return {}
    kind = question.get("kind")
    if kind not in QUESTION_KINDS:
        checker.add(f"{where}kind", f"moet een van {', '.join(QUESTION_KINDS)} zijn")
    result: dict[str, Any] = {
        "kind": kind,
        "prompt": checker.text(question, "prompt", where=where, max_length=MAX_TEXT),
    }
    if kind == "order":
        result["steps"] = checker.text_list(question, "steps", 3, MAX_STEPS, where=where, max_length=MAX_TEXT)
        result["feedback_correct"] = checker.text(question, "feedback_correct", where=where, max_length=MAX_TEXT)
        result["feedback_wrong"] = checker.text(question, "feedback_wrong", where=where, max_length=MAX_TEXT)
    else:
        result["options"] = _check_options(question, checker, where)
        if kind == "true_false":
            texts = sorted(o["text"] for o in result["options"])
            if texts != ["Niet waar", "Waar"]:
                checker.add(f"{where}options", "een waar/niet waar-vraag heeft de antwoorden 'Waar' en 'Niet waar'")
    return result


def check_assignment(data: dict[str, Any], checker: Checker) -> dict[str, Any]:
    a: dict[str, Any] = {
        "skill": checker.text(data, "skill"),
        "subskill": data.get("subskill"),
        "level": data.get("level"),
        "title": checker.text(data, "title", max_length=200),
        "goal": checker.text(data, "goal", max_length=MAX_TEXT),
        "explanation": checker.text(data, "explanation", max_length=MAX_TEXT),
    }
    # A wrong value becomes None: the identity (skill, subskill, level) is put in sets further on,
    # and a list or object there broke the whole check with a TypeError (tests/property).
    if not isinstance(a["subskill"], int) or a["subskill"] not in (1, 2):
        checker.add("subskill", "moet 1 of 2 zijn")
        a["subskill"] = None
    if not isinstance(a["level"], str) or a["level"] not in LEVELS:
        checker.add("level", "moet A, B of C zijn")
        a["level"] = None
    video = data.get("video")
    if not isinstance(video, dict):
        checker.add("video", "ontbreekt (verwacht url en story)")
        video = {}
    url = checker.optional_text(video, "url", where="video.")
    if url and not url.startswith("https://"):
        checker.add("video.url", "moet met https:// beginnen of leeg zijn")
    story = video.get("story")
    scenes = []
    if not isinstance(story, list) or len(story) < 3:
        checker.add("video.story", "verwacht minstens 3 scènes (tekst en plaatje)")
        story = story if isinstance(story, list) else []
    if len(story) > MAX_SCENES:
        checker.add("video.story", f"heeft {len(story)} scènes, hoogstens {MAX_SCENES} toegestaan")
        story = story[:MAX_SCENES]
    for k, scene in enumerate(story, start=1):
        sw = f"video.story[{k}]."
        picture = scene.get("picture") if isinstance(scene, dict) else None
        if picture not in ILLUSTRATIONS:
            checker.add(f"{sw}picture", f"moet een van {', '.join(ILLUSTRATIONS)} zijn")
        scenes.append({"text": checker.text(scene, "text", where=sw, max_length=MAX_TEXT), "picture": picture})
    a["video"] = {"url": url, "story": scenes}
    # An uploaded video is kept in the media storage; only its storage name travels in the content.
    video_file = checker.optional_text(video, "file", where="video.")
    if video_file:
        if not VIDEO_NAME_RE.match(video_file):
            checker.add("video.file", "onbekende bestandsnaam")
        a["video"]["file"] = video_file
    questions = data.get("questions")
    if not isinstance(questions, list) or len(questions) < 4:
        checker.add("questions", "verwacht minstens 4 oefenvragen")
        questions = questions if isinstance(questions, list) else []
    if len(questions) > MAX_QUESTIONS:
        checker.add("questions", f"heeft {len(questions)} oefenvragen, hoogstens {MAX_QUESTIONS} toegestaan")
        questions = questions[:MAX_QUESTIONS]
    a["questions"] = [check_question(q, checker, f"questions[{i}].") for i, q in enumerate(questions, 1)]
    a["summary"] = checker.text_list(data, "summary", 3, 5, max_length=MAX_TEXT)
    task = data.get("work_task")
    if not isinstance(task, dict):
        checker.add("work_task", "ontbreekt (verwacht what, where, when, how_often)")
        task = {}
    a["work_task"] = {
        k: checker.text(task, k, where="work_task.", max_length=MAX_TEXT)
        for k in ("what", "where", "when", "how_often")
    }
    a["look_back"] = checker.text_list(data, "look_back", 3, MAX_LIST_ITEMS, max_length=MAX_TEXT)
    trainer = data.get("trainer")
    if not isinstance(trainer, dict):
        checker.add("trainer", "ontbreekt (verwacht adapt_work, observe, feedback_examples)")
        trainer = {}
    a["trainer"] = {
        "introduction": checker.text(trainer, "introduction", where="trainer.", max_length=MAX_TEXT),
        "adapt_work": checker.text_list(trainer, "adapt_work", 2, 6, where="trainer.", max_length=MAX_TEXT),
        "observe": checker.text_list(trainer, "observe", 3, 5, where="trainer.", max_length=MAX_TEXT),
        "feedback_examples": checker.text_list(
            trainer, "feedback_examples", 2, 3, where="trainer.", max_length=MAX_TEXT
        ),
    }
    return a


def participant_text(assignment: dict[str, Any]) -> str:
    """All text a participant reads in one assignment, as one block for readability scoring."""
    parts: list[str] = [assignment["title"] + ".", assignment["goal"], assignment["explanation"]]
    parts += [s["text"] for s in assignment["video"]["story"]]
    for q in assignment["questions"]:
        parts.append(q.get("prompt", ""))
        for o in q.get("options", []):
            parts += [o["text"] + ".", o["feedback"]]
        parts += [s + "." for s in q.get("steps", [])]
        parts += [q.get("feedback_correct", ""), q.get("feedback_wrong", "")]
    parts += assignment["summary"]
    parts += list(assignment["work_task"].values())
    parts += assignment["look_back"]
    return "\n".join(p for p in parts if p)


def reading_ease(text: str) -> float:
    """Flesch-Douma reading ease (textstat with Dutch syllable rules)."""
    import textstat

    textstat.set_lang("nl")
    return float(textstat.flesch_reading_ease(text))


def missing_assignments(skills: list[dict[str, Any]], assignments: list[dict[str, Any]]) -> list[Problem]:
    """Every skill needs an assignment for each sub-skill and level."""
    problems: list[Problem] = []
    present = {(a["skill"], a["subskill"], a["level"]) for a in assignments}
    for skill in skills:
        for sub in (1, 2):
            for level in LEVELS:
                if (skill["code"], sub, level) not in present:
                    problems.append(Problem(f"assignments/{skill['code']}/{sub}-{level}.yaml", "bestand", "ontbreekt"))
    return problems


DOCUMENT_FORMAT = "wpo-curriculum"
DOCUMENT_VERSION = 1


def validate_document(doc: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Problem]]:
    """Check an exchange document (docs/curriculum-exchange.md) with the same rules as content/."""
    top = Checker("document")
    if not isinstance(doc, dict):
        top.add("document", "moet een JSON-object zijn")
        return [], [], top.problems
    if doc.get("format") != DOCUMENT_FORMAT:
        top.add("format", f"moet {DOCUMENT_FORMAT!r} zijn")
    if doc.get("version") != DOCUMENT_VERSION:
        top.add("version", f"versie {doc.get('version')!r} wordt niet ondersteund (verwacht {DOCUMENT_VERSION})")
    skills: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    problems = top.problems
    raw_skills = doc.get("skills")
    raw_assignments = doc.get("assignments")
    if not isinstance(raw_skills, list) or not raw_skills:
        problems.append(Problem("document", "skills", "verwacht een lijst met skills"))
        raw_skills = []
    if not isinstance(raw_assignments, list):
        problems.append(Problem("document", "assignments", "verwacht een lijst met opdrachten"))
        raw_assignments = []
    for i, data in enumerate(raw_skills, start=1):
        checker = Checker(f"skills[{i}]")
        if isinstance(data, dict):
            skills.append(check_skill(data, checker, None))
        else:
            checker.add("skill", "moet een object zijn")
        problems += checker.problems
    codes = [s["code"] for s in skills]
    for code in {c for c in codes if codes.count(c) > 1}:
        problems.append(Problem("document", "skills", f"skill {code!r} staat er meer dan één keer in"))
    seen: set[tuple[Any, Any, Any]] = set()
    for i, data in enumerate(raw_assignments, start=1):
        checker = Checker(f"assignments[{i}]")
        if not isinstance(data, dict):
            checker.add("assignment", "moet een object zijn")
            problems += checker.problems
            continue
        a = check_assignment(data, checker)
        key = (a["skill"], a["subskill"], a["level"])
        if a["skill"] and a["skill"] not in codes:
            checker.add("skill", f"onbekende skill {a['skill']!r}")
        if key in seen:
            checker.add("assignment", f"{a['skill']}/{a['subskill']}-{a['level']} staat er meer dan één keer in")
        seen.add(key)
        assignments.append(a)
        problems += checker.problems
    problems += missing_assignments(skills, assignments)
    return skills, assignments, problems


def validate_tree(content_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Problem]]:
    """Read and check every file; returns skills, assignments and all problems found."""
    problems: list[Problem] = []
    skills: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    skill_files = sorted((content_dir / "skills").glob("*.yaml"))
    if not skill_files:
        problems.append(Problem(str(content_dir / "skills"), "bestand", "geen skills gevonden"))
    for path in skill_files:
        checker = Checker(str(path.relative_to(content_dir)))
        data = load_yaml(path, checker)
        if data is not None:
            skill = check_skill(data, checker, content_dir)
            if skill["code"] and skill["code"] != path.stem:
                checker.add("code", f"moet gelijk zijn aan de bestandsnaam ({path.stem})")
            skills.append(skill)
        problems += checker.problems
    known = {s["code"] for s in skills}
    for path in sorted((content_dir / "assignments").glob("*/*.yaml")):
        checker = Checker(str(path.relative_to(content_dir)))
        data = load_yaml(path, checker)
        if data is not None:
            a = check_assignment(data, checker)
            expected = f"{a['subskill']}-{a['level']}"
            if a["skill"] != path.parent.name:
                checker.add("skill", f"moet gelijk zijn aan de map ({path.parent.name})")
            elif a["skill"] not in known:
                checker.add("skill", f"onbekende skill {a['skill']!r}")
            if path.stem != expected:
                checker.add("bestand", f"naam moet {expected}.yaml zijn")
            assignments.append(a)
        problems += checker.problems
    problems += missing_assignments(skills, assignments)
    return skills, assignments, problems


def main(argv: list[str]) -> int:
    content_dir = Path(argv[1] if len(argv) > 1 else "content")
    skills, assignments, problems = validate_tree(content_dir)
    for problem in problems:
        print(problem)
    for a in assignments:
        if a["title"]:
            score = reading_ease(participant_text(a))
            flag = "" if score >= MIN_READING_EASE else "  <-- te moeilijk (minstens 70)"
            print(f"leesgemak {a['skill']}/{a['subskill']}-{a['level']}: {score:.1f}{flag}")
    print(f"{len(skills)} skills, {len(assignments)} opdrachten, {len(problems)} problemen")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
