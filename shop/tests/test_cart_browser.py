"""The cart's destination country in Chromium, on a phone and on a laptop: the
browser's language fills it in, choosing another country shows its shipping
and total, and Stripe's page then offers only that country. Screenshots land
in test-artifacts/screenshots/cart-<width>x<height>.png."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from gallery.models import GallerySettings
from shop.models import Order, ShippingRate
from tests.factories import ShippingRateFactory, StandardPageFactory, shop_tree

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 120_000


@pytest.fixture
def browser_context_args(browser_context_args):
    # A browser in Spain: Accept-Language es-ES.
    return {**browser_context_args, "locale": "es-ES"}


@pytest.mark.parametrize("width, height", [(390, 844), (1366, 900)])
def test_choose_a_country_and_see_its_shipping(
    live_standin, live_server, page, settings, width, height
):
    settings.ROOT_URLCONF = "gallery.tests.urls_media"
    shop = shop_tree()
    ShippingRate.objects.all().delete()
    ShippingRateFactory(
        name="Insured courier – Europe", amount=Decimal("45"), countries=["ES", "FR", "DE"]
    )
    ShippingRateFactory(
        name="Insured courier – worldwide", amount=Decimal("120"), countries=["GB", "US"]
    )
    gallery_settings = GallerySettings.for_site(shop.site)
    gallery_settings.shipping_returns_page = StandardPageFactory(
        parent=shop.home, title="Shipping & returns", slug="shipping-returns"
    )
    gallery_settings.privacy_page = StandardPageFactory(
        parent=shop.home, title="Privacy", slug="privacy"
    )
    gallery_settings.save()
    painting = shop.paintings[1]  # €1,200
    page.set_default_timeout(TIMEOUT_MS)
    page.set_viewport_size({"width": width, "height": height})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}{painting.url}")
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{live_server.url}/cart/")

    ship_to = page.get_by_label("Ship to")
    assert ship_to.input_value() == "ES"  # from the browser's language
    totals = page.locator(".cart-totals")
    assert "Shipping to Spain" in totals.inner_text()
    assert "€1,245" in totals.inner_text()

    ship_to.select_option(label="United States of America")
    page.get_by_role("button", name="Update shipping").click()
    page.wait_for_load_state()
    assert page.get_by_label("Ship to").input_value() == "US"
    text = page.locator(".cart-totals").inner_text()
    assert "Shipping to United States of America" in text
    assert "€120" in text and "€1,320" in text

    checkout = page.get_by_role("button", name="Checkout")
    assert checkout.is_enabled()
    terms = page.get_by_role("link", name="shipping and returns terms")
    assert terms.bounding_box()["y"] < checkout.bounding_box()["y"]
    assert page.get_by_role("link", name="privacy notice").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    select_box = page.get_by_label("Ship to").bounding_box()
    assert select_box["x"] >= 0 and select_box["x"] + select_box["width"] <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"cart-{width}x{height}.png"), full_page=True)

    checkout.click()
    page.wait_for_url(re.compile(re.escape(live_standin.url) + "/pay/"))
    assert page.get_by_label("Country").input_value() == "US"
    assert page.locator("#country option").all_inner_texts() == ["US"]
    assert "Insured courier – worldwide" in page.content()
    assert "Europe" not in page.content()
    order = Order.objects.get()
    assert [rate["name"] for rate in order.shipping_offered] == ["Insured courier – worldwide"]
    assert errors == []
