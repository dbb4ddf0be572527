"""A shopper buys a painting in Chromium, paying on the Stripe stand-in's hosted page."""

import re

import pytest
from django.core import mail

from shop.models import Order, SaleState
from shop.sale_status import SaleStatus
from tests.factories import shop_tree
from tests.helpers import pay_on_standin

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 120_000


def test_home_to_paid_order_on_the_stand_in(live_standin, live_server, page, settings):
    settings.ROOT_URLCONF = "gallery.tests.urls_media"
    shop = shop_tree()
    painting = shop.paintings[0]
    page.set_default_timeout(TIMEOUT_MS)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}{shop.collection.url}")
    page.locator(f'a[href="{painting.url}"]').first.click()
    page.wait_for_url(f"{live_server.url}{painting.url}")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name=re.compile("Cart")).first.click()
    page.get_by_label("Ship to").select_option("FR")
    page.get_by_role("button", name="Update shipping").click()
    page.get_by_role("button", name="Checkout").click()

    # The stand-in's hosted checkout page, as Stripe's would be.
    page.wait_for_url(re.compile(re.escape(live_standin.url) + "/pay/"))
    assert "TEST" in page.content()
    pay_on_standin(page, email="collector@example.com", name="Berthe Morisot", city="Paris")

    page.wait_for_url(re.compile("/checkout/success/"))
    assert "Thank you for your order" in page.content()
    assert "Paid" in page.locator(".order-status").inner_text()

    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    assert (order.name, order.city, order.country) == ("Berthe Morisot", "Paris", "FR")
    assert SaleState.objects.get(painting=painting).status == SaleStatus.SOLD
    assert sorted(m.to[0] for m in mail.outbox) == ["artist@example.com", "collector@example.com"]

    page.goto(f"{live_server.url}{painting.url}")
    assert "Sold" in page.locator(".buy-box").text_content()
    assert page.get_by_role("button", name="Add to cart").count() == 0
    assert errors == []


def test_back_from_stripe_then_stripes_own_cancel_link(live_standin, live_server, page, settings):
    """The Back button, then checkout again, then "back to the shop" on Stripe's page."""
    settings.ROOT_URLCONF = "gallery.tests.urls_media"
    painting = shop_tree().paintings[0]
    page.set_default_timeout(TIMEOUT_MS)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    stripe_page = re.compile(re.escape(live_standin.url) + "/pay/")

    page.goto(f"{live_server.url}{painting.url}")
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{live_server.url}/cart/")
    page.get_by_role("button", name="Checkout").click()
    page.wait_for_url(stripe_page)
    first = Order.objects.get()

    page.go_back()
    page.wait_for_url(re.compile("/cart/"))
    page.get_by_role("button", name="Checkout").click()
    page.wait_for_url(stripe_page)
    second = Order.objects.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELLED
    assert SaleState.objects.get(painting=painting).order_id == second.pk

    page.get_by_role("button", name="Cancel").click()
    page.wait_for_url(re.compile("/cart/"))
    assert "Checkout cancelled" in page.content()
    second.refresh_from_db()
    assert second.status == Order.Status.CANCELLED
    assert SaleState.objects.get(painting=painting).effective_status == SaleStatus.AVAILABLE
    assert live_standin.session(second.stripe_session_id)["status"] == "expired"
    assert errors == []
