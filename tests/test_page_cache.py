"""The page cache (pagecache/) against the real shared cache: Django's database
cache here (SQLite or PostgreSQL, whichever the suite runs on), Redis in
test_page_cache_redis.py. Counts and contents, never timings.

Tests run in a transaction that never commits, so every change is made inside
django_capture_on_commit_callbacks(execute=True): the invalidation runs when
the change "commits", as it would in production.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gallery.models import GallerySettings, PaintingPage
from pagecache import store
from shop import services
from shop.models import Order, SaleState, ShopSettings
from tests.helpers import is_hit, reserve, visit

pytestmark = pytest.mark.django_db


def cached_twice(url):
    """Visits twice; the second visit must come from the cache. Returns its page."""
    visit(url)
    response, page = visit(url)
    assert is_hit(response), (url, response.status_code, response.get("Cache-Control"))
    return page


def test_a_second_visit_is_one_query_and_says_what_a_cdn_may_keep(shop):
    painting = shop.paintings[0]
    first = Client().get(painting.url)
    assert first["X-Page-Cache"] == "miss"
    assert first["Cache-Control"] in (
        "public, max-age=0, s-maxage=600",
        "public, max-age=0, s-maxage=599",
    )
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(painting.url)
    assert is_hit(second)
    assert len(queries) <= 1, [q["sql"] for q in queries.captured_queries]
    assert second.content == first.content
    assert second["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert 0 < int(second["Cache-Control"].rsplit("=", 1)[1]) <= 600
    # The outer middleware still dress a hit: its CSP header is the site's policy.
    assert "Content-Security-Policy" in second


# -- every change a page could show ------------------------------------------


def test_publish_and_unpublish_change_the_cached_painting(shop, commit):
    painting = shop.paintings[0]
    assert "Painting 1" in cached_twice(painting.url)

    with commit():
        painting.title = "Harbour at dusk"
        painting.save_revision().publish()
    response, page = visit(painting.url)
    assert not is_hit(response)
    assert "Harbour at dusk" in page
    # Its collection lists it too.
    assert "Harbour at dusk" in visit(shop.collection.url)[1]

    cached_twice(painting.url)
    with commit():
        painting.unpublish()
    assert visit(painting.url)[0].status_code == 404


def status_shown(url):
    page = visit(url)[1]
    for label in ("Available", "Reserved", "Sold"):
        if f">{label}</p>" in page:
            return label
    raise AssertionError(page)


def test_reserve_release_sell_and_make_available_again_change_the_cached_painting(shop, commit):
    painting = shop.paintings[0]
    cached_twice(painting.url)
    assert status_shown(painting.url) == "Available"

    with commit():
        order = reserve(painting)
    assert status_shown(painting.url) == "Reserved"
    assert status_shown(painting.url) == "Reserved"  # now from the cache

    with commit():
        services.release_order(order.pk, status=Order.Status.CANCELLED)
    assert status_shown(painting.url) == "Available"
    assert is_hit(visit(painting.url)[0])

    with commit():
        order = reserve(painting)
    assert status_shown(painting.url) == "Reserved"
    with commit():
        services.fulfil_order(order.pk, amount_total_minor=50000, details={})
    assert status_shown(painting.url) == "Sold"
    assert status_shown(painting.url) == "Sold"

    with commit():
        services.make_available_again(painting.pk)
    assert status_shown(painting.url) == "Available"


def test_a_refund_makes_the_paintings_pages_again(shop, commit):
    painting = shop.paintings[0]
    with commit():
        order = reserve(painting)
        services.fulfil_order(order.pk, amount_total_minor=50000, details={})
    cached_twice(painting.url)
    with commit():
        services.mark_refunded(order.pk)
    response, page = visit(painting.url)
    assert not is_hit(response) and ">Sold</p>" in page


def test_a_page_showing_a_reservation_is_not_served_after_it_lapses(
    shop, commit, monkeypatch, settings
):
    settings.PAGE_CACHE_SECONDS = 24 * 3600  # far longer than the reservation
    painting = shop.paintings[0]
    with commit():
        order = reserve(painting)
    visit(painting.url)
    response, page = visit(painting.url)
    assert is_hit(response) and ">Reserved</p>" in page
    # A CDN may not keep it past the reservation either.
    seconds_left = (order.reserved_until - timezone.now()).total_seconds()
    assert int(response["Cache-Control"].rsplit("=", 1)[1]) <= seconds_left

    # Time passes (no sleeping): the reservation lapses, with no event at all.
    later = order.reserved_until + timedelta(seconds=1)
    monkeypatch.setattr(store, "now", lambda: later.timestamp())
    SaleState.objects.filter(painting=painting).update(reserved_until=timezone.now())
    response, page = visit(painting.url)
    assert not is_hit(response)
    assert ">Available</p>" in page


def test_a_move_and_a_delete_change_cached_pages(shop, commit):
    painting, other = shop.paintings[0], shop.paintings[1]
    cached_twice(shop.collection.url)
    cached_twice(other.url)
    with commit():
        second = shop.collection.copy(
            to=shop.collection.get_parent(), update_attrs={"title": "Land", "slug": "land"}
        )
    for_move = PaintingPage.objects.get(pk=painting.pk)
    cached_twice(shop.collection.url)
    with commit():
        for_move.move(second, pos="last-child")
    page = visit(shop.collection.url)[1]
    assert "Painting 1" not in page and "Painting 2" in page

    cached_twice(other.url)
    with commit():
        PaintingPage.objects.get(pk=other.pk).delete()
    assert visit(other.url)[0].status_code == 404
    assert "Painting 2" not in visit(shop.collection.url)[1]


def test_site_settings_and_image_changes_change_cached_pages(shop, commit):
    painting = shop.paintings[0]
    cached_twice(shop.home.url)
    with commit():
        gallery_settings = GallerySettings.for_site(shop.site)
        gallery_settings.artist_name = "Aoife Ní Bhriain"
        gallery_settings.save()
    assert "Aoife Ní Bhriain" in visit(shop.home.url)[1]

    before = cached_twice(painting.url)
    with commit():
        image = painting.image
        image.set_focal_point(None)
        image.focal_point_x, image.focal_point_y = 1, 1
        image.focal_point_width = image.focal_point_height = 1
        image.save()
    response, page = visit(painting.url)
    assert not is_hit(response)
    cached_twice(painting.url)
    with commit():
        image.title = "A new description of the picture"
        image.save()
    response, page = visit(painting.url)
    assert not is_hit(response)
    assert page != before or "A new description" in page


def test_home_page_and_site_changes_show_on_the_next_render(shop, commit):
    """What every render reads alike (the Site, its root page: pagecache/primed.py)
    is kept per process until a change of them, never past it."""
    painting = shop.paintings[0]
    cached_twice(shop.home.url)
    with commit():
        home = shop.home.specific
        home.hero_heading = "Paintings of the western shore"
        home.save_revision().publish()
    assert "Paintings of the western shore" in visit(shop.home.url)[1]

    assert f'href="http://localhost{painting.url}"' in cached_twice(painting.url)
    with commit():
        site = shop.site
        site.hostname = "testserver"
        site.save()
    response, page = visit(painting.url)
    assert not is_hit(response)
    assert f'href="http://testserver{painting.url}"' in page


def test_shop_settings_change_cached_pages(shop, commit):
    painting = shop.paintings[0]
    assert "€500" in cached_twice(painting.url)
    with commit():
        shop_settings = ShopSettings.for_site(shop.site)
        shop_settings.currency = "GBP"
        shop_settings.save()
    assert "£500" in visit(painting.url)[1]
