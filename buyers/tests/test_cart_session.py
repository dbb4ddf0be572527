"""The cart (painting ids in the session) survives signing in and out."""

import pytest
from django.contrib.auth import SESSION_KEY

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def put_in_cart(client, ids):
    session = client.session
    session["cart"] = ids
    session.save()


def test_cart_survives_signing_in(client, buyer):
    put_in_cart(client, [11, 42])
    key_before = client.session.session_key
    client.post("/accounts/login/", {"login": buyer.email, "password": PASSWORD})
    assert client.session[SESSION_KEY] == str(buyer.pk)
    assert client.session.session_key != key_before  # fixation-safe: a new key...
    assert client.session["cart"] == [11, 42]  # ...with the cart in it


def test_cart_survives_signing_out(client, buyer):
    client.post("/accounts/login/", {"login": buyer.email, "password": PASSWORD})
    put_in_cart(client, [42, 7])
    session = client.session
    session["orders"] = ["PGP-AAAAAAAA"]  # orders seen in this browser: private
    session.save()

    client.post("/accounts/logout/")
    assert SESSION_KEY not in client.session
    assert client.session["cart"] == [42, 7]
    assert "orders" not in client.session


def test_cart_survives_a_sign_in_sign_out_round_trip(client, buyer):
    put_in_cart(client, [5])
    client.post("/accounts/login/", {"login": buyer.email, "password": PASSWORD})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": buyer.email, "password": PASSWORD})
    assert client.session["cart"] == [5]
    assert client.get("/cart/").status_code == 200
