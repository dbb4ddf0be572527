"""Time the search page at several gallery sizes, and how it scales, through Django's test Client.

    python bench/search_bench.py                         # SQLite, 100 and 10,000 paintings
    python bench/search_bench.py --sizes 100 1000 10000 --keep /tmp/search-dbs
    python scripts/with_postgres.py python bench/search_bench.py          # PostgreSQL
    python scripts/with_postgres.py python bench/search_bench.py --keep x  # a database per size

For each size, a child process seeds N paintings with `seed_gallery --reset`
(so use a throwaway database: the demo tree is rebuilt) and times each search
scenario: warm-up requests, then --requests timed ones. On SQLite each size
gets its own file; with --keep DIR they are kept there and reused when they
already hold N paintings (seeding 10,000 takes minutes). With DATABASE_URL set,
every size is seeded in turn into that database, or with --keep into a database
of its own on the same server (`<name>_search_<N>`, created if missing, reused
when it already holds N paintings). Prints, per size, mean, median and
95th-percentile milliseconds per search and SQL queries per request, then each
scenario's median at each size divided by its median at the smallest (the
median, as the machine running it is often shared: a busy moment moves a mean
more). It reports figures only; it passes or fails nothing.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import QueryCounter, configure_django, seed

MATCH_COUNT = re.compile(r'id="paintings-heading">Paintings <span[^>]*>\((\d+)\)')
RESULT_PREFIX = "RESULT "


def ensure_search_index():
    """The timings mean nothing if the pages are not in the full-text index."""
    from django.core.management import call_command
    from wagtail.models import Page
    from wagtail.search.models import IndexEntry

    pages = Page.objects.live().filter(depth__gt=1).count()
    entries = IndexEntry.objects.count()
    if entries < pages:
        print(f"Search index has {entries} entries for {pages} pages: running update_index")
        call_command("update_index", verbosity=0)


def scenarios():
    """Representative searches: words, filters, sorts, a later page, no results."""
    from gallery.models import CollectionPage, Medium

    oil = Medium.objects.filter(name="Oil").values_list("pk", flat=True).first()
    collection = CollectionPage.objects.live().order_by("path").values_list("pk", flat=True)
    return [
        ("sea (the issue's)", {"q": "sea"}),
        ("one word", {"q": "garden"}),
        ("two words, by price", {"q": "sea light", "sort": "price_asc"}),
        ("word + filters", {"q": "blue", "medium": oil, "available": "on", "size": "medium"}),
        ("word, page 3", {"q": "sea", "page": "3"}),
        (
            "filters only, page 2",
            {"orientation": "landscape", "min_price": "200", "max_price": "5000", "page": "2"},
        ),
        ("collection, newest", {"collection": collection.first(), "sort": "newest"}),
        ("no results", {"q": "zeppelin"}),
    ]


def has_paintings(count):
    from django.db import DatabaseError

    from gallery.models import PaintingPage

    try:
        return PaintingPage.objects.live().count() == count
    except DatabaseError:  # a new file has no tables yet: seed it
        return False


def time_search(client, params, requests, warmup):
    """Times `requests` searches after `warmup` untimed ones; counts one request's SQL."""
    from django.db import connection

    for _ in range(warmup):
        client.get("/search/", params)
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        response = client.get("/search/", params)
    if response.status_code != 200:
        raise SystemExit(f"/search/ answered {response.status_code} for {params}")
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get("/search/", params)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "response": response,
        "queries": queries.count,
        "mean": statistics.fmean(timings),
        "median": statistics.median(timings),
        "p95": timings[max(0, round(0.95 * len(timings)) - 1)],
    }


def measure_one_size(args):
    """In a child process: seed (or reuse) this size, time every scenario."""
    configure_django("pgp-search-bench")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    if args.reuse and has_paintings(args.paintings):
        call_command("migrate", verbosity=0, interactive=False)
        print(f"Reusing {args.paintings} paintings already in the database")
    else:
        print(f"Seeded {args.paintings} paintings in {seed(args.paintings):.1f} s")
    ensure_search_index()
    print(f"Database: {connection.vendor}; {args.requests} timed requests per scenario\n")

    header = f"{'scenario':<24}{'matches':>8}{'mean ms':>9}{'median':>8}{'p95 ms':>8}{'SQL/req':>9}"
    print(header)
    print("-" * len(header))
    client = Client()
    medians = {}
    for name, params in scenarios():
        result = time_search(client, params, args.requests, args.warmup)
        matches = MATCH_COUNT.search(result["response"].content.decode())
        medians[name] = result["median"]
        print(
            f"{name:<24}{int(matches.group(1)) if matches else 0:>8}{result['mean']:>9.1f}"
            f"{result['median']:>8.1f}{result['p95']:>8.1f}{result['queries']:>9}"
        )
    print(RESULT_PREFIX + json.dumps(medians), flush=True)


def database_of_its_own(url, size):
    """The same PostgreSQL server, a database for this size (created if missing)."""
    import psycopg2

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_search_{size}"
    connection = psycopg2.connect(url.replace("postgres://", "postgresql://", 1))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def run_size(size, args):
    """Runs one size in a child process (a fresh Django, its own database file)."""
    env = dict(os.environ)
    reuse = []
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and args.keep:
        env["DATABASE_URL"] = database_of_its_own(os.environ["DATABASE_URL"], size)
        reuse = ["--reuse"]
    elif not os.environ.get("DATABASE_URL"):
        folder = Path(args.keep or tempfile.mkdtemp(prefix="pgp-search-bench-"))
        folder.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{folder / f'search-{size}.sqlite3'}"
        env.setdefault("TEST_MEDIA_ROOT", str(folder / f"media-{size}"))
        reuse = ["--reuse"] if args.keep else []
    command = [sys.executable, __file__, "--one-size", "--paintings", str(size)]
    command += ["--requests", str(args.requests), "--warmup", str(args.warmup), *reuse]
    print(f"\n=== {size} paintings ===", flush=True)
    child = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
    means = None
    for line in child.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            means = json.loads(line[len(RESULT_PREFIX) :])
        else:
            print(line)
    return means


def print_ratios(by_size):
    smallest = min(by_size)
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
    larger = [size for size in by_size if size != smallest]
    print(f"\n{database or 'SQLite'}: median ms per search, and each size ÷ {smallest:,}")
    header = (
        f"{'scenario':<24}"
        + "".join(f"{size:>10,}" for size in by_size)
        + "".join(f"{'×' + format(size, ','):>10}" for size in larger)
    )
    print(header)
    print("-" * len(header))
    for name in by_size[smallest]:
        medians = "".join(f"{by_size[size][name]:>10.1f}" for size in by_size)
        ratios = "".join(
            f"{by_size[size][name] / by_size[smallest][name]:>10.2f}" for size in larger
        )
        print(f"{name:<24}{medians}{ratios}")
    print(f"(×N: the median at N paintings divided by the median at {smallest:,}; the goal: ≤ 2)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per scenario")
    parser.add_argument(
        "--keep",
        help="SQLite: keep each size's database in this folder, reuse it; "
        "PostgreSQL: a database per size on the same server, reused (any value)",
    )
    parser.add_argument("--one-size", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--paintings", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one_size:
        measure_one_size(args)
        return
    by_size = {size: run_size(size, args) for size in sorted(args.sizes)}
    print_ratios(by_size)


if __name__ == "__main__":
    main()
