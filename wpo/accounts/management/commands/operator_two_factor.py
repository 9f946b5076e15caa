"""Set up the authenticator app of a service operator's account, on the server.

The Django admin opens only for a superuser whose session is verified with a code from an app
(config/admin.py). An operator need not be a person of any organisation, so the app's own setup
page (for staff of an organisation) is not theirs; this command is:

    manage.py operator_two_factor USERNAME          shows the key (text and QR code) of a new app
    manage.py operator_two_factor USERNAME --code N  switches it on with the app's first code,
                                                     and shows the backup codes once
"""

import io
from typing import Any

import segno
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wpo.accounts import two_factor
from wpo.accounts.models import User


class Command(BaseCommand):
    help = "Set up the authenticator app (two-factor) of a service operator's account for the Django admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--code", help="the code the app shows now, to switch two-factor on")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None or not (user.is_superuser or user.is_staff):
            raise CommandError("Geen actief account van een beheerder van de dienst met die gebruikersnaam.")
        if two_factor.has_two_factor(user):
            raise CommandError("Dit account heeft al tweestapsverificatie. Haal die eerst weg in het technisch beheer.")
        device = two_factor.pending_totp(user)
        if not options["code"]:
            self.stdout.write("Scan deze QR-code met de app, of typ de sleutel over:")
            self.stdout.write(two_factor.secret_in_groups(device))
            qr = io.StringIO()
            segno.make(device.config_url, error="m").terminal(out=qr, compact=True)
            self.stdout.write(qr.getvalue(), ending="")
            self.stdout.write(f"Daarna: manage.py operator_two_factor {user.username} --code <de code uit de app>")
            return
        codes = two_factor.operator_two_factor_confirm(user=user, device=device, code=options["code"])
        if codes is None:
            raise CommandError(
                "Deze code klopt niet. Kijk of de tijd op de telefoon goed staat en probeer het opnieuw."
            )
        self.stdout.write("Tweestapsverificatie staat aan. Bewaar deze reservecodes op een veilige plek:")
        for code in codes:
            self.stdout.write(f"  {code}")
