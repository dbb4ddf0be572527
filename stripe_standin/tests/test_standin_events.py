"""Events: signatures stripe-python accepts, deliveries, lapsed sessions, delayed payments."""

import time

import pytest
import stripe
from standin_helpers import SECRET, checkout_params

from stripe_standin import SessionStateError


def test_signature_is_accepted_by_stripe_construct_event(client, standin):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    payload, signature = standin.build_event("checkout.session.completed", session.id)

    event = stripe.Webhook.construct_event(payload, signature, SECRET, tolerance=300)
    assert event.type == "checkout.session.completed"
    assert event.data.object.id == session.id
    assert event.livemode is False and event.id.startswith("evt_")

    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, signature, "whsec_other", tolerance=300)
    tampered = payload.replace(b'"unpaid"', b'"paid"')
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(tampered, signature, SECRET, tolerance=300)
    stale = standin.sign(payload, timestamp=int(time.time()) - 3600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, stale, SECRET, tolerance=300)


def test_failed_delivery_is_recorded_and_can_be_sent_again(client, standin, receiver):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    receiver.statuses = [500]
    event = standin.complete(session.id)
    assert standin.deliveries[-1]["status"] == 500 and not standin.deliveries[-1]["ok"]

    assert standin.send(event)[0] == 200
    first, second = receiver.events()
    assert first["id"] == second["id"] == event["id"]
    header = receiver.received[1][0]["Stripe-Signature"]
    stripe.Webhook.construct_event(receiver.received[1][1], header, SECRET, tolerance=300)


def test_unreachable_webhook_is_recorded_not_raised(client, standin):
    standin.set_webhook_url("http://127.0.0.1:9/nowhere/")
    session = client.v1.checkout.sessions.create(params=checkout_params())
    standin.complete(session.id)
    assert standin.deliveries[-1]["status"] is None


def test_lapsed_sessions_expire_on_read_and_on_sweep(client, standin, receiver):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    real_clock = standin.clock
    standin.clock = lambda: real_clock() + 2 * 3600

    assert client.v1.checkout.sessions.retrieve(session.id).status == "expired"
    [event] = standin.expire_due_sessions()
    assert event["type"] == "checkout.session.expired"
    assert standin.expire_due_sessions() == []  # announced once only
    assert [e["type"] for e in receiver.events()] == ["checkout.session.expired"]


def test_delayed_payment_then_async_result(client, standin, receiver):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    completed = standin.complete(session.id, paid=False)
    assert completed["data"]["object"]["payment_status"] == "unpaid"
    with pytest.raises(SessionStateError):
        standin.complete(session.id)

    standin.async_result(session.id, succeeded=True)
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"
    assert [e["type"] for e in receiver.events()] == [
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    ]
