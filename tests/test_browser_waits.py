"""The browser journeys wait for the page a link opens before they read it.

Twice a run on CI failed because a journey clicked a link and read the page at once: Playwright's
``click()`` returns when the click is done, not when the next page has loaded, and ``is_visible()``,
``content()`` or ``count()`` do not wait. A link click in a journey therefore sits inside
``with page.expect_navigation():`` (or another ``expect_…`` block, e.g. a download). This guard reads
the journeys' source, so a new journey cannot bring the flake back.
"""

import ast
from pathlib import Path

JOURNEYS = Path(__file__).resolve().parent / "browser"


def is_link_click(node: ast.AST) -> bool:
    """``<something>.get_by_role("link", …)[.first|.nth(i)].click()``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "click"):
        return False
    target = node.func.value
    while isinstance(target, ast.Attribute) or (
        isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and target.func.attr == "nth"
    ):
        target = target.value if isinstance(target, ast.Attribute) else target.func.value
    return (
        isinstance(target, ast.Call)
        and isinstance(target.func, ast.Attribute)
        and target.func.attr == "get_by_role"
        and bool(target.args)
        and isinstance(target.args[0], ast.Constant)
        and target.args[0].value == "link"
    )


def unwaited_link_clicks(source: str, name: str) -> list[str]:
    found: list[str] = []

    def visit(node: ast.AST, waited: bool) -> None:
        if isinstance(node, ast.With | ast.AsyncWith):
            waited = waited or any("expect_" in ast.unparse(item.context_expr) for item in node.items)
        if isinstance(node, ast.FunctionDef):
            waited = False  # a helper's body runs wherever it is called from: it must wait itself
        if is_link_click(node) and not waited:
            found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
        for child in ast.iter_child_nodes(node):
            visit(child, waited)

    visit(ast.parse(source), False)
    return found


def test_every_link_click_in_a_journey_waits_for_its_page() -> None:
    journeys = sorted(JOURNEYS.glob("test_*.py"))
    assert len(journeys) > 20
    found = [line for path in journeys for line in unwaited_link_clicks(path.read_text(), path.name)]
    assert found == [], "wrap these in `with page.expect_navigation():`\n" + "\n".join(found)


def test_the_guard_sees_an_unwaited_click_and_passes_a_waited_one() -> None:
    bad = 'def test_x(page):\n    page.get_by_role("link", name="Logboek").click()\n    assert page.is_visible()\n'
    good = (
        "def test_x(page):\n    with page.expect_navigation():\n"
        '        page.get_by_role("link", name="Logboek").first.click()\n'
    )
    nested = 'def test_x(page):\n    with phone() as p:\n        p.get_by_role("link", name="A").nth(1).click()\n'
    assert unwaited_link_clicks(bad, "bad.py") == ["bad.py:2: page.get_by_role('link', name='Logboek').click()"]
    assert unwaited_link_clicks(good, "good.py") == []
    assert len(unwaited_link_clicks(nested, "nested.py")) == 1
    assert unwaited_link_clicks('page.get_by_role("button", name="Verder").click()', "button.py") == []
