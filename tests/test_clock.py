"""Time is an input: product code reads one clock (Django's), so tests and CI can move it."""

import re
from datetime import UTC, datetime
from pathlib import Path

from time_machine import TimeMachineFixture

from wpo.lib import clock

ROOT = Path(__file__).resolve().parents[1]
# Python's own clocks and the database's: each one a second truth about "now".
OTHER_CLOCKS = re.compile(
    r"\b(?:date\.today\(|datetime\.(?:now|utcnow|today)\(|time\.time\(|time\.localtime\(|Now\(\)|"
    r"NOW\(\)|CURRENT_TIMESTAMP|CURRENT_DATE)"
)


def test_product_code_reads_only_djangos_clock() -> None:
    # Product code is wpo/; the benchmark (bench/) and the soak test (soak/) live outside it and time
    # themselves against the machine, not the product's clock.
    offenders = []
    for path in sorted((ROOT / "wpo").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OTHER_CLOCKS.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_today_is_the_date_in_amsterdam_not_on_the_machine(time_machine: TimeMachineFixture) -> None:
    # 23:30 UTC on New Year's Eve is already 1 January in Amsterdam.
    time_machine.move_to(datetime(2027, 12, 31, 23, 30, tzinfo=UTC), tick=False)
    assert clock.today().isoformat() == "2028-01-01"
    assert clock.epoch_seconds() == int(datetime(2027, 12, 31, 23, 30, tzinfo=UTC).timestamp())
