"""A CDN in front of the page cache: what each change purges through Wagtail's
front-end cache backends (pagecache/frontend.py), and what happens when the
shared cache fails to take a change.

Two recording backends stand where Cloudflare or CloudFront would: one purges
URL by URL, the other can also drop everything at once. Over HTTP: Wagtail's
own HTTPBackend sends its PURGE requests, and the project's Cloudflare backend
its purge-everything call, to a local stand-in for the CDN's API.

See test_page_cache.py for why changes run inside `commit()`.
"""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import transaction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.models import Page, PageViewRestriction

from gallery.models import GallerySettings, PaintingPage
from pagecache import frontend, store
from shop import services
from shop.models import Order
from tests.factories import ImageFactory, PaintingPageFactory, StandardPageFactory, UserFactory
from tests.helpers import is_hit, reserve, visit

pytestmark = pytest.mark.django_db

BASE = "http://localhost"
PURGED = []
EVERYTHING = "<everything>"


class RecordingBackend(BaseBackend):
    """Purges URL by URL (as Wagtail's HTTP backend for Varnish does)."""

    def purge(self, url):
        PURGED.append(url)


class ZoneBackend(RecordingBackend):
    """Can also drop every page at once (Cloudflare's zone, CloudFront's /*)."""

    def purge_everything(self):
        PURGED.append(EVERYTHING)


def use_backend(settings, backend):
    settings.WAGTAILFRONTENDCACHE = {"test": {"BACKEND": f"{__name__}.{backend.__name__}"}}
    store.pending().clear()
    PURGED.clear()
    return PURGED


@pytest.fixture
def cdn(settings):
    return use_backend(settings, RecordingBackend)


@pytest.fixture
def zone_cdn(settings):
    return use_backend(settings, ZoneBackend)


def urls(*paths):
    return {BASE + path for path in paths}


def cached_twice(url):
    visit(url)
    response, page = visit(url)
    assert is_hit(response), url
    return page


# -- sale state, publishing, moving ----------------------------------------------


def test_sale_state_changes_purge_the_painting_and_its_ancestors(shop, commit, cdn):
    painting = shop.paintings[0]
    with commit():
        order = reserve(painting)
    assert sorted(cdn) == sorted(urls("/", "/gallery/", "/gallery/sea/", painting.url))
    cdn.clear()
    with commit():
        services.release_order(order.pk, status=Order.Status.CANCELLED)
    assert BASE + painting.url in cdn


def test_pages_showing_a_painting_in_a_block_are_purged_when_it_sells_or_changes(shop, commit, cdn):
    painting, other = shop.paintings[0], shop.paintings[1]
    about = StandardPageFactory(parent=shop.home, title="About", slug="about-me")
    about.body = [("painting", {"painting": painting})]
    about.save_revision().publish()
    cdn.clear()
    with commit():
        order = reserve(painting)
    assert BASE + about.url in cdn
    cdn.clear()
    with commit():
        services.release_order(order.pk, status=Order.Status.CANCELLED)
    assert BASE + about.url in cdn
    cdn.clear()
    with commit():
        painting.title = "Renamed"
        painting.save_revision().publish()
    assert BASE + about.url in cdn
    cdn.clear()
    with commit():
        reserve(other)  # not on the page
    assert BASE + about.url not in cdn


def test_publish_and_move_purge_a_cdn_but_a_draft_does_not(shop, commit, cdn):
    painting = shop.paintings[0]
    old_url = BASE + painting.url
    with commit():
        painting.title = "Draft title"
        painting.save_revision()
    assert cdn == []
    with commit():
        painting.get_latest_revision().publish()
    assert old_url in cdn
    cdn.clear()
    with commit():
        PaintingPage.objects.get(pk=painting.pk).move(shop.home, pos="last-child")
    # Where it was, the collection it left (which listed it), and where it is.
    assert {old_url, BASE + "/gallery/sea/", BASE + "/painting-1/"} <= set(cdn)


# -- a change to a page reaches the pages below it ---------------------------------


def test_unpublishing_a_collection_purges_its_paintings(shop, commit, cdn):
    with commit():
        shop.collection.unpublish()
    assert set(cdn) == urls("/", "/gallery/", "/gallery/sea/", *(p.url for p in shop.paintings))


def test_unpublishing_with_the_pages_below_is_one_purge_of_each_url(shop, commit, cdn):
    with commit():
        editor = UserFactory(superuser=True)
        UnpublishPageAction(shop.collection, user=editor, include_descendants=True).execute()
    assert not PaintingPage.objects.live().exists()
    assert sorted(cdn) == sorted(
        urls("/", "/gallery/", "/gallery/sea/", *(p.url for p in shop.paintings))
    )


def test_publishing_a_collection_purges_its_paintings_breadcrumbs(shop, commit, cdn):
    with commit():
        shop.collection.title = "The sea"
        shop.collection.save_revision().publish()
    assert {BASE + p.url for p in shop.paintings} <= set(cdn)


def test_deleting_a_collection_purges_its_paintings_in_one_batch(shop, commit, cdn):
    paintings = [p.url for p in shop.paintings]
    with commit():
        Page.objects.get(pk=shop.collection.pk).delete()
    assert sorted(cdn) == sorted(urls("/", "/gallery/", "/gallery/sea/", *paintings))
    assert all(visit(url)[0].status_code == 404 for url in paintings)


def test_moving_a_collection_purges_its_paintings_at_their_old_urls(shop, commit, cdn):
    old = [p.url for p in shop.paintings]
    with commit():
        Page.objects.get(pk=shop.collection.pk).move(shop.home, pos="last-child")
    new = [p.url for p in PaintingPage.objects.order_by("path")]
    assert new[0] == "/sea/painting-1/"
    assert urls(*old, *new, "/gallery/", "/sea/") <= set(cdn)


def test_a_new_slug_purges_the_pages_below_at_their_old_urls(shop, commit, cdn):
    with commit():
        shop.collection.slug = "ocean"
        shop.collection.save_revision().publish()
    assert urls(*(p.url for p in shop.paintings)) <= set(cdn)
    assert BASE + "/gallery/ocean/painting-1/" in cdn


def test_a_large_subtree_drops_everything_where_the_backend_can(
    shop, commit, zone_cdn, monkeypatch
):
    monkeypatch.setattr(frontend, "PURGE_EVERYTHING_ABOVE", 2)
    with commit():
        shop.collection.unpublish()
    assert zone_cdn == [EVERYTHING]


def test_a_large_subtree_is_purged_url_by_url_where_the_backend_cannot(
    shop, commit, cdn, monkeypatch
):
    """Every live page, each once: the batch Wagtail sends."""
    monkeypatch.setattr(frontend, "PURGE_EVERYTHING_ABOVE", 2)
    with commit():
        Page.objects.get(pk=shop.collection.pk).delete()
    paintings = [f"/gallery/sea/painting-{n}/" for n in (1, 2, 3)]
    assert sorted(cdn) == sorted(urls("/", "/gallery/", "/gallery/sea/", *paintings))


def test_a_large_moved_subtree_is_purged_at_its_old_urls_where_the_backend_cannot_drop_all(
    shop, commit, cdn, monkeypatch
):
    monkeypatch.setattr(frontend, "PURGE_EVERYTHING_ABOVE", 2)
    old = [p.url for p in shop.paintings]
    with commit():
        Page.objects.get(pk=shop.collection.pk).move(shop.home, pos="last-child")
    new = [p.url for p in PaintingPage.objects.order_by("path")]
    assert urls(*old, *new) <= set(cdn)
    assert len(cdn) == len(set(cdn))


# -- view restrictions ----------------------------------------------------------------


def test_a_view_restriction_added_changed_or_removed_purges_the_page_and_those_below(
    shop, commit, cdn
):
    below = urls("/", "/gallery/", "/gallery/sea/", *(p.url for p in shop.paintings))
    painting = shop.paintings[0]
    cached_twice(painting.url)
    with commit():
        restriction = PageViewRestriction.objects.create(
            page=shop.collection, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
    assert set(cdn) == below
    response = visit(painting.url)[0]
    assert not is_hit(response) and response.status_code == 200
    assert "password" in response.content.decode().lower()

    cdn.clear()
    with commit():
        restriction.password = "y"
        restriction.save()
    assert set(cdn) == below
    cdn.clear()
    with commit():
        restriction.delete()
    assert set(cdn) == below
    assert ">Available</p>" in visit(painting.url)[1]


# -- what every page shows --------------------------------------------------------------


def test_settings_the_menu_and_changed_images_drop_everything_new_images_nothing(
    shop, commit, zone_cdn
):
    gallery_settings = GallerySettings.for_site(shop.site)
    with commit():
        gallery_settings.artist_name = "Aoife"
        gallery_settings.save()
    assert zone_cdn == [EVERYTHING]

    zone_cdn.clear()
    with commit():  # the gallery index is in the header menu of every page
        gallery_index = shop.collection.get_parent().specific
        gallery_index.title = "Works"
        gallery_index.save_revision().publish()
    assert zone_cdn == [EVERYTHING]

    zone_cdn.clear()
    with commit():
        image = ImageFactory()
    assert zone_cdn == []
    cached_twice(shop.paintings[0].url)
    with commit():
        image = shop.paintings[0].image
        image.title = "A new description"
        image.save()
    assert zone_cdn == [EVERYTHING]
    assert not is_hit(visit(shop.paintings[0].url)[0])


def test_publishing_a_painting_drops_only_its_own_urls(shop, commit, zone_cdn):
    with commit():
        PaintingPageFactory(parent=shop.collection, title="New").save_revision().publish()
    assert EVERYTHING not in zone_cdn
    assert BASE + "/gallery/sea/new/" in zone_cdn


def test_seeding_the_demo_drops_every_stored_page_and_the_cdns_copies(
    shop, commit, zone_cdn, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cached_twice("/")
    with commit():
        call_command("seed_gallery", "--reset", "--paintings", "1", stdout=StringIO())
    assert zone_cdn == [EVERYTHING]  # once, for all the changes it made
    response, page = visit("/")
    assert not is_hit(response) and "Painting 1" not in page


# -- over HTTP -------------------------------------------------------------------------------


class StandIn(BaseHTTPRequestHandler):
    """A CDN's purge API: records each request and answers as Cloudflare does."""

    def do_any(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append((self.command, self.headers.get("Host"), self.path, body,
                                     self.headers.get("Authorization")))  # fmt: skip
        answer = json.dumps({"success": True, "errors": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_PURGE = do_POST = do_any  # noqa: N815 - http.server's naming

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_over_http_unpublishing_a_collection_sends_a_purge_for_each_painting(
    shop, commit, settings, cdn_api
):
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{cdn_api.server_port}",
        }
    }
    with commit():
        shop.collection.unpublish()
    purged = {(method, host, path) for method, host, path, *_ in cdn_api.received}
    assert {("PURGE", "localhost", p.url) for p in shop.paintings} <= purged
    assert ("PURGE", "localhost", "/gallery/sea/") in purged


def test_over_http_cloudflare_is_asked_to_purge_everything(cdn_api):
    backend = frontend.CloudflareBackend({"BEARER_TOKEN": "token", "ZONEID": "zone"})
    assert backend.cloudflare_purge_endpoint_url.endswith("/zones/zone/purge_cache")
    backend.cloudflare_purge_endpoint_url = f"http://127.0.0.1:{cdn_api.server_port}/purge_cache"
    backend.purge_everything()
    [(method, _, path, body, authorization)] = cdn_api.received
    assert (method, path, json.loads(body)) == ("POST", "/purge_cache", {"purge_everything": True})
    assert authorization == "Bearer token"


# -- the shared cache failing to take a change ------------------------------------------------


class FlakyCache(LocMemCache):
    """The shared cache, refusing to store the generation the next `failures` times."""

    failures = 0

    def set(self, key, *args, **kwargs):
        if key.endswith(store.GENERATION_KEY) and FlakyCache.failures:
            FlakyCache.failures -= 1
            raise ConnectionError("the cache is down")
        return super().set(key, *args, **kwargs)


@pytest.fixture
def flaky_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": f"{__name__}.FlakyCache", "LOCATION": "flaky"},
    }
    cache.clear()  # what earlier tests left in this process's memory
    yield FlakyCache
    FlakyCache.failures = 0


def test_a_failed_generation_write_is_tried_again(shop, commit, flaky_cache, caplog):
    painting = shop.paintings[0]
    cached_twice(painting.url)
    flaky_cache.failures = 1
    with commit():
        reserve(painting)
    response, page = visit(painting.url)
    assert not is_hit(response) and ">Reserved</p>" in page
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_generation_write_that_fails_twice_is_an_error_the_cdn_is_purged_and_the_change_stands(
    shop, commit, flaky_cache, cdn, caplog
):
    painting = shop.paintings[0]
    flaky_cache.failures = 2
    ran_after = []
    with commit():
        order = reserve(painting)
        transaction.on_commit(lambda: ran_after.append(True))
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].name == "pagecache.store"
    assert "NOT replaced" in errors[0].getMessage()
    assert isinstance(errors[0].exc_info[1], ConnectionError)
    assert BASE + painting.url in cdn  # the CDN drops it all the same
    assert ran_after == [True]  # later on_commit work still runs
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


class DownZoneBackend(ZoneBackend):
    def purge_everything(self):
        raise ConnectionError("the CDN's API is down")


def test_a_cdn_that_fails_is_logged_and_the_stored_pages_still_go(shop, commit, settings, caplog):
    use_backend(settings, DownZoneBackend)
    cached_twice(shop.home.url)
    gallery_settings = GallerySettings.for_site(shop.site)
    with commit():
        gallery_settings.artist_name = "Aoife"
        gallery_settings.save()
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert error.name == "pagecache.frontend" and isinstance(error.exc_info[1], ConnectionError)
    response, page = visit(shop.home.url)
    assert not is_hit(response) and "Aoife" in page
