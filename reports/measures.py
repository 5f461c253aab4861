"""The wait and service time of one attention, in SQL, shared by the summary refresh and the indicators' raw path.

A served attention (called and finished) has two measures: `wait` (issue to call) and `service` (start, or call,
to finish), each in exact seconds (numeric, to the microsecond) and in whole minutes rounded UP
(`ceil(seconds / 60)`). The wait indicators are defined on those whole minutes: the median and the 90th percentile
are `percentile_disc` over the ceil-minute values, and "within the standard" compares them with the ANS in minutes,
which is exact (a wait of at most N minutes ⇔ ceil(wait / 60) ≤ N). Means use the exact seconds. So the summary
(reports.WaitBucket: counts per ceil-minute bucket) and the attentions themselves give the very same figures.
"""

__all__ = ["MEASURES_JOIN", "SERVED"]

# Appended to `FROM attention_attention a`: one row `m` (measure, seconds, minutes) per measure of the attention.
MEASURES_JOIN = """
    CROSS JOIN LATERAL (
        SELECT v.measure, v.seconds, ceil(v.seconds / 60)::integer AS minutes
        FROM (VALUES ('wait', EXTRACT(EPOCH FROM a.called_at - a.issued_at)),
                     ('service', EXTRACT(EPOCH FROM a.finished_at - COALESCE(a.started_at, a.called_at))))
             AS v(measure, seconds)
    ) m
"""
# Only attentions served have waits and service times (abandoned ones have neither).
SERVED = "a.called_at IS NOT NULL AND a.finished_at IS NOT NULL"
