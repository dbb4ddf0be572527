"""Order history: each buyer sees their own orders, nobody else's; guest
orders join the account once the address is verified; deleting the account
keeps the orders for the books."""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY, get_user_model

from buyers.models import Profile
from tests.factories import PASSWORD, OrderFactory, UserFactory
from tests.helpers import link_in_last_mail

pytestmark = pytest.mark.django_db


def order_urls(order):
    return ["/account/orders/", f"/account/orders/{order.number}/"]


def test_history_lists_the_buyers_own_orders_only(client, buyer, other_buyer):
    mine = OrderFactory(in_galway=True, user=buyer, line__title="Harbour at dusk")
    theirs = OrderFactory(in_galway=True, user=other_buyer, line__title="Orchard in June")
    client.force_login(buyer)

    page = client.get("/account/orders/").content.decode()
    assert mine.number in page
    assert "Harbour at dusk" in page
    assert theirs.number not in page
    assert "Orchard in June" not in page

    detail = client.get(f"/account/orders/{mine.number}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Harbour at dusk" in text
    assert "1 Quay Street" in text
    assert "Paid" in text


def test_another_buyers_order_is_not_found(client, buyer, other_buyer):
    theirs = OrderFactory(in_galway=True, user=other_buyer, line__title="Orchard in June")
    client.force_login(buyer)
    response = client.get(f"/account/orders/{theirs.number}/")
    assert response.status_code == 404
    assert "Orchard in June" not in response.content.decode()
    assert client.get("/account/orders/PGP-NOTREAL1/").status_code == 404


def test_a_guest_order_is_not_shown_to_an_account_with_another_address(client, buyer):
    guest = OrderFactory(in_galway=True, email="someone-else@example.com")
    client.force_login(buyer)
    assert client.get(f"/account/orders/{guest.number}/").status_code == 404


@pytest.mark.parametrize("path", ["/account/", "/account/orders/", "/account/delete/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_anonymous_visitor_gets_the_login_page_not_an_order(client, buyer):
    order = OrderFactory(in_galway=True, user=buyer)
    for url in order_urls(order):
        response = client.get(url, follow=True)
        page = response.content.decode()
        assert response.redirect_chain[0][0].startswith("/accounts/login/?next=")
        assert "Sign in" in page
        # (The number is only echoed back in the ?next= link the visitor typed.)
        assert "Harbour at dusk" not in page
        assert "1 Quay Street" not in page


def test_signed_in_but_unverified_sees_no_orders(client, db):
    user = UserFactory(email="pending@example.com", unverified=True)
    order = OrderFactory(in_galway=True, user=user)
    client.force_login(user)
    for url in order_urls(order):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Confirm your e-mail address" in page
        assert order.number not in page


def test_checkout_success_for_another_buyers_session_is_not_found(client, buyer, other_buyer):
    theirs = OrderFactory(in_galway=True, user=other_buyer, stripe_session_id="cs_test_theirs123")
    client.force_login(buyer)
    response = client.get("/checkout/success/?session_id=cs_test_theirs123")
    assert response.status_code == 404
    assert theirs.number not in response.content.decode()

    client.logout()
    assert client.get("/checkout/success/?session_id=cs_test_theirs123").status_code == 404


def test_checkout_success_shows_the_buyers_own_order(client, buyer):
    mine = OrderFactory(in_galway=True, user=buyer, stripe_session_id="cs_test_mine456")
    client.force_login(buyer)
    response = client.get("/checkout/success/?session_id=cs_test_mine456")
    assert response.status_code == 200
    assert mine.number in response.content.decode()


def test_guest_orders_join_the_account_when_the_address_is_verified(client, db):
    guest_order = OrderFactory(in_galway=True, email="Guest.Buyer@Example.com", line__title="Dunes")
    unrelated = OrderFactory(in_galway=True, email="someone-else@example.com", line__title="Fog")

    client.post(
        "/accounts/signup/",
        {"email": "guest.buyer@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    guest_order.refresh_from_db()
    assert guest_order.user is None  # not before the address is proven

    link = link_in_last_mail(to="guest.buyer@example.com")
    client.post(urlsplit(link).path)

    user = get_user_model().objects.get(email="guest.buyer@example.com")
    guest_order.refresh_from_db()
    unrelated.refresh_from_db()
    assert guest_order.user == user
    assert unrelated.user is None
    page = client.get("/account/orders/").content.decode()
    assert guest_order.number in page
    assert "Dunes" in page
    assert unrelated.number not in page


def test_guest_orders_placed_while_signed_out_join_at_next_sign_in(client, buyer):
    placed_signed_out = OrderFactory(
        in_galway=True, email="BUYER@example.com", line__title="Low tide"
    )
    client.post("/accounts/login/", {"login": buyer.email, "password": PASSWORD})
    placed_signed_out.refresh_from_db()
    assert placed_signed_out.user == buyer


def test_an_unverified_address_claims_no_orders(client, db):
    guest_order = OrderFactory(in_galway=True, email="claimer@example.com")
    UserFactory(email="claimer@example.com", unverified=True)
    client.post("/accounts/login/", {"login": "claimer@example.com", "password": PASSWORD})
    guest_order.refresh_from_db()
    assert guest_order.user is None


def test_deleting_the_account_keeps_the_orders(client, buyer):
    order = OrderFactory(in_galway=True, user=buyer)
    Profile.objects.create(user=buyer, full_name="Ada Buyer", address_line1="1 Quay Street")
    client.force_login(buyer)

    page = client.get("/account/delete/").content.decode()
    assert "Delete your account" in page

    refused = client.post("/account/delete/", {"password": "wrong"})
    page = refused.content.decode()
    assert "That is not your password." in page
    assert "Tick the box to confirm" in page
    assert get_user_model().objects.filter(pk=buyer.pk).exists()

    response = client.post("/account/delete/", {"password": PASSWORD, "confirm": "on"}, follow=True)
    assert response.status_code == 200
    assert client.session.get(SESSION_KEY) is None
    assert not get_user_model().objects.filter(pk=buyer.pk).exists()
    assert not Profile.objects.exists()
    assert not EmailAddress.objects.filter(email="buyer@example.com").exists()

    order.refresh_from_db()
    assert order.user is None
    assert (order.email, order.name, order.address_line1) == (
        "buyer@example.com",
        "Ada Buyer",
        "1 Quay Street",
    )
    assert order.lines.count() == 1
