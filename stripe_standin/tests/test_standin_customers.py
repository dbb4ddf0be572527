"""Customers: the API, errors, and prefill and save-back through a Checkout Session."""

import pytest
import stripe
from standin_helpers import CUSTOMER, browser, checkout_params, form_values, make_client


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
