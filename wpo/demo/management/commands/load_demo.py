from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wpo.demo.organization import DEMO_LOGINS, DEMO_PASSWORD, create_demo_organization
from wpo.demo.service import DEMO_OPERATOR, create_demo_operator


class Command(BaseCommand):
    help = "Create the demo organisation 'Demo Werkbedrijf' with one login per role (only with DEBUG on)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo-accounts hebben een bekend wachtwoord en worden alleen aangemaakt als DEBUG aan staat."
            )
        org = create_demo_organization()
        create_demo_operator(DEMO_PASSWORD)
        self.stdout.write(f"Demo-organisatie: {org.name}")
        self.stdout.write(f"Demo-logins (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<18} gebruikersnaam: {login.username}")
        self.stdout.write(
            f"  {'servicebeheer':<18} gebruikersnaam: {DEMO_OPERATOR} (geen organisatie; stelt eerst een app in)"
        )
