import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from connections.fields import keyring
from connections.rotation import DEFAULT_BATCH_SIZE, RowFailure, pending_count, rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every sealed value (connection values and any other encrypted secrets) not "
        "under the current ENCRYPTION_KEY and envelope version. Online, "
        "batched, resumable and idempotent: a row the application rewrote meanwhile is skipped, "
        "never overwritten. Exits non-zero if any row failed to decrypt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows read and written per batch (default {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Decrypt and re-encrypt in memory, write nothing; 'rotated' counts what would be.",
        )
        parser.add_argument(
            "--row-by-row",
            action="store_true",
            help="One UPDATE per row instead of one per batch (slower; shortest row locks).",
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        kid = keyring().current.kid
        # stderr: stdout stays one JSON document with --json.
        progress = tqdm(
            total=pending_count(),
            unit="row",
            desc=f"re-encrypting to {kid}",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
        )

        def report(failure: RowFailure) -> None:
            with tqdm.external_write_mode(file=sys.stderr):
                self.stderr.write(f"FAILED {failure.id} kid={failure.kid}: {failure.reason}")

        with progress:
            result = rotate(
                batch_size=batch_size,
                dry_run=options["dry_run"],
                row_by_row=options["row_by_row"],
                on_batch=progress.update,
                on_failure=report,
            )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        else:
            verb = "Would re-encrypt" if result.dry_run else "Re-encrypted"
            self.stdout.write(
                f"{verb} {result.rotated} value(s) to key {kid}; skipped {result.skipped} "
                f"(rewritten meanwhile), failed {result.failed}; {result.remaining} remain "
                "under other keys."
            )
        if result.failed:
            raise CommandError(
                f"{result.failed} value(s) did not decrypt with the configured keys (listed "
                "above by id and kid). Nothing else was touched; add the missing key to "
                "ENCRYPTION_KEYS_PREVIOUS and run again."
            )
