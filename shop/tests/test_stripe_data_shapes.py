"""Whatever shape Stripe's buyer data takes, a paid session is fulfilled.

Each case completes a real session on the stand-in, then bends the event's
session object the way real data has been seen to bend (too long, missing,
another type, NUL bytes) before signing and delivering it. On PostgreSQL a
value longer than its column used to raise DataError: the webhook answered
500 for ever and the painting went back on sale although it was paid for.
"""

import copy

import pytest
from django.test import Client

from shop.models import Order, SaleState
from shop.sale_status import SaleStatus
from tests.helpers import post_event, start_checkout

pytestmark = pytest.mark.django_db

LONG_NAME = " ".join(["Maximiliane"] * 21)  # 251 characters; the column holds 200
LONG_LINE = ", ".join(["Appartement 12, escalier B"] * 10)


@pytest.fixture
def pending(shop, standin):
    start_checkout(Client(), shop.paintings[0])
    return Order.objects.get()


def paid_event(standin, order, **details):
    return standin.complete(order.stripe_session_id, deliver=False, details=details or None)


def deliver(standin, event, capture):
    with capture(execute=True):
        return post_event(Client(), standin, event)


def assert_paid_and_sold(order):
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    state = SaleState.objects.get(painting=order.lines.get().painting)
    assert (state.status, state.order_id) == (SaleStatus.SOLD, order.pk)


def test_values_longer_than_their_columns_are_kept_whole_in_the_notes(
    pending, standin, django_capture_on_commit_callbacks
):
    event = paid_event(
        standin,
        pending,
        name=LONG_NAME,
        email="ada@example.com",
        line1=LONG_LINE,
        city="Paris",
        postal_code="75002-" + "9" * 40,
        country="FR",
    )
    event["data"]["object"]["customer_details"]["phone"] = "+33 1 23 45 67 89 ext. " + "0" * 60

    response = deliver(standin, event, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert_paid_and_sold(pending)
    assert pending.name == LONG_NAME[:200]
    assert pending.address_line1 == LONG_LINE[:200]
    assert len(pending.phone) == 40 and len(pending.postal_code) == 20
    assert pending.needs_review
    assert LONG_NAME in pending.review_reason and LONG_LINE in pending.review_reason


def _without_customer_details(session):
    session["customer_details"] = None
    session["collected_information"] = None


def _lists_and_numbers(session):
    session["customer_details"] = ["not", "a", "dict"]
    session["collected_information"] = {"shipping_details": {"name": 12345, "address": "Paris"}}


def _nul_bytes(session):
    details = session["customer_details"]
    details["name"] = "Ada\x00 Lovelace"
    details["address"]["city"] = "Pa\x00ris"
    session["collected_information"]["shipping_details"]["name"] = "Ada\x00"


def _expanded_objects(session):
    session["payment_intent"] = {"id": "pi_expanded", "object": "payment_intent"}
    session["metadata"] = ["not", "a", "dict"]
    session["shipping_cost"] = {"amount_total": "4500", "shipping_rate": {"id": "shr_x"}}


def _amount_not_a_number(session):
    session["amount_total"] = "a lot"


def _country_not_a_code(session):
    session["customer_details"]["address"]["country"] = "France"
    session["collected_information"]["shipping_details"]["address"]["country"] = "France"


@pytest.mark.parametrize(
    "bend",
    [
        _without_customer_details,
        _lists_and_numbers,
        _nul_bytes,
        _expanded_objects,
        _amount_not_a_number,
        _country_not_a_code,
    ],
)
def test_a_paid_session_is_fulfilled_whatever_its_shape(
    pending, standin, django_capture_on_commit_callbacks, bend
):
    event = copy.deepcopy(
        paid_event(
            standin,
            pending,
            name="Ada",
            email="ada@example.com",
            line1="1 Rue",
            city="Paris",
            postal_code="75002",
            country="FR",
        )
    )
    bend(event["data"]["object"])

    response = deliver(standin, event, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert_paid_and_sold(pending)
    assert "\x00" not in pending.name + pending.city


def test_an_amount_stripe_does_not_state_is_flagged(
    pending, standin, django_capture_on_commit_callbacks
):
    event = paid_event(standin, pending)
    _amount_not_a_number(event["data"]["object"])
    deliver(standin, event, django_capture_on_commit_callbacks)
    pending.refresh_from_db()
    assert pending.status == Order.Status.PAID and pending.needs_review
    assert "did not say how much" in pending.review_reason
