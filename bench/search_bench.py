"""Time the search page on a seeded gallery, through Django's test Client.

    DATABASE_URL=postgres://... python bench/search_bench.py --paintings 2000
    python bench/search_bench.py --paintings 2000      # a fresh SQLite file in /tmp

Migrates the database, seeds N paintings with `seed_gallery --reset` (so use
a throwaway database: the demo tree is rebuilt), then for each scenario makes
warm-up requests and times --requests more. Prints requests per second, mean
and 95th-percentile milliseconds, and SQL queries per request. It reports
figures only; it passes or fails nothing.
"""

import argparse
import re

from common import configure_django, measure, seed

MATCH_COUNT = re.compile(r'id="paintings-heading">Paintings <span[^>]*>\((\d+)\)')


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
    first_collection = collection.first()
    return [
        ("one word", {"q": "garden"}),
        ("two words, by price", {"q": "sea light", "sort": "price_asc"}),
        (
            "word + filters",
            {"q": "blue", "medium": oil, "available": "on", "size": "medium"},
        ),
        (
            "filters only, page 2",
            {"orientation": "landscape", "min_price": "200", "max_price": "5000", "page": "2"},
        ),
        ("collection, newest", {"collection": first_collection, "sort": "newest"}),
        ("no results", {"q": "zeppelin"}),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paintings", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per scenario")
    parser.add_argument(
        "--no-seed", action="store_true", help="use the paintings already in the database"
    )
    args = parser.parse_args()

    configure_django("pgp-search-bench")
    from django.db import connection
    from django.test import Client

    from gallery.models import PaintingPage

    if args.no_seed:
        ensure_search_index()
    else:
        seconds = seed(args.paintings)
        ensure_search_index()
        print(f"Seeded {args.paintings} paintings in {seconds:.1f} s")
    print(
        f"Database: {connection.vendor}; live paintings: "
        f"{PaintingPage.objects.live().count()}; {args.requests} timed requests per scenario\n"
    )

    client = Client()
    header = f"{'scenario':<24}{'matches':>8}{'req/s':>8}{'mean ms':>9}{'p95 ms':>8}{'SQL/req':>9}"
    print(header)
    print("-" * len(header))
    for name, params in scenarios():
        result = measure(client, "/search/", params, args.requests, args.warmup)
        matches = MATCH_COUNT.search(result["response"].content.decode())
        print(
            f"{name:<24}{int(matches.group(1)) if matches else 0:>8}{result['per_second']:>8.1f}"
            f"{result['mean']:>9.1f}{result['p95']:>8.1f}{result['queries']:>9}"
        )


if __name__ == "__main__":
    main()
