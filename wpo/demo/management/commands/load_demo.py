from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wpo.demo.neighbours import NEIGHBOURS, SECOND, SECOND_LOGINS, create_neighbour
from wpo.demo.organization import DEMO_LOGINS, DEMO_PASSWORD, create_demo_organization
from wpo.demo.service import DEMO_OPERATOR, create_demo_operator
from wpo.national.services import national_figures_compute


class Command(BaseCommand):
    help = (
        "Create the demo organisation 'Demo Werkbedrijf' with one login per role, a second, smaller one "
        "('Werkbedrijf De Brug') with its own logins, and the country's figures (only with DEBUG on)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo-accounts hebben een bekend wachtwoord en worden alleen aangemaakt als DEBUG aan staat."
            )
        org = create_demo_organization()
        for neighbour in NEIGHBOURS:
            create_neighbour(neighbour, DEMO_PASSWORD)
        create_demo_operator(DEMO_PASSWORD)
        # Once now, so that Landelijke cijfers shows something before the first nightly run.
        national_figures_compute()
        self.stdout.write(f"Demo-organisatie: {org.name}")
        self.stdout.write(f"Demo-logins (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<18} gebruikersnaam: {login.username}")
        self.stdout.write("  (de redacteur ziet ook de Landelijke cijfers)")
        self.stdout.write(
            f"  {'servicebeheer':<18} gebruikersnaam: {DEMO_OPERATOR} (geen organisatie; stelt eerst een app in)"
        )
        self.stdout.write(f"Tweede demo-organisatie: {SECOND.name} (zelfde wachtwoord)")
        for role, username in SECOND_LOGINS:
            self.stdout.write(f"  {role:<18} gebruikersnaam: {username}")
