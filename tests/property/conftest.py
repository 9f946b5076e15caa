"""Hypothesis profiles for the property tests, and a throwaway media folder.

``ci`` (the default): the HTTP targets share ``CI_HTTP_TOTAL`` examples, weighted by
``Target.weight``, and the properties of the upload and import checks get ``CI_EXAMPLES``: one run
throws more than 5,000 inputs at the forms and uploads.
``fuzz`` (``make fuzz``, HYPOTHESIS_PROFILE=fuzz): at least ``FUZZ_PER_TARGET`` inputs per target.
Both are deterministic (``derandomize``) and keep no example database, so CI never flakes on an
example found on someone's laptop.
"""

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

FUZZ_PER_TARGET = 5_000
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
# CI: the HTTP targets share CI_HTTP_TOTAL (a request through the whole stack costs ~20-40 ms);
# the checks behind the uploads and imports are cheap and get most of the 5,000+ inputs.
CI_HTTP_TOTAL = 1_600
CI_EXAMPLES = {
    "upload_check": 2_000,
    "logo_check": 800,
    "people_preview": 800,
    "people_round_trip": 100,
    "curriculum_document": 300,
    "curriculum_command": 30,
}


def examples(name: str) -> int:
    return FUZZ_PER_TARGET if PROFILE == "fuzz" else CI_EXAMPLES[name]


settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile("fuzz", parent=settings.get_profile("ci"))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: Path) -> None:
    """Uploaded test files go to a folder that disappears, not to data/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")  # type: ignore[attr-defined]


# Inputs actually run, per property; printed at the end of the run (hypothesis may stop early when
# a strategy has fewer distinct inputs than asked for).
EXAMPLES_RUN: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if EXAMPLES_RUN:
        fewest = min(EXAMPLES_RUN, key=lambda name: EXAMPLES_RUN[name])
        terminalreporter.write_line(
            f"property tests: {sum(EXAMPLES_RUN.values())} generated inputs in {len(EXAMPLES_RUN)} properties "
            f"(profile {PROFILE}); fewest: {EXAMPLES_RUN[fewest]} ({fewest})"
        )
        if os.environ.get("PROPERTY_REPORT"):
            for name, count in sorted(EXAMPLES_RUN.items()):
                terminalreporter.write_line(f"  {count:6d}  {name}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Thousands of generated inputs: CI runs them all, ``make test-fast`` leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.slow)
