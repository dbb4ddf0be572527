"""Coming back from Stripe's page: its links, the Back button, a second tab.

The links are the ones the stand-in's hosted page shows, fetched over HTTP
and followed as a browser would; no test builds a return URL itself.
"""

import re
import time

import pytest
import requests
from django.core import signing
from django.test import Client

from shop.models import Order, SaleState
from shop.sale_status import SaleStatus
from tests.helpers import press_checkout, press_on_stripe, start_checkout, stripe_page

pytestmark = pytest.mark.django_db


BUYER = {
    "email": "berthe@example.com",
    "name": "Berthe Morisot",
    "line1": "12 Rue de Passy",
    "city": "Paris",
    "postal_code": "75016",
    "country": "FR",
}


def state_of(painting):
    return SaleState.objects.get(painting=painting)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_stripes_cancel_link_releases_the_painting(shop, buyer, standin):
    painting = shop.paintings[0]
    page_url, html = stripe_page(start_checkout(buyer, painting))
    order = Order.objects.get()

    back = press_on_stripe(page_url, html, "cancel")
    response = buyer.get(back, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/cart/"
    assert any("Checkout cancelled" in m for m in messages_of(response))
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert standin.session(order.stripe_session_id)["status"] == "expired"
    assert state_of(painting).effective_status == SaleStatus.AVAILABLE
    assert buyer.session["cart"] == [painting.pk]


def test_the_cancel_link_works_in_another_browser_but_not_forged(shop, buyer, standin):
    painting = shop.paintings[0]
    page_url, html = stripe_page(start_checkout(buyer, painting))
    back = press_on_stripe(page_url, html, "cancel")

    forged = re.sub(r"order=[^&]+", "order=PGP-AAAAAAAA%3Asomething", back)
    assert Client().get(forged).status_code == 404
    assert Client().get(back.replace("PGP-", "PGQ-")).status_code == 404
    assert state_of(painting).status == SaleStatus.RESERVED

    # The buyer's phone, say: the link alone is the proof.
    assert Client().get(back).status_code == 302
    assert state_of(painting).effective_status == SaleStatus.AVAILABLE


def test_the_success_link_shows_the_order_in_the_browser_the_bank_opens(shop, buyer, standin):
    painting = shop.paintings[0]
    page_url, html = stripe_page(start_checkout(buyer, painting))

    success = press_on_stripe(page_url, html, "pay", **BUYER)
    other_browser = Client()
    response = other_browser.get(success)

    assert response.status_code == 200
    assert "Thank you for your order" in response.content.decode()
    assert state_of(painting).status == SaleStatus.SOLD


def test_back_from_stripe_and_checkout_again_is_not_locked_out(shop, buyer, standin):
    painting = shop.paintings[0]
    first_url, first_html = stripe_page(start_checkout(buyer, painting))
    first = Order.objects.get()

    # The Back button: the cart page again, and its Checkout button.
    second_url, _ = stripe_page(press_checkout(buyer))

    second = Order.objects.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELLED
    assert standin.session(first.stripe_session_id)["status"] == "expired"
    assert (state_of(painting).status, state_of(painting).order_id) == (
        SaleStatus.RESERVED,
        second.pk,
    )
    assert second_url != first_url
    # The first tab's Stripe page can no longer take a payment.
    stale = requests.get(first_url, timeout=10)
    assert stale.status_code == 410


def test_back_after_signing_in_still_finds_the_guest_checkout(
    shop, buyer, standin, django_user_model
):
    painting = shop.paintings[0]
    stripe_page(start_checkout(buyer, painting))
    user = django_user_model.objects.create_user("ada", "ada@example.com", "pw-long-enough-1")
    buyer.force_login(user)  # the session key changes; its order list stays

    assert press_checkout(buyer).status_code == 303
    assert Order.objects.filter(status=Order.Status.PENDING).count() == 1


def test_back_after_paying_in_another_tab_keeps_the_sale(
    shop, buyer, standin, django_capture_on_commit_callbacks
):
    painting = shop.paintings[0]
    stripe_page(start_checkout(buyer, painting))
    first = Order.objects.get()
    standin.complete(first.stripe_session_id, deliver=False, details=BUYER)

    with django_capture_on_commit_callbacks(execute=True):
        response = press_checkout(buyer)

    assert response.status_code == 302  # nothing left to buy: it is theirs
    first.refresh_from_db()
    assert first.status == Order.Status.PAID
    assert (state_of(painting).status, state_of(painting).order_id) == (SaleStatus.SOLD, first.pk)
    assert standin.create_count == 1


def test_back_when_stripe_is_down_keeps_the_first_checkout(shop, buyer, standin, settings):
    settings.STRIPE_TIMEOUT_SECONDS = 0.5
    standin.timeout_seconds = 1
    painting = shop.paintings[0]
    stripe_page(start_checkout(buyer, painting))
    first = Order.objects.get()
    standin.fail_next("500", times=2, on="expire")

    response = press_checkout(buyer)

    assert response.status_code == 302
    assert any("couldn't reach our payment provider" in m for m in messages_of(buyer.get("/cart/")))
    first.refresh_from_db()
    assert first.status == Order.Status.PENDING
    assert state_of(painting).order_id == first.pk
    assert Order.objects.count() == 1


def test_a_stranger_cannot_end_someone_elses_checkout(shop, buyer, standin):
    painting = shop.paintings[0]
    start_checkout(buyer, painting)
    order = Order.objects.get()
    stranger = Client()
    stranger.post(f"/cart/add/{painting.pk}/")
    session = stranger.session
    session["orders"] = ["PGP-NOTMINE1", {"number": order.number}]
    session.save()

    press_checkout(stranger)

    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert state_of(painting).order_id == order.pk
    cancel = f"/checkout/cancel/?session_id={order.stripe_session_id}"
    assert stranger.get(cancel).status_code == 404


def test_a_link_from_stripe_stops_working_after_two_days(shop, buyer, standin, monkeypatch):
    painting = shop.paintings[0]
    page_url, html = stripe_page(start_checkout(buyer, painting))
    back = press_on_stripe(page_url, html, "cancel")

    two_days_later = time.time() + 2 * 24 * 3600 + 60
    monkeypatch.setattr(signing.time, "time", lambda: two_days_later)
    assert Client().get(back).status_code == 404
    assert state_of(painting).status == SaleStatus.RESERVED


def test_back_then_remove_lets_the_buyer_add_it_again(shop, buyer, standin):
    painting = shop.paintings[0]
    stripe_page(start_checkout(buyer, painting))
    first = Order.objects.get()

    buyer.post(f"/cart/remove/{painting.pk}/")
    response = buyer.post(f"/cart/add/{painting.pk}/", follow=True)

    assert any("is in your cart" in m for m in messages_of(response))
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELLED
    assert standin.session(first.stripe_session_id)["status"] == "expired"


def test_remove_while_stripe_is_unreachable_still_removes_it(
    shop, buyer, standin, settings, caplog
):
    painting = shop.paintings[0]
    stripe_page(start_checkout(buyer, painting))
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    response = buyer.post(f"/cart/remove/{painting.pk}/", follow=True)

    assert "Removed from your cart." in messages_of(response)
    assert painting.title not in response.content.decode()
    # The checkout holds the painting until it lapses (or the buyer's next one ends it).
    assert Order.objects.get().status == Order.Status.PENDING
    assert state_of(painting).status == SaleStatus.RESERVED
    assert "Could not end the checkout of removed work" in caplog.text
