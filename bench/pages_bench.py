"""Time every kind of public page on a seeded gallery, through Django's test Client.

    python bench/pages_bench.py --paintings 1000          # a fresh SQLite file in /tmp
    DATABASE_URL=postgres://... python bench/pages_bench.py
    make bench                                            # on a throwaway PostgreSQL

Seeds N paintings with `seed_gallery --reset` (use a throwaway database), then
for each page makes warm-up requests and times --requests more, in one
process, as one gunicorn worker would serve them. Prints requests per second,
mean and 95th-percentile milliseconds and SQL queries per request; it passes
or fails nothing. For scale: DESIGN.md measured Wagtail's bakerydemo home
page at ~43 ms a request (~23 requests/s) on this kind of machine.
"""

import argparse

from common import configure_django, measure, seed


def pages():
    from gallery.models import (
        ArticlePage,
        CollectionPage,
        GalleryIndexPage,
        HomePage,
        JournalIndexPage,
        PaintingPage,
    )

    def first(model):
        return model.objects.live().order_by("path").first()

    collection = first(CollectionPage)
    return [
        ("home", first(HomePage).url, None),
        ("gallery index", first(GalleryIndexPage).url, None),
        ("collection (24 cards)", collection.url, None),
        ("collection, filtered", collection.url, {"available": "on", "sort": "price_asc"}),
        ("painting", PaintingPage.objects.live().child_of(collection).first().url, None),
        ("journal index", first(JournalIndexPage).url, None),
        ("article", first(ArticlePage).url, None),
        ("search", "/search/", {"q": "sea"}),
        ("cart (empty)", "/cart/", None),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paintings", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page")
    args = parser.parse_args()

    configure_django("pgp-pages-bench")
    from django.db import connection
    from django.test import Client

    print(f"Seeded {args.paintings} paintings in {seed(args.paintings):.1f} s")
    print(f"Database: {connection.vendor}; {args.requests} timed requests per page\n")
    header = f"{'page':<24}{'req/s':>8}{'mean ms':>9}{'p95 ms':>8}{'SQL/req':>9}"
    print(header)
    print("-" * len(header))
    client = Client()
    for name, path, params in pages():
        result = measure(client, path, params, args.requests, args.warmup)
        print(
            f"{name:<24}{result['per_second']:>8.1f}{result['mean']:>9.1f}"
            f"{result['p95']:>8.1f}{result['queries']:>9}"
        )


if __name__ == "__main__":
    main()
