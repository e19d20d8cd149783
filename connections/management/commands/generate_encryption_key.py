from typing import Any

from django.core.management.base import BaseCommand

from connections.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new random ENCRYPTION_KEY (base64 of 32 bytes). Nothing is stored."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(generate_key())
