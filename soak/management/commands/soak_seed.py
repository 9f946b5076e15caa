"""Create the soak test's simulated people in the demo organisation and print the plan (JSON)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soak.seed import seed
from wpo.trajectories.models import CoachingConversation


class Command(BaseCommand):
    help = "Soak test only: simulated users for `make soak` (run against the soak database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--probe", required=True, help="username of the extra coach that probes recovery")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        floor = CoachingConversation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        plan = seed(users=options["users"], password=options["password"], probe_username=options["probe"])
        plan["conversations_after"] = floor
        options["out"].write_text(json.dumps(plan))
