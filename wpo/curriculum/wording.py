"""The participant's own werkplekopleider in participant text, and the order options are shown in.

Content writes the participant's werkplekopleider as ``{werkplekopleider}`` (docs/content-guide.md).
On screen it becomes the first name of the trajectory's trainer; on paper, and where no name is known,
"je werkplekopleider" — or "mijn werkplekopleider" in a text in the participant's own voice (an
answer option "Ik vraag het aan …"). Every page fills the whole content once (``fill_content``), so
the template, the read-aloud (which reads the page) and the PDF all show the same words.

No Django here: the content check and the PDF use the same functions.
"""

from __future__ import annotations

import hashlib
import random
import re
from typing import TYPE_CHECKING, Any, Literal

from .content_format import TRAINER_PLACEHOLDER

if TYPE_CHECKING:
    from wpo.orgs.models import Person

Voice = Literal["je", "ik"]
GENERIC: dict[Voice, str] = {"je": "je werkplekopleider", "ik": "mijn werkplekopleider"}
# The participant speaks: a first-person word outside quoted speech ("Ik vraag …", "Dan ziet … dat ik …").
FIRST_PERSON = re.compile(r"\b(ik|mij|mijn|me|mezelf)\b", re.IGNORECASE)
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|‘[^’]*’")
OPENING_QUOTES = "\"'“‘(«"
CLOSING_MARKS = "\"'”’)»"


def voice_of(text: str) -> Voice:
    """ "ik" when the text is in the participant's own voice, else "je"."""
    return "ik" if FIRST_PERSON.search(QUOTED.sub("", text)) else "je"


def _starts_sentence(before: str) -> bool:
    """Whether the text before a placeholder leaves it at the start of a sentence."""
    rest = before.rstrip()
    quoted = False
    while rest and rest[-1] in OPENING_QUOTES:
        rest, quoted = rest[:-1].rstrip(), True
    if not rest:
        return True
    rest = rest.rstrip(CLOSING_MARKS)
    # After a colon only quoted speech starts a sentence: 'Ze zegt: "Je werkplekopleider …"'.
    return rest.endswith((".", "!", "?", "…")) or (quoted and rest.endswith(":"))


def fill_trainer(text: str, name: str | None = None, voice: Voice = "je") -> str:
    """``text`` with the placeholder filled: the first name when known, else the generic words."""
    if TRAINER_PLACEHOLDER not in text:
        return text
    if name:
        return text.replace(TRAINER_PLACEHOLDER, name)
    words = GENERIC[voice]
    pieces = text.split(TRAINER_PLACEHOLDER)
    out = pieces[0]
    for piece in pieces[1:]:
        out += (words[0].upper() + words[1:] if _starts_sentence(out) else words) + piece
    return out


def _fill(value: Any, name: str | None) -> Any:
    if isinstance(value, str):
        return fill_trainer(value, name)
    if isinstance(value, list):
        return [_fill(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, name) for k, v in value.items()}
    return value


def fill_content(content: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """A copy of an assignment's content with every placeholder filled; answer options and order
    steps that the participant says themself get "mijn werkplekopleider" on paper."""
    filled: dict[str, Any] = _fill(content, name)
    for raw, question in zip(content.get("questions") or [], filled.get("questions") or [], strict=False):
        if not isinstance(raw, dict) or not isinstance(question, dict):
            continue
        for raw_option, option in zip(raw.get("options") or [], question.get("options") or [], strict=False):
            if isinstance(raw_option, dict) and isinstance(raw_option.get("text"), str):
                option["text"] = fill_trainer(raw_option["text"], name, voice_of(raw_option["text"]))
        if isinstance(raw.get("steps"), list):
            question["steps"] = [
                fill_trainer(step, name, voice_of(step)) if isinstance(step, str) else step for step in raw["steps"]
            ]
    return filled


def trainer_first_name(trainer: Person | None) -> str | None:
    """The name a participant knows their werkplekopleider by; None when there is no first name."""
    if trainer is None:
        return None
    return trainer.user.first_name.strip() or None


def shuffled_indices(count: int, seed: str) -> list[int]:
    """0..count-1 in an order fixed by ``seed``: the same seed gives the same order in every process."""
    order = list(range(count))
    random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")).shuffle(order)
    return order
