"""Check the soak test's writes and the database's invariants; write the findings as JSON."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soak.load import Write
from soak.verify import check_writes, invariant_violations


class Command(BaseCommand):
    help = "Soak test only: compare the load generator's writes with the database (`make soak`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("writes", type=Path, help="JSON with acknowledged, in_doubt and conversations_after")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        data = json.loads(options["writes"].read_text())
        report = check_writes([Write(**w) for w in data["acknowledged"]], [Write(**w) for w in data["in_doubt"]])
        violations = invariant_violations(conversations_after=data.get("conversations_after"))
        options["out"].write_text(json.dumps({"writes": report.as_dict(), "invariant_violations": violations}))
