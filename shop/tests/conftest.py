import pytest
from django.test import Client

from stripe_standin import StripeStandin
from tests.factories import UserFactory, shop_tree


@pytest.fixture
def shop(db):
    return shop_tree()


@pytest.fixture
def standin(settings):
    """The Stripe stand-in over real HTTP, with the app's Stripe client pointed at it."""
    server = StripeStandin(webhook_secret=settings.STRIPE_WH_SECRET).start()
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_TIMEOUT_SECONDS = 3
    yield server
    server.stop()


@pytest.fixture
def live_standin(standin, live_server):
    """The stand-in delivering its webhooks to the live server, as Stripe would."""
    standin.set_webhook_url(f"{live_server.url}/checkout/wh/")
    return standin


@pytest.fixture
def no_checkout_limit(settings):
    """For shoppers who all share 127.0.0.1 (the race tests): the per-address checkout
    limits, which have their own tests, are off."""
    settings.SHOP_CHECKOUT_RATE = "0"
    settings.SHOP_OPEN_CHECKOUTS_PER_ADDRESS = 0


@pytest.fixture
def shop_manager(client):
    """A staff member with the shop's permissions only (not a superuser)."""
    user = UserFactory(
        username="manager",
        permissions=[
            "view_order",
            "change_order",
            "ship_order",
            "view_salestate",
            "change_salestate",
            "view_shippingrate",
            "add_shippingrate",
            "change_shippingrate",
        ],
    )
    client.force_login(user)
    return client


@pytest.fixture
def buyer():
    return Client()
