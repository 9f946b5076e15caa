import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wpo.curriculum.services import curriculum_export
from wpo.orgs.models import Organization


class Command(BaseCommand):
    help = "Write the whole curriculum as one exchange document (docs/curriculum-exchange.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument("--organization", help="export this organisation's own skills instead of the national ones")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"Organisatie niet gevonden: {options['organization']}")
        doc = curriculum_export(organization=organization)
        text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"{len(doc['skills'])} skills en {len(doc['assignments'])} opdrachten geschreven.")
        else:
            sys.stdout.write(text)
