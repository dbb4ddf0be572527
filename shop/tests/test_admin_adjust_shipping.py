"""The artist corrects a paid order whose shipping rate was for another country:
the order shows the right shipping and total, the review notes keep what was
charged and say what to refund or collect. No money moves."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.models import Order, ShippingRate
from tests.factories import OrderFactory, ShippingRateFactory, UserFactory

pytestmark = pytest.mark.django_db

ORDERS = "shop_orders"


@pytest.fixture
def flagged(shop):
    """A US buyer who paid the €45 Europe rate (the webhook flagged it)."""
    ShippingRate.objects.all().delete()
    ShippingRateFactory(name="Europe", amount=Decimal("45"), countries=["ES", "FR"])
    ShippingRateFactory(name="Worldwide", amount=Decimal("120"), countries=["US"])
    return OrderFactory(
        paintings=[shop.paintings[0]],
        country="US",
        city="Boston",
        shipping_name="Europe",
        shipping_amount=Decimal("45"),
        needs_review=True,
        review_reason="“Europe” does not ship to United States of America: adjust shipping.",
    )


def adjust_url(order):
    return reverse(f"{ORDERS}:adjust_shipping", args=[order.pk])


def test_the_order_page_offers_the_adjustment_prefilled_with_the_countrys_rate(
    flagged, shop_manager
):
    inspect = shop_manager.get(reverse(f"{ORDERS}:inspect", args=[flagged.pk])).content.decode()
    assert adjust_url(flagged) in inspect
    form = shop_manager.get(adjust_url(flagged)).content.decode()
    assert 'value="Worldwide"' in form and 'value="120.00"' in form
    assert "United States of America" in form


def test_a_print_order_is_prefilled_with_a_rate_that_carries_prints(flagged, shop_manager):
    ShippingRateFactory(
        name="Tube to the US", amount=Decimal("20"), countries=["US"], applies_to="prints"
    )
    ShippingRate.objects.filter(name="Worldwide").update(applies_to="originals")
    flagged.lines.update(is_print=True)

    form = shop_manager.get(adjust_url(flagged)).content.decode()
    assert 'value="Tube to the US"' in form and 'value="20.00"' in form


def test_adjusting_records_the_shipping_and_what_the_buyer_owes(flagged, shop_manager):
    response = shop_manager.post(
        adjust_url(flagged),
        {"shipping_name": "Worldwide", "shipping_amount": "120.00", "note": "Agreed by e-mail."},
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert (flagged.shipping_name, flagged.shipping_amount) == ("Worldwide", Decimal("120.00"))
    assert flagged.total == Decimal("620.00")
    assert flagged.amount_paid == Decimal("545.00")  # what Stripe charged stays on record
    assert "was “Europe” 45.00, now “Worldwide” 120.00" in flagged.review_reason
    assert "the buyer owes 75.00 EUR more" in flagged.review_reason
    assert "Agreed by e-mail." in flagged.review_reason
    assert "does not ship to United States" in flagged.review_reason  # the flag is kept
    assert flagged.status == Order.Status.PAID


def test_a_cheaper_correction_says_what_to_refund(flagged, shop_manager):
    shop_manager.post(
        adjust_url(flagged),
        {"shipping_name": "Collect", "shipping_amount": "0", "note": "Collected in person."},
    )
    flagged.refresh_from_db()
    assert "refund 45.00 EUR to the buyer in Stripe" in flagged.review_reason


@pytest.mark.parametrize(
    "fields",
    [
        {"shipping_name": "Worldwide", "shipping_amount": "-5", "note": "x"},
        {"shipping_name": "Worldwide", "shipping_amount": "1e9", "note": "x"},
        {"shipping_name": "W" * 101, "shipping_amount": "120", "note": "x"},
        {"shipping_name": "Worldwide", "shipping_amount": "120", "note": ""},
        {"shipping_name": "Worldwide", "shipping_amount": "120", "note": "n" * 501},
        {"shipping_name": "Worldwide", "shipping_amount": "12\x000", "note": "x"},
    ],
)
def test_bad_input_changes_nothing(flagged, shop_manager, fields):
    response = shop_manager.post(adjust_url(flagged), fields)
    assert response.status_code == 200
    flagged.refresh_from_db()
    assert (flagged.shipping_name, flagged.shipping_amount) == ("Europe", Decimal("45.00"))


def test_an_unpaid_order_cannot_be_adjusted(shop, shop_manager):
    order = OrderFactory(paintings=[shop.paintings[0]], status=Order.Status.PENDING)
    response = shop_manager.post(
        adjust_url(order), {"shipping_name": "W", "shipping_amount": "1", "note": "x"}
    )
    assert "Only a paid order&#x27;s shipping can be adjusted" in response.content.decode()
    order.refresh_from_db()
    assert order.shipping_amount == Decimal("45.00")


def test_view_only_staff_cannot_adjust(flagged, client):
    client.force_login(UserFactory(permissions=["view_order"]))
    assert client.get(adjust_url(flagged)).status_code in (302, 403)
    response = client.post(
        adjust_url(flagged), {"shipping_name": "W", "shipping_amount": "1", "note": "x"}
    )
    assert response.status_code in (302, 403)
    flagged.refresh_from_db()
    assert flagged.shipping_name == "Europe"
