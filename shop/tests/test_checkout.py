"""Cart and checkout against the Stripe stand-in over HTTP, on the real database."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from shop.models import Order, SaleState
from shop.sale_status import SaleStatus
from tests.helpers import choose_destination, post_event, press_checkout, start_checkout

pytestmark = pytest.mark.django_db


def sale_status(painting):
    state = SaleState.objects.filter(painting=painting).first()
    return state.effective_status if state else SaleStatus.AVAILABLE


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# -- cart ---------------------------------------------------------------------


def test_cart_adds_an_original_once_and_shows_totals(shop, buyer):
    painting = shop.paintings[0]
    buyer.post(f"/cart/add/{painting.pk}/")
    again = buyer.post(f"/cart/add/{painting.pk}/", follow=True)
    assert any("already in your cart" in m for m in messages_of(again))
    assert buyer.session["cart"] == [painting.pk]

    choose_destination(buyer, "FR")
    response = buyer.get("/cart/")
    assert response.status_code == 200
    html = response.content.decode()
    assert painting.title in html
    assert "€500" in html  # subtotal from the live page
    assert "Insured courier" in html
    # The header's count comes from this cookie (static/js/cart_count.js).
    assert buyer.cookies["cart_count"].value == "1"


def test_cart_forms_need_csrf(shop):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/cart/add/{shop.paintings[0].pk}/")
    assert response.status_code == 403
    assert client.post("/checkout/").status_code == 403


def test_cart_refuses_what_cannot_be_bought(shop, buyer):
    not_for_sale, sold = shop.paintings[1], shop.paintings[2]
    not_for_sale.for_sale = False
    not_for_sale.save_revision().publish()
    SaleState.objects.create(painting=sold, status=SaleStatus.SOLD)

    for painting in (not_for_sale, sold):
        response = buyer.post(f"/cart/add/{painting.pk}/", follow=True)
        assert any("can't be added" in m for m in messages_of(response))
    assert buyer.post("/cart/add/999999/").status_code == 404
    assert buyer.session.get("cart", []) == []


def test_cart_shows_a_painting_sold_since_it_was_added_and_leaves_it_out(shop, buyer, standin):
    kept, gone = shop.paintings[0], shop.paintings[1]
    buyer.post(f"/cart/add/{kept.pk}/")
    buyer.post(f"/cart/add/{gone.pk}/")
    SaleState.objects.create(painting=gone, status=SaleStatus.SOLD)

    html = buyer.get("/cart/").content.decode()
    assert "Sold — not included in checkout" in html
    assert "€500" in html and "€1,200" not in html

    response = press_checkout(buyer)
    # As the page says, checkout goes ahead without the sold painting.
    assert response.status_code == 303
    order = Order.objects.get()
    assert [line.painting_id for line in order.lines.all()] == [kept.pk]
    assert sale_status(kept) == SaleStatus.RESERVED
    assert standin.create_count == 1


def test_remove_from_cart(shop, buyer):
    painting = shop.paintings[0]
    buyer.post(f"/cart/add/{painting.pk}/")
    buyer.post(f"/cart/remove/{painting.pk}/")
    assert buyer.session["cart"] == []


def test_get_is_not_allowed_on_cart_changes(shop, buyer):
    assert buyer.get(f"/cart/add/{shop.paintings[0].pk}/").status_code == 405
    assert buyer.get("/checkout/").status_code == 405


# -- checkout -------------------------------------------------------------------


def test_checkout_reserves_and_sends_the_buyer_to_stripe(shop, buyer, standin):
    painting, second = shop.paintings[0], shop.paintings[1]
    response = start_checkout(buyer, painting, second)

    assert response.status_code == 303
    order = Order.objects.get()
    session = standin.session(order.stripe_session_id)
    assert response["Location"] == session["url"]
    assert order.status == Order.Status.PENDING
    assert order.subtotal == Decimal("1700.00")
    assert [(line.title, line.price) for line in order.lines.all()] == [
        ("Painting 1", Decimal("500.00")),
        ("Painting 2", Decimal("1200.00")),
    ]
    for p in (painting, second):
        state = SaleState.objects.get(painting=p)
        assert (state.status, state.order_id) == (SaleStatus.RESERVED, order.pk)
        assert state.reserved_until > timezone.now() + timedelta(minutes=29)

    assert session["mode"] == "payment"
    assert session["client_reference_id"] == order.number
    assert session["metadata"] == {"order": order.number}
    assert session["currency"] == "eur"
    assert session["amount_subtotal"] == 170000
    assert 30 * 60 < session["expires_at"] - time.time() <= 31 * 60
    assert "FR" in session["shipping_address_collection"]["allowed_countries"]
    assert len(session["shipping_options"]) == 2
    items = standin.line_items(order.stripe_session_id)
    assert [item["amount_total"] for item in items] == [50000, 120000]
    assert "/checkout/success/?session_id={CHECKOUT_SESSION_ID}&order=" in session["success_url"]


def test_posted_prices_and_page_edits_do_not_change_what_is_charged(shop, buyer, standin):
    painting = shop.paintings[0]
    buyer.post(f"/cart/add/{painting.pk}/", {"price": "1"})
    # A draft with a new price is not the live page.
    painting.price = Decimal("2")
    painting.save_revision()
    buyer.post(
        "/checkout/",
        {
            "painting": [painting.pk],
            "country": "FR",
            "price": "1",
            "amount": "1",
            "unit_amount": "100",
        },
    )
    order = Order.objects.get()
    assert order.subtotal == Decimal("500.00")
    assert standin.session(order.stripe_session_id)["amount_subtotal"] == 50000


def test_a_tampered_session_cart_cannot_buy_sold_or_unlisted_paintings(shop, buyer, standin):
    sold, not_for_sale = shop.paintings[0], shop.paintings[1]
    SaleState.objects.create(painting=sold, status=SaleStatus.SOLD)
    not_for_sale.for_sale = False
    not_for_sale.save_revision().publish()
    for ids in ([sold.pk], [not_for_sale.pk], [shop.home.pk], [424242]):
        session = buyer.session
        session["cart"] = ids
        session.save()
        response = buyer.post("/checkout/", {"painting": ids, "country": "FR"}, follow=True)
        assert any("can't be bought" in m for m in messages_of(response)), ids
    assert Order.objects.count() == 0
    assert standin.create_count == 0
    assert SaleState.objects.get(painting=sold).status == SaleStatus.SOLD


def test_empty_cart_checkout_says_so(shop, buyer, standin):
    response = buyer.post("/checkout/", follow=True)
    assert any("cart is empty" in m for m in messages_of(response))
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "fault, times",
    [("timeout", 2), ("500", 2), ("402", 1), ("400", 1)],
)
def test_stripe_failures_leave_no_reservation_and_the_cart_intact(
    shop, buyer, standin, settings, fault, times
):
    settings.STRIPE_TIMEOUT_SECONDS = 0.5
    standin.timeout_seconds = 1.5
    standin.fail_next(fault, times=times)
    painting = shop.paintings[0]

    response = start_checkout(buyer, painting)

    assert response.status_code == 302 and response["Location"] == "/cart/"
    page = buyer.get("/cart/")
    assert any("couldn't reach our payment provider" in m for m in messages_of(page))
    assert buyer.session["cart"] == [painting.pk]
    assert sale_status(painting) == SaleStatus.AVAILABLE
    order = Order.objects.get()
    assert order.status == Order.Status.CANCELLED
    assert not Order.objects.filter(status=Order.Status.PAID).exists()

    # Stripe is back: the same cart checks out.
    retry = press_checkout(buyer)
    assert retry.status_code == 303
    assert sale_status(painting) == SaleStatus.RESERVED


# -- success and cancel pages ---------------------------------------------------------


def test_success_page_fulfils_when_the_webhook_is_late(
    shop, buyer, standin, django_capture_on_commit_callbacks
):
    painting = shop.paintings[0]
    start_checkout(buyer, painting)
    order = Order.objects.get()
    standin.complete(order.stripe_session_id, deliver=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.get(f"/checkout/success/?session_id={order.stripe_session_id}")
    assert response.status_code == 200
    assert "Paid" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert sale_status(painting) == SaleStatus.SOLD
    assert buyer.session["cart"] == []
    assert len(mail.outbox) == 2

    # The webhook arriving afterwards changes nothing and sends nothing more.
    event = standin.events[-1]
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(Client(), standin, event).status_code == 200
    assert len(mail.outbox) == 2


def test_success_page_of_another_buyer_is_404(shop, buyer, standin):
    start_checkout(buyer, shop.paintings[0])
    order = Order.objects.get()
    stranger = Client()
    assert (
        stranger.get(f"/checkout/success/?session_id={order.stripe_session_id}").status_code == 404
    )
    assert stranger.get("/checkout/success/?session_id=cs_test_nope").status_code == 404
    assert stranger.get("/checkout/success/").status_code == 404


def test_cancel_expires_the_session_and_releases(shop, buyer, standin):
    painting = shop.paintings[0]
    start_checkout(buyer, painting)
    order = Order.objects.get()

    response = buyer.get(f"/checkout/cancel/?session_id={order.stripe_session_id}", follow=True)
    assert response.redirect_chain[-1][0] == "/cart/"
    assert any("cancelled" in m for m in messages_of(response))
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert standin.session(order.stripe_session_id)["status"] == "expired"
    assert sale_status(painting) == SaleStatus.AVAILABLE
    assert buyer.session["cart"] == [painting.pk]


def test_cancel_after_paying_in_another_tab_keeps_the_sale(
    shop, buyer, standin, django_capture_on_commit_callbacks
):
    painting = shop.paintings[0]
    start_checkout(buyer, painting)
    order = Order.objects.get()
    standin.complete(order.stripe_session_id, deliver=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.get(f"/checkout/cancel/?session_id={order.stripe_session_id}", follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert sale_status(painting) == SaleStatus.SOLD
    assert "Thank you for your order" in response.content.decode()


# -- expiry ----------------------------------------------------------------------------


def lapse_reservations():
    """Moves every reservation's end into the past, as if the time had run out."""
    past = timezone.now() - timedelta(seconds=1)
    SaleState.objects.filter(status=SaleStatus.RESERVED).update(reserved_until=past)
    Order.objects.filter(status=Order.Status.PENDING).update(reserved_until=past)


def test_a_lapsed_reservation_can_be_bought_again_without_any_webhook(shop, standin):
    painting = shop.paintings[0]
    first, second = Client(), Client()
    start_checkout(first, painting)
    assert start_checkout(second, painting).status_code == 302  # reserved

    lapse_reservations()

    assert start_checkout(second, painting).status_code == 303
    state = SaleState.objects.get(painting=painting)
    first_order = Order.objects.order_by("created_at").first()
    assert state.order != first_order


def test_a_late_payment_for_a_taken_over_reservation_is_flagged_not_sold_twice(
    shop, standin, django_capture_on_commit_callbacks
):
    painting = shop.paintings[0]
    first, second = Client(), Client()
    start_checkout(first, painting)
    late = Order.objects.get()
    lapse_reservations()
    start_checkout(second, painting)
    winner = Order.objects.exclude(pk=late.pk).get()

    with django_capture_on_commit_callbacks(execute=True):
        standin.complete(winner.stripe_session_id, deliver=False)
        post_event(Client(), standin, standin.events[-1])
        standin.complete(late.stripe_session_id, deliver=False)
        post_event(Client(), standin, standin.events[-1])

    late.refresh_from_db()
    winner.refresh_from_db()
    state = SaleState.objects.get(painting=painting)
    assert (state.status, state.order_id) == (SaleStatus.SOLD, winner.pk)
    assert winner.status == Order.Status.PAID and not winner.needs_review
    assert late.needs_review
    assert "refund" in late.review_reason
