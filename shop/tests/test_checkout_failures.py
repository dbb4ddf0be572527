"""Nothing stays reserved when a checkout fails, whatever fails and however slowly."""

import os
import time

import pytest
from django.db import connection

from shop.models import Order, SaleState
from shop.sale_status import SaleStatus
from tests.helpers import start_checkout

pytestmark = pytest.mark.django_db


def state_of(painting):
    return SaleState.objects.get(painting=painting)


def test_a_picture_that_cannot_be_read_does_not_stop_the_sale(shop, buyer, standin):
    painting = shop.paintings[0]
    image = painting.image
    image.renditions.all().delete()
    os.remove(image.file.path)  # the original is gone from storage

    response = start_checkout(buyer, painting)

    assert response.status_code == 303
    order = Order.objects.get()
    (item,) = standin.line_items(order.stripe_session_id)
    assert item["description"] == painting.title
    assert state_of(painting).order_id == order.pk


# Transactional: in autocommit, as in production (a test-wide atomic block
# would be poisoned by the failed statement).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unexpected_error_after_reserving_releases_everything(shop, buyer, standin):
    painting = shop.paintings[0]

    def fail_when_saving_the_session_id(execute, sql, params, many, context):
        if "stripe_session_id" in sql and sql.lstrip().upper().startswith("UPDATE"):
            raise RuntimeError("a bug, or the database going away")
        return execute(sql, params, many, context)

    with (
        connection.execute_wrapper(fail_when_saving_the_session_id),
        pytest.raises(RuntimeError),
    ):
        start_checkout(buyer, painting)

    order = Order.objects.get()
    assert order.status == Order.Status.CANCELLED
    assert state_of(painting).effective_status == SaleStatus.AVAILABLE
    # The Stripe session it had opened can no longer take a payment.
    (session,) = standin.sessions.values()
    assert session["status"] == "expired"


def test_a_slow_stripe_cannot_outlast_the_checkout_budget(shop, buyer, standin, settings):
    """Each call may wait STRIPE_TIMEOUT_SECONDS and is retried once; the whole
    checkout still ends within its budget, so the worker lives to release."""
    settings.STRIPE_TIMEOUT_SECONDS = 4  # without a budget: 2 attempts x 4 s
    settings.STRIPE_CHECKOUT_BUDGET_SECONDS = 3
    standin.timeout_seconds = 10
    standin.fail_next("timeout", times=10, on="any")
    painting = shop.paintings[0]

    started = time.monotonic()
    response = start_checkout(buyer, painting)
    took = time.monotonic() - started

    assert response.status_code == 302
    assert took < 5, f"checkout took {took:.1f} s"
    assert state_of(painting).effective_status == SaleStatus.AVAILABLE
    assert Order.objects.get().status == Order.Status.CANCELLED
    print(f"\nslow Stripe: checkout gave up after {took:.1f} s (budget 3 s)")
