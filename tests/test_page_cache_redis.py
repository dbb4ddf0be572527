"""The page cache on Redis (REDIS_URL): Debian's redis-server on a Unix socket,
as tests/test_login_lockout_workers.py starts it. A hit asks Redis only."""

from datetime import timedelta

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pagecache import store
from shop import services
from shop.models import Order, SaleState
from tests.factories import shop_tree
from tests.helpers import reserve, visit
from tests.test_login_lockout_workers import redis_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db, page_cache, redis_url):  # noqa: F811 - the fixture
    settings = page_cache
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        },
    }
    settings.PAGE_CACHE_SECONDS = 24 * 3600
    tree = shop_tree()
    cache.clear()
    yield tree
    cache.clear()


def test_on_redis_a_hit_runs_no_sql_and_sale_state_changes_it(shop, commit, redis_url):  # noqa: F811
    painting = shop.paintings[0]
    assert visit(painting.url)[0]["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        response, page = visit(painting.url)
    assert response["X-Page-Cache"] == "hit" and ">Available</p>" in page
    assert len(queries) == 0
    assert redis.Redis.from_url(redis_url).keys("*pagecache:page:*")

    with commit():
        order = reserve(painting)
    response, page = visit(painting.url)
    assert response["X-Page-Cache"] == "miss" and ">Reserved</p>" in page
    assert visit(painting.url)[0]["X-Page-Cache"] == "hit"
    with commit():
        services.release_order(order.pk, status=Order.Status.CANCELLED)
    assert ">Available</p>" in visit(painting.url)[1]


def test_on_redis_a_reservation_bounds_the_entry(shop, commit, monkeypatch):
    painting = shop.paintings[0]
    with commit():
        order = reserve(painting)
    visit(painting.url)
    assert visit(painting.url)[0]["X-Page-Cache"] == "hit"
    later = order.reserved_until + timedelta(seconds=1)
    monkeypatch.setattr(store, "now", lambda: later.timestamp())
    SaleState.objects.filter(painting=painting).update(reserved_until=timezone.now())
    response, page = visit(painting.url)
    assert "X-Page-Cache" in response and response["X-Page-Cache"] != "hit"
    assert ">Available</p>" in page
