"""The signed webhook: Stripe's events, late, twice, out of order, or forged."""

import json
import time

import pytest
from django.core import mail
from django.test import Client

from shop.models import Order, SaleState, StripeEvent
from shop.sale_status import SaleStatus
from tests.helpers import post_event, start_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(shop, standin):
    """A buyer's order waiting for payment, with its Checkout Session."""
    buyer = Client()
    start_checkout(buyer, shop.paintings[0])
    return Order.objects.get()


def painting_state(order):
    return SaleState.objects.get(painting=order.lines.get().painting)


def deliver(standin, event, capture):
    with capture(execute=True):
        return post_event(Client(), standin, event)


def test_completed_event_fulfils_with_buyer_details_and_mails_once(
    pending, standin, django_capture_on_commit_callbacks
):
    event = standin.complete(
        pending.stripe_session_id,
        deliver=False,
        details={
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "line1": "1 Rue de la Paix",
            "city": "Paris",
            "postal_code": "75002",
            "country": "FR",
        },
    )
    response = deliver(standin, event, django_capture_on_commit_callbacks)
    assert response.status_code == 200

    pending.refresh_from_db()
    assert pending.status == Order.Status.PAID
    assert (pending.name, pending.email, pending.city, pending.country) == (
        "Ada Lovelace",
        "ada@example.com",
        "Paris",
        "FR",
    )
    assert pending.shipping_name == "Insured courier"
    assert pending.amount_paid == pending.total
    assert not pending.needs_review
    assert painting_state(pending).status == SaleStatus.SOLD
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "artist@example.com"]
    confirmation = next(m for m in mail.outbox if m.to == ["ada@example.com"])
    assert pending.number in confirmation.subject
    assert "Painting 1" in confirmation.body
    assert confirmation.alternatives[0][1] == "text/html"

    # Replays: one fulfilment, one set of e-mails.
    for _ in range(3):
        assert deliver(standin, event, django_capture_on_commit_callbacks).status_code == 200
    assert len(mail.outbox) == 2
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1


@pytest.mark.parametrize(
    "tamper",
    ["bad_signature", "wrong_secret", "stale", "no_header", "malformed_json", "not_an_event"],
)
def test_forged_or_broken_events_are_refused_and_change_nothing(pending, standin, tamper):
    event = standin.complete(pending.stripe_session_id, deliver=False)
    payload = json.dumps(event).encode()
    signature = standin.sign(payload)
    if tamper == "bad_signature":
        payload = payload.replace(b'"livemode": false', b'"livemode": true')
        assert payload != json.dumps(event).encode()
    elif tamper == "wrong_secret":
        signature = standin.sign(payload, secret="whsec_someone_else")
    elif tamper == "stale":
        signature = standin.sign(payload, timestamp=int(time.time()) - 301)
    elif tamper == "malformed_json":
        payload = payload[:-5]
        signature = standin.sign(payload)
    elif tamper == "not_an_event":
        payload = b'{"id": "evt_1", "type": "checkout.session.completed"}'
        signature = standin.sign(payload)

    response = Client().post(
        "/checkout/wh/",
        data=payload,
        content_type="application/json",
        **({} if tamper == "no_header" else {"HTTP_STRIPE_SIGNATURE": signature}),
    )
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == Order.Status.PENDING
    assert painting_state(pending).status == SaleStatus.RESERVED
    assert StripeEvent.objects.count() == 0
    assert mail.outbox == []


def test_expired_then_completed_and_completed_then_expired(
    shop, standin, django_capture_on_commit_callbacks
):
    # Stripe never both completes and expires a session, but deliveries can
    # cross: whatever the order of arrival, a paid session ends paid and sold.
    first, second = Client(), Client()
    start_checkout(first, shop.paintings[0])
    start_checkout(second, shop.paintings[1])
    a, b = Order.objects.order_by("pk")

    completed_a = standin.complete(a.stripe_session_id, deliver=False)
    expired_a = standin.build_event(
        "checkout.session.expired", {**completed_a["data"]["object"], "status": "expired"}
    )
    deliver(standin, json.loads(expired_a[0]), django_capture_on_commit_callbacks)
    deliver(standin, completed_a, django_capture_on_commit_callbacks)

    completed_b = standin.complete(b.stripe_session_id, deliver=False)
    deliver(standin, completed_b, django_capture_on_commit_callbacks)
    expired_b = standin.build_event(
        "checkout.session.expired", {**completed_b["data"]["object"], "status": "expired"}
    )
    deliver(standin, json.loads(expired_b[0]), django_capture_on_commit_callbacks)

    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == b.status == Order.Status.PAID
    assert painting_state(a).status == painting_state(b).status == SaleStatus.SOLD
    assert a.needs_review  # paid after it was marked expired: the artist looks
    assert not b.needs_review


def test_expired_event_releases_an_unpaid_order(
    pending, standin, django_capture_on_commit_callbacks
):
    event = standin.expire(pending.stripe_session_id, deliver=False)
    assert deliver(standin, event, django_capture_on_commit_callbacks).status_code == 200
    pending.refresh_from_db()
    assert pending.status == Order.Status.EXPIRED
    assert painting_state(pending).status == SaleStatus.AVAILABLE
    assert mail.outbox == []


def test_async_payment_succeeds(pending, standin, django_capture_on_commit_callbacks):
    completed = standin.complete(pending.stripe_session_id, paid=False, deliver=False)
    deliver(standin, completed, django_capture_on_commit_callbacks)
    pending.refresh_from_db()
    state = painting_state(pending)
    assert pending.status == Order.Status.PENDING
    assert state.status == SaleStatus.RESERVED and state.effective_status == SaleStatus.RESERVED
    assert (state.reserved_until - pending.created_at).days >= 7  # held while the bank confirms
    assert mail.outbox == []

    succeeded = standin.async_result(pending.stripe_session_id, succeeded=True, deliver=False)
    deliver(standin, succeeded, django_capture_on_commit_callbacks)
    pending.refresh_from_db()
    assert pending.status == Order.Status.PAID
    assert painting_state(pending).status == SaleStatus.SOLD
    assert len(mail.outbox) == 2


def test_async_payment_fails(pending, standin, django_capture_on_commit_callbacks):
    deliver(
        standin,
        standin.complete(pending.stripe_session_id, paid=False, deliver=False),
        django_capture_on_commit_callbacks,
    )
    failed = standin.async_result(pending.stripe_session_id, succeeded=False, deliver=False)
    deliver(standin, failed, django_capture_on_commit_callbacks)
    pending.refresh_from_db()
    assert pending.status == Order.Status.CANCELLED
    assert painting_state(pending).status == SaleStatus.AVAILABLE
    assert mail.outbox == []


def test_amount_mismatch_is_flagged_for_review(
    pending, standin, django_capture_on_commit_callbacks
):
    event = standin.complete(pending.stripe_session_id, deliver=False)
    event["data"]["object"]["amount_total"] = 100  # €1 charged for a €545 order
    deliver(standin, event, django_capture_on_commit_callbacks)
    pending.refresh_from_db()
    assert pending.needs_review
    assert "100" in pending.review_reason
    assert painting_state(pending).status == SaleStatus.SOLD  # it was paid for; never resold


def test_unknown_events_are_acknowledged_and_ignored(pending, standin):
    payload = json.dumps(
        {"id": "evt_x", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    ).encode()
    response = post_event(Client(), standin, payload)
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Order.Status.PENDING


def test_events_for_unknown_sessions_are_acknowledged(shop, standin):
    payload = json.dumps(
        {
            "id": "evt_y",
            "type": "checkout.session.completed",
            "data": {"object": {"id": "cs_test_unknown", "metadata": {}}},
        }
    ).encode()
    assert post_event(Client(), standin, payload).status_code == 200


def test_charge_refunded_marks_the_order_refunded_and_keeps_the_painting_sold(
    pending, standin, django_capture_on_commit_callbacks
):
    deliver(
        standin,
        standin.complete(pending.stripe_session_id, deliver=False),
        django_capture_on_commit_callbacks,
    )
    pending.refresh_from_db()
    refund = {
        "id": "evt_refund",
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": "ch_1",
                "object": "charge",
                "payment_intent": pending.stripe_payment_intent,
                "refunded": True,
            }
        },
    }
    deliver(standin, refund, django_capture_on_commit_callbacks)
    pending.refresh_from_db()
    assert pending.status == Order.Status.REFUNDED
    assert painting_state(pending).status == SaleStatus.SOLD


def test_a_failure_while_handling_answers_500_and_records_nothing(pending, standin):
    # A real failure (here: the database refusing a write) must make Stripe
    # retry, so the event must not be recorded as processed.
    from django.db import connection

    event = standin.complete(pending.stripe_session_id, deliver=False)

    def refuse(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and "shop_order" in sql:
            raise connection.Database.OperationalError("disk full")
        return execute(sql, params, many, context)

    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(refuse):
        response = post_event(client, standin, event)
    assert response.status_code == 500
    assert StripeEvent.objects.count() == 0
    pending.refresh_from_db()
    assert pending.status == Order.Status.PENDING

    # Stripe's retry then succeeds.
    assert post_event(Client(), standin, event).status_code == 200
    pending.refresh_from_db()
    assert pending.status == Order.Status.PAID


def test_artist_notice_falls_back_to_the_contact_email(
    shop, standin, django_capture_on_commit_callbacks
):
    from gallery.models import GallerySettings
    from shop.models import ShopSettings

    ShopSettings.objects.filter(site=shop.site).update(notify_email="")
    gallery_settings = GallerySettings.for_site(shop.site)
    gallery_settings.contact_email = "studio@example.com"
    gallery_settings.save()
    start_checkout(Client(), shop.paintings[0])
    order = Order.objects.get()
    deliver(
        standin,
        standin.complete(order.stripe_session_id, deliver=False),
        django_capture_on_commit_callbacks,
    )
    assert "studio@example.com" in [m.to[0] for m in mail.outbox]


def test_a_rate_chosen_outside_its_countries_is_flagged(
    shop, standin, django_capture_on_commit_callbacks
):
    courier = shop.rates[0]
    courier.countries = ["FR", "DE"]
    courier.save()
    start_checkout(Client(), shop.paintings[0])
    order = Order.objects.get()
    assert order.shipping_offered[0]["countries"] == ["DE", "FR"]

    event = standin.complete(
        order.stripe_session_id,
        deliver=False,
        details={
            "name": "Mary Cassatt",
            "email": "mc@example.com",
            "line1": "1 Main St",
            "city": "Pittsburgh",
            "postal_code": "15201",
            "country": "US",
        },
    )
    deliver(standin, event, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.needs_review
    assert "does not ship to United States of America" in order.review_reason
