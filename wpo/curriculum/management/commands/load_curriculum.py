from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wpo.curriculum.services import ContentInvalid, curriculum_from_directory, curriculum_load


class Command(BaseCommand):
    help = (
        "Load the curriculum from content/ (or another folder). Validates everything first; loads nothing on a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", help="content folder (default: settings.CONTENT_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"] or settings.CONTENT_DIR)
        if not source.is_dir():
            raise CommandError(f"Map niet gevonden: {source}")
        try:
            skills, assignments = curriculum_from_directory(source)
        except ContentInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} probleem/problemen in de inhoud; er is niets geladen.") from exc
        report = curriculum_load(skills=skills, assignments=assignments)
        self.stdout.write(
            f"Curriculum geladen: {report.skills} skills, {report.subskills} deelskills, "
            f"{report.assignments} opdrachten, {len(report.new_versions)} nieuwe versie(s)."
        )
