"""A shopper buys two numbered prints in Chromium: from the painting page's own
form, through the cart, to the stand-in's hosted page and back."""

import re

import pytest

from certificates.models import Certificate
from gallery.tests.prints import hold
from shop.models import Order, PrintNumber
from shop.sale_status import SaleStatus
from tests.factories import add_edition, shop_tree
from tests.helpers import pay_on_standin

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 120_000


def test_two_prints_from_the_painting_page_to_a_paid_order(
    live_standin, live_server, page, settings
):
    settings.ROOT_URLCONF = "gallery.tests.urls_media"
    shop = shop_tree()
    painting = shop.paintings[0]
    edition = add_edition(painting, size=5, price="180.00")
    hold(edition, 2)  # 1/5 and 2/5 went to an earlier collector.
    page.set_default_timeout(TIMEOUT_MS)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}{painting.url}")
    offer = page.locator(".print-edition").first
    assert "3 of 5 left" in offer.inner_text()
    offer.get_by_label("Quantity").select_option("2")
    offer.get_by_role("button", name="Add print to cart").click()
    page.wait_for_url(f"{live_server.url}{painting.url}")
    assert "in your cart" in page.locator(".messages").inner_text()

    page.get_by_role("link", name=re.compile("Cart")).first.click()
    page.get_by_label("Ship to").select_option("FR")
    page.get_by_role("button", name="Update shipping").click()
    page.get_by_role("button", name="Checkout").click()

    page.wait_for_url(re.compile(re.escape(live_standin.url) + "/pay/"))
    pay_on_standin(page, email="collector@example.com", name="Gwen John")

    page.wait_for_url(re.compile("/checkout/success/"))
    text = page.content()
    assert "3/5" in text and "4/5" in text

    order = Order.objects.exclude(lines=None).get()
    assert order.status == Order.Status.PAID
    sold = PrintNumber.objects.filter(edition=edition, order=order, status=SaleStatus.SOLD)
    assert sorted(sold.values_list("number", flat=True)) == [3, 4]
    assert Certificate.objects.filter(line__order=order).count() == 2

    page.goto(f"{live_server.url}{painting.url}")
    assert "Only 1 left" in page.locator(".print-edition").first.inner_text()
    assert errors == []
