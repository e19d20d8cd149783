from typing import Any

from django.core.management.base import BaseCommand

from orgs.models import Organization
from orgs.services import api_key_create, org_create

DEMO_ORG = "Demo"


class Command(BaseCommand):
    help = (
        "Development quick start: create the demo organization if there is none and print a "
        "fresh API key for it (keys are shown only once, so each run mints a new one)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(name=DEMO_ORG).order_by("id").first()
        if org is None:
            org, _key, secret = org_create(name=DEMO_ORG, actor="command:quickstart")
            self.stdout.write(f"Created the demo organization {org.id}.")
        else:
            _key, secret = api_key_create(org=org, name="quick start", actor="command:quickstart")
            self.stdout.write(f"The demo organization {org.id} exists; minted a new key for it.")
        self.stdout.write(
            f"\n  API key (shown once): {secret}\n\n"
            "  Try it:\n"
            "    curl -s http://127.0.0.1:8000/api/v1/projects \\\n"
            f"      -H 'Authorization: Bearer {secret}'\n\n"
            "  Operator console: http://127.0.0.1:8000/admin/ "
            "(first run `.venv/bin/python manage.py createsuperuser`)\n"
        )
