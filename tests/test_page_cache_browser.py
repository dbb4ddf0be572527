"""In Chromium, with the page cache on: a painting page served from the cache
adds to the cart with JavaScript off (the browser's Origin vouches for the
form), and the header then counts the cart from its cookie."""

import pytest
from django.core.cache import cache

from gallery.models import GallerySettings
from tests.factories import shop_tree

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def cached_shop(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()  # the cache table outlives transactional tests
    tree = shop_tree()
    # Made on first use otherwise: the first page's render would create the row,
    # and that change (rightly) makes the page it rendered stale at once.
    GallerySettings.for_site(tree.site)
    yield tree
    cache.clear()


def test_a_cached_painting_page_adds_to_the_cart_without_javascript(
    cached_shop, live_server, browser
):
    painting = cached_shop.paintings[0]
    url = f"{live_server.url}{painting.url}"

    without_js = browser.new_context(java_script_enabled=False)
    page = without_js.new_page()
    page.goto(url)  # stores it
    answer = page.goto(url)
    assert answer.headers["x-page-cache"] == "hit"
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(url)
    assert "is in your cart" in page.content()
    page.goto(f"{live_server.url}/cart/")
    assert page.locator(".cart-line").count() == 1
    without_js.close()

    # Another visitor, with JavaScript: the same cached page, their own count.
    with_js = browser.new_context()
    page = with_js.new_page()
    assert page.goto(url).headers["x-page-cache"] == "hit"
    assert page.locator(".cart-count").count() == 0
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Cart (1 item)").wait_for()
    with_js.close()
