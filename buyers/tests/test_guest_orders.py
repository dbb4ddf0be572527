"""Guest orders go to the account whose verified address is the guest's, and
only to it: a look-alike address (Unicode that a database's case rules fold
into the buyer's) gets nothing."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from buyers.orders import attach_guest_orders, normalise_email
from tests.factories import PASSWORD, OrderFactory, UserFactory
from tests.helpers import link_in_last_mail

pytestmark = pytest.mark.django_db

DOTLESS_I = "\u0131"  # ı: PostgreSQL's UPPER() turns it into a plain I
LOOK_ALIKE = f"alice@gma{DOTLESS_I}l.com"


@pytest.mark.parametrize(
    "typed, normal",
    [
        ("alice@gmail.com", "alice@gmail.com"),
        ("  Alice@GMAIL.com ", "alice@gmail.com"),
        (LOOK_ALIKE, LOOK_ALIKE),
        (f"ALICE@GMA{DOTLESS_I}L.COM", LOOK_ALIKE),
        ("alice@GMA\u0130L.com", "alice@gma\u0130l.com"),  # İ is not I either
        ("\u212aate@example.com", "\u212aate@example.com"),  # Kelvin sign is not K
        ("anna@straße.de", "anna@straße.de"),  # not strasse.de (IDNA 2003 would merge them)
        ("", ""),
    ],
)
def test_one_normal_form_folds_ascii_case_only(typed, normal):
    assert normalise_email(typed) == normal


def verify_by_link(client, email):
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(urlsplit(link_in_last_mail(to=email)).path)
    return get_user_model().objects.get(emailaddress__email=email, emailaddress__verified=True)


@pytest.mark.postgres
def test_a_look_alike_address_gets_none_of_the_buyers_guest_orders(client):
    # On PostgreSQL, email__iexact compares UPPER() of both sides, and
    # UPPER('gmaıl') = 'GMAIL': the owner of gmaıl.com got alice's orders.
    alices = OrderFactory(in_galway=True, email="alice@gmail.com", line__title="Harbour at dusk")

    attacker = verify_by_link(client, LOOK_ALIKE)

    alices.refresh_from_db()
    assert alices.user is None
    assert attach_guest_orders(attacker) == 0
    page = client.get("/account/orders/").content.decode()
    assert alices.number not in page
    assert "Harbour at dusk" not in page
    assert "1 Quay Street" not in page
    assert client.get(f"/account/orders/{alices.number}/").status_code == 404


@pytest.mark.postgres
def test_the_real_owner_still_gets_them_whatever_the_case(client):
    placed = OrderFactory(in_galway=True, email="Alice@GMAIL.com", line__title="Harbour at dusk")
    look_alikes = OrderFactory(in_galway=True, email=LOOK_ALIKE, line__title="Orchard in June")

    alice = verify_by_link(client, "alice@gmail.com")

    placed.refresh_from_db()
    look_alikes.refresh_from_db()
    assert placed.user == alice
    assert look_alikes.user is None
    page = client.get("/account/orders/").content.decode()
    assert "Harbour at dusk" in page
    assert "Orchard in June" not in page


def test_the_look_alikes_own_guest_orders_are_still_theirs(client):
    own = OrderFactory(
        in_galway=True, email=f"ALICE@GMA{DOTLESS_I}L.COM", line__title="Orchard in June"
    )
    alices = OrderFactory(in_galway=True, email="alice@gmail.com", line__title="Harbour at dusk")
    user = UserFactory(email=LOOK_ALIKE, verified=True)

    assert attach_guest_orders(user) == 1
    own.refresh_from_db()
    alices.refresh_from_db()
    assert own.user == user
    assert alices.user is None


def test_an_order_already_attached_is_not_moved(client):
    first = UserFactory(email="alice@gmail.com", verified=True)
    taken = OrderFactory(in_galway=True, user=first, email="alice@gmail.com")
    second = UserFactory(email="alice@example.com", verified=True)
    assert attach_guest_orders(second, ["ALICE@gmail.com"]) == 0
    taken.refresh_from_db()
    assert taken.user == first
