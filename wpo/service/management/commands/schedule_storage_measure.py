from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from wpo.service import storage, tasks


class Command(BaseCommand):
    help = "Queue the nightly measurement of each organisation's storage, unless one is waiting."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", action="store_true", help="Also measure every organisation right now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            self.stdout.write(f"Opslag gemeten van {storage.measure_all()} organisatie(s).")
        when = tasks.schedule_measure()
        if when is None:
            self.stdout.write("Opslagmeting staat al ingepland.")
        else:
            self.stdout.write(f"Opslagmeting ingepland voor {timezone.localtime(when):%Y-%m-%d %H:%M}.")
