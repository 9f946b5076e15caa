from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from wpo.national import tasks


class Command(BaseCommand):
    help = "Queue the nightly computation of the country's figures, unless one is waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        when = tasks.schedule()
        if when is None:
            self.stdout.write("Landelijke cijfers: de taak staat al ingepland.")
        else:
            self.stdout.write(f"Landelijke cijfers: taak ingepland voor {timezone.localtime(when):%Y-%m-%d %H:%M}.")
