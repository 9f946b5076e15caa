"""The rooms of the house: an app reaches another app only through its public doors, and no two apps
lean on each other (README, "Architecture").

Public doors: ``services`` (writes), ``access`` and ``selectors`` (reads), ``models``, ``permissions``
and the app's package itself (``from wpo.x import services``). ``wpo/lib`` is for everyone; the demo
(wpo/demo) builds on everything and may use anything (tests/test_edges.py keeps the product from
importing it). Imports under ``if TYPE_CHECKING:`` are annotations only and do not count.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = {"services", "access", "selectors", "models", "permissions"}
FREE_FOR_ALL = {"lib"}
BUILDS_ON_EVERYTHING = {"demo"}
# The one pair that lean on each other, on purpose: a trajectory's close issues its certificates in the
# same transaction (trajectories.services.signoff → certificates.services), and the trajectory page lists
# them (trajectories.panels → certificates.access); certificates read trajectories.
MUTUAL = {frozenset({"trajectories", "certificates"})}


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            type_only.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _app_imports() -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) -> where and what."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted((ROOT / "wpo").rglob("*.py")):
        parts = path.relative_to(ROOT / "wpo").parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        app = parts[0]
        for name, line in _imports(path):
            bits = name.split(".")
            if bits[0] == "wpo" and len(bits) > 1 and bits[1] != app:
                edges[(app, bits[1])].append(f"{path.relative_to(ROOT)}:{line} {name}")
    return edges


def test_apps_use_only_each_others_public_doors() -> None:
    offenders = []
    for (app, other), uses in _app_imports().items():
        if other in FREE_FOR_ALL or app in BUILDS_ON_EVERYTHING:
            continue
        for use in uses:
            bits = use.split(" ")[1].split(".")
            door = bits[2] if len(bits) > 3 else None  # wpo.<app>.<door>.<name>
            if door is not None and door not in PUBLIC:
                offenders.append(use)
    assert offenders == []


def test_no_two_apps_lean_on_each_other() -> None:
    edges = _app_imports()
    pairs = {frozenset(pair) for pair in edges if pair[::-1] in edges and pair[0] not in BUILDS_ON_EVERYTHING}
    assert pairs - MUTUAL == set(), {
        tuple(sorted(pair)): edges[tuple(sorted(pair))] + edges[tuple(sorted(pair))[::-1]] for pair in pairs - MUTUAL
    }


def test_the_documented_pair_stays_small() -> None:
    uses = _app_imports()[("trajectories", "certificates")]
    assert {use.split(" ")[0].split(":")[0] for use in uses} <= {
        "wpo/trajectories/services/signoff.py",
        "wpo/trajectories/panels.py",
    }, uses


def test_templates_compare_steps_through_the_enum() -> None:
    """``pa.step == Step.ASSESSING`` (wpo.trajectories.context_processors.steps), never a string that a
    renamed step would silently stop matching."""
    import re

    literal = re.compile(r"""(step|to_step|from_step)\s*(==|!=)\s*["']""")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(ROOT.glob("wpo/*/templates/**/*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert offenders == []
