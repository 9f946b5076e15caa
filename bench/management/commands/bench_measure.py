import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q

from bench import measure
from bench.pages import key_pages
from config import workers
from wpo.orgs.models import Organization
from wpo.trajectories.models import Trajectory

RESULTS = Path(settings.BASE_DIR) / "bench" / "results"


class Command(BaseCommand):
    help = "Measure the key pages (server time, queries) and the throughput under gunicorn; write the results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--iterations", type=int, default=100, help="requests per page after warm-up")
        parser.add_argument("--heavy-iterations", type=int, default=20, help="the same for the PDF and xlsx")
        parser.add_argument("--seconds", type=float, default=30, help="run time of each throughput phase")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default: 2 per core)")
        parser.add_argument("--threads", type=int, default=1, help="threads per worker (1: sync workers)")
        parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the load generator")
        parser.add_argument("--no-throughput", action="store_true", help="skip the gunicorn run")
        parser.add_argument("--no-national", action="store_true", help="skip the nightly national figures")
        parser.add_argument("--write-docs", action="store_true", help="put the table into docs/performance.md")
        parser.add_argument("--scale", type=float, help="the scale the data was generated at (for the record)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = datetime.now(UTC)
        generation = _generation()
        org = _big_organization(generation)
        cache.clear()
        self.stdout.write(f"Measuring in organisation {org.slug} ({org.pk})")
        pages = key_pages(org.pk, variants=options["heavy_iterations"])
        result: dict[str, Any] = {
            "started_at": started.isoformat(timespec="seconds"),
            "scale": options["scale"] if options["scale"] is not None else generation.get("scale"),
            "organization": org.slug,
            "machine": measure.machine(),
            "generation": generation or None,
        }
        # This process stands for a gunicorn worker, so it starts as one does (gunicorn.conf.py).
        workers.ready()
        result |= measure.measure_pages(pages, options["iterations"], options["heavy_iterations"], self.stdout.write)
        if not options["no_throughput"]:
            result["throughput"] = measure.measure_throughput(
                pages,
                workers=options["workers"],
                threads=options["threads"],
                clients=options["clients"],
                seconds=options["seconds"],
                log=self.stdout.write,
            )
        if not options["no_national"]:
            result["national"] = measure.measure_national(self.stdout.write)
        result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        table = measure.markdown(result)
        (RESULTS / "latest.md").write_text(table)
        self.stdout.write("\n" + table)
        if options["write_docs"]:
            measure.write_docs(Path(settings.BASE_DIR) / "docs" / "performance.md", table)
            self.stdout.write("docs/performance.md updated")


def _generation() -> dict[str, Any]:
    path = RESULTS / "generation.json"
    return dict(json.loads(path.read_text())) if path.exists() else {}


def _big_organization(generation: dict[str, Any]) -> Organization:
    """The organisation the generator made big, else the one with the most running trajectories."""
    found = Organization.objects.filter(pk=generation.get("big_organization_id", 0)).first()
    if found is None:
        found = (
            Organization.objects.annotate(
                running=Count("trajectory", filter=Q(trajectory__status=Trajectory.Status.ACTIVE))
            )
            .order_by("-running", "pk")
            .first()
        )
    if found is None:
        raise CommandError("No data: run bench_generate first.")
    return found
