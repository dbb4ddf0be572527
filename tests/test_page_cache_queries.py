"""What a page-cache miss and a hit cost in SQL statements on the database cache,
for every stored page type, at two sizes of gallery. Counts, never timings.

Real transactions (transaction=True): requests run in autocommit in production,
and the cache's one-statement store (pagecache.dbcache) is used only there.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gallery.models import ArticlePage, JournalIndexPage
from gallery.tests.test_query_budget import BUDGET, add_paintings, site_tree  # noqa: F401
from pagecache import dbcache, primed, store

pytestmark = pytest.mark.django_db(transaction=True)

HIT_BUDGET = 2


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache table outlives a flushed test database: pages of other tests' runs."""
    cache.clear()
    yield
    cache.clear()


def page_urls(home, collection, painting):
    return {
        "home": home.url,
        "collection": collection.url,
        "painting": painting.url,
        "journal": JournalIndexPage.objects.get().url,
        "article": ArticlePage.objects.order_by("path").first().url,
    }


def statements(url):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def miss_and_hit(urls):
    """Each page after a change (a new generation, as any publish or sale makes),
    once another page has been rendered under it, then again from the cache."""
    store.bump()
    for url in urls.values():  # renditions made, Wagtail's site root paths cached
        Client().get(url)
    counts = {}
    for name, url in urls.items():
        store.bump()
        other = urls["article"] if name != "article" else urls["home"]
        assert Client().get(other)["X-Page-Cache"] == "miss"
        miss, miss_sql = statements(url)
        hit, hit_sql = statements(url)
        assert miss["X-Page-Cache"] == "miss", name
        assert hit["X-Page-Cache"] == "hit", name
        assert hit.content == miss.content
        assert len(miss_sql) <= BUDGET, (name, "\n".join(miss_sql))
        assert len(hit_sql) <= HIT_BUDGET, (name, "\n".join(hit_sql))
        counts[name] = (len(miss_sql), len(hit_sql))
    return counts


def test_a_miss_stays_within_the_page_budget_and_a_hit_is_one_read(site_tree, settings):  # noqa: F811
    settings.PAGE_CACHE_SECONDS = 600
    settings.ALLOWED_HOSTS = ["testserver"]  # stored only under a host named exactly
    home, collection = site_tree
    painting = add_paintings(home, collection, 5)
    urls = page_urls(home, collection, painting)
    few = miss_and_hit(urls)

    add_paintings(home, collection, 40, start=5)  # a full page of 24 cards and more
    many = miss_and_hit(urls)
    # Nothing grows with the gallery. (On PostgreSQL after the whole suite, the first
    # round's painting once took one statement more than the second: what a process
    # reads once, not what the number of paintings costs.)
    for name, (miss, hit) in many.items():
        assert miss <= few[name][0] and hit <= few[name][1], (name, few, many)
    print("\nSQL statements (miss, hit):", many)


def forget_process_memory():
    """What a worker just started (or recycled by gunicorn) knows."""
    primed.REMEMBERED.clear()
    store.LAPSES.clear()


@pytest.fixture
def warmed(site_tree, settings):  # noqa: F811
    """30 paintings, every page rendered: (the page URLs, a painting)."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.ALLOWED_HOSTS = ["testserver"]
    home, collection = site_tree
    painting = add_paintings(home, collection, 30)
    urls = page_urls(home, collection, painting)
    # The first render makes the site's settings rows (a site-wide change); the
    # next ones, under the new site generation, make renditions and share what
    # every render reads.
    for url in [urls["home"], *urls.values()]:
        Client().get(url)
    return urls, painting


def test_a_new_worker_s_first_miss_after_a_sale_stays_within_the_budget(warmed):
    """A sale or a painting's publish replaces only the page generation: the Site,
    root page and settings every render reads come from the worker's memory, or
    from the shared cache in the lookup's one read if the worker is new."""
    urls, _ = warmed
    for name, url in urls.items():
        store.bump()  # what a sale does (site_wide=False)
        forget_process_memory()
        miss, miss_sql = statements(url)
        assert miss["X-Page-Cache"] == "miss", name
        assert len(miss_sql) <= BUDGET, (name, "\n".join(miss_sql))
        assert not any("wagtailcore_site" in sql for sql in miss_sql), name


@pytest.mark.parametrize("tag", [None, "a-new-tag"])
def test_a_painting_published_with_a_new_tag_keeps_the_budget(warmed, tag):
    """taggit.Tag is in PAGE_CACHE_INVALIDATED_BY, so a new tag drops every page;
    but no tag is among what every render reads alike (primed.py), so the site
    generation stays and a new worker's first miss keeps the budget."""
    urls, painting = warmed
    before = cache.get(store.SITE_GENERATION_KEY)
    painting = painting.specific
    if tag:
        painting.tags.add(tag)
    painting.save_revision().publish()
    forget_process_memory()
    miss, miss_sql = statements(urls["home"])
    assert miss["X-Page-Cache"] == "miss"
    assert len(miss_sql) <= BUDGET, "\n".join(miss_sql)
    assert cache.get(store.SITE_GENERATION_KEY) == before


def test_a_worker_serving_only_hits_keeps_the_shared_reads_and_stops_asking(site_tree, settings):  # noqa: F811
    settings.PAGE_CACHE_SECONDS = 600
    settings.ALLOWED_HOSTS = ["testserver"]
    home, _ = site_tree
    for _ in range(3):  # settings rows made, then shared, then stored
        Client().get(home.url)
    forget_process_memory()
    hit, hit_sql = statements(home.url)
    assert hit["X-Page-Cache"] == "hit"
    assert primed.SHARED_PREFIX in hit_sql[0]  # asked once, with the page
    hit, hit_sql = statements(home.url)
    assert len(hit_sql) == 1 and primed.SHARED_PREFIX not in hit_sql[0]
    print(
        "\nshared bundle:", len(cache.get(primed.shared_key_of(("testserver", "80")))[2]), "bytes"
    )


def test_what_every_render_reads_is_shared_only_under_the_site_s_own_host(site_tree, settings):  # noqa: F811
    """Wagtail finds the Site by hostname and the server's port: with a wildcard
    in ALLOWED_HOSTS, a bot's made-up subdomains must not each leave an entry."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.ALLOWED_HOSTS = ["localhost", ".example.com"]
    home, _ = site_tree  # the site's hostname is localhost
    Client().get(home.url, HTTP_HOST="localhost")  # makes the settings rows: site-wide
    for host in ("bot1.example.com", "localhost"):
        forget_process_memory()
        assert Client().get(home.url, HTTP_HOST=host).status_code == 200
    assert cache.get(primed.shared_key_of(("bot1.example.com", "80"))) is None
    generation, _, _ = cache.get(primed.shared_key_of(("localhost", "80")))
    assert generation == cache.get(store.SITE_GENERATION_KEY)


def test_the_database_cache_stores_in_one_statement_and_still_culls(monkeypatch):
    with CaptureQueriesContext(connection) as queries:
        cache.set("speed:a", "first")
        cache.set("speed:a", "second")  # the upsert's update
    assert len(queries) == 2, [q["sql"] for q in queries.captured_queries]
    assert cache.get("speed:a") == "second"

    monkeypatch.setattr(dbcache, "CULL_EVERY", 1)
    monkeypatch.setattr(cache, "_max_entries", 4)
    for index in range(12):
        cache.set(f"speed:{index}", index)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pgp_cache")
        assert cursor.fetchone()[0] <= 5
