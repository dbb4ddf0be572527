"""Fixtures for the stand-in's tests: plain pytest, no Django.

The stand-in runs in a thread on a free port, driven by the real stripe-python
client; a tiny HTTP server plays the shop's webhook endpoint.
"""

import pytest
from standin_helpers import SECRET, Receiver, make_client

from stripe_standin import StripeStandin


@pytest.fixture
def standin():
    standin = StripeStandin(webhook_secret=SECRET, timeout_seconds=3)
    standin.start()
    yield standin
    standin.stop()


@pytest.fixture
def client(standin):
    return make_client(standin)


@pytest.fixture
def receiver(standin):
    receiver = Receiver()
    standin.set_webhook_url(receiver.url)
    yield receiver
    receiver.stop()
