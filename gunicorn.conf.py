"""gunicorn settings of the web service (docker-compose.yml, benchmarks): access logs without query strings or
referrers — the self-service links carry tokens and booking codes in their query strings (see README, security)."""

accesslog = "-"
# %(U)s is the path without its query string; the referrer (which may hold one) is left out.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
