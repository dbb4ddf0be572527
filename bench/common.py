"""What the benchmarks share: a throwaway database, the seed, and timing a URL."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def configure_django(prefix):
    sys.path.insert(0, str(PROJECT_ROOT))
    if not os.environ.get("DATABASE_URL"):
        # Never the shared development database: a fresh file per run.
        database = Path(tempfile.mkdtemp(prefix=f"{prefix}-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("TEST_MEDIA_ROOT", tempfile.mkdtemp(prefix=f"{prefix}-media-"))
    # Test settings: DEBUG off, as in production, and local media.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pgp_site.settings.test")
    import django

    django.setup()


def seed(paintings):
    """Migrates and rebuilds the demo gallery with this many paintings; returns seconds."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    started = time.monotonic()
    call_command("seed_gallery", paintings=paintings, reset=True, verbosity=0)
    return time.monotonic() - started


class QueryCounter:
    """Counts the SQL statements sent, whatever DEBUG says."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(client, path, params=None, requests=50, warmup=3):
    """Times `requests` GETs after `warmup` untimed ones; counts one request's SQL."""
    from django.db import connection

    for _ in range(warmup):
        client.get(path, params)
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        response = client.get(path, params)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code} for {params}")

    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "response": response,
        "queries": queries.count,
        "per_second": 1000 * len(timings) / sum(timings),
        "mean": statistics.fmean(timings),
        "p95": timings[max(0, round(0.95 * len(timings)) - 1)],
    }
