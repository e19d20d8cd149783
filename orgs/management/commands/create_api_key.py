import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orgs.models import ALL_SCOPES, DEFAULT_SCOPES, Organization
from orgs.services import UnknownScope, api_key_create


class Command(BaseCommand):
    help = "Create an API key for an organization (the key is printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_id", help="The organization, org_…")
        parser.add_argument("--name", default="default", help="A label for the key.")
        parser.add_argument(
            "--scopes",
            help=f"Comma-separated, from: {', '.join(ALL_SCOPES)}. "
            f"Default: all but connections:reveal ({', '.join(DEFAULT_SCOPES)}).",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(pk=options["org_id"]).first()
        if org is None:
            raise CommandError(f"No organization {options['org_id']}.")
        scopes = options["scopes"].split(",") if options["scopes"] is not None else None
        try:
            key, secret = api_key_create(
                org=org, name=options["name"], scopes=scopes, actor="command:create_api_key"
            )
        except UnknownScope as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps({"id": key.id, "apiKey": secret}))
        else:
            self.stdout.write(f"Created API key {key.id} with scopes {', '.join(key.scopes)}.")
            self.stdout.write(f"API key (shown once, store it now): {secret}")
