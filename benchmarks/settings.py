"""Benchmark profile: the production settings served on loopback (no TLS redirect), plus a trivial view to compare.

Needs the environment that benchmarks/_common.django_env() sets (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, ...).
"""

from mac_portal.settings.production import *  # noqa: F403
from mac_portal.settings.production import env

ROOT_URLCONF = "benchmarks.bench_urls"
# collectstatic writes the compressed, hashed files here (a temporary directory), as in a production image.
STATIC_ROOT = env("BENCH_STATIC_ROOT")
