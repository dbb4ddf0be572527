"""The destination country is chosen in the cart, and Stripe's page offers only
that country and its rates: against the Stripe stand-in over HTTP."""

import re
from decimal import Decimal

import pytest
import requests
from django.core import mail

from gallery.models import GallerySettings
from shop import payments
from shop.destination import from_accept_language
from shop.models import Order, SaleState, ShippingRate
from tests.factories import ShippingRateFactory, StandardPageFactory
from tests.helpers import (
    checkout_form,
    choose_destination,
    press_on_stripe,
    shop_settings,
    start_checkout,
    stripe_page,
)

pytestmark = pytest.mark.django_db

EUROPE = ["DE", "ES", "FR", "IT", "NL", "PT"]
# Countries the shop ships to (its default list) with no rate: AT, BE, CH, …
NO_RATE = "AT"


@pytest.fixture
def world(shop):
    """The demo's rates: Europe €45, worldwide (GB, US) €120, nothing else."""
    ShippingRate.objects.all().delete()
    shop.europe = ShippingRateFactory(
        name="Insured courier – Europe", amount=Decimal("45"), countries=EUROPE
    )
    shop.worldwide = ShippingRateFactory(
        name="Insured courier – worldwide", amount=Decimal("120"), countries=["GB", "US"]
    )
    return shop


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def cart_html(client, **headers):
    response = client.get("/cart/", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def selected_country(html):
    select = re.search(r'<select id="destination".*?</select>', html, re.S)[0]
    return re.search(r'<option value="([A-Z]*)" selected>', select)[1]


def nothing_reserved(standin):
    return (
        not Order.objects.exists() and not SaleState.objects.exists() and not (standin.create_count)
    )


def session_with_rates(session_id):
    """The Checkout Session read back through the stand-in's API, its rates expanded."""
    with payments.time_budget(10):
        session = payments.client().v1.checkout.sessions.retrieve(
            session_id, params={"expand": ["shipping_options.shipping_rate"]}
        )
    return session.to_dict()


# -- Stripe gets one country and its rates ----------------------------------------------


def test_a_us_buyer_is_offered_only_the_us_rates_and_only_the_us(world, buyer, standin):
    response = start_checkout(buyer, world.paintings[0], country="US")

    order = Order.objects.get()
    session = session_with_rates(order.stripe_session_id)
    assert session["shipping_address_collection"] == {"allowed_countries": ["US"]}
    assert [
        (o["shipping_rate"]["display_name"], o["shipping_amount"])
        for o in session["shipping_options"]
    ] == [("Insured courier – worldwide", 12000)]
    assert [r["name"] for r in order.shipping_offered] == ["Insured courier – worldwide"]

    # The hosted page: only the US to ship to, only the worldwide rate.
    _, html = stripe_page(response)
    countries = re.search(r'<select id="country".*?</select>', html, re.S)[0]
    assert re.findall(r'<option value="([^"]*)"', countries) == ["US"]
    assert "Insured courier – worldwide" in html
    assert "Europe" not in html


def test_paying_the_europe_rate_for_a_us_address_is_impossible(world, buyer, standin):
    """The attack the issue describes: a US buyer paying the €45 rate."""
    page_url, html = stripe_page(start_checkout(buyer, world.paintings[0], country="ES"))
    europe_rate = re.search(r'name="shipping_rate" value="([^"]+)"', html)[1]
    form_action = re.search(r'<form method="post" action="([^"]+)"', html)[1]
    answer = requests.post(
        page_url.split("/pay/")[0] + form_action,
        data={
            "action": "pay",
            "shipping_rate": europe_rate,
            "email": "x@example.com",
            "name": "Sam",
            "line1": "1 Main St",
            "city": "Boston",
            "postal_code": "02108",
            "country": "US",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 400
    assert "Choose one of the countries offered." in answer.text
    assert Order.objects.get().status == Order.Status.PENDING


def test_an_es_buyer_gets_the_europe_rate_and_pays_without_review(
    world, buyer, standin, django_capture_on_commit_callbacks
):
    page_url, html = stripe_page(start_checkout(buyer, world.paintings[0], country="ES"))
    session = standin.session(Order.objects.get().stripe_session_id)
    assert session["shipping_address_collection"]["allowed_countries"] == ["ES"]
    assert [o["shipping_amount"] for o in session["shipping_options"]] == [4500]
    assert "Insured courier – Europe" in html and "worldwide" not in html

    success = press_on_stripe(
        page_url,
        html,
        "pay",
        email="carmen@example.com",
        name="Carmen Amaya",
        line1="Carrer de Mallorca 1",
        city="Barcelona",
        postal_code="08013",
        country="ES",
    )
    with django_capture_on_commit_callbacks(execute=True):
        page = buyer.get(success).content.decode()
    order = Order.objects.get()
    assert (order.status, order.needs_review) == (Order.Status.PAID, False)
    assert (order.shipping_name, order.shipping_amount) == ("Insured courier – Europe", 45)
    assert order.amount_paid == Decimal("545.00")
    assert "08013 Barcelona<br>Spain" in page and ">ES<" not in page
    (confirmation,) = [m for m in mail.outbox if m.to == ["carmen@example.com"]]
    assert "\nSpain\n" in confirmation.body


def test_a_country_without_a_rate_cannot_check_out(world, buyer, standin):
    buyer.post(f"/cart/add/{world.paintings[0].pk}/")
    choose_destination(buyer, NO_RATE)
    html = cart_html(buyer)
    assert "We have no shipping rate to Austria yet" in html
    assert re.search(r'<button type="submit" class="button button--primary" disabled', html)

    response = buyer.post("/checkout/", checkout_form(buyer), follow=True)
    assert any("no shipping rate to Austria" in m for m in messages_of(response))
    assert nothing_reserved(standin)


# -- where the cart's country comes from ---------------------------------------------------


@pytest.mark.parametrize(
    "header, country",
    [
        ("es-ES,es;q=0.9,en;q=0.8", "ES"),
        ("en-US,en;q=0.9", "US"),
        ("fr;q=0.4, de-DE;q=0.9", "DE"),
        ("en", ""),
        ("en-ZZ", ""),  # not a country the shop ships to
        ("zh-Hant-TW, pt-PT;q=0.5", "PT"),  # TW is not shipped to; PT is
    ],
)
def test_the_browsers_language_prefills_the_country(world, buyer, header, country):
    buyer.post(f"/cart/add/{world.paintings[0].pk}/")
    response = buyer.get("/cart/", headers={"accept-language": header})
    assert "Accept-Language" in response["Vary"]
    html = response.content.decode()
    assert selected_country(html) == country
    assert checkout_form(buyer).get("country") is None  # the helper's client sent no header
    if country:
        assert "Guessed from your browser's language" in html
    else:
        assert '<option value="" selected>Choose a country</option>' in html
        assert "Choose the country the paintings will be shipped to" in html
        assert re.search(r'class="button button--primary" disabled', html)


@pytest.mark.parametrize(
    "header", ["x" * 5000, "es-ES\x00", "es-\x00ES", ";;;,,,q=", "es-ES;q=abc", "-ES", "ES"]
)
def test_a_hostile_accept_language_guesses_nothing(header):
    assert from_accept_language(header, ["ES", "US"]) is None


def test_changing_the_country_updates_shipping_and_total(world, buyer):
    buyer.post(f"/cart/add/{world.paintings[1].pk}/")  # €1,200
    choose_destination(buyer, "ES")
    html = cart_html(buyer, accept_language="en-US")
    assert selected_country(html) == "ES"  # a choice beats the browser's guess
    assert re.search(r"Shipping to Spain</dt><dd>€45", html)
    assert "€1,245" in html
    assert 'name="country" value="ES"' in html

    choose_destination(buyer, "US")
    html = cart_html(buyer)
    assert re.search(r"Shipping to United States of America</dt><dd>€120", html)
    assert "€1,320" in html
    assert buyer.session["ship_to"] == "US"

    choose_destination(buyer, "")  # "Choose a country" again
    assert "ship_to" not in buyer.session


# -- hostile input -------------------------------------------------------------------------


FORGED = ["ZZ", "CU", "es\x00", "E\x00", "A" * 1000, "<script>", "1"]


@pytest.mark.parametrize("forged", FORGED)
def test_a_forged_country_in_the_cart_is_refused_and_changes_nothing(world, buyer, forged):
    buyer.post(f"/cart/add/{world.paintings[0].pk}/")
    choose_destination(buyer, "ES")
    response = buyer.post("/cart/destination/", {"country": forged}, follow=True)
    assert any("We don't ship to that country" in m for m in messages_of(response))
    assert buyer.session["ship_to"] == "ES"


@pytest.mark.parametrize("forged", [*FORGED, NO_RATE.lower(), ""])
def test_a_forged_country_at_checkout_is_refused_and_nothing_is_reserved(
    world, buyer, standin, forged
):
    painting = world.paintings[0]
    buyer.post(f"/cart/add/{painting.pk}/")
    response = buyer.post("/checkout/", {"painting": [painting.pk], "country": forged}, follow=True)
    said = " ".join(messages_of(response))
    assert (
        "We don't ship to that country" in said
        or "choose the country" in said
        or "no shipping rate to Austria" in said
    ), said
    assert nothing_reserved(standin)


def test_a_forged_rate_changes_nothing(world, buyer, standin):
    painting = world.paintings[0]
    buyer.post(f"/cart/add/{painting.pk}/")
    choose_destination(buyer, "US")
    fields = {**checkout_form(buyer), "shipping_rate": str(world.europe.pk), "rate": "1"}
    assert buyer.post("/checkout/", fields).status_code == 303
    session = standin.session(Order.objects.get().stripe_session_id)
    assert [o["shipping_amount"] for o in session["shipping_options"]] == [12000]


def test_a_stale_cart_from_another_window_is_refused_with_a_message(world, buyer, standin):
    painting = world.paintings[0]
    buyer.post(f"/cart/add/{painting.pk}/")
    choose_destination(buyer, "ES")
    first_window = checkout_form(buyer)  # shows Spain, €45
    choose_destination(buyer, "US")  # the second window

    response = buyer.post("/checkout/", first_window, follow=True)
    said = " ".join(messages_of(response))
    assert "changed to United States of America in another window" in said
    assert "shipping to Spain is out of date" in said
    assert nothing_reserved(standin)
    # The second window's country checks out, with its own rate.
    assert buyer.post("/checkout/", checkout_form(buyer)).status_code == 303
    order = Order.objects.get()
    session = standin.session(order.stripe_session_id)
    assert session["shipping_address_collection"]["allowed_countries"] == ["US"]


def test_a_country_the_shop_stopped_shipping_to_is_not_kept(world, buyer, standin):
    buyer.post(f"/cart/add/{world.paintings[0].pk}/")
    choose_destination(buyer, "US")
    settings = shop_settings()
    settings.shipping_countries = EUROPE
    settings.save()
    html = cart_html(buyer)
    assert selected_country(html) == ""
    response = buyer.post(
        "/checkout/", {"painting": [world.paintings[0].pk], "country": "US"}, follow=True
    )
    assert any("We don't ship to that country" in m for m in messages_of(response))
    assert nothing_reserved(standin)


# -- the terms before paying ------------------------------------------------------------


def test_the_cart_links_shipping_returns_and_privacy_before_checkout(world, buyer):
    terms = StandardPageFactory(parent=world.home, title="Shipping & returns", slug="terms")
    privacy = StandardPageFactory(parent=world.home, title="Privacy", slug="privacy")
    gallery_settings = GallerySettings.for_site(world.site)
    gallery_settings.shipping_returns_page = terms
    gallery_settings.privacy_page = privacy
    gallery_settings.save()
    buyer.post(f"/cart/add/{world.paintings[0].pk}/")
    choose_destination(buyer, "ES")
    html = cart_html(buyer)
    form = re.search(r'<form method="post" action="/checkout/".*?</form>', html, re.S)[0]
    before_button = form.split("<button")[0]
    assert f'<a href="{terms.url}">shipping and returns terms</a>' in before_button
    assert f'<a href="{privacy.url}">privacy notice</a>' in before_button


def test_the_cart_with_a_country_stays_within_the_query_budget(
    world, buyer, django_assert_max_num_queries
):
    for painting in world.paintings:
        buyer.post(f"/cart/add/{painting.pk}/")
    choose_destination(buyer, "ES")
    cart_html(buyer)  # settings rows created, renditions cached, as on a live site
    with django_assert_max_num_queries(15):
        html = cart_html(buyer, accept_language="de-DE")
    assert "Shipping to Spain" in html
