from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from wpo.coaching import digest


class Command(BaseCommand):
    help = "Queue the coaches' weekly signal e-mail for next Monday 07:00, unless a run is already waiting."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Send this week's digests now (once per coach per week)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            sent = digest.send_all()
            self.stdout.write(f"Weekmail verstuurd aan {sent} coach(es).")
        when = digest.schedule()
        if when is None:
            self.stdout.write("Weekmail staat al ingepland.")
        else:
            self.stdout.write(f"Weekmail ingepland voor {timezone.localtime(when):%Y-%m-%d %H:%M}.")
