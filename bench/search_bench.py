"""Time the search page at several gallery sizes, and how it scales, through Django's test Client.

    python bench/search_bench.py                                    # SQLite
    python bench/search_bench.py --keep /tmp/search-dbs             # SQLite, kept and reused
    python scripts/with_postgres.py python bench/search_bench.py   # PostgreSQL
    DATABASE_URL=postgres://... python bench/search_bench.py --keep yes

For each size (100, 1,000 and 10,000 paintings by default), a child process seeds
N paintings with `seed_gallery --reset` into a database of its own (SQLite: a
file per size, kept in --keep DIR; PostgreSQL: `<name>_search_<N>` on the
DATABASE_URL's server, created if missing), or with --keep reuses one that
already holds N paintings (seeding 10,000 takes about a minute). Each child
warms every search scenario up and counts its SQL; then the scenarios are timed
at every size in turn, --requests rounds, so that a busy moment on a shared
machine falls on all sizes alike. Prints, per size, mean, median and
95th-percentile milliseconds per search and SQL queries per request, then each
scenario's median at each size divided by its median at the smallest. It
reports figures only; it passes or fails nothing.
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
READY_PREFIX = "READY "


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


def serve_one_size(args):
    """In a child process: seed (or reuse) this size, warm every scenario up and
    count its SQL, then time one search per scenario number read from stdin."""
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
    client = Client()
    searches = scenarios()
    facts = {}
    for name, params in searches:
        for _ in range(args.warmup):
            client.get("/search/", params)
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            response = client.get("/search/", params)
        if response.status_code != 200:
            raise SystemExit(f"/search/ answered {response.status_code} for {params}")
        matches = MATCH_COUNT.search(response.content.decode())
        facts[name] = {"matches": int(matches.group(1)) if matches else 0, "sql": queries.count}
    print(READY_PREFIX + json.dumps({"vendor": connection.vendor, "scenarios": facts}), flush=True)
    for line in sys.stdin:
        params = searches[int(line)][1]
        started = time.perf_counter()
        client.get("/search/", params)
        print(f"{(time.perf_counter() - started) * 1000:.3f}", flush=True)


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


def start_size(size, args):
    """Starts one size's child process (a fresh Django, its own database) and
    waits until it is seeded and warm; returns it with its scenarios' facts."""
    env = dict(os.environ)
    reuse = ["--reuse"] if args.keep else []
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = database_of_its_own(os.environ["DATABASE_URL"], size)
    elif not os.environ.get("DATABASE_URL"):
        folder = Path(args.keep or tempfile.mkdtemp(prefix="pgp-search-bench-"))
        folder.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{folder / f'search-{size}.sqlite3'}"
        env.setdefault("TEST_MEDIA_ROOT", str(folder / f"media-{size}"))
    else:
        raise SystemExit("DATABASE_URL: PostgreSQL (a database per size is made on its server)")
    command = [sys.executable, __file__, "--one-size", "--paintings", str(size)]
    command += ["--warmup", str(args.warmup), *reuse]
    print(f"=== {size:,} paintings ===", flush=True)
    child = subprocess.Popen(
        command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )
    for line in child.stdout:
        if line.startswith(READY_PREFIX):
            return child, json.loads(line[len(READY_PREFIX) :])
        print(line, end="")
    raise SystemExit(f"The {size}-painting process ended before it was ready")


def time_interleaved(children, names, requests):
    """Times every scenario at every size in turn, `requests` rounds: a busy
    moment on the machine falls on all sizes alike, not on one size's run."""
    timings = {size: {name: [] for name in names} for size in children}
    for _ in range(requests):
        for index, name in enumerate(names):
            for size, child in children.items():
                child.stdin.write(f"{index}\n")
                timings[size][name].append(float(child.stdout.readline()))
    for child in children.values():
        child.stdin.close()
        child.wait()
    return timings


def print_size(size, facts, timings):
    print(f"\n{size:,} paintings")
    header = f"{'scenario':<24}{'matches':>8}{'mean ms':>9}{'median':>8}{'p95 ms':>8}{'SQL/req':>9}"
    print(header)
    print("-" * len(header))
    for name, times in timings.items():
        times = sorted(times)
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(
            f"{name:<24}{facts[name]['matches']:>8}{statistics.fmean(times):>9.1f}"
            f"{statistics.median(times):>8.1f}{p95:>8.1f}{facts[name]['sql']:>9}"
        )


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
        "PostgreSQL: reuse each size's database (any value)",
    )
    parser.add_argument("--one-size", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--paintings", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one_size:
        serve_one_size(args)
        return
    started = {size: start_size(size, args) for size in sorted(set(args.sizes))}
    children = {size: child for size, (child, _facts) in started.items()}
    facts = {size: ready["scenarios"] for size, (_child, ready) in started.items()}
    names = list(facts[min(facts)])
    vendor = started[min(started)][1]["vendor"]
    print(
        f"\nDatabase: {vendor}; {args.requests} timed requests per scenario and size, interleaved"
    )
    by_size = time_interleaved(children, names, args.requests)
    for size, timings in by_size.items():
        print_size(size, facts[size], timings)
    print_ratios(
        {
            size: {name: statistics.median(t) for name, t in timings.items()}
            for size, timings in by_size.items()
        }
    )


if __name__ == "__main__":
    main()
