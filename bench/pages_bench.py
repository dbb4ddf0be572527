"""Every public page, a static file, search and checkout, served by gunicorn, measured with wrk.

    make bench                                          # everything: 100, 1,000 and 10,000
                                                        # paintings, SQLite and PostgreSQL
    make bench BENCH_ARGS="--sizes 100 --db sqlite --seconds 3"     # a quick look

For each database and size, in a fresh database: migrate, seed the demo
gallery, count each page's SQL queries in process (Django's test Client:
rendered with the page cache off; with it on, a miss after a change and a hit),
then start gunicorn the way the Procfile does (gunicorn.conf.py, production
settings on plain HTTP: pgp_site.settings.bench) and measure each URL with wrk:
once with the page cache off (PAGE_CACHE_SECONDS=0: "uncached") and once with
its default ("cached"). The admin's login page, a plain Django view, is the
ceiling measured by the same server; each page is given as a share of it.
Checkout: buyers with one painting each in their cart start Stripe checkouts
against the local stand-in, all at once (distinct paintings, fresh sessions;
SHOP_CHECKOUT_RATE=0 lifts the per-address limits). Figures only: it passes
or fails nothing.
"""

import argparse
import concurrent.futures
import http.cookiejar
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from common import PROJECT_ROOT, QueryCounter, ensure_wrk, free_port, gunicorn, running, wrk

RESULT_MARK = "BENCH-RESULT "
CEILING = "plain Django view (admin login)"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COUNTRY_INPUT = re.compile(r'name="country" value="([A-Z]{2})"')


def bench_environment(static_root):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PAGE_CACHE"))}
    for name in ("DJANGO_SETTINGS_MODULE", "DEBUG", "STRIPE_API_BASE", "REDIS_URL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="pgp_site.settings.bench",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        STATIC_ROOT=str(static_root),
        BENCH_MEDIA_ROOT=str(static_root.parent / "media"),
        STRIPE_SECRET_KEY="sk_test_bench",  # noqa: S106 - the stand-in takes any test key
        STRIPE_WH_SECRET="whsec_bench",  # noqa: S106 - no webhooks in the bench
        SHOP_CHECKOUT_RATE="0",
        EMAIL_HOST="127.0.0.1",
        DEFAULT_FROM_EMAIL="Bench <bench@example.com>",
        PYTHONUNBUFFERED="1",
    )
    return env


# -- One database, one size (a child process, so each gets fresh Django settings) --


def public_pages():
    """(name, path) of every kind of public page, found in the seeded site."""
    from gallery.models import (
        ArticlePage,
        CollectionPage,
        ContactPage,
        GalleryIndexPage,
        HomePage,
        JournalIndexPage,
        PaintingPage,
        StandardPage,
    )

    def first(model):
        return model.objects.live().order_by("path").first()

    collection = first(CollectionPage)
    painting = PaintingPage.objects.buyable().child_of(collection).order_by("path").first()
    return [
        ("home", first(HomePage).url),
        ("gallery index", first(GalleryIndexPage).url),
        ("collection (24 cards)", collection.url),
        ("collection, filtered", f"{collection.url}?available=on&sort=price_asc"),
        ("painting", painting.url),
        ("journal index", first(JournalIndexPage).url),
        ("article", first(ArticlePage).url),
        ("standard page", first(StandardPage).url),
        ("contact page", first(ContactPage).url),
        ("search", "/search/?q=sea"),
        ("cart (empty)", "/cart/"),
    ]


def statements(client, path):
    """(SQL statements of one GET, the page cache's verdict: hit, miss or None)."""
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return counter.count, response.get("X-Page-Cache")


def count_queries(paths):
    """SQL statements per path: rendered with the page cache off (after a request that
    makes its renditions); then with it on, a miss after a change (a new generation,
    once another page has rendered under it) and the hit that follows."""
    from django.test import Client, override_settings

    from pagecache import store

    client = Client()
    counts = {}
    for path in paths:
        statements(client, path)
        counts[path] = {"uncached": statements(client, path)[0]}
    with override_settings(PAGE_CACHE_SECONDS=600):
        for path in paths:
            store.bump()
            client = Client()  # no session cookie from the pages before
            statements(client, paths[0] if path != paths[0] else paths[1])
            miss, verdict = statements(client, path)
            hit, hit_verdict = statements(client, path)
            if verdict == "miss" and hit_verdict == "hit":
                counts[path].update(miss=miss, hit=hit)
    return counts


def measure_server(base, urls, seconds, connections, rounds):
    """Median requests/s of each URL over `rounds` rounds (URLs interleaved)."""
    rates = {url: [] for url in urls}
    for url in urls:  # warm up: templates compiled, connections open in each worker
        for _ in range(4):
            urllib.request.urlopen(base + url, timeout=30).read()
    for _ in range(rounds):
        for url in urls:
            rate, problems = wrk(base + url, seconds, connections)
            if problems:
                print(f"wrk {url}: {'; '.join(problems)}", file=sys.stderr)
            rates[url].append(rate)
            drain(base, connections)
    return {url: statistics.median(values) for url, values in rates.items()}


def drain(base, connections):
    """Waits out the requests wrk left queued: a slow page (search at 10,000 paintings)
    would otherwise hold the workers through the next URL's measurement."""
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        for _ in pool.map(
            lambda _: urllib.request.urlopen(base + "/robots.txt", timeout=600).read(),
            range(connections),
        ):
            pass


class Buyer:
    """A visitor with a session of its own: puts one painting in the cart, then checks out."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=body,
            # A Spanish browser: the cart preselects Spain, which the demo ships to.
            headers={"Origin": self.base, "Referer": self.base + path, "Accept-Language": "es-ES"},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def fill_cart(self, painting_path, painting_id):
        # The painting page may come from the page cache: no CSRF token there,
        # and adding to the cart needs none (the Origin header vouches).
        self.request(painting_path)
        self.painting_id = painting_id
        status, _ = self.request(f"/cart/add/{painting_id}/", {})
        if status not in (200, 302, 303):
            raise SystemExit(f"adding painting {painting_id} to a cart answered {status}")
        # The cart's checkout form carries the token, as a buyer's browser sees it.
        status, page = self.request("/cart/")
        token, country = CSRF_INPUT.search(page), COUNTRY_INPUT.search(page)
        if not token or not country:
            raise SystemExit(f"the cart offers no checkout (status {status}):\n{page[-2000:]}")
        self.token, self.country = token.group(1), country.group(1)

    def check_out(self):
        status, _ = self.request(
            "/checkout/",
            {
                "csrfmiddlewaretoken": self.token,
                "painting": [self.painting_id],
                "country": self.country,
            },
        )
        return status


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def measure_checkout(base, connections, most):
    """Checkouts started per second: buyers ready with a cart each, then all at once."""
    from gallery.models import PaintingPage

    paintings = list(PaintingPage.objects.buyable().order_by("path")[:most])
    buyers = []
    for painting in paintings:
        buyer = Buyer(base)
        buyer.fill_cart(painting.url, painting.pk)
        buyers.append(buyer)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        statuses = list(pool.map(Buyer.check_out, buyers))
    seconds = time.monotonic() - started
    refused = [status for status in statuses if status != 303]
    if refused:
        raise SystemExit(f"{len(refused)} of {len(statuses)} checkouts failed: {refused[:5]}")
    return len(buyers) / seconds, len(buyers)


def run_one(args):
    """Seeds one database, measures everything, prints the figures as one JSON line."""
    sys.path.insert(0, str(PROJECT_ROOT))
    import django

    # Query counts are of the work behind a page, not of a cache hit.
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.templatetags.static import static

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    started = time.monotonic()
    call_command("seed_gallery", paintings=args.size, reset=True, verbosity=0)
    seed_seconds = time.monotonic() - started

    pages = public_pages()
    ceiling = ("/admin/login/", CEILING)
    static_file = static("css/site.css")
    queries = count_queries([path for _, path in pages])
    connection.close()

    env = dict(os.environ)
    standin_port, web_port = free_port(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    env["BENCH_STRIPE_API_BASE"] = f"http://127.0.0.1:{standin_port}"
    log = Path(tempfile.mkdtemp(prefix="pgp-bench-log-")) / "servers.log"
    standin = [sys.executable, "-m", "stripe_standin", "--port", str(standin_port), "--quiet"]
    urls = [path for _, path in pages] + [ceiling[0], static_file]
    measured = {}
    with running(standin, env, f"http://127.0.0.1:{standin_port}/", log):
        for mode, cache_seconds in (("uncached", "0"), ("cached", None)):
            server_env = {k: v for k, v in env.items() if k != "PAGE_CACHE_SECONDS"}
            if cache_seconds is not None:
                server_env["PAGE_CACHE_SECONDS"] = cache_seconds
            with gunicorn(server_env, web_port, log):
                measured[mode] = measure_server(
                    base, urls, args.seconds, args.connections, args.rounds
                )
                if mode == "cached":
                    checkout_rate, checkouts = measure_checkout(
                        base, args.connections, args.checkouts
                    )
    result = {
        "db": connection.vendor,
        "size": args.size,
        "seed_seconds": seed_seconds,
        "pages": [(name, path, queries[path]) for name, path in pages],
        "ceiling": ceiling[0],
        "static": static_file,
        "measured": measured,
        "checkout": {"rate": checkout_rate, "count": checkouts},
    }
    print(RESULT_MARK + json.dumps(result))


# -- The whole run --


def collect_static(env, static_root):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=PROJECT_ROOT,
        env={**env, "DATABASE_URL": f"sqlite:///{static_root}.sqlite3"},
        check=True,
    )


def child_command(args, db, size):
    own = [
        sys.executable, str(Path(__file__).resolve()), "--one", "--size", str(size),
        "--seconds", str(args.seconds), "--connections", str(args.connections),
        "--rounds", str(args.rounds), "--checkouts", str(args.checkouts),
    ]  # fmt: skip
    if db == "postgres":
        return [sys.executable, str(PROJECT_ROOT / "scripts" / "with_postgres.py"), *own]
    return own


def run_all(args):
    ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="pgp-bench-"))
    env = bench_environment(work / "static")
    print(f"Collecting static files into {work / 'static'} ...", flush=True)
    collect_static(env, work / "static")
    results = []
    for db in args.db:
        for size in args.sizes:
            child_env = {**env, "BENCH_MEDIA_ROOT": str(work / f"media-{db}-{size}")}
            if db == "sqlite":
                child_env["DATABASE_URL"] = f"sqlite:///{work / f'{size}.sqlite3'}"
            else:
                child_env.pop("DATABASE_URL", None)  # with_postgres.py sets it
            print(f"\n{db}, {size:,} paintings: seeding and measuring ...", flush=True)
            output = subprocess.run(
                child_command(args, db, size),
                cwd=PROJECT_ROOT,
                env=child_env,
                capture_output=True,
                text=True,
            )
            lines = [line for line in output.stdout.splitlines() if line.startswith(RESULT_MARK)]
            if output.returncode != 0 or not lines:
                print(output.stdout[-3000:], output.stderr[-3000:])
                if "SKIPPED" in output.stdout:
                    continue
                raise SystemExit(f"{db} at {size} paintings failed")
            result = json.loads(lines[-1][len(RESULT_MARK) :])
            print_table(result)
            results.append(result)
    print_scaling(results)


def share(part, whole, spec=".0%"):
    return format(part / whole, spec) if whole else "-"


def print_table(result):
    print(
        f"\n== {result['db']}, {result['size']:,} paintings "
        f"(seeded in {result['seed_seconds']:.0f} s) =="
    )
    uncached, cached = result["measured"]["uncached"], result["measured"]["cached"]
    top_u, top_c = uncached[result["ceiling"]], cached[result["ceiling"]]
    header = (
        f"{'page':<34}{'SQL':>4}{'uncached r/s':>14}{'÷ plain':>9}"
        f"{'SQL miss/hit':>14}{'cached r/s':>12}{'÷ plain':>9}"
    )
    print(header)
    print("-" * len(header))
    rows = [(name, path, queries) for name, path, queries in result["pages"]]
    rows += [(CEILING, result["ceiling"], {}), ("static file", result["static"], {})]
    for name, path, queries in rows:
        u, c = uncached[path], cached[path]
        cached_sql = f"{queries['miss']}/{queries['hit']}" if "hit" in queries else "-"
        print(
            f"{name:<34}{queries.get('uncached', ''):>4}{u:>14.1f}{share(u, top_u):>9}"
            f"{cached_sql:>14}{c:>12.1f}{share(c, top_c):>9}"
        )
    checkout = result["checkout"]
    print(
        f"{'checkout create (Stripe stand-in)':<34}{'':>4}{'':>14}{'':>9}{'':>14}"
        f"{checkout['rate']:>12.1f}{share(checkout['rate'], top_c):>9}"
        f"   ({checkout['count']} checkouts, {checkout['count']} paintings reserved)"
    )


def print_scaling(results):
    """Each page's time at every size against its time at the smallest, per database."""
    print("\n== Scaling: uncached time per request ÷ the same at the smallest size ==")
    for db in sorted({r["db"] for r in results}):
        runs = sorted((r for r in results if r["db"] == db), key=lambda r: r["size"])
        if len(runs) < 2:
            continue
        smallest = runs[0]
        for name, path, _ in smallest["pages"]:
            base_rate = smallest["measured"]["uncached"][path]
            ratios = []
            for run in runs[1:]:
                same = dict((n, p) for n, p, _ in run["pages"])[name]
                rate = run["measured"]["uncached"][same]
                ratios.append(f"{share(base_rate, rate, '.2f')}× at {run['size']:,}")
            print(f"{db:<11}{name:<26}{', '.join(ratios)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000])
    parser.add_argument(
        "--db", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per URL and round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1, help="rounds per URL; medians shown")
    parser.add_argument("--checkouts", type=int, default=60, help="checkouts started, at most")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args)
    else:
        run_all(args)


if __name__ == "__main__":
    main()
