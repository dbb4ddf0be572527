"""Buying prints through the site, over HTTP: the cart, its refusals, checkout at the
stand-in, the number named everywhere, and shipping rates for prints or originals."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop import services
from shop.models import Order, PrintNumber, SaleState, ShippingRate, WorkKind
from shop.sale_status import SaleStatus
from tests.factories import UserFactory, add_edition, shop_tree
from tests.helpers import choose_destination, post_event

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
BUYER = {"name": "Ada Lovelace", "email": "ada@example.com", "line1": "1 Rue", "city": "Paris",
         "postal_code": "75001", "country": "FR"}  # fmt: skip


@pytest.fixture
def shop(db):
    return shop_tree(prices=("2400.00", "900.00"))


@pytest.fixture
def edition(shop):
    return add_edition(shop.paintings[0], size=30, proofs=3, price="180.00")


def add_print(client, edition, quantity="1", proof=None, **headers):
    data = {"quantity": quantity, "next": "/"}
    if proof is not None:
        data["proof"] = proof
    return client.post(f"/cart/add-print/{edition.pk}/", data, **{**ORIGIN, **headers})


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def checkout_fields(client):
    """What the cart page's Checkout form posts."""
    html = client.get("/cart/").content.decode()
    form = re.search(r'<form method="post" action="/checkout/".*?</form>', html, re.S)
    if form is None:
        return {}
    fields = {
        "painting": re.findall(r'name="painting" value="(\d+)"', form[0]),
        "print": re.findall(r'name="print" value="([\w-]+)"', form[0]),
    }
    if country := re.search(r'name="country" value="([^"]*)"', form[0]):
        fields["country"] = country[1]
    return fields


def press_checkout(client, country="FR"):
    choose_destination(client, country)
    return client.post("/checkout/", checkout_fields(client), follow=False)


def reserved_numbers(edition, order=None):
    numbers = PrintNumber.objects.filter(edition=edition, status=SaleStatus.RESERVED)
    if order is not None:
        numbers = numbers.filter(order=order)
    return sorted(numbers.values_list("number", flat=True))


def take(edition, count):
    """Other buyers reserve `count` numbers of the edition (five to a checkout)."""
    while count > 0:
        services.reserve_for_checkout(
            [], prints={(edition.pk, False): min(count, 5)}, reservation_minutes=30, currency="EUR"
        )
        count -= 5


# -- the cart -------------------------------------------------------------------


def test_a_print_in_the_cart_is_named_priced_and_counted(shop, edition, buyer):
    response = add_print(buyer, edition, "2")
    assert response.status_code == 302 and response["Location"] == "/"
    buyer.post(f"/cart/add/{shop.paintings[1].pk}/")

    response = buyer.get("/cart/")
    html = response.content.decode()
    assert "Painting 1 — Giclée on cotton rag, 50 × 35 cm" in html
    assert "30 of 30 left" in html
    assert "2 × €180" in html and "€360" in html
    assert re.search(r"Subtotal</dt><dd>€1,260", html)  # 900 + 2 × 180
    assert buyer.cookies["cart_count"].value == "3"  # one original and two prints
    assert f'name="print" value="{edition.pk}"' in html


def test_print_lines_cost_the_same_queries_however_many(shop, buyer):
    editions = [add_edition(painting, size=10, proofs=0) for painting in shop.paintings]
    add_print(buyer, editions[0])
    buyer.get("/cart/")
    with CaptureQueriesContext(connection) as one:
        buyer.get("/cart/")
    for edition in editions[1:]:
        add_print(buyer, edition, "3")
    buyer.post(f"/cart/add/{shop.paintings[1].pk}/")
    with CaptureQueriesContext(connection) as more:
        assert buyer.get("/cart/").status_code == 200
    assert len(more) <= len(one) + 1  # + the originals' sale state, once
    print(f"\ncart page: {len(one)} queries with 1 print line, {len(more)} with 2 + an original")
    assert buyer.cookies["cart_count"].value == "5"


def test_adding_again_raises_the_quantity_up_to_five(edition, buyer):
    add_print(buyer, edition, "3")
    response = add_print(buyer, edition, "4")
    assert buyer.session["cart"] == [{"edition": edition.pk, "proof": False, "quantity": 5}]
    assert any("You now have 5" in m and "the most one checkout takes" in m for m in said(response))

    response = add_print(buyer, edition, "1")
    assert response["Location"] == reverse("shop:cart")
    assert any("You already have 5" in m for m in said(response))
    assert buyer.session["cart"][0]["quantity"] == 5


@pytest.mark.parametrize(
    "quantity", ["abc", "1\x00", "\x00", "1" * 31, "-1", "0", "6", "2.5", " ", "٣", "1e2"]
)
def test_a_bad_quantity_is_refused_and_changes_nothing(edition, buyer, quantity):
    response = add_print(buyer, edition, quantity)
    assert response.status_code == 302
    assert any("1 to 5" in m for m in said(response))
    assert buyer.session.get("cart", []) == []


def test_more_than_are_left_is_refused_and_nothing_added(edition, buyer):
    take(edition, 27)
    response = add_print(buyer, edition, "4")
    assert said(response) == ["Only 3 of this edition are left."]
    assert buyer.session.get("cart", []) == []
    add_print(buyer, edition, "2")
    response = add_print(buyer, edition, "2")  # 4 in all
    assert "Only 3 of this edition are left." in said(response)
    assert buyer.session["cart"][0]["quantity"] == 2


def test_proofs_only_when_the_artist_offers_them(edition, buyer):
    response = add_print(buyer, edition, "1", proof="1")
    assert any("Artist's proofs" in m and "not for sale" in m for m in said(response))
    assert add_print(buyer, edition, "1", proof="yes").status_code == 302
    assert buyer.session.get("cart", []) == []

    edition.offer_proofs, edition.proof_price = True, Decimal("400.00")
    edition.save()
    add_print(buyer, edition, "1", proof="1")
    assert buyer.session["cart"] == [{"edition": edition.pk, "proof": True, "quantity": 1}]
    html = buyer.get("/cart/").content.decode()
    assert "Painting 1 — Artist&#x27;s proof — Giclée" in html and "€400" in html


def test_bots_and_other_sites_cannot_add(shop, edition, buyer):
    # The test client skips the same-origin check as it skips CSRF, unless told not to.
    bot = Client(enforce_csrf_checks=True)
    assert add_print(bot, edition, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert add_print(bot, edition, HTTP_ORIGIN="null").status_code == 403
    assert add_print(bot, edition, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert bot.post(f"/cart/add-print/{edition.pk}/", {"quantity": "1"}).status_code == 403
    assert bot.session.get("cart", []) == []
    assert add_print(bot, edition).status_code == 302  # from our own page, no token needed
    assert bot.session["cart"] == [{"edition": edition.pk, "proof": False, "quantity": 1}]
    assert buyer.get(f"/cart/add-print/{edition.pk}/").status_code == 405
    assert add_print(buyer, type(edition)(pk=10**6)).status_code == 404
    page = shop.paintings[0]
    page.unpublish()
    assert add_print(buyer, edition).status_code == 404
    assert buyer.session.get("cart", []) == []


def test_a_withdrawn_edition_is_refused_and_left_out_of_checkout(shop, edition, buyer, standin):
    add_print(buyer, edition, "2")
    buyer.post(f"/cart/add/{shop.paintings[1].pk}/")
    edition.for_sale = False
    edition.save()

    assert any("not offered for sale" in m for m in said(add_print(buyer, edition)))
    html = buyer.get("/cart/").content.decode()
    assert "No longer offered — not included in checkout" in html
    assert press_checkout(buyer).status_code == 303
    order = Order.objects.get()
    assert [line.is_print for line in order.lines.all()] == [False]
    assert reserved_numbers(edition) == []


def test_a_deleted_edition_or_unpublished_page_is_not_included(shop, edition, buyer, standin):
    add_print(buyer, edition, "1")
    shop.paintings[0].unpublish()
    html = buyer.get("/cart/").content.decode()
    assert "A print that is no longer offered — not included in checkout" in html
    response = press_checkout(buyer)
    assert "None of the works in your cart can be bought right now." in said(response)

    edition_id = edition.pk
    edition.delete()
    assert buyer.get("/cart/").status_code == 200
    buyer.post(f"/cart/prints/{edition_id}/remove/")
    assert buyer.session["cart"] == []
    assert buyer.cookies["cart_count"].value == ""


def test_a_tampered_session_is_cut_down_to_what_a_cart_may_hold(shop, edition, buyer, standin):
    session = buyer.session
    session["cart"] = [
        *({"edition": edition.pk + n, "proof": False, "quantity": 5} for n in range(500)),
        {"edition": edition.pk, "proof": "no", "quantity": 2},
        {"edition": True, "proof": False, "quantity": 1},
        {"edition": edition.pk, "proof": False, "quantity": 10**30},
        {"edition": edition.pk, "proof": False},
        "x",
        None,
    ]
    session.save()

    html = buyer.get("/cart/").content.decode()
    assert buyer.cookies["cart_count"].value == "50"  # ten choices of five, the rest dropped
    assert html.count("A print that is no longer offered") == 9
    assert press_checkout(buyer).status_code == 303
    assert reserved_numbers(edition) == [1, 2, 3, 4, 5]  # the one real edition, five at most


def test_quantity_and_remove_on_the_cart_page(edition, buyer):
    add_print(buyer, edition, "1")
    buyer.post(f"/cart/prints/{edition.pk}/", {"quantity": "4"})
    assert buyer.session["cart"][0]["quantity"] == 4
    response = buyer.post(f"/cart/prints/{edition.pk}/", {"quantity": "9"})
    assert any("1 to 5" in m for m in said(response))
    take(edition, 27)
    response = buyer.post(f"/cart/prints/{edition.pk}/", {"quantity": "5"})
    assert "Only 3 of this edition are left." in said(response)
    assert buyer.session["cart"][0]["quantity"] == 4
    html = buyer.get("/cart/").content.decode()
    assert "Only 3 left" in html and "please lower the quantity" in html
    buyer.post(f"/cart/prints/{edition.pk}/", {"quantity": "2"})
    assert buyer.session["cart"][0]["quantity"] == 2

    csrf = Client(enforce_csrf_checks=True)
    assert csrf.post(f"/cart/prints/{edition.pk}/remove/").status_code == 403
    buyer.post(f"/cart/prints/{edition.pk}/remove/", {"proof": "1"})  # not the proofs line
    assert len(buyer.session["cart"]) == 1
    buyer.post(f"/cart/prints/{edition.pk}/remove/")
    assert buyer.session["cart"] == []


# -- checkout -------------------------------------------------------------------


def test_checkout_reserves_the_lowest_numbers_and_names_them_at_stripe(
    shop, edition, buyer, standin
):
    take(edition, 2)  # numbers 1 and 2 go to another buyer
    add_print(buyer, edition, "3")
    buyer.post(f"/cart/add/{shop.paintings[1].pk}/")

    response = press_checkout(buyer)

    assert response.status_code == 303
    order = Order.objects.exclude(stripe_session_id=None).get()
    assert reserved_numbers(edition, order) == [3, 4, 5]
    assert order.subtotal == Decimal("1440.00")
    items = standin.line_items(order.stripe_session_id)
    assert [(i["description"], i["quantity"], i["amount_total"]) for i in items] == [
        ("Painting 2", 1, 90000),
        ("Painting 1 — Giclée on cotton rag, 50 × 35 cm, 3/30", 1, 18000),
        ("Painting 1 — Giclée on cotton rag, 50 × 35 cm, 4/30", 1, 18000),
        ("Painting 1 — Giclée on cotton rag, 50 × 35 cm, 5/30", 1, 18000),
    ]
    assert standin.session(order.stripe_session_id)["amount_subtotal"] == 144000


def test_asking_for_five_when_three_are_left_reserves_nothing(edition, buyer, standin):
    add_print(buyer, edition, "5")
    take(edition, 27)
    created, orders = standin.create_count, Order.objects.count()

    response = press_checkout(buyer)

    assert response.status_code == 302 and response["Location"] == "/cart/"
    (message,) = said(response)
    assert "Sorry, these can't be bought right now" in message
    assert "5 prints of “Painting 1” (Giclée on cotton rag, 50 × 35 cm): only 3 left" in message
    assert reserved_numbers(edition) == list(range(1, 28))  # only the other buyer's
    assert Order.objects.count() == orders and standin.create_count == created


def test_back_from_stripe_the_buyer_is_not_locked_out_by_their_own_prints(edition, buyer, standin):
    take(edition, 27)
    add_print(buyer, edition, "3")
    first = press_checkout(buyer)
    assert first.status_code == 303
    earlier = Order.objects.exclude(stripe_session_id=None).get()

    # The Back button: the cart page again, the three numbers held by their own checkout.
    html = buyer.get("/cart/").content.decode()
    assert "Sold out" not in html and "not included" not in html
    again = press_checkout(buyer)

    assert again.status_code == 303, said(again)
    earlier.refresh_from_db()
    assert earlier.status == Order.Status.CANCELLED
    latest = Order.objects.exclude(stripe_session_id=None).latest("pk")
    assert reserved_numbers(edition, latest) == [28, 29, 30]
    assert standin.session(earlier.stripe_session_id)["status"] == "expired"


def test_removing_a_print_ends_its_checkout_but_buying_the_original_does_not(
    shop, edition, buyer, standin
):
    add_print(buyer, edition, "1")
    assert press_checkout(buyer).status_code == 303
    removed = Order.objects.get()
    buyer.post(f"/cart/prints/{edition.pk}/remove/")
    removed.refresh_from_db()
    assert removed.status == Order.Status.CANCELLED and reserved_numbers(edition) == []

    add_print(buyer, edition, "1")
    assert press_checkout(buyer).status_code == 303
    prints_order = Order.objects.latest("pk")
    # Back, the painting's original added, checked out alone: the print checkout goes on.
    buyer.post(f"/cart/add/{shop.paintings[0].pk}/")
    fields = {**checkout_fields(buyer), "print": []}
    assert buyer.post("/checkout/", fields).status_code == 303
    prints_order.refresh_from_db()
    assert prints_order.status == Order.Status.PENDING
    assert reserved_numbers(edition, prints_order) == [1]


def test_removing_a_print_while_stripe_is_unreachable_still_removes_it(
    shop, edition, buyer, standin, settings, caplog
):
    add_print(buyer, edition, "1")
    assert press_checkout(buyer).status_code == 303
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = buyer.post(f"/cart/prints/{edition.pk}/remove/")
    assert said(response) == ["Removed from your cart."]
    assert not buyer.session.get("cart")
    # The checkout holds its number until it lapses (or the buyer's next one ends it).
    assert Order.objects.get().status == Order.Status.PENDING
    assert reserved_numbers(edition) == [1]
    assert "Could not end the checkout of removed work" in caplog.text


def test_too_many_prints_in_one_checkout_is_refused(shop, buyer, settings, standin):
    settings.SHOP_MAX_PRINTS_PER_CHECKOUT = 6
    first, second = (add_edition(p, size=10, proofs=0) for p in shop.paintings)
    add_print(buyer, first, "5")
    add_print(buyer, second, "2")
    response = press_checkout(buyer)
    assert said(response) == [
        "One checkout takes at most 6 prints: please remove some, or write to us through "
        "the contact page to buy more at once."
    ]
    assert not PrintNumber.objects.filter(status=SaleStatus.RESERVED).exists()


def test_cancel_keeps_prints_and_success_removes_them(
    shop, edition, buyer, standin, django_capture_on_commit_callbacks
):
    add_print(buyer, edition, "2")
    press_checkout(buyer)
    order = Order.objects.get()
    buyer.get(f"/checkout/cancel/?session_id={order.stripe_session_id}")
    assert buyer.session["cart"] == [{"edition": edition.pk, "proof": False, "quantity": 2}]
    assert reserved_numbers(edition) == []

    # The print of Painting 1 bought alone: its original stays in the cart.
    buyer.post(f"/cart/add/{shop.paintings[0].pk}/")
    choose_destination(buyer, "FR")
    fields = {**checkout_fields(buyer), "painting": []}
    assert buyer.post("/checkout/", fields).status_code == 303
    order = Order.objects.latest("pk")
    standin.complete(order.stripe_session_id, paid=True, deliver=False, details=BUYER)
    with django_capture_on_commit_callbacks(execute=True):
        buyer.get(f"/checkout/success/?session_id={order.stripe_session_id}")
    assert buyer.session["cart"] == [shop.paintings[0].pk]


def test_success_removes_what_was_bought_once_and_keeps_what_another_tab_added(
    shop, edition, buyer, standin, django_capture_on_commit_callbacks
):
    add_print(buyer, edition, "2")
    choose_destination(buyer, "FR")
    assert buyer.post("/checkout/", checkout_fields(buyer)).status_code == 303
    order = Order.objects.get()
    add_print(buyer, edition, "1")  # another tab, while paying: 3 in the cart now
    assert buyer.session["cart"] == [{"edition": edition.pk, "proof": False, "quantity": 3}]
    standin.complete(order.stripe_session_id, paid=True, deliver=False, details=BUYER)
    success = f"/checkout/success/?session_id={order.stripe_session_id}"
    with django_capture_on_commit_callbacks(execute=True):
        assert buyer.get(success).status_code == 200
    assert buyer.session["cart"] == [{"edition": edition.pk, "proof": False, "quantity": 1}]
    assert buyer.get(success).status_code == 200  # reloaded: the 1 left stays
    assert buyer.session["cart"] == [{"edition": edition.pk, "proof": False, "quantity": 1}]


# -- the number, everywhere ---------------------------------------------------------


def test_the_number_is_named_on_every_page_and_e_mail(
    shop, edition, standin, shop_manager, django_capture_on_commit_callbacks
):
    edition.offer_proofs, edition.proof_price = True, Decimal("400.00")
    edition.save()
    take(edition, 6)
    user = UserFactory(verified=True, email="ada@example.com")
    client = Client()
    client.force_login(user)
    add_print(client, edition, "1")
    add_print(client, edition, "1", proof="1")
    assert press_checkout(client).status_code == 303
    order = Order.objects.exclude(stripe_session_id=None).get()
    print_title = "Painting 1 — Giclée on cotton rag, 50 × 35 cm, 7/30"
    proof_title = "Painting 1 — Giclée on cotton rag, 50 × 35 cm, AP 1/3"
    assert [line.title for line in order.lines.all()] == [print_title, proof_title]

    event = standin.complete(order.stripe_session_id, deliver=False, details=BUYER)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(Client(), standin, event).status_code == 200
        success = client.get(f"/checkout/success/?session_id={order.stripe_session_id}")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID

    (confirmation,) = [m for m in mail.outbox if m.to == ["ada@example.com"]]
    artist = next(m for m in mail.outbox if m.to == ["artist@example.com"])
    account = client.get(f"/account/orders/{order.number}/")
    admin = shop_manager.get(reverse("shop_orders:inspect", args=[order.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_shipped(order.pk, carrier="La Poste", tracking_number="LP1")
    shipping = [m for m in mail.outbox if m.to == ["ada@example.com"]][-1]
    assert shipping is not confirmation

    for where, text in [
        ("success page", success.content.decode()),
        ("confirmation", confirmation.body),
        ("confirmation html", confirmation.alternatives[0][0]),
        ("artist notice", artist.body),
        ("shipping notice", shipping.body),
        ("account order", account.content.decode()),
        ("admin order", admin.content.decode()),
    ]:
        for title in (print_title, proof_title):
            assert title in text.replace("&#x27;", "'"), f"{where} does not name {title}"


# -- shipping rates for originals, prints or both ------------------------------------


def rate_names(client):
    return [
        name
        for name in re.findall(r"<li>([^<:]+): €", client.get("/cart/").content.decode())
        if name
    ]


def test_rates_offered_are_those_that_carry_everything_in_the_cart(shop, edition, buyer, standin):
    tube = ShippingRate.objects.create(
        name="Tracked post, rolled in a tube", amount=Decimal("15"), applies_to=WorkKind.PRINTS
    )
    crate = ShippingRate.objects.create(
        name="Crated courier", amount=Decimal("150"), applies_to=WorkKind.ORIGINALS
    )
    both = [rate.name for rate in shop.rates]
    choose_destination(buyer, "FR")

    add_print(buyer, edition, "1")
    assert sorted(rate_names(buyer)) == sorted([*both, tube.name])
    buyer.post(f"/cart/add/{shop.paintings[1].pk}/")
    assert sorted(rate_names(buyer)) == sorted(both)
    buyer.post(f"/cart/prints/{edition.pk}/remove/")
    assert sorted(rate_names(buyer)) == sorted([*both, crate.name])

    # Only the tube left: a cart of prints checks out with it, a mixed cart is told why not.
    ShippingRate.objects.exclude(pk=tube.pk).delete()
    add_print(buyer, edition, "1")
    response = press_checkout(buyer)
    assert "carries originals and prints together" in said(response)[0]
    assert not SaleState.objects.filter(status=SaleStatus.RESERVED).exists()
    buyer.post(f"/cart/remove/{shop.paintings[1].pk}/")
    assert press_checkout(buyer).status_code == 303
    order = Order.objects.exclude(stripe_session_id=None).get()
    options = standin.session(order.stripe_session_id)["shipping_options"]
    assert len(options) == 1


def test_a_mixed_cart_without_a_rate_for_both_says_to_check_out_one_kind_at_a_time(
    shop, edition, buyer
):
    ShippingRate.objects.all().delete()
    ShippingRate.objects.create(name="Tube", amount=Decimal("15"), applies_to=WorkKind.PRINTS)
    ShippingRate.objects.create(name="Crate", amount=Decimal("150"), applies_to=WorkKind.ORIGINALS)
    choose_destination(buyer, "FR")
    add_print(buyer, edition, "1")
    buyer.post(f"/cart/add/{shop.paintings[1].pk}/")
    html = buyer.get("/cart/").content.decode()
    assert "carries originals and prints together" in html
    assert "We have no shipping rate to France yet" not in html

    buyer.post(f"/cart/prints/{edition.pk}/remove/", {"proof": ""})
    html = buyer.get("/cart/").content.decode()
    assert "together" not in html and "Crate" in html


def test_removing_a_print_keeps_the_original_reserved_with_it(shop, edition, buyer, standin):
    """Back from Stripe, then Remove the print: the painting still in the cart stays the
    buyer's; the next checkout ends the old one and takes it over."""
    painting = shop.paintings[1]
    add_print(buyer, edition, "1")
    buyer.post(f"/cart/add/{painting.pk}/")
    assert press_checkout(buyer).status_code == 303
    buyer.post(f"/cart/prints/{edition.pk}/remove/", {"proof": ""})
    state = SaleState.objects.get(painting=painting)
    assert state.status == SaleStatus.RESERVED and state.order_id is not None

    assert press_checkout(buyer).status_code == 303
    order = SaleState.objects.get(painting=painting).order
    assert not order.lines.filter(is_print=True).exists()
    assert PrintNumber.objects.filter(edition=edition, status=SaleStatus.RESERVED).count() == 0


def test_removing_everything_a_checkout_held_frees_it(shop, edition, buyer, standin):
    add_print(buyer, edition, "2")
    assert press_checkout(buyer).status_code == 303
    assert PrintNumber.objects.filter(edition=edition, status=SaleStatus.RESERVED).count() == 2
    buyer.post(f"/cart/prints/{edition.pk}/remove/", {"proof": ""})
    assert PrintNumber.objects.filter(edition=edition, status=SaleStatus.RESERVED).count() == 0
