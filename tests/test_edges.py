"""The edges of the tree: the demo (wpo/demo), operations (wpo/ops), the benchmark (bench/) and the
soak test (soak/) build on the product; the product never imports them, and production does not
install the benchmark or the soak."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
EDGES = ("wpo.demo", "wpo.ops", "bench", "soak")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_no_product_module_imports_an_edge() -> None:
    offenders = []
    for path in sorted((ROOT / "wpo").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        own_edge = next((edge for edge in EDGES if module == edge or module.startswith(edge + ".")), None)
        for imported in _imports(path):
            edge = next((e for e in EDGES if imported == e or imported.startswith(e + ".")), None)
            if edge is not None and edge != own_edge:
                offenders.append(f"{module} imports {imported}")
    assert offenders == []


def test_production_does_not_install_the_benchmark_or_the_soak() -> None:
    assert "wpo.demo" in settings.INSTALLED_APPS and "wpo.ops" in settings.INSTALLED_APPS
    assert not {"bench", "soak"} & set(settings.INSTALLED_APPS)
