import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orgs.models import ApiKey
from orgs.services import api_key_revoke


class Command(BaseCommand):
    help = "Revoke an API key; requests with it are refused (401) from now on."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key_id", help="The key, key_…")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        key = ApiKey.objects.filter(pk=options["key_id"]).first()
        if key is None:
            raise CommandError(f"No API key {options['key_id']}.")
        api_key_revoke(key=key, actor="command:revoke_api_key")
        if options["json"]:
            self.stdout.write(json.dumps({"id": key.id, "revoked": True}))
        else:
            self.stdout.write(f"Revoked API key {key.id}.")
