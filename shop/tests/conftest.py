import json
import re

import pytest
from django.test import Client

from stripe_standin import StripeStandin

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


def checkout_form(client):
    """The fields of the cart page's checkout form, as a browser would submit them."""
    html = client.get("/cart/").content.decode()
    form = re.search(r'<form method="post" action="/checkout/".*?</form>', html, re.S)
    return {"painting": re.findall(r'name="painting" value="(\d+)"', form[0]) if form else []}


def press_checkout(client):
    return client.post("/checkout/", checkout_form(client))


def start_checkout(client, *paintings):
    """Puts the paintings in this browser's cart and presses the cart page's checkout button."""
    for painting in paintings:
        client.post(f"/cart/add/{painting.pk}/")
    return press_checkout(client)


@pytest.fixture
def buyer():
    return Client()
