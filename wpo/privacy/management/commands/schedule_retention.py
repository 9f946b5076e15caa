from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from wpo.privacy import services, tasks


class Command(BaseCommand):
    help = "Queue the nightly retention run (anonymise participants past the retention period), unless one is waiting."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", action="store_true", help="Also anonymise the expired participants right now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            run = services.anonymise_expired()
            self.stdout.write(f"Bewaartermijn: {run.anonymised} deelnemer(s) anoniem gemaakt, {run.failed} mislukt.")
        when = tasks.schedule()
        if when is None:
            self.stdout.write("Bewaartermijn-taak staat al ingepland.")
        else:
            self.stdout.write(f"Bewaartermijn-taak ingepland voor {timezone.localtime(when):%Y-%m-%d %H:%M}.")
