"""Prefilling Stripe Checkout for a signed-in buyer, against the Stripe stand-in."""

import pytest

from buyers.models import Profile
from buyers.stripe_customer import checkout_params_for
from stripe_standin import StripeStandin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = {
    "full_name": "Ada Buyer",
    "phone": "+353 1 234 5678",
    "address_line1": "1 Quay Street",
    "city": "Galway",
    "postal_code": "H91",
    "country": "IE",
}


@pytest.fixture
def standin(settings):
    with StripeStandin(webhook_url=None, webhook_secret=settings.STRIPE_WH_SECRET) as server:
        settings.STRIPE_API_BASE = server.url
        yield server


def customer_requests(standin):
    return [(m, p, params) for m, p, params in standin.requests if "/customers" in p]


@pytest.fixture
def buyer_with_address(buyer):
    Profile.objects.create(user=buyer, **ADDRESS)
    return buyer


def test_nothing_to_prefill_without_a_saved_address(standin, buyer):
    assert checkout_params_for(buyer) == {}
    Profile.objects.create(user=buyer, full_name="Ada Buyer")
    assert checkout_params_for(buyer) == {}
    assert customer_requests(standin) == []


def test_nothing_to_prefill_for_an_unverified_address(standin, db):
    user = UserFactory(email="unverified@example.com", unverified=True)
    Profile.objects.create(user=user, **ADDRESS)
    assert checkout_params_for(user) == {}
    assert customer_requests(standin) == []


def test_a_stripe_error_never_stops_checkout(settings, buyer_with_address):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    settings.STRIPE_TIMEOUT_SECONDS = 2
    assert checkout_params_for(buyer_with_address) == {}
    assert Profile.objects.get(user=buyer_with_address).stripe_customer_id == ""


def test_an_api_error_from_stripe_never_stops_checkout(standin, buyer_with_address):
    standin.fail_next("500", times=2, on="any")
    assert checkout_params_for(buyer_with_address) == {}
    assert customer_requests(standin)


def test_a_customer_carries_the_saved_address_into_checkout(standin, buyer_with_address):
    params = checkout_params_for(buyer_with_address)
    profile = Profile.objects.get(user=buyer_with_address)
    assert profile.stripe_customer_id.startswith("cus_")
    assert params == {
        "customer": profile.stripe_customer_id,
        "customer_update": {"shipping": "auto", "address": "auto"},
    }
    [(method, path, sent)] = customer_requests(standin)
    address = {
        "line1": "1 Quay Street",
        "city": "Galway",
        "postal_code": "H91",
        "country": "IE",
    }
    assert (method, path) == ("POST", "/v1/customers")
    assert sent["email"] == "buyer@example.com"
    assert sent["name"] == "Ada Buyer"
    assert sent["address"] == address
    assert sent["shipping"] == {"name": "Ada Buyer", "phone": "+353 1 234 5678", "address": address}


def test_the_same_customer_is_updated_from_the_profile(standin, buyer_with_address):
    first = checkout_params_for(buyer_with_address)["customer"]
    Profile.objects.filter(user=buyer_with_address).update(city="Cork")
    second = checkout_params_for(buyer_with_address)["customer"]
    assert second == first
    method, path, sent = customer_requests(standin)[-1]
    assert (method, path) == ("POST", f"/v1/customers/{first}")
    assert sent["shipping"]["address"]["city"] == "Cork"
