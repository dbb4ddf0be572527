"""Checkout Sessions through stripe-python: create, retrieve, line items, expire, idempotency."""

import time

import pytest
import stripe
from standin_helpers import checkout_params


def test_create_retrieve_line_items_and_expire(standin, client):
    session = client.v1.checkout.sessions.create(params=checkout_params())

    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert session.url == f"{standin.url}/pay/{session.id}"
    assert (session.status, session.payment_status) == ("open", "unpaid")
    assert session.amount_subtotal == 45000 + 2 * 2500
    assert session.amount_total == 50000 + 1500  # first shipping option by default
    assert session.currency == "gbp"
    assert session.client_reference_id == "order-17"
    assert session.metadata["order"] == "17"
    assert session.customer_email == "buyer@example.com"
    assert session.livemode is False
    courier, collect = session.shipping_options
    assert courier.shipping_rate.startswith("shr_") and courier.shipping_amount == 1500
    assert session.shipping_cost.shipping_rate == courier.shipping_rate
    assert session.shipping_cost.amount_total == 1500
    assert standin.create_count == 1

    fetched = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["shipping_cost.shipping_rate"]}
    )
    assert fetched.shipping_cost.shipping_rate.display_name == "Tracked courier"
    rate = client.v1.shipping_rates.retrieve(collect.shipping_rate)
    assert (rate.display_name, rate.fixed_amount.amount) == ("Collect from the studio", 0)

    items = client.v1.checkout.sessions.line_items.list(session.id)
    assert [(i.description, i.quantity, i.amount_total) for i in items.data] == [
        ("Harbour at dusk", 1, 45000),
        ("Print: Gulls", 2, 5000),
    ]
    assert items.data[0].price.unit_amount == 45000

    expired = client.v1.checkout.sessions.expire(session.id)
    assert expired.status == "expired" and expired.url is None
    assert client.v1.checkout.sessions.retrieve(session.id).status == "expired"


def test_expire_via_api_sends_the_expired_event(standin, client, receiver):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    client.v1.checkout.sessions.expire(session.id)
    standin.drain()
    [event] = receiver.events()
    assert event["type"] == "checkout.session.expired"
    assert event["data"]["object"]["id"] == session.id


@pytest.mark.parametrize(
    ("missing", "param"),
    [("mode", "mode"), ("line_items", "line_items"), ("success_url", "success_url")],
)
def test_missing_required_params_are_invalid_requests(client, missing, param):
    params = checkout_params()
    del params[missing]
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.checkout.sessions.create(params=params)
    assert info.value.http_status == 400
    assert info.value.param == param


@pytest.mark.parametrize("offset", [29 * 60, 25 * 3600])
def test_expires_at_must_be_between_30_minutes_and_24_hours(client, standin, offset):
    with pytest.raises(stripe.InvalidRequestError, match="expires_at") as info:
        client.v1.checkout.sessions.create(
            params=checkout_params(expires_at=int(time.time()) + offset)
        )
    assert info.value.param == "expires_at"
    assert standin.create_count == 0


def test_unknown_params_and_unknown_sessions_are_rejected(client):
    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter: shiping_options"):
        client.v1.checkout.sessions.create(params=checkout_params(shiping_options="x"))
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.checkout.sessions.retrieve("cs_test_nope")
    assert info.value.http_status == 404 and info.value.code == "resource_missing"


def test_only_open_sessions_can_be_expired(client, standin):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    standin.complete(session.id, deliver=False)
    with pytest.raises(stripe.InvalidRequestError, match='status of "complete"'):
        client.v1.checkout.sessions.expire(session.id)


def test_api_key_is_required(standin):
    bad = stripe.StripeClient(
        "sk_live_nope", base_addresses={"api": standin.url}, max_network_retries=0
    )
    with pytest.raises(stripe.AuthenticationError):
        bad.v1.checkout.sessions.retrieve("cs_test_x")


def test_same_idempotency_key_returns_the_same_session(client, standin):
    # A retry must send identical params (expires_at included) with the key.
    params = checkout_params()
    options = {"idempotency_key": "order-17-attempt-1"}
    first = client.v1.checkout.sessions.create(params=params, options=options)
    again = client.v1.checkout.sessions.create(params=params, options=options)
    assert again.id == first.id
    assert standin.create_count == 1

    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(
            params={**params, "client_reference_id": "order-18"}, options=options
        )


@pytest.mark.parametrize("codes", [["ES", "CU"], ["es"], ["ESP"], ["E\x00"]])
def test_allowed_countries_refuses_what_stripe_refuses(client, standin, codes):
    params = checkout_params(shipping_address_collection={"allowed_countries": codes})
    with pytest.raises(stripe.InvalidRequestError, match="allowed_countries") as info:
        client.v1.checkout.sessions.create(params=params)
    assert info.value.param.startswith("shipping_address_collection[allowed_countries][")
    assert standin.create_count == 0
