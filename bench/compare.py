"""Two benchmark results side by side: ``python -m bench.compare BEFORE.json AFTER.json``.

Issue 21 asks for every comparison old ↔ new to be measured in the same session, on the same data,
one after the other, so that the ratio holds even when the machine's speed drifts. Run
``bench_measure`` on the old code, keep its ``bench/results/latest.json``, run it on the new code,
and give both files here: it prints a Markdown table of each page's median, SQL and server ÷ SQL,
before and after, with the ratio old ÷ new, and the throughput.
"""

import json
import sys
from pathlib import Path
from typing import Any


def _ratio(before: float | None, after: float | None) -> str:
    if not before or not after:
        return "—"
    return f"{before / after:.1f}×"


def _num(value: Any, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def side_by_side(before: dict[str, Any], after: dict[str, Any]) -> str:
    """The Markdown table; pages are matched by key, in the order of ``after``."""
    old = {row["key"]: row for row in before["pages"]}
    lines = [
        f"Before: {before['finished_at']} · after: {after['finished_at']} · scale {after['scale']} · "
        f"{after['machine']['database']} · {after['machine']['cores']} cores",
        "",
        "| Page | p50 ms before | p50 ms after | faster | queries | SQL p50 ms | server ÷ SQL |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in after["pages"]:
        was = old.get(row["key"])
        if was is None:
            continue
        lines.append(
            f"| {row['title']} | {_num(was['p50_ms'])} | {_num(row['p50_ms'])} | "
            f"{_ratio(was['p50_ms'], row['p50_ms'])} | {was['queries']} → {row['queries']} | "
            f"{_num(was.get('sql_p50_ms'), 2)} → {_num(row.get('sql_p50_ms'), 2)} | "
            f"{_num(was.get('server_per_sql'))} → {_num(row.get('server_per_sql'))} |"
        )
    t0, t1 = before.get("throughput"), after.get("throughput")
    if t0 and t1:
        lines += [
            "",
            "| Throughput (requests/s) | before | after | more |",
            "|---|---:|---:|---:|",
            f"| Floor `/healthz` | {t0['floor_rps']:.0f} | {t1['floor_rps']:.0f} | "
            f"{_ratio(t1['floor_rps'], t0['floor_rps'])} |",
            f"| Mixed workload | {t0['mixed_rps']:.0f} | {t1['mixed_rps']:.0f} | "
            f"{_ratio(t1['mixed_rps'], t0['mixed_rps'])} |",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    before, after = (json.loads(Path(p).read_text()) for p in argv)
    print(side_by_side(before, after), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
