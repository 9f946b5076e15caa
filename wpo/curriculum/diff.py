"""What changed in an assignment between two versions, per field, in words: for the page of a new
edition. Each field is read as sentences; sentences that differ are compared word by word, and the
words taken out and put in are marked (the template shows them as <del> and <ins> with a spoken
label, so the change does not depend on colour).

No Django here beyond translation: the diff is a pure function of two contents.
"""

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Piece:
    """A run of words that is the same in both versions, taken out (``removed``) or put in (``added``)."""

    kind: str  # "same", "removed" or "added"
    text: str


@dataclass
class ChangedSentence:
    pieces: list[Piece]

    @property
    def added_words(self) -> int:
        return sum(len(p.text.split()) for p in self.pieces if p.kind == "added")

    @property
    def removed_words(self) -> int:
        return sum(len(p.text.split()) for p in self.pieces if p.kind == "removed")


@dataclass
class FieldDiff:
    key: str
    label: Any
    sentences: list[ChangedSentence] = field(default_factory=list)

    @property
    def added_words(self) -> int:
        return sum(s.added_words for s in self.sentences)

    @property
    def removed_words(self) -> int:
        return sum(s.removed_words for s in self.sentences)


def _question_lines(question: dict[str, Any]) -> Iterator[str]:
    yield question.get("prompt", "")
    for option in question.get("options") or []:
        yield f"{option.get('text', '')}{' (goed)' if option.get('correct') else ''}: {option.get('feedback', '')}"
    yield from question.get("steps") or []
    for key in ("feedback_correct", "feedback_wrong"):
        if question.get(key):
            yield question[key]


def _fields(content: dict[str, Any]) -> list[tuple[str, Any, list[str]]]:
    """(key, label, lines) for every part a reader compares, in the order of the assignment."""
    video = content.get("video") or {}
    task = content.get("work_task") or {}
    trainer = content.get("trainer") or {}
    scenes = [f"{scene.get('text', '')} ({scene.get('alt', '')})" for scene in video.get("story") or []]
    questions = [line for q in content.get("questions") or [] for line in _question_lines(q)]
    return [
        ("title", _("Titel"), [content.get("title", "")]),
        ("goal", _("Doel"), [content.get("goal", "")]),
        ("explanation", _("Uitleg"), [content.get("explanation", "")]),
        ("story", _("Verhaal (scènes)"), scenes),
        ("questions", _("Oefenvragen"), questions),
        ("summary", _("Samenvatting"), list(content.get("summary") or [])),
        ("work_task", _("Aan-de-slag-opdracht"), [task.get(k, "") for k in ("what", "where", "when", "how_often")]),
        ("look_back", _("Terugkijkvragen"), list(content.get("look_back") or [])),
        ("trainer", _("Voor de werkplekopleider"), [trainer.get("introduction", "")]),
        ("criterion", _("Wanneer is de opdracht gehaald"), [trainer.get("criterion", "")]),
        (
            "trainer_tips",
            _("Werk aanpassen, gedrag en feedback"),
            [*trainer.get("adapt_work", []), *trainer.get("observe", []), *trainer.get("feedback_examples", [])],
        ),
    ]


def sentences(lines: list[str]) -> list[str]:
    return [s.strip() for line in lines for s in SENTENCE_END.split(line or "") if s.strip()]


def word_pieces(old: str, new: str) -> list[Piece]:
    """``old`` becoming ``new``, word by word."""
    a, b = old.split(), new.split()
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", " ".join(b[j1:j2])))
    return pieces


def _changed_sentences(old: list[str], new: list[str]) -> list[ChangedSentence]:
    """The sentences that differ: aligned as sentences first, so that a changed sentence is compared
    with the one it replaced, then word by word."""
    changed = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        before, after = old[i1:i2], new[j1:j2]
        # Pair the replaced sentences one to one; what is left over was only taken out or put in.
        for k in range(max(len(before), len(after))):
            changed.append(
                ChangedSentence(word_pieces(before[k] if k < len(before) else "", after[k] if k < len(after) else ""))
            )
    return changed


def assignment_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[FieldDiff]:
    """Per field that changed, the sentences that changed with their words taken out and put in.
    A new assignment (``old`` None) shows every field as put in."""
    before = {key: lines for key, _label, lines in _fields(old or {})}
    diffs = []
    for key, label, lines in _fields(new):
        changed = _changed_sentences(sentences(before.get(key, [])), sentences(lines))
        if changed:
            diffs.append(FieldDiff(key, label, changed))
    return diffs
