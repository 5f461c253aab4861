"""manage.py refresh_report_counts --start 2016-01-01 --end 2016-12-31: recompute the reports' daily summary."""

import datetime as dt

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Recompute the reports' daily summary of attentions for a range of days (Lima)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--start", type=dt.date.fromisoformat, required=True)
        parser.add_argument("--end", type=dt.date.fromisoformat, required=True)

    def handle(self, *args, start: dt.date, end: dt.date, **options) -> None:
        from reports.services import daily_counts_refresh

        rows = daily_counts_refresh(start=start, end=end)
        self.stdout.write(f"{rows} summary rows for {start}..{end}.")
