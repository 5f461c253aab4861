"""gunicorn settings of the web service (docker-compose.yml, benchmarks): one access log, at the proxy, and a worker's
loaded application kept out of the garbage collector's full passes."""

import gc
import os

# The proxy (deploy/nginx.conf) logs every request with the same fields, gunicorn's time for it included
# ($upstream_response_time): a second line per request here cost the busiest pages about 0.15 ms of CPU each under
# load (benchmarks/README.md, tenth pass). GUNICORN_ACCESS_LOG=- writes it to stdout, for gunicorn without the proxy:
# without query strings or referrers — the self-service links carry tokens and booking codes in their query strings
# (see README, security).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# %(U)s is the path without its query string; the referrer (which may hold one) is left out.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_worker_init(worker) -> None:
    """Once the worker has loaded Django and the project, move every object alive then (modules, settings, URL
    patterns, compiled statements…) out of the garbage collector's reach: they live as long as the worker, and a full
    collection scanned all of them again and again. Measured in-process over 1,500 API bookings: 509 ms of the
    collector's CPU out of 5,570 without, 153 ms out of 4,230 with (benchmarks/README.md). Requests' own objects are
    collected as before."""
    gc.collect()
    gc.freeze()


def worker_exit(server, worker) -> None:
    """Publish the scans this worker was asked for after its last commits (common.nudges) before it stops; what is
    left after two seconds waits for the beat's scans."""
    from common.nudges import nudges_flush

    nudges_flush(timeout=2.0)
