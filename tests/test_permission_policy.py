"""Who may do what is said once (wpo/orgs/permissions.py): views, template tags and templates ask the
policy and never list roles themselves."""

import re
from pathlib import Path

from wpo.orgs.models import Role
from wpo.orgs.permissions import GRANTS, ON_TRAJECTORY, Ability, OnTrajectory

ROOT = Path(__file__).resolve().parents[1]
IN_PYTHON = re.compile(r"role_required|has_role\(|\bRole\.[A-Z]|_ROLES\b")
IN_TEMPLATES = re.compile(r"\.is_(participant|trainer|coach|project_manager|administrator|content_editor)\b|has_role")


def _offenders(paths: list[Path], pattern: re.Pattern[str]) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    return found


def test_no_view_or_template_tag_lists_roles() -> None:
    python = [*ROOT.glob("wpo/*/views*.py"), *ROOT.glob("wpo/*/views/*.py"), *ROOT.glob("wpo/*/templatetags/*.py")]
    python += [ROOT / "wpo/orgs/context_processors.py"]
    assert _offenders(python, IN_PYTHON) == []


def test_no_template_checks_a_role() -> None:
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("wpo/*/templates/**/*.html")]
    assert _offenders(templates, IN_TEMPLATES) == []


def test_every_ability_and_trajectory_action_belongs_to_some_role() -> None:
    assert set(Ability) == set().union(*GRANTS.values())
    assert set(OnTrajectory) == set().union(*ON_TRAJECTORY.values())
    assert set(GRANTS) == set(ON_TRAJECTORY) == set(Role)
