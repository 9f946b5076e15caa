"""CI cannot turn green by leaving things out: a missing browser fails the run instead of skipping."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
A_BROWSER_TEST = "tests/browser/test_card_login.py"


def run_browser_test(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CI": ci,
        "WPO_CHROMIUM": str(tmp_path / "no-chromium-here"),
        "WPO_TEST_SQLITE": str(tmp_path / "test.sqlite3"),
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", A_BROWSER_TEST, "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_under_ci_a_missing_chromium_is_an_error(tmp_path: Path) -> None:
    result = run_browser_test(tmp_path, "true")
    assert result.returncode != 0
    assert "Chromium is missing" in result.stdout


def test_on_a_laptop_a_missing_chromium_skips(tmp_path: Path) -> None:
    result = run_browser_test(tmp_path, "false")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "skipped" in result.stdout and "failed" not in result.stdout
