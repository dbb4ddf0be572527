"""Orders in the shop's Wagtail admin: listing, search, inspecting, shipping, review notes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.models import Order
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = "shop_orders"


def listed_numbers(response, *orders):
    if response.streaming:
        content = b"".join(response.streaming_content).decode()
    else:
        content = response.content.decode()
    return {order.number for order in orders if order.number in content}


def test_order_list_filters_by_status_review_and_date(shop, shop_manager):
    painting1, painting2, painting3 = shop.paintings
    paid = OrderFactory(paintings=[painting1])
    pending = OrderFactory(paintings=[painting2], status=Order.Status.PENDING, needs_review=True)
    old = OrderFactory(paintings=[painting3], status=Order.Status.SHIPPED)
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    index = reverse(f"{ORDERS}:index")

    response = shop_manager.get(index)
    assert response.status_code == 200
    assert listed_numbers(response, paid, pending, old) == {paid.number, pending.number, old.number}

    by_status = shop_manager.get(index, {"status": Order.Status.PAID})
    assert listed_numbers(by_status, paid, pending, old) == {paid.number}

    by_review = shop_manager.get(index, {"needs_review": "true"})
    assert listed_numbers(by_review, paid, pending, old) == {pending.number}

    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = shop_manager.get(index, {"created_at_from": week_ago})
    assert listed_numbers(recent, paid, pending, old) == {paid.number, pending.number}
    older = shop_manager.get(index, {"created_at_to": week_ago})
    assert listed_numbers(older, paid, pending, old) == {old.number}

    export = shop_manager.get(index, {"export": "csv", "status": Order.Status.PAID})
    assert export["Content-Type"].startswith("text/csv")
    assert listed_numbers(export, paid, pending, old) == {paid.number}


@pytest.mark.parametrize("field", ["number", "email", "name"])
def test_order_search_by_number_email_or_name(shop, shop_manager, field):
    ada = OrderFactory(paintings=[shop.paintings[0]])
    grace = OrderFactory(
        paintings=[shop.paintings[1]], email="grace@navy.example", name="Grace Hopper"
    )
    query = {"number": grace.number, "email": "navy.example", "name": "hopper"}[field]

    response = shop_manager.get(reverse(f"{ORDERS}:index_results"), {"q": query})

    assert response.status_code == 200
    assert listed_numbers(response, ada, grace) == {grace.number}


def test_inspect_shows_lines_totals_address_and_stripe_ids(shop, shop_manager):
    order = OrderFactory(paintings=shop.paintings[:2], stripe_session_id="cs_test_inspect")

    response = shop_manager.get(reverse(f"{ORDERS}:inspect", args=[order.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    for expected in [
        "Painting 1",
        "Painting 2",
        "€1,700",  # subtotal
        "€1,745",  # total with shipping
        "Insured courier",
        "12 Harbour Road",
        "75001 Paris",
        "cs_test_inspect",
        "pi_test_123",
        "Mark shipped",
    ]:
        assert expected in content, expected


def test_mark_shipped_ships_and_sends_one_email(
    shop, shop_manager, django_capture_on_commit_callbacks
):
    order = OrderFactory(paintings=[shop.paintings[0]])
    url = reverse(f"{ORDERS}:ship", args=[order.pk])
    assert shop_manager.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = shop_manager.post(
            url, {"carrier": "  La Poste ", "tracking_number": " 6A123456789FR "}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse(f"{ORDERS}:inspect", args=[order.pk])
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert (order.carrier, order.tracking_number) == ("La Poste", "6A123456789FR")
    assert order.shipping_notice_sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert "6A123456789FR" in mail.outbox[0].body


def test_mark_shipped_refuses_an_unpaid_order(
    shop, shop_manager, django_capture_on_commit_callbacks
):
    order = OrderFactory(paintings=[shop.paintings[0]], status=Order.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        response = shop_manager.post(
            reverse(f"{ORDERS}:ship", args=[order.pk]),
            {"carrier": "DHL", "tracking_number": "123"},
        )

    assert response.status_code == 200
    assert "Only a paid order can be shipped" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert order.tracking_number == ""
    assert mail.outbox == []


def test_mark_shipped_requires_carrier_and_tracking_number(shop, shop_manager):
    order = OrderFactory(paintings=[shop.paintings[0]])

    response = shop_manager.post(
        reverse(f"{ORDERS}:ship", args=[order.pk]), {"carrier": "DHL", "tracking_number": "  "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"tracking_number": ["This field is required."]}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_review_notes_edit_saves_only_the_review_fields(shop, shop_manager):
    order = OrderFactory(
        paintings=[shop.paintings[0]], needs_review=True, review_reason="Amount differs."
    )

    response = shop_manager.post(
        reverse(f"{ORDERS}:edit", args=[order.pk]),
        {"review_reason": "Refunded the difference.", "status": Order.Status.REFUNDED},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.needs_review, order.review_reason) == (False, "Refunded the difference.")
    assert order.status == Order.Status.PAID


def test_orders_cannot_be_added_copied_or_deleted_even_by_a_superuser(shop, admin_client):
    order = OrderFactory(paintings=[shop.paintings[0]])

    index = admin_client.get(reverse(f"{ORDERS}:index"))
    assert reverse(f"{ORDERS}:add") not in index.content.decode()
    for url in [reverse(f"{ORDERS}:add"), reverse(f"{ORDERS}:delete", args=[order.pk])]:
        response = admin_client.post(url, {})
        assert response.status_code in (302, 403)
        assert response.get("Location") != reverse(f"{ORDERS}:index")
    assert Order.objects.filter(pk=order.pk).exists()
    assert Order.objects.count() == 1
    assert admin_client.get(f"/admin/shop/orders/copy/{order.pk}/").status_code == 404
