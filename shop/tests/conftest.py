import json

import pytest
from django.test import Client

from shop.stripe_standin import StripeStandin

from .factories import build_shop


@pytest.fixture
def shop(db):
    return build_shop()


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


def post_event(client, standin, event, signature=None):
    """Delivers a Stripe event to the webhook the way the stand-in signs it."""
    payload = event if isinstance(event, bytes) else json.dumps(event).encode()
    return client.post(
        "/checkout/wh/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature or standin.sign(payload),
    )


def start_checkout(client, *paintings):
    """Puts the paintings in this browser's cart and posts the checkout form."""
    for painting in paintings:
        client.post(f"/cart/add/{painting.pk}/")
    return client.post("/checkout/")


@pytest.fixture
def buyer():
    return Client()
