import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from bench.generate import generate, plan


class Command(BaseCommand):
    help = "Generate the national benchmark data set (100 organisations, 200,000 participants at --scale 1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the national size (default)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--organizations", type=int, help="override the number of organisations")
        parser.add_argument("--participants", type=int, help="override the number of participants")
        parser.add_argument("--no-curriculum", action="store_true", help="do not load the curriculum first")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_curriculum"]:
            call_command("load_curriculum", verbosity=0, stdout=self.stdout)
        p = plan(options["scale"], options["seed"], options["organizations"], options["participants"])
        self.stdout.write(
            f"Generating {p.organizations} organisations, {p.participants} participants "
            f"(scale {options['scale']}, seed {options['seed']}) on {connection.vendor}"
        )
        result = generate(
            options["scale"],
            options["seed"],
            organizations=options["organizations"],
            participants=options["participants"],
        )
        total = sum(result.rows.values())
        self.stdout.write(f"{total} rows in {result.seconds:.1f} s ({total / max(result.seconds, 0.001):.0f} rows/s)")
        for table, n in sorted(result.rows.items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"  {table:45} {n:>10}")
        out = Path(settings.BASE_DIR) / "bench" / "results" / "generation.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "scale": options["scale"],
                    "seed": options["seed"],
                    "organizations": p.organizations,
                    "participants": p.participants,
                    "big_organization_id": result.big_organization_id,
                    "seconds": round(result.seconds, 1),
                    "rows": result.rows,
                    "total_rows": total,
                },
                indent=2,
            )
        )
