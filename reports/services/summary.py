"""The summaries (reports.DailyCount, reports.WaitBucket per day and reports.WaitBucketMonth per month) kept
current: recomputed together, in one transaction, for a range of days from the Attention records (the months
touched from their day buckets).

Who refreshes it: the import and the generator for the days they wrote (same transaction), the beat every
REPORTS_SUMMARY_REFRESH_SECONDS for yesterday and today in Lima (so today's volumes lag at most that long:
attentions are written by the in-person, phone and other channels without the reports app in their path), and
`manage.py refresh_report_counts --start … --end …` after any other change to past days. Recomputing a day is a
DELETE and an INSERT … SELECT … GROUP BY of that day's rows per table: idempotent, and cheap (an index on
service_day). The wait buckets use the same SQL measures as the indicators' raw path (reports.measures), so the two
paths cannot drift apart.
"""

import datetime as dt

from django.db import connections, transaction
from django.utils import timezone

from attention.constants import CitizenIntent, Outcome

from ..measures import MEASURES_JOIN, SERVED
from ..selectors.filters import month_last_day

__all__ = ["daily_counts_refresh", "daily_counts_refresh_recent"]


def daily_counts_refresh(*, start: dt.date, end: dt.date, using: str = "default") -> int:
    """Recompute the summary rows of the days start..end (included); returns the daily-count rows written."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("DELETE FROM reports_waitbucket WHERE service_day BETWEEN %s AND %s", [start, end])
        cursor.execute(
            f"""
            INSERT INTO reports_waitbucket
                (service_day, center_id, procedure_id, channel, intent, measure, minutes, attentions, seconds)
            SELECT a.service_day, a.center_id, a.procedure_id, a.channel, a.intent, m.measure, m.minutes, COUNT(*),
                   SUM(m.seconds)
            FROM attention_attention a {MEASURES_JOIN}
            WHERE a.service_day BETWEEN %s AND %s AND {SERVED}
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            """,
            [start, end],
        )
        # the months touched, summed again from their day buckets (a month is at most ~31 days of them)
        first, last = start.replace(day=1), month_last_day(end)
        cursor.execute("DELETE FROM reports_waitbucketmonth WHERE service_day BETWEEN %s AND %s", [first, last])
        cursor.execute(
            """
            INSERT INTO reports_waitbucketmonth
                (service_day, center_id, procedure_id, channel, intent, measure, minutes, attentions, seconds)
            SELECT date_trunc('month', service_day)::date, center_id, procedure_id, channel, intent, measure,
                   minutes, SUM(attentions), SUM(seconds)
            FROM reports_waitbucket WHERE service_day BETWEEN %s AND %s
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            """,
            [first, last],
        )
        cursor.execute("DELETE FROM reports_dailycount WHERE service_day BETWEEN %s AND %s", [start, end])
        cursor.execute(
            """
            INSERT INTO reports_dailycount
                (service_day, center_id, procedure_id, channel, intent, attentions, companies)
            SELECT service_day, center_id, procedure_id, channel, intent, COUNT(*),
                   COUNT(*) FILTER (WHERE intent = %s AND outcome = %s)
            FROM attention_attention WHERE service_day BETWEEN %s AND %s
            GROUP BY service_day, center_id, procedure_id, channel, intent
            """,
            [CitizenIntent.COMPANY.value, Outcome.RESOLVED.value, start, end],
        )
        return cursor.rowcount


def daily_counts_refresh_recent() -> int:
    today = timezone.localdate()
    return daily_counts_refresh(start=today - dt.timedelta(days=1), end=today)
