"""Scheduled jobs: expire_stale_orders, against the Stripe stand-in."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from shop.management.commands.expire_stale_orders import expire_stale_orders
from shop.models import Order, SaleState
from shop.sale_status import SaleStatus
from tests.factories import shop_tree
from tests.helpers import post_event, start_checkout

pytestmark = pytest.mark.django_db


def checkout(painting):
    start_checkout(Client(), painting)
    return Order.objects.order_by("-pk").first()


def lapse(order, minutes=1):
    past = timezone.now() - timedelta(minutes=minutes)
    Order.objects.filter(pk=order.pk).update(reserved_until=past)
    SaleState.objects.filter(order=order).update(reserved_until=past)


def state_of(order):
    return SaleState.objects.get(painting=order.lines.get().painting)


def test_lapsed_order_is_expired_at_stripe_then_here_and_a_rerun_does_nothing(shop, standin):
    stale, fresh = checkout(shop.paintings[0]), checkout(shop.paintings[1])
    lapse(stale)

    assert expire_stale_orders() == {"expired": 1, "paid": 0, "left": 0}

    stale.refresh_from_db()
    assert stale.status == Order.Status.EXPIRED and stale.closed_at
    assert "lapsed" in stale.review_reason
    assert standin.session(stale.stripe_session_id)["status"] == "expired"
    assert state_of(stale).status == SaleStatus.AVAILABLE
    # The order still within its reservation is untouched, at Stripe too.
    fresh.refresh_from_db()
    assert fresh.status == Order.Status.PENDING
    assert standin.session(fresh.stripe_session_id)["status"] == "open"

    expire_calls = sum(1 for _, path, _ in standin.requests if path.endswith("/expire"))
    call_command("expire_stale_orders")
    assert sum(1 for _, path, _ in standin.requests if path.endswith("/expire")) == expire_calls
    assert mail.outbox == []


def test_session_stripe_already_expired_is_released(shop, standin):
    order = checkout(shop.paintings[0])
    lapse(order)
    standin.clock = lambda: time.time() + 2 * 3600  # Stripe's own expiry has passed

    assert expire_stale_orders() == {"expired": 1, "paid": 0, "left": 0}
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert state_of(order).status == SaleStatus.AVAILABLE


def test_stripe_errors_leave_the_order_for_the_next_run(shop, standin):
    order = checkout(shop.paintings[0])
    lapse(order)
    standin.fail_next("500", times=2, on="expire")  # the client retries once

    assert expire_stale_orders() == {"expired": 0, "paid": 0, "left": 1}
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert standin.session(order.stripe_session_id)["status"] == "open"

    assert expire_stale_orders() == {"expired": 1, "paid": 0, "left": 0}
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED


def test_unreachable_stripe_stops_the_run_and_changes_nothing(shop, standin, settings):
    settings.STRIPE_TIMEOUT_SECONDS = 0.5
    orders = [checkout(shop.paintings[0]), checkout(shop.paintings[1])]
    for order in orders:
        lapse(order)
    standin.fail_next("timeout", times=2, on="any")

    started = time.monotonic()
    assert expire_stale_orders() == {"expired": 0, "paid": 0, "left": 2}
    # One order's timeouts, not one per order.
    assert time.monotonic() - started < 5
    assert {o.status for o in Order.objects.all()} == {Order.Status.PENDING}

    assert expire_stale_orders() == {"expired": 2, "paid": 0, "left": 0}


def test_session_paid_just_before_expiry_is_fulfilled_not_released(
    shop, standin, django_capture_on_commit_callbacks
):
    order = checkout(shop.paintings[0])
    # The buyer paid in the last second; Stripe's webhook has not arrived.
    late_event = standin.complete(order.stripe_session_id, deliver=False)
    lapse(order)

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_stale_orders() == {"expired": 0, "paid": 1, "left": 0}

    order.refresh_from_db()
    assert order.status == Order.Status.PAID and not order.needs_review
    assert state_of(order).status == SaleStatus.SOLD
    assert standin.session(order.stripe_session_id)["status"] == "complete"
    assert len(mail.outbox) == 2
    assert "It will be shipped to:" in mail.outbox[0].body

    # The webhook arrives after all: nothing more happens.
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(Client(), standin, late_event).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert len(mail.outbox) == 2


def test_delayed_payment_in_progress_is_not_released(
    shop, standin, django_capture_on_commit_callbacks
):
    order = checkout(shop.paintings[0])
    standin.complete(order.stripe_session_id, paid=False, deliver=False)  # SEPA, bank pending
    lapse(order)

    assert expire_stale_orders() == {"expired": 0, "paid": 0, "left": 1}
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert order.reserved_until > timezone.now() + timedelta(days=1)  # held for the bank
    assert state_of(order).effective_status == SaleStatus.RESERVED


def test_order_that_never_got_a_session_is_released(shop, standin):
    order = checkout(shop.paintings[0])
    Order.objects.filter(pk=order.pk).update(stripe_session_id=None)
    lapse(order)
    requests = len(standin.requests)

    assert expire_stale_orders() == {"expired": 1, "paid": 0, "left": 0}
    assert len(standin.requests) == requests
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_expire_and_fulfil_once(standin):
    shop = shop_tree()
    unpaid, paid = checkout(shop.paintings[0]), checkout(shop.paintings[1])
    standin.complete(paid.stripe_session_id, deliver=False)
    lapse(unpaid)
    lapse(paid)

    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(expire_stale_orders())
        except Exception as error:
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not [r for r in results if isinstance(r, Exception)], results
    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert unpaid.status == Order.Status.EXPIRED
    assert paid.status == Order.Status.PAID and not paid.needs_review
    assert state_of(unpaid).status == SaleStatus.AVAILABLE
    assert state_of(paid).status == SaleStatus.SOLD
    # Fulfilled once: one confirmation, one notice.
    assert sorted(m.to[0] for m in mail.outbox) == ["artist@example.com", "buyer@example.com"]
