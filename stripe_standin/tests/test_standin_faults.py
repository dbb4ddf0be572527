"""Faults on demand: timeouts, 500, 402 and 400, before or after the work."""

import pytest
import stripe
from standin_helpers import checkout_params, make_client


def test_timeout_fault_raises_api_connection_error(standin):
    standin.timeout_seconds = 2
    standin.fail_next("timeout")
    quick = make_client(standin, timeout=0.5)
    with pytest.raises(stripe.APIConnectionError):
        quick.v1.checkout.sessions.create(params=checkout_params())
    assert standin.create_count == 0
    # The fault is spent: the next call goes through.
    assert quick.v1.checkout.sessions.create(params=checkout_params()).status == "open"


def test_lost_response_then_retry_with_same_key_gets_the_first_session(standin):
    standin.timeout_seconds = 2
    standin.fail_next("timeout", after_processing=True)
    quick = make_client(standin, timeout=0.5)
    params, options = checkout_params(), {"idempotency_key": "order-17-attempt-1"}
    with pytest.raises(stripe.APIConnectionError):
        quick.v1.checkout.sessions.create(params=params, options=options)
    [created] = standin.sessions  # Stripe did the work; only the answer was lost
    retried = quick.v1.checkout.sessions.create(params=params, options=options)
    assert retried.id == created
    assert standin.create_count == 1


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("500", stripe.APIError),
        ("402", stripe.CardError),
        ("400", stripe.InvalidRequestError),
    ],
)
def test_http_faults_map_to_stripe_errors(client, standin, kind, error):
    standin.fail_next(kind, times=2)
    for _ in range(2):
        with pytest.raises(error) as info:
            client.v1.checkout.sessions.create(params=checkout_params())
        assert info.value.http_status == int(kind)
    assert client.v1.checkout.sessions.create(params=checkout_params()).status == "open"
    assert standin.create_count == 1


def test_card_error_has_stripe_shape(client, standin):
    standin.fail_next("402")
    with pytest.raises(stripe.CardError) as info:
        client.v1.checkout.sessions.create(params=checkout_params())
    assert info.value.code == "card_declined"


def test_faults_can_target_other_operations(client, standin):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    standin.fail_next("500", on="retrieve")
    with pytest.raises(stripe.APIError):
        client.v1.checkout.sessions.retrieve(session.id)
    assert client.v1.checkout.sessions.retrieve(session.id).id == session.id


def test_client_retries_a_500_with_the_same_idempotency_key(standin):
    standin.fail_next("500")
    retrying = make_client(standin, retries=1)
    session = retrying.v1.checkout.sessions.create(params=checkout_params())
    assert session.status == "open"
    creates = [r for r in standin.requests if r[:2] == ("POST", "/v1/checkout/sessions")]
    assert len(creates) == 2 and standin.create_count == 1
