from json import dumps
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orgs.services import org_create


class Command(BaseCommand):
    help = "Create an organization and its first API key (the key is printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The organization's display name.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, name: str, json: bool, **options: Any) -> None:
        if not name.strip():
            raise CommandError("NAME must not be blank.")
        org, _key, secret = org_create(name=name.strip(), actor="command:create_org")
        if json:
            self.stdout.write(dumps({"orgId": org.id, "apiKey": secret}))
        else:
            self.stdout.write(f"Created organization {org.id} ({org.name}).")
            self.stdout.write(f"API key (shown once, store it now): {secret}")
