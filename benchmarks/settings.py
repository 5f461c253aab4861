"""Benchmark profile: the production settings served on loopback (no TLS redirect), plus a trivial view to compare.

Needs the environment that benchmarks/_common.django_env() sets (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, ...).
"""

from mac_portal.settings.production import *  # noqa: F403
from mac_portal.settings.production import env

ROOT_URLCONF = "benchmarks.bench_urls"
# collectstatic writes the compressed, hashed files here (a temporary directory), as in a production image.
STATIC_ROOT = env("BENCH_STATIC_ROOT")

# The benchmarks drive many bookings from one loopback address: exactly what the anti-hoarding limits and the adaptive
# challenge stop in production. Lifted here, so the figures measure the booking path itself.
RATE_LIMITS = {
    **RATE_LIMITS,  # noqa: F405
    "book": (10**9, 3600),
    "book_network": (10**9, 3600),
    "book_center_day": (10**9, 86400),
    "lookup": (10**9, 600),
    "lookup_network": (10**9, 600),
}
CHALLENGE_NETWORK_THRESHOLD = 10**9
CHALLENGE_GLOBAL_THRESHOLD = 10**9
