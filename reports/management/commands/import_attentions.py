"""manage.py import_attentions FILE.csv [--skip-invalid] [--rejects FILE]: load historic attentions
(see reports.services.imports)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Import historic attentions from a CSV file (all or nothing unless --skip-invalid; re-imports add nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows, write the others.")
        parser.add_argument("--rejects", type=Path, help="Where bad rows go (default: FILE.rejects.csv).")

    def handle(self, *args, file: Path, skip_invalid: bool, rejects: Path | None, **options) -> None:
        from reports.errors import ImportRejected
        from reports.services import attentions_import

        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        started = time.monotonic()
        rejects_path = rejects or file.with_name(file.name + ".rejects.csv")
        with file.open(encoding="utf-8-sig", newline="") as source:
            try:
                if skip_invalid:
                    with rejects_path.open("w", encoding="utf-8", newline="") as rejects_file:
                        result = attentions_import(source=source, skip_invalid=True, rejects=rejects_file)
                else:
                    result = attentions_import(source=source)
            except ImportRejected as exc:
                for line, reason in exc.errors:
                    self.stderr.write(f"line {line}: {reason}")
                if exc.total > len(exc.errors):
                    self.stderr.write(f"… and {exc.total - len(exc.errors)} more.")
                raise CommandError(f"{exc.total} invalid rows: nothing was imported.") from exc
        self.stdout.write(
            f"{result.rows} rows: {result.imported} imported, {result.duplicates} already there, "
            f"{result.rejected} rejected in {time.monotonic() - started:.1f} s."
        )
        if skip_invalid and result.rejected:
            self.stdout.write(f"Rejected rows written to {rejects_path}.")
        elif skip_invalid:
            rejects_path.unlink(missing_ok=True)
