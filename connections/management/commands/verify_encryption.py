import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from connections.fields import keyring
from connections.rotation import DEFAULT_BATCH_SIZE, RowFailure, stored_count, verify


class Command(BaseCommand):
    help = (
        "Decrypt every stored value of every sealed column (connection values and any other "
        "encrypted secrets) and report, by row id and kid only, what does "
        "not decrypt and which kids are still in use. Exits non-zero if any row fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows read per batch (default {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        interactive = sys.stderr.isatty()
        progress = tqdm(
            total=stored_count() if interactive else None,
            unit="row",
            desc="verifying",
            file=sys.stderr,
            disable=not interactive,
        )

        def report(failure: RowFailure) -> None:
            # Streamed as found, so memory does not grow with the number of failures.
            with tqdm.external_write_mode(file=sys.stderr):
                self.stderr.write(f"FAILED {failure.id} kid={failure.kid}: {failure.reason}")

        with progress:
            result = verify(batch_size=batch_size, on_batch=progress.update, on_failure=report)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        else:
            current = keyring().current.kid
            self.stdout.write(f"{result.ok} value(s) decrypt, {result.failed} do not.")
            for kid, count in sorted(result.kids.items()):
                marker = " (current key)" if kid == current else ""
                self.stdout.write(f"  kid {kid}{marker}: {count} row(s)")
        if result.failed:
            raise CommandError(
                f"{result.failed} value(s) did not decrypt (listed above by id and kid)."
            )
