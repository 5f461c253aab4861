"""manage.py generate_attentions --year 2016 [--scale 0.01] [--seed N]: synthetic in-person attentions that
reproduce the seed's centers table (see reports.services.generation)."""

import time

from django.core.management.base import BaseCommand, CommandError

from common.errors import DomainError


class Command(BaseCommand):
    help = "Generate synthetic attentions matching the seed's centers table for a year (replaces that year's)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the seed's volumes (1 = exact).")
        parser.add_argument("--seed", type=int, default=2016, help="Random seed (same seed, same data).")

    def handle(self, *args, year: int, scale: float, seed: int, **options) -> None:
        from reports.services import attentions_generate

        if not 0 < scale <= 1:
            raise CommandError("--scale must be in (0, 1].")
        started = time.monotonic()
        try:
            results = attentions_generate(
                year=year,
                scale=scale,
                seed=seed,
                progress=lambda text: self.stderr.write(text) if options["verbosity"] > 1 else None,
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        for result in results:
            self.stdout.write(
                f"{result.center_code}: {result.attentions:,} attentions, {result.companies:,} companies formed"
            )
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")
