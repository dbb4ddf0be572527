"""In Chromium: sign up, confirm by the e-mailed link, buy a painting on the
Stripe stand-in, and find the order in the account's history."""

import re

import pytest
from django.core import mail

from shop.models import Order
from stripe_standin import StripeStandin
from tests.factories import PASSWORD, shop_tree
from tests.helpers import link_in_last_mail, pay_on_standin

# The live server needs committed data; serialized_rollback puts back the
# root page and locale that migrations create, for the tests that follow.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def live_standin(settings, live_server):
    """The Stripe stand-in, delivering signed webhooks to the live server."""
    server = StripeStandin(
        webhook_url=f"{live_server.url}/checkout/wh/", webhook_secret=settings.STRIPE_WH_SECRET
    ).start()
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_TIMEOUT_SECONDS = 5
    yield server
    server.stop()


def test_sign_up_verify_buy_and_find_the_order(page, live_server, live_standin):
    shop = shop_tree()
    painting = shop.paintings[0]
    mail.outbox.clear()

    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label(re.compile(r"^E-?mail", re.I)).fill("collector@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\)", re.I)).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()

    page.goto(link_in_last_mail(to="collector@example.com"))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your account").wait_for()
    assert page.url == f"{live_server.url}/account/"

    page.goto(f"{live_server.url}{painting.url}")
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{live_server.url}/cart/")
    page.get_by_label("Ship to").select_option("FR")
    page.get_by_role("button", name="Update shipping").click()
    page.get_by_role("button", name="Checkout").click()

    # Stripe's hosted page (the stand-in), with the account's e-mail filled in.
    page.wait_for_url(f"{live_standin.url}/pay/**")
    assert page.get_by_label("Email").input_value() == "collector@example.com"
    pay_on_standin(
        page,
        shipping="Insured courier",
        name="Cora Collector",
        street="5 Rue des Peintres",
        city="Lyon",
        postcode="69001",
    )

    page.get_by_role("heading", name="Thank you for your order").wait_for()
    order = Order.objects.get(user__email="collector@example.com")
    assert order.status == Order.Status.PAID

    page.goto(f"{live_server.url}/account/orders/")
    row = page.get_by_role("row", name=re.compile(order.number))
    assert "Painting 1" in row.inner_text()
    assert "Paid" in row.inner_text()
    row.get_by_role("link", name=order.number).click()
    page.get_by_role("heading", name=f"Order {order.number}").wait_for()
    assert "5 Rue des Peintres" in page.content()
