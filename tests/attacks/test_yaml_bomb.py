"""Finding 2 (MEDIUM): YAML anchors made a small POST cost gigabytes.

The attack: the assignment editor's questions field and the curriculum import read YAML with
``yaml.safe_load``, which expands aliases. A content editor (or a file handed over for import)
names one answer with ``&``, a list of 1,500 references to it, and 1,500 questions that each refer
to that list: 21 kB became 2.25 million dicts and +432 MiB in the content check. Classic nested
"billion laughs" does the same in a few hundred bytes.

The fix: wpo/curriculum/safe_yaml.py reads YAML with a composer that refuses the first anchor or
alias before anything is built, caps the text (30,000 characters for the questions, 100,000 for a
content file) and the nesting; content_format caps the number of questions, answers, steps,
scenes and the length of every text. Each refusal is a Dutch message. These tests send the bombs
as the attacker would and check the refusal, the time it takes and the memory it costs.
"""

import io
import shutil
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from wpo.curriculum.forms import AssignmentForm
from wpo.curriculum.models import AssignmentVersion

from ..conftest import login
from ..factories import World

pytestmark = pytest.mark.django_db

ALIAS_REFUSED = "In de vragen staat een anker (&amp;) of een verwijzing (*)"
MAX_SECONDS = 2.0
MAX_MIB = 32


def quadratic_laughs(n: int = 1500) -> str:
    """The finding's own shape: n questions sharing one list of n answers (n² dicts after checking)."""
    answers = ", ".join(["*d"] * n)
    questions = "\n".join(["- *q"] * n)
    return (
        "- &q\n"
        "  kind: multiple_choice\n"
        "  prompt: lol\n"
        f"  options: &o [&d {{text: lol, correct: true, feedback: lol}}, {answers}]\n"
        f"{questions}\n"
    )


def billion_laughs(levels: int = 9) -> str:
    """Each level a list of ten references to the level below: 10**levels leaves from ~1 kB."""
    lines = ['- &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"- &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


@contextmanager
def measured() -> Iterator[dict[str, float]]:
    """Seconds and peak MiB of Python allocations while the block runs."""
    result: dict[str, float] = {}
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - started
        result["mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()


def editor_post(client: Client, world: World, questions: str):  # type: ignore[no-untyped-def]
    assignment = world.pa.version.assignment
    assert assignment.current_version is not None
    data = AssignmentForm.initial_from(assignment.current_version.content)
    data.update(questions=questions, action="publish")
    return client.post(reverse("curriculum:assignment_edit", args=[assignment.pk]), data)


@pytest.mark.parametrize("bomb", [quadratic_laughs(), billion_laughs()], ids=["quadratic", "billion"])
def test_an_alias_bomb_in_the_editor_is_refused_in_dutch_fast_and_small(
    client: Client, world: World, bomb: str
) -> None:
    login(client, world.content_editor)
    editor_post(client, world, "- kind: order\n")  # the first request imports and compiles; not the bomb's cost
    versions = AssignmentVersion.objects.count()
    with measured() as cost:
        response = editor_post(client, world, bomb)
    assert response.status_code == 200
    assert ALIAS_REFUSED in response.content.decode()
    assert AssignmentVersion.objects.count() == versions
    assert cost["seconds"] < MAX_SECONDS, cost
    assert cost["mib"] < MAX_MIB, cost


def test_an_anchor_without_aliases_or_a_merge_key_is_refused_too(client: Client, world: World) -> None:
    login(client, world.content_editor)
    for text in ("- &a {kind: order, prompt: x}\n", "- {<<: *a}\n", "- kind: !!str &b order\n"):
        assert ALIAS_REFUSED in editor_post(client, world, text).content.decode(), text


def test_too_long_too_many_and_too_deep_are_refused_in_dutch(client: Client, world: World) -> None:
    login(client, world.content_editor)
    long_text = "- kind: order\n  prompt: " + "x" * 40_000 + "\n"
    assert "De vragen zijn te lang. Er mogen hoogstens 30000 tekens in." in editor_post(
        client, world, long_text
    ).content.decode().replace("30.000", "30000")
    many = "".join(f"- {{kind: order, prompt: vraag {i}}}\n" for i in range(200))
    assert "Er mogen hoogstens 12 vragen in één opdracht." in editor_post(client, world, many).content.decode()
    deep = "- " + "[" * 500 + "]" * 500 + "\n"
    assert "De vragen zijn te diep ingesprongen" in editor_post(client, world, deep).content.decode()


def test_long_texts_and_many_answers_are_refused_by_the_content_check(client: Client, world: World) -> None:
    login(client, world.content_editor)
    options = "\n".join(
        f"  - {{text: 'Antwoord {i}', correct: {str(i == 0).lower()}, feedback: Goed.}}" for i in range(40)
    )
    many_answers = f"- kind: multiple_choice\n  prompt: Wat doe je?\n  options:\n{options}\n"
    body = editor_post(client, world, many_answers * 4).content.decode()
    assert "heeft 40 antwoorden, hoogstens 6 toegestaan" in body
    long_prompt = "- kind: order\n  prompt: " + "lang " * 400 + "\n"
    assert "is te lang: hoogstens 1000 tekens" in editor_post(client, world, long_prompt * 4).content.decode()


def one_skill_content(tmp_path: Path) -> Path:
    """A content folder with one skill of content/ and its first assignment (the rest is missing)."""
    content, source = tmp_path / "content", Path(settings.CONTENT_DIR)
    for part in ("skills/overleggen.yaml", "pictograms/overleggen.svg", "assignments/overleggen/1-A.yaml"):
        (content / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / part, content / part)
    return content


def test_an_alias_bomb_in_an_import_file_is_refused_and_nothing_loads(tmp_path: Path) -> None:
    content = one_skill_content(tmp_path)
    target = content / "assignments" / "overleggen" / "1-A.yaml"
    original = target.read_text(encoding="utf-8")
    head = original[: original.index("\nquestions:")]
    tail_start = original.index("\nsummary:")
    target.write_text(head + "\nquestions:\n" + quadratic_laughs() + original[tail_start:], encoding="utf-8")
    errors = io.StringIO()
    with measured() as cost, pytest.raises(CommandError, match="er is niets geladen"):
        call_command("load_curriculum", str(content), stderr=errors)
    assert "assignments/overleggen/1-A.yaml: regel" in errors.getvalue()
    assert "gebruikt ankers (&) of verwijzingen (*)" in errors.getvalue()
    assert cost["seconds"] < MAX_SECONDS, cost
    assert cost["mib"] < MAX_MIB, cost
    assert not AssignmentVersion.objects.exists()


def test_an_oversized_import_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    content = one_skill_content(tmp_path)
    target = content / "assignments" / "overleggen" / "1-A.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "# " + "x" * 500_000 + "\n", encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_curriculum", str(content), stderr=errors)
    assert "assignments/overleggen/1-A.yaml: bestand: is te groot" in errors.getvalue()
