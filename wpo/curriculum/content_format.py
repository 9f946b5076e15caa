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
MIN_READING_EASE = 70.0
SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*$")
# A story picture is content/illustrations/<name>.svg; each assignment draws at least two of its own.
PICTURE_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_PICTURE_BYTES = 8 * 1024
OWN_PICTURES_PER_ASSIGNMENT = 2

# Participant text names the participant's own werkplekopleider with this placeholder: on screen it
# becomes their first name ("Vraag het aan Ahmed"), on paper and where no name is known "je
# werkplekopleider" (wpo.curriculum.wording.fill_trainer).
TRAINER_PLACEHOLDER = "{werkplekopleider}"
# One word for one person: in participant text the trainer is never "baas" or "leidinggevende".
OTHER_WORDS_FOR_THE_TRAINER = re.compile(r"\b(baas|bazen|leidinggevenden?)\b", re.IGNORECASE)
# Words the content check catches (written apart, or an off tone), with what to write instead.
SPELLING = {
    r"\bmis (gaat|gaan|ging|gingen|gegaan)\b": "aan elkaar: misgaat, misgaan, misging",
    r"\bstil (gestaan|staan|staat)\b": "aan elkaar: stilstaan, stilgestaan",
    r"\bkapot (gaat|gaan|ging|gegaan|maken|maakt|gemaakt)\b": "aan elkaar: kapotgaan, kapotmaken",
    r"\bschoon (maken|maakt|maak|gemaakt|maakte)\b": "aan elkaar: schoonmaken, schoongemaakt",
    r"\bweg (leggen|legt|gelegd|zetten|gezet|gooien|gegooid)\b": "aan elkaar: wegleggen, wegzetten, weggooien",
    r"\bop (ruimen|geruimd|bellen|gebeld|letten|gelet)\b": "aan elkaar: opruimen, opbellen, opletten",
    r"\bklaar (zetten|gezet|leggen|gelegd)\b": "aan elkaar: klaarzetten, klaarleggen",
    r"\bdoor (gaan|gegaan|werken|gewerkt)\b": "aan elkaar: doorgaan, doorwerken",
    r"\bterug (kijken|gekeken|komen|gekomen)\b": "aan elkaar: terugkijken, terugkomen",
    r"\bsamen (werken|gewerkt)\b": "aan elkaar: samenwerken, samengewerkt",
}
TONE = {
    r"\bsteek je hand op\b": "kinderachtig; zeg wat de deelnemer echt doet",
    r"\bsnap je vast\b": "betuttelend",
    r"\bniet moeilijk\b": "betuttelend: wat voor de een makkelijk is, is dat niet voor de ander",
    r"\b(snap ik|snappen we|begrijp ik|begrijpen we)\b": "één verteller: spreek de deelnemer aan met je",
    r"\boogcontact\b": "aankijken is geen norm: kijk naar wat iemand doet of zegt",
    r"\b(aankijken|kijk (de ander|hem|haar|je collega|de klant) aan|kijkt (hij|zij|ze|de deelnemer) je aan)\b": (
        "aankijken is geen norm: kijk naar wat iemand doet of zegt"
    ),
    r"\b(lach even|glimlach)": "lachen is geen norm: kijk naar wat iemand doet of zegt",
}
# The app writes the verdict above the feedback ("Goed zo!" / "Nog niet goed."); the text gives the reason.
VERDICT_OPENING = re.compile(
    r"^(goed zo|goed|klopt|ja|nee|prima|precies|helaas|dat mag|bijna|fout|juist|jammer|top|super|"
    r"niet helemaal|nog niet|helemaal goed|mooi zo|knap|correct)\b",
    re.IGNORECASE,
)
# A look-back question is open: it cannot be answered with yes or no.
OPEN_QUESTION_OPENING = re.compile(
    r"^(wat|wie|waar|wanneer|hoe|welk|welke|waarom|waarover|waarmee|waaraan|waardoor|hoeveel|vertel|noem)\b",
    re.IGNORECASE,
)
PROUD_OR_WENT_WELL = re.compile(r"\b(trots|goed ging|ging goed|gelukt|lukte)\b", re.IGNORECASE)
# Over the whole curriculum (validate_tree): the right answer may not sit in one place.
MAX_SHARE_ONE_POSITION = 0.45
MAX_SHARE_LONGEST = 0.45
TRUE_SHARE_RANGE = (0.40, 0.60)
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
    check_wording(skill_text(skill), checker, "skilltekst", for_participant=True)
    return skill


def skill_text(skill: dict[str, Any]) -> str:
    """What a participant reads of a skill: the explanation, the choice card and the sub-skills."""
    parts = [skill["explanation"], *skill["choice_card"]["hard"], *skill["choice_card"]["better"]]
    for sub in skill["subskills"]:
        parts += [sub["name"], sub["description"], *sub["levels"].values()]
    return "\n".join(p for p in parts if p)


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
        feedback = checker.text(opt, "feedback", where=ow, max_length=MAX_TEXT)
        check_feedback(feedback, checker, f"{ow}feedback")
        result.append(
            {"text": checker.text(opt, "text", where=ow, max_length=MAX_TEXT), "correct": correct, "feedback": feedback}
        )
    if sum(1 for o in result if o["correct"]) != 1:
        checker.add(f"{where}options", "precies 1 antwoord moet 'correct: true' hebben")
    return result


def check_feedback(text: str, checker: Checker, name: str) -> None:
    opening = VERDICT_OPENING.match(text)
    if opening:
        checker.add(name, f"begint met een oordeel ({opening.group(0)!r}); dat zet het programma er al boven")


def check_wording(text: str, checker: Checker, name: str, *, for_participant: bool) -> None:
    """Spelling, tone and, in what a participant reads, one word for their werkplekopleider."""
    for pattern, advice in (SPELLING | TONE).items():
        found = re.search(pattern, text, re.IGNORECASE)
        if found:
            checker.add(name, f"{found.group(0)!r}: {advice}")
    glued = re.search(r"\w" + re.escape(TRAINER_PLACEHOLDER) + "|" + re.escape(TRAINER_PLACEHOLDER) + r"\w", text)
    if glued:
        checker.add(name, f"{glued.group(0)!r}: zet geen letters vast aan {TRAINER_PLACEHOLDER}")
    for placeholder in re.findall(r"\{[^}]*\}", text):
        if placeholder != TRAINER_PLACEHOLDER or not for_participant:
            checker.add(name, f"onbekende invulplek {placeholder} (alleen {TRAINER_PLACEHOLDER} in deelnemerstekst)")
    if for_participant:
        found = OTHER_WORDS_FOR_THE_TRAINER.search(text)
        if found:
            checker.add(
                name, f"{found.group(0)!r}: noem de werkplekopleider {TRAINER_PLACEHOLDER} of 'je werkplekopleider'"
            )


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
        for key in ("feedback_correct", "feedback_wrong"):
            result[key] = checker.text(question, key, where=where, max_length=MAX_TEXT)
            check_feedback(result[key], checker, f"{where}{key}")
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
    # The title also stands in the werkplekopleider's lists and on the certificate, never filled in.
    if TRAINER_PLACEHOLDER in a["title"]:
        checker.add("title", f"geen {TRAINER_PLACEHOLDER} in de titel: die staat ook in lijsten en op het certificaat")
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
        if not isinstance(picture, str) or not PICTURE_NAME_RE.match(picture):
            checker.add(f"{sw}picture", "moet de naam van een plaatje in illustrations/ zijn (a-z, 0-9, -)")
            picture = None
        scenes.append(
            {
                "text": checker.text(scene, "text", where=sw, max_length=MAX_TEXT),
                "picture": picture,
                "alt": checker.text(scene, "alt", where=sw, max_length=MAX_TEXT),
            }
        )
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
    for question in a["look_back"]:
        if not OPEN_QUESTION_OPENING.match(question):
            checker.add("look_back", f"stel een open vraag (begin met wat, hoe, wanneer, ...): {question!r}")
    if a["look_back"] and not any(PROUD_OR_WENT_WELL.search(q) for q in a["look_back"]):
        checker.add("look_back", "vraag ook wat goed ging of waar de deelnemer trots op is")
    trainer = data.get("trainer")
    if not isinstance(trainer, dict):
        checker.add("trainer", "ontbreekt (verwacht introduction, criterion, adapt_work, observe, feedback_examples)")
        trainer = {}
    a["trainer"] = {
        "introduction": checker.text(trainer, "introduction", where="trainer.", max_length=MAX_TEXT),
        "criterion": checker.text(trainer, "criterion", where="trainer.", max_length=MAX_TEXT),
        "adapt_work": checker.text_list(trainer, "adapt_work", 2, 6, where="trainer.", max_length=MAX_TEXT),
        "observe": checker.text_list(trainer, "observe", 3, 5, where="trainer.", max_length=MAX_TEXT),
        "feedback_examples": checker.text_list(
            trainer, "feedback_examples", 2, 3, where="trainer.", max_length=MAX_TEXT
        ),
    }
    introduction = a["trainer"]["introduction"]
    if introduction.lower().startswith("leg uit"):
        checker.add("trainer.introduction", "begin niet met 'Leg uit': begin bij wat de deelnemer zelf meemaakte")
    if introduction and "?" not in introduction:
        checker.add("trainer.introduction", "stel de deelnemer een vraag over wat hij of zij zelf meemaakte")
    check_wording(participant_text(a, raw=True), checker, "deelnemerstekst", for_participant=True)
    check_wording(trainer_text(a), checker, "trainer", for_participant=False)
    return a


def trainer_text(assignment: dict[str, Any]) -> str:
    """Everything in an assignment that only the werkplekopleider reads."""
    trainer = assignment["trainer"]
    parts = [trainer["introduction"], trainer.get("criterion", "")]
    parts += trainer["adapt_work"] + trainer["observe"] + trainer["feedback_examples"]
    return "\n".join(p for p in parts if p)


# How the readability score fills the placeholder: a participant on screen reads a first name.
SAMPLE_TRAINER_NAME = "Ahmed"


def participant_text(assignment: dict[str, Any], *, raw: bool = False) -> str:
    """All text a participant reads in one assignment, as one block for readability scoring; with
    ``raw`` the placeholder for their werkplekopleider stays as written."""
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
    text = "\n".join(p for p in parts if p)
    return text if raw else text.replace(TRAINER_PLACEHOLDER, SAMPLE_TRAINER_NAME)


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


def answer_balance(assignments: list[dict[str, Any]]) -> dict[str, Any]:
    """Where the right answer sits over a whole curriculum, so that tapping without reading fails.

    Questions with three or more options count for the position and for "the longest option";
    true/false items count for the share whose right answer is "Waar"."""
    positions: dict[int, int] = {}
    longest = chosen = true_items = true_right = 0
    for a in assignments:
        for q in a["questions"]:
            options = q.get("options") or []
            right = [i for i, o in enumerate(options) if o.get("correct")]
            if len(right) != 1:
                continue
            if q.get("kind") == "true_false":
                true_items += 1
                true_right += options[right[0]]["text"] == "Waar"
            elif len(options) >= 3:
                chosen += 1
                positions[right[0] + 1] = positions.get(right[0] + 1, 0) + 1
                lengths = [len(o["text"]) for o in options]
                longest += lengths[right[0]] == max(lengths) and lengths.count(max(lengths)) == 1
    return {
        "questions": chosen,
        "positions": dict(sorted(positions.items())),
        "longest": longest,
        "true_false": true_items,
        "true_is_right": true_right,
    }


def balance_problems(assignments: list[dict[str, Any]]) -> list[Problem]:
    b = answer_balance(assignments)
    problems = []
    where = "alle opdrachten"
    if b["questions"]:
        for position, n in b["positions"].items():
            if n / b["questions"] > MAX_SHARE_ONE_POSITION:
                problems.append(
                    Problem(
                        where, "questions", f"het goede antwoord staat {n} van {b['questions']} keer op plek {position}"
                    )
                )
        if b["longest"] / b["questions"] > MAX_SHARE_LONGEST:
            problems.append(
                Problem(
                    where, "questions", f"het goede antwoord is {b['longest']} van {b['questions']} keer het langste"
                )
            )
    if b["true_false"]:
        share = b["true_is_right"] / b["true_false"]
        low, high = TRUE_SHARE_RANGE
        if not low <= share <= high:
            problems.append(
                Problem(
                    where,
                    "questions",
                    f"'Waar' is {b['true_is_right']} van {b['true_false']} keer goed (moet tussen "
                    f"{low:.0%} en {high:.0%} liggen)",
                )
            )
    return problems


def picture_problems(assignments: list[dict[str, Any]], content_dir: Path) -> list[Problem]:
    """Every story picture exists and is small; each assignment has pictures of its own."""
    problems: list[Problem] = []
    users: dict[str, set[str]] = {}
    for a in assignments:
        ident = f"assignments/{a['skill']}/{a['subskill']}-{a['level']}.yaml"
        for scene in a["video"]["story"]:
            if scene["picture"]:
                users.setdefault(scene["picture"], set()).add(ident)
    for name, idents in sorted(users.items()):
        path = content_dir / "illustrations" / f"{name}.svg"
        if not path.is_file():
            problems += [
                Problem(i, "video.story", f"plaatje illustrations/{name}.svg bestaat niet") for i in sorted(idents)
            ]
        elif path.stat().st_size > MAX_PICTURE_BYTES:
            problems.append(
                Problem(f"illustrations/{name}.svg", "bestand", f"is {path.stat().st_size} bytes (hoogstens 8 KB)")
            )
    for a in assignments:
        ident = f"assignments/{a['skill']}/{a['subskill']}-{a['level']}.yaml"
        own = {s["picture"] for s in a["video"]["story"] if s["picture"] and users.get(s["picture"]) == {ident}}
        if len(own) < OWN_PICTURES_PER_ASSIGNMENT:
            problems.append(
                Problem(
                    ident, "video.story", f"heeft {len(own)} eigen plaatjes, minstens {OWN_PICTURES_PER_ASSIGNMENT}"
                )
            )
    return problems


def illustration_names(content_dir: Path) -> list[str]:
    return sorted(p.stem for p in (content_dir / "illustrations").glob("*.svg") if PICTURE_NAME_RE.match(p.stem))


def unknown_pictures(assignment: dict[str, Any], content_dir: Path, where: str) -> list[Problem]:
    """The story's pictures that are not in ``content_dir/illustrations`` (any picture there may be
    used: the rule of own pictures holds for the national curriculum in ``content/`` only)."""
    known = set(illustration_names(content_dir))
    return [
        Problem(where, f"video.story[{k}].picture", f"plaatje illustrations/{scene['picture']}.svg bestaat niet")
        for k, scene in enumerate(assignment["video"]["story"], start=1)
        if scene["picture"] and scene["picture"] not in known
    ]


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
    problems += _edition_problems(doc.get("edition"))
    return skills, assignments, problems


EDITION_NUMBER = re.compile(r"^20[0-9]{2}\.[1-9][0-9]?$")
MAX_NOTES = 5_000


def _edition_problems(edition: Any) -> list[Problem]:
    """The optional ``edition`` of a document: the number and release notes of the national edition
    it holds (docs/curriculum-exchange.md). A document without it is an older export."""
    checker = Checker("document")
    if edition is None:
        return []
    if not isinstance(edition, dict):
        checker.add("edition", "moet een object zijn met number en notes")
        return checker.problems
    number = checker.text(edition, "number", where="edition.")
    if number and not EDITION_NUMBER.match(number):
        checker.add("edition.number", f"{number!r} is geen editienummer (zoals 2026.1)")
    checker.text(edition, "notes", where="edition.", max_length=MAX_NOTES)
    return checker.problems


def document_edition(doc: dict[str, Any]) -> dict[str, str] | None:
    """The edition a checked document holds (number and notes), or None for an older export."""
    edition = doc.get("edition")
    if not isinstance(edition, dict):
        return None
    return {"number": str(edition["number"]).strip(), "notes": str(edition["notes"]).strip()}


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
    problems += picture_problems(assignments, content_dir)
    problems += balance_problems(assignments)
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
    b = answer_balance(assignments)
    print(
        f"goede antwoord per plek {b['positions']} van {b['questions']}, langste {b['longest']}; "
        f"'Waar' goed {b['true_is_right']} van {b['true_false']}"
    )
    print(f"{len(skills)} skills, {len(assignments)} opdrachten, {len(problems)} problemen")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
