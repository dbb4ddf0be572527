"""The hosted pay page: accessible HTML, pay, refuse, cancel, delayed payment."""

import stripe
from standin_helpers import BUYER, SECRET, PageParser, browser, checkout_params


def test_hosted_page_is_accessible_html(client):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    status, headers, page = browser(session.url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert page.startswith("<!DOCTYPE html>") and "TEST MODE" in page
    assert "Harbour at dusk" in page and "515.00 GBP" in page

    parser = PageParser()
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


def test_one_allowed_country_is_preselected_and_the_only_choice(client, receiver):
    params = checkout_params(shipping_address_collection={"allowed_countries": ["US"]})
    session = client.v1.checkout.sessions.create(params=params)
    parser = PageParser()
    parser.feed(browser(session.url)[2])
    options = [a for t, a in parser.tags if t == "option"]
    assert options == [{"value": "US", "selected": None}]

    # A buyer who posts another country anyway is refused, nothing paid.
    status, _, page = browser(session.url, {**BUYER, "country": "GB", "action": "pay"})
    assert status == 400 and "Choose one of the countries offered." in page
    assert receiver.events() == []
