import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from connections.services import InvalidPieces, pieces_import


class Command(BaseCommand):
    help = (
        "Create or update pieces from a JSON list in the GET /api/v1/pieces/:name shape "
        "(name, displayName, authTypes, props, baseUrl, auth, oauth2): the catalog as code. "
        "All or nothing: one invalid piece changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A JSON file holding a list of pieces.")
        parser.add_argument("--json", action="store_true", help="Print what changed as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        except ValueError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}.") from None
        try:
            report = pieces_import(items=items, actor="command:import_pieces")
        except InvalidPieces as exc:
            lines = [f"  {where or '(file)'}: {' '.join(m)}" for where, m in exc.details.items()]
            raise CommandError("Nothing imported; fix these first:\n" + "\n".join(lines)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        for outcome in ("created", "updated", "unchanged"):
            names = report[outcome]
            self.stdout.write(
                f"{outcome}: {len(names)}" + (f" ({', '.join(names)})" if names else "")
            )
