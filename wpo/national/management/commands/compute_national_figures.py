import time
from typing import Any

from django.core.management.base import BaseCommand

from wpo.national import services


class Command(BaseCommand):
    help = "Compute the country's figures (aggregates per quarter, with suppression) now."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quarters", type=int, default=services.QUARTERS, help="how many quarters back")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()  # a duration for the operator, not the time of day
        result = services.national_figures_compute(quarters=options["quarters"])
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Landelijke cijfers berekend voor {len(result.quarters)} kwartalen: {result.rows} rijen, "
            f"{result.national_shown} landelijke cijfers getoond, {result.national_suppressed} te klein "
            f"om te tonen ({seconds:.1f} s)."
        )
