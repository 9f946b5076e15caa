"""Make a login of the service desk (servicebeheer), for example the first one in production.

    manage.py create_service_operator USERNAME EMAIL
        prints a one-time link (7 days) where the operator chooses a password
    WPO_OPERATOR_PASSWORD=… manage.py create_service_operator USERNAME EMAIL --password-from-env WPO_OPERATOR_PASSWORD
        sets the password from that environment variable (never from the command line, which
        other users of the server can see)

At the first visit of /servicebeheer/ the operator sets up an authenticator app; no page of the
service desk opens before that.
"""

import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wpo.lib.refusals import Refused
from wpo.service import services


class Command(BaseCommand):
    help = "Make a login of the service desk (servicebeheer) and print its one-time setup link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument("--password-from-env", metavar="VARIABLE", help="set the password from this variable")

    def handle(self, *args: Any, **options: Any) -> None:
        password = None
        variable = options["password_from_env"]
        if variable:
            password = os.environ.get(variable, "")
            if not password:
                raise CommandError(f"De omgevingsvariabele {variable} is leeg of bestaat niet.")
            try:
                validate_password(password)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        try:
            operator = services.operator_create(username=options["username"], email=options["email"], password=password)
        except (Refused, ValidationError) as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Medewerker servicebeheer {operator.user.username} is gemaakt.")
        if password:
            self.stdout.write("Het wachtwoord is gezet. Bij het eerste bezoek aan /servicebeheer/ komt een app erbij.")
            return
        link = services.operator_setup_link(operator=operator)
        self.stdout.write("Stuur deze link (werkt één keer, 7 dagen lang) om een wachtwoord te kiezen:")
        self.stdout.write(f"  {link}")
