import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wpo.curriculum import content_format
from wpo.curriculum.services import (
    ContentInvalid,
    curriculum_from_directory,
    curriculum_from_document,
    curriculum_load,
)
from wpo.lib.refusals import Refused
from wpo.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Load the curriculum from content/ (or another folder), or from an exchange document (.json). "
        "Validates everything first; loads nothing when there is a problem. The national curriculum is "
        "published as an edition: the first one is 2025.1, a later one needs --edition and --notes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", help="content folder or .json file (default: settings.CONTENT_DIR)")
        parser.add_argument(
            "--organization", help="slug of the organisation whose own skills these are (default: national)"
        )
        parser.add_argument("--edition", help="number of the national edition to publish, e.g. 2026.1")
        parser.add_argument("--notes", help="release notes of that edition, in plain Dutch")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"] or settings.CONTENT_DIR)
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"Organisatie niet gevonden: {options['organization']}")
        edition, notes = options["edition"], options["notes"]
        try:
            if source.is_dir():
                skills, assignments = curriculum_from_directory(source)
            elif source.is_file():
                try:
                    doc = json.loads(source.read_text(encoding="utf-8"))
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise CommandError(f"{source}: geen geldige JSON ({exc}); er is niets geladen.") from exc
                skills, assignments = curriculum_from_document(doc)
                # The document's own edition travels along, unless the command line names another.
                carried = content_format.document_edition(doc) if organization is None else None
                if carried is not None:
                    edition = edition or carried["number"]
                    notes = notes or carried["notes"]
            else:
                raise CommandError(f"Map of bestand niet gevonden: {source}")
        except ContentInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} probleem/problemen in de inhoud; er is niets geladen.") from exc
        try:
            report = curriculum_load(
                skills=skills, assignments=assignments, organization=organization, edition=edition, notes=notes
            )
        except Refused as exc:
            raise CommandError(f"{exc} Er is niets geladen.") from exc
        self.stdout.write(
            f"Curriculum geladen: {report.skills} skills, {report.subskills} deelskills, "
            f"{report.assignments} opdrachten, {len(report.new_versions)} nieuwe versie(s)."
        )
        if report.edition:
            self.stdout.write(f"Gepubliceerd als editie {report.edition}.")
        elif report.already:
            self.stdout.write(f"De bestanden zijn editie {report.already}, al gepubliceerd; er is niets veranderd.")
