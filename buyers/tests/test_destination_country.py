"""A signed-in buyer's saved country fills in the cart's destination, and the
order shows the country by name everywhere the buyer sees it."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from buyers.models import Profile
from shop.models import Order, ShippingRate
from stripe_standin import StripeStandin
from tests.factories import ShippingRateFactory, shop_tree
from tests.helpers import press_checkout, stripe_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def standin(settings):
    with StripeStandin(webhook_url=None, webhook_secret=settings.STRIPE_WH_SECRET) as server:
        settings.STRIPE_API_BASE = server.url
        settings.STRIPE_TIMEOUT_SECONDS = 3
        yield server


@pytest.fixture
def shop(db):
    shop = shop_tree()
    ShippingRate.objects.all().delete()
    ShippingRateFactory(name="Europe", amount=Decimal("45"), countries=["ES", "FR"])
    ShippingRateFactory(name="Worldwide", amount=Decimal("120"), countries=["US"])
    return shop


def signed_in(user, country):
    Profile.objects.create(
        user=user,
        full_name="Carmen Amaya",
        address_line1="Carrer de Mallorca 1",
        city="Barcelona",
        postal_code="08013",
        country=country,
    )
    client = Client(headers={"accept-language": "en-US,en;q=0.9"})
    client.force_login(user)
    return client


def test_the_saved_country_beats_the_browsers_language(shop, buyer):
    client = signed_in(buyer, "ES")
    client.post(f"/cart/add/{shop.paintings[0].pk}/")
    html = client.get("/cart/").content.decode()
    assert '<option value="ES" selected>Spain</option>' in html
    assert "From your saved address" in html
    assert "Shipping to Spain" in html and "€545" in html


def test_a_saved_country_the_shop_does_not_ship_to_falls_back_to_the_browser(shop, buyer):
    client = signed_in(buyer, "JP")
    client.post(f"/cart/add/{shop.paintings[0].pk}/")
    html = client.get("/cart/").content.decode()
    assert '<option value="US" selected>' in html
    assert "Guessed from your browser's language" in html


def test_success_page_email_and_account_name_spain(
    shop, buyer, standin, django_capture_on_commit_callbacks
):
    client = signed_in(buyer, "ES")
    client.post(f"/cart/add/{shop.paintings[0].pk}/")
    page_url, html = stripe_page(press_checkout(client, country=None))  # the cart's prefill
    order = Order.objects.get()
    session = standin.session(order.stripe_session_id)
    assert session["shipping_address_collection"]["allowed_countries"] == ["ES"]
    assert session["customer"]  # the saved address prefills Stripe's page
    assert re.search(r'<option value="ES" selected>', html)

    standin.complete(order.stripe_session_id, paid=True, deliver=False)
    with django_capture_on_commit_callbacks(execute=True):
        success = client.get(
            f"/checkout/success/?session_id={order.stripe_session_id}"
        ).content.decode()
    order.refresh_from_db()
    assert (order.status, order.country, order.needs_review) == ("paid", "ES", False)
    assert "08013 Barcelona<br>Spain" in success

    (confirmation,) = [m for m in mail.outbox if m.to == [buyer.email]]
    assert "\nSpain\n" in confirmation.body and "\nES\n" not in confirmation.body

    account = client.get(f"/account/orders/{order.number}/").content.decode()
    assert "Spain" in account and ">ES<" not in account and "<br>ES" not in account
