"""The Stripe Checkout stand-in, driven by the real stripe-python client.

Plain pytest, no Django: the stand-in runs in a thread on a free port and a
tiny HTTP server plays the shop's webhook endpoint.
"""

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import stripe

from stripe_standin import StripeStandin
from stripe_standin.server import SessionStateError, parse_form

SECRET = "whsec_standin_tests"
API_KEY = "sk_test_standin"


# -- fixtures ----------------------------------------------------------------


@pytest.fixture
def standin():
    standin = StripeStandin(webhook_secret=SECRET, timeout_seconds=3)
    standin.start()
    yield standin
    standin.stop()


def make_client(standin, timeout=5.0, retries=0):
    session = requests.Session()
    session.trust_env = False  # never send 127.0.0.1 through an environment proxy
    return stripe.StripeClient(
        API_KEY,
        base_addresses={"api": standin.url},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout, session=session),
    )


@pytest.fixture
def client(standin):
    return make_client(standin)


class Receiver:
    """A webhook endpoint: records each POST, answers with queued statuses (default 200)."""

    def __init__(self):
        self.received = []  # (headers dict, raw body bytes)
        self.statuses = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/checkout/wh/"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def events(self):
        return [json.loads(body) for _, body in self.received]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(standin):
    receiver = Receiver()
    standin.set_webhook_url(receiver.url)
    yield receiver
    receiver.stop()


def checkout_params(**overrides):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "gbp",
                    "unit_amount": 45000,
                    "product_data": {
                        "name": "Harbour at dusk",
                        "images": ["https://example.com/harbour.jpg"],
                    },
                },
                "quantity": 1,
            },
            {
                "price_data": {
                    "currency": "gbp",
                    "unit_amount": 2500,
                    "product_data": {"name": "Print: Gulls"},
                },
                "quantity": 2,
            },
        ],
        "client_reference_id": "order-17",
        "metadata": {"order": "17"},
        "success_url": "http://shop.test/checkout/done/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://shop.test/checkout/cancelled/",
        "shipping_address_collection": {"allowed_countries": ["GB", "IE"]},
        "shipping_options": [
            {
                "shipping_rate_data": {
                    "display_name": "Tracked courier",
                    "type": "fixed_amount",
                    "fixed_amount": {"amount": 1500, "currency": "gbp"},
                    "delivery_estimate": {
                        "minimum": {"unit": "business_day", "value": 2},
                        "maximum": {"unit": "business_day", "value": 5},
                    },
                }
            },
            {
                "shipping_rate_data": {
                    "display_name": "Collect from the studio",
                    "type": "fixed_amount",
                    "fixed_amount": {"amount": 0, "currency": "gbp"},
                }
            },
        ],
        "expires_at": int(time.time()) + 3600,
        "customer_email": "buyer@example.com",
    }
    params.update(overrides)
    return params


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def browser(url, form=None):
    """GET (or POST a form to) a hosted page; return (status, headers, text)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with _opener.open(url, data=data, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


BUYER = {
    "name": "Ada Painter",
    "email": "ada@example.com",
    "line1": "3 Quay Street",
    "line2": "",
    "city": "St Ives",
    "postal_code": "TR26 1AA",
    "state": "Cornwall",
    "country": "GB",
}


# -- form encoding ---------------------------------------------------------


def test_parse_form_builds_nested_dicts_and_lists():
    body = (
        "mode=payment&line_items[0][price_data][currency]=gbp"
        "&line_items[0][price_data][product_data][images][0]=a.jpg"
        "&line_items[0][quantity]=1&line_items[1][quantity]=2"
        "&metadata[order]=17&expand[]=line_items&success_url=http%3A%2F%2Fx%2F%7BCHECKOUT_SESSION_ID%7D"
    )
    assert parse_form(body) == {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {"currency": "gbp", "product_data": {"images": ["a.jpg"]}},
                "quantity": "1",
            },
            {"quantity": "2"},
        ],
        "metadata": {"order": "17"},
        "expand": ["line_items"],
        "success_url": "http://x/{CHECKOUT_SESSION_ID}",
    }


# -- API through stripe-python -----------------------------------------------


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


# -- faults --------------------------------------------------------------------


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


# -- events and signatures -----------------------------------------------------


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


# -- hosted page -------------------------------------------------------------------


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_hosted_page_is_accessible_html(client):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    status, headers, page = browser(session.url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert page.startswith("<!DOCTYPE html>") and "TEST MODE" in page
    assert "Harbour at dusk" in page and "515.00 GBP" in page

    parser = _PageParser()
    parser.feed(page)
    tags = parser.tags
    assert ("html", {"lang": "en"}) in tags
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in tags)
    assert any(t == "title" for t, _ in tags)
    labelled = {a["for"] for t, a in tags if t == "label"}
    fields = [a for t, a in tags if t in ("input", "select") and a.get("type") != "hidden"]
    assert all(field["id"] in labelled for field in fields)
    assert next(a for t, a in tags if t == "input" and a["id"] == "email")["value"] == (
        "buyer@example.com"
    )
    countries = [a["value"] for t, a in tags if t == "option" and a["value"]]
    assert countries == ["GB", "IE"]
    buttons = [a["value"] for t, a in tags if t == "button"]
    assert buttons == ["pay", "pay_delayed", "cancel"]


def test_pay_on_hosted_page_delivers_event_then_redirects(client, standin, receiver):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    studio = session.shipping_options[1].shipping_rate

    status, headers, _ = browser(session.url, {**BUYER, "shipping_rate": studio, "action": "pay"})

    assert status == 303
    assert headers["Location"] == f"http://shop.test/checkout/done/?session_id={session.id}"
    [(request_headers, payload)] = receiver.received
    event = stripe.Webhook.construct_event(
        payload, request_headers["Stripe-Signature"], SECRET, tolerance=300
    )
    assert event.type == "checkout.session.completed"
    paid = event.data.object
    assert (paid.id, paid.status, paid.payment_status) == (session.id, "complete", "paid")
    assert paid.amount_total == 50000  # the buyer chose free collection
    assert paid.shipping_cost.shipping_rate == studio
    assert paid.customer_details.email == "ada@example.com"
    assert paid.customer_details.name == "Ada Painter"
    shipping = paid.collected_information.shipping_details
    assert shipping.name == "Ada Painter"
    assert (shipping.address.line1, shipping.address.postal_code) == ("3 Quay Street", "TR26 1AA")
    assert shipping.address.line2 is None and shipping.address.country == "GB"
    assert paid.shipping_details.address.city == "St Ives"
    assert paid.payment_intent.startswith("pi_")
    assert client.v1.checkout.sessions.retrieve(session.id).status == "complete"

    # Paying twice shows a message and sends nothing.
    status, _, page = browser(session.url, {**BUYER, "action": "pay"})
    assert status == 409 and "already been paid" in page
    assert len(receiver.received) == 1


def test_hosted_page_rejects_incomplete_details(client, receiver):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    status, _, page = browser(session.url, {**BUYER, "line1": "", "action": "pay"})
    assert status == 400 and "Address line 1 is required" in page
    assert receiver.received == []


def test_paying_an_expired_session_is_refused(client, standin, receiver):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    client.v1.checkout.sessions.expire(session.id)
    standin.drain()
    status, _, page = browser(f"{standin.url}/pay/{session.id}", {**BUYER, "action": "pay"})
    assert status == 410 and "expired" in page
    assert [e["type"] for e in receiver.events()] == ["checkout.session.expired"]


def test_cancel_redirects_and_leaves_the_session_open(client, receiver):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    status, headers, _ = browser(session.url, {"action": "cancel"})
    assert status == 303 and headers["Location"] == "http://shop.test/checkout/cancelled/"
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert receiver.received == []


def test_delayed_payment_on_hosted_page(client, standin, receiver):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    page_url = session.url
    status, headers, _ = browser(page_url, {**BUYER, "action": "pay_delayed"})
    assert status == 303 and session.id in headers["Location"]
    assert receiver.events()[0]["data"]["object"]["payment_status"] == "unpaid"

    status, _, page = browser(page_url)
    assert status == 200 and "Bank declines payment" in page
    status, _, _ = browser(page_url, {"action": "async_failed"})
    assert status == 200
    assert [e["type"] for e in receiver.events()] == [
        "checkout.session.completed",
        "checkout.session.async_payment_failed",
    ]
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "unpaid"


# -- customers -----------------------------------------------------------------

CUSTOMER = {
    "email": "ada@example.com",
    "name": "Ada Painter",
    "phone": "+44 1736 000000",
    "address": {
        "line1": "9 Fore Street",
        "city": "Penzance",
        "postal_code": "TR18 2AA",
        "country": "GB",
    },
    "shipping": {
        "name": "Ada at the studio",
        "phone": "+44 1736 111111",
        "address": {
            "line1": "3 Quay Street",
            "city": "St Ives",
            "postal_code": "TR26 1AA",
            "state": "Cornwall",
            "country": "GB",
        },
    },
    "metadata": {"user": "17"},
}


def form_values(page):
    """The hosted page's prefilled inputs (id -> value) and its selected country."""
    parser = _PageParser()
    parser.feed(page)
    values = {a["id"]: a.get("value", "") for t, a in parser.tags if t == "input" and "id" in a}
    selected = [a["value"] for t, a in parser.tags if t == "option" and "selected" in a]
    return values, selected


def test_customer_create_retrieve_update_and_delete(client, standin):
    customer = client.v1.customers.create(params=CUSTOMER)

    assert customer.id.startswith("cus_") and customer.object == "customer"
    assert (customer.email, customer.name, customer.phone) == (
        "ada@example.com",
        "Ada Painter",
        "+44 1736 000000",
    )
    assert customer.address.to_dict() == {
        "line1": "9 Fore Street",
        "line2": None,
        "city": "Penzance",
        "postal_code": "TR18 2AA",
        "state": None,
        "country": "GB",
    }
    assert customer.shipping.name == "Ada at the studio"
    assert customer.shipping.phone == "+44 1736 111111"
    assert customer.shipping.address.state == "Cornwall"
    assert customer.metadata.to_dict() == {"user": "17"}
    assert customer.livemode is False and customer.created > 0
    assert client.v1.customers.retrieve(customer.id).to_dict() == customer.to_dict()

    updated = client.v1.customers.update(
        customer.id,
        params={
            "name": "Ada P.",
            "phone": "",  # an empty string unsets, as on Stripe
            "shipping": {"name": "Ada P.", "address": {"line1": "1 Wharf", "city": "Hayle"}},
            "metadata": {"user": "", "source": "profile"},
        },
    )
    assert (updated.id, updated.name, updated.phone) == (customer.id, "Ada P.", None)
    assert updated.email == "ada@example.com"  # not sent, so unchanged
    assert updated.shipping.address.city == "Hayle" and updated.shipping.address.country is None
    assert updated.shipping.phone is None
    assert updated.metadata.to_dict() == {"source": "profile"}  # merged; "" removed a key
    assert client.v1.customers.retrieve(customer.id).name == "Ada P."

    deleted = client.v1.customers.delete(customer.id)
    assert deleted.to_dict() == {"id": customer.id, "object": "customer", "deleted": True}
    assert standin.customers == {}
    # Stripe keeps a deleted customer retrievable as a stub, but nothing more.
    assert client.v1.customers.retrieve(customer.id).deleted is True
    for call in (
        lambda: client.v1.customers.update(customer.id, params={"name": "Ada"}),
        lambda: client.v1.customers.delete(customer.id),
    ):
        with pytest.raises(stripe.InvalidRequestError) as info:
            call()
        assert info.value.http_status == 404 and info.value.code == "resource_missing"


def test_customer_errors_have_stripe_shape(client, standin):
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.customers.retrieve("cus_nope")
    assert info.value.http_status == 404
    assert (info.value.code, info.value.param) == ("resource_missing", "id")
    assert "No such customer: 'cus_nope'" in str(info.value)

    bad_params = [
        ({"emial": "ada@example.com"}, "emial"),
        ({"address": {"town": "St Ives"}}, "address[town]"),
        ({"shipping": {"address": {"line1": "1 Wharf"}}}, "shipping[name]"),
        ({"email": "not-an-address"}, "email"),
    ]
    for params, param in bad_params:
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.customers.create(params=params)
        assert (info.value.http_status, info.value.param) == (400, param)
    assert standin.customers == {}

    customer = client.v1.customers.create(params={"name": "Ada"})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.update(customer.id, params={"name": "Ada B.", "emial": "x"})
    assert client.v1.customers.retrieve(customer.id).name == "Ada"  # rejected: nothing changed


def test_session_for_a_customer_prefills_the_page_and_saves_back(client, standin, receiver):
    customer = client.v1.customers.create(params=CUSTOMER)
    params = checkout_params(
        customer=customer.id, customer_update={"shipping": "auto", "address": "auto"}
    )
    del params["customer_email"]
    session = client.v1.checkout.sessions.create(params=params)
    assert (session.customer, session.customer_email) == (customer.id, None)

    status, _, page = browser(session.url)
    assert status == 200
    values, selected = form_values(page)
    # The shipping details win over the customer's own name and address.
    assert values["email"] == "ada@example.com"
    assert values["name"] == "Ada at the studio"
    assert (values["line1"], values["city"], values["postal_code"], values["state"]) == (
        "3 Quay Street",
        "St Ives",
        "TR26 1AA",
        "Cornwall",
    )
    assert selected == ["GB"]

    # The buyer pays with what was prefilled, moving house on the way.
    form = {**values, "country": "IE", "line1": "2 Dock Road", "city": "Galway", "action": "pay"}
    status, _, _ = browser(session.url, form)
    assert status == 303
    paid = receiver.events()[0]["data"]["object"]
    assert paid["customer"] == customer.id
    assert paid["customer_details"]["email"] == "ada@example.com"
    assert paid["collected_information"]["shipping_details"]["address"]["city"] == "Galway"

    saved = client.v1.customers.retrieve(customer.id)
    assert saved.shipping.address.line1 == "2 Dock Road"
    assert (saved.address.city, saved.address.country) == ("Galway", "IE")
    assert saved.name == "Ada Painter"  # customer_update[name] defaults to never


def test_page_prefills_from_the_customer_address_without_shipping(client):
    customer = client.v1.customers.create(
        params={key: CUSTOMER[key] for key in ("email", "name", "address")}
    )
    params = checkout_params(customer=customer.id)
    del params["customer_email"]
    session = client.v1.checkout.sessions.create(params=params)
    values, selected = form_values(browser(session.url)[2])
    assert (values["name"], values["line1"], values["city"]) == (
        "Ada Painter",
        "9 Fore Street",
        "Penzance",
    )
    assert selected == ["GB"]


def test_session_customer_params_are_checked(client, standin):
    customer = client.v1.customers.create(params={"email": "ada@example.com"})
    no_email = checkout_params()
    del no_email["customer_email"]
    cases = [
        ({**no_email, "customer": "cus_nope"}, "customer", "No such customer: 'cus_nope'"),
        (
            checkout_params(customer=customer.id),
            "customer_email",
            "You may only specify one of these parameters: customer, customer_email.",
        ),
        (
            {**no_email, "customer_update": {"shipping": "auto"}},
            "customer_update",
            "can only be used with `customer`",
        ),
        (
            {**no_email, "customer": customer.id, "customer_update": {"shipping": "always"}},
            "customer_update[shipping]",
            "must be one of auto or never",
        ),
        (
            {**no_email, "customer": customer.id, "customer_update": {"email": "auto"}},
            "customer_update[email]",
            "unknown parameter",
        ),
    ]
    for params, param, message in cases:
        with pytest.raises(stripe.InvalidRequestError, match=message) as info:
            client.v1.checkout.sessions.create(params=params)
        assert (info.value.http_status, info.value.param) == (400, param)
        assert info.value.code == ("resource_missing" if param == "customer" else None)
    assert standin.create_count == 0


def test_faults_can_target_customer_calls(client, standin):
    standin.fail_next("500", on="customer")
    standin.fail_next("400", on="create")  # a session-create fault leaves customers alone
    with pytest.raises(stripe.APIError):
        client.v1.customers.create(params={"name": "Ada"})
    assert standin.customers == {}
    customer = client.v1.customers.create(params={"name": "Ada"})
    with pytest.raises(stripe.InvalidRequestError, match="simulated"):
        client.v1.checkout.sessions.create(params=checkout_params())

    standin.fail_next("timeout", on="customer")
    standin.timeout_seconds = 2
    with pytest.raises(stripe.APIConnectionError):
        make_client(standin, timeout=0.5).v1.customers.update(customer.id, params={"name": "B"})
    assert client.v1.customers.retrieve(customer.id).name == "Ada"
