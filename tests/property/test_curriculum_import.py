"""The curriculum exchange import (``manage.py load_curriculum FILE.json``, docs/curriculum-exchange.md).

It is a management command, not a web upload, but it reads a file someone hands over. Properties:
any JSON document, and any mutation of a valid export, is either loaded or refused with problems
(``ContentInvalid``) — never another exception; any file, JSON or not, makes the command load or
stop with a ``CommandError``, and a refused file loads nothing.
"""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from wpo.curriculum.models import AssignmentVersion, Skill
from wpo.curriculum.services import ContentInvalid, curriculum_from_directory, curriculum_from_document

from . import strategies as s
from .conftest import EXAMPLES_RUN, examples

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | s.ANY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(s.ANY_TEXT, children, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, doc: dict[str, Any]) -> Any:
    """The valid document with one to three places replaced, removed or duplicated."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        node: Any = doc
        path: list[Any] = []
        while isinstance(node, (dict, list)) and node and draw(st.integers(0, 3)):
            key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
            path.append((node, key))
            node = node[key]
        if not path:
            return draw(JSON)
        parent, key = path[-1]
        action = draw(st.integers(0, 2))
        if action == 0:
            parent[key] = draw(JSON)
        elif action == 1 and isinstance(parent, dict):
            del parent[key]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[key] = draw(st.sampled_from(s.NASTY))
    return doc


@pytest.fixture(scope="module")
def exported() -> dict[str, Any]:
    """The curriculum in content/ as an exchange document (valid: the export of a fresh load)."""
    skills, assignments = curriculum_from_directory(Path(django_settings.CONTENT_DIR))
    doc = {"format": "wpo-curriculum", "version": 1, "skills": skills, "assignments": assignments}
    curriculum_from_document(doc)
    return doc


def test_any_document_is_loaded_or_refused_with_problems(exported: dict[str, Any]) -> None:
    @settings(settings.get_profile("ci"), max_examples=examples("curriculum_document"))
    @given(doc=st.one_of(mutated(exported), JSON))
    def run(doc: Any) -> None:
        EXAMPLES_RUN["curriculum document"] += 1
        try:
            curriculum_from_document(doc)
        except ContentInvalid as exc:
            assert exc.problems

    run()


def test_any_file_loads_or_stops_with_a_message_and_loads_nothing(
    exported: dict[str, Any], tmp_path: Path, db: None
) -> None:
    path = tmp_path / "curriculum.json"
    before = (Skill.objects.count(), AssignmentVersion.objects.count())
    as_text = st.one_of(mutated(exported), JSON).map(lambda d: json.dumps(d).encode())

    @settings(settings.get_profile("ci"), max_examples=examples("curriculum_command"))
    @given(raw=st.one_of(as_text, s.file_bytes()))
    def run(raw: bytes) -> None:
        EXAMPLES_RUN["curriculum command"] += 1
        path.write_bytes(raw)
        with transaction.atomic():
            try:
                call_command("load_curriculum", str(path), verbosity=0, stderr=open("/dev/null", "w"))  # noqa: SIM115
            except CommandError:
                assert (Skill.objects.count(), AssignmentVersion.objects.count()) == before
            transaction.set_rollback(True)

    run()
