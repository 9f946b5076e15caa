"""A new Open Badges signing key for one organisation, or for every organisation that issues badges.

    manage.py rotate_badge_key ORG_SLUG     one organisation
    manage.py rotate_badge_key --all        every organisation with a badge issuer

The old key is retired, not removed: it stays in the issuer's published JWKS, so every credential it
signed keeps verifying. New credentials (and the status list) are signed with the new key.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wpo.certificates.models import BadgeIssuer
from wpo.certificates.services import badge_key_rotate
from wpo.orgs.models import Organization


class Command(BaseCommand):
    help = "Rotate the Open Badges signing key of an organisation (old keys stay published)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="the organisation's short name (slug)")
        parser.add_argument("--all", action="store_true", help="every organisation that issues badges")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            organization_ids = list(BadgeIssuer.objects.values_list("organization_id", flat=True))
        elif options["slug"]:
            organization = Organization.objects.filter(slug=options["slug"]).first()
            if organization is None:
                raise CommandError("Geen organisatie met die korte naam.")
            organization_ids = [organization.pk]
        else:
            raise CommandError("Noem een organisatie (korte naam) of gebruik --all.")
        for organization_id in organization_ids:
            key = badge_key_rotate(organization_id)
            self.stdout.write(f"organisatie {organization_id}: nieuwe sleutel {key.thumbprint}")
