"""Time the search page at several gallery sizes, and how it scales, through Django's test Client.

    python bench/search_bench.py                         # SQLite, 100 and 10,000 paintings
    python bench/search_bench.py --sizes 100 1000 10000 --keep /tmp/search-dbs
    python scripts/with_postgres.py python bench/search_bench.py          # PostgreSQL

For each size, a child process seeds N paintings with `seed_gallery --reset`
(so use a throwaway database: the demo tree is rebuilt) and times each search
scenario: warm-up requests, then --requests timed ones. On SQLite each size
gets its own file; with --keep DIR they are kept there and reused when they
already hold N paintings (seeding 10,000 takes minutes). With DATABASE_URL set,
every size is seeded in turn into that database. Prints, per size, mean and
95th-percentile milliseconds per search and SQL queries per request, then each
scenario's mean at the largest size divided by its mean at the smallest. It
reports figures only; it passes or fails nothing.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from common import configure_django, measure, seed

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

    header = f"{'scenario':<24}{'matches':>8}{'mean ms':>9}{'p95 ms':>8}{'SQL/req':>9}"
    print(header)
    print("-" * len(header))
    client = Client()
    means = {}
    for name, params in scenarios():
        result = measure(client, "/search/", params, args.requests, args.warmup)
        matches = MATCH_COUNT.search(result["response"].content.decode())
        means[name] = result["mean"]
        print(
            f"{name:<24}{int(matches.group(1)) if matches else 0:>8}"
            f"{result['mean']:>9.1f}{result['p95']:>8.1f}{result['queries']:>9}"
        )
    print(RESULT_PREFIX + json.dumps(means), flush=True)


def run_size(size, args):
    """Runs one size in a child process (a fresh Django, its own database file)."""
    env = dict(os.environ)
    reuse = []
    if not os.environ.get("DATABASE_URL"):
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
    smallest, largest = min(by_size), max(by_size)
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
    print(f"\n{database or 'SQLite'}: mean ms per search, and {largest:,} ÷ {smallest:,}")
    header = f"{'scenario':<24}" + "".join(f"{size:>10,}" for size in by_size) + f"{'ratio':>8}"
    print(header)
    print("-" * len(header))
    for name in by_size[smallest]:
        means = "".join(f"{by_size[size][name]:>10.1f}" for size in by_size)
        print(f"{name:<24}{means}{by_size[largest][name] / by_size[smallest][name]:>8.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per scenario")
    parser.add_argument("--keep", help="SQLite: keep each size's database in this folder, reuse it")
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
