"""What a buyer's browser and Stripe do in tests: press the shop's buttons, deliver events,
follow the stand-in's hosted page. Plain functions; the fixtures stay in conftest.py."""

import json
import re
from urllib.parse import urlsplit

import requests
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from shop import services
from shop.models import ShopSettings

SEARCH_URL = reverse("search")


def post_event(client, standin, event, signature=None):
    """Delivers a Stripe event to the webhook the way the stand-in signs it."""
    payload = event if isinstance(event, bytes) else json.dumps(event).encode()
    return client.post(
        "/checkout/wh/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature or standin.sign(payload),
    )


def choose_destination(client, country):
    """Chooses the country to ship to in the cart, as the buyer does before checkout."""
    return client.post("/cart/destination/", {"country": country})


def checkout_form(client):
    """The fields of the cart page's checkout form, as a browser would submit them."""
    html = client.get("/cart/").content.decode()
    form = re.search(r'<form method="post" action="/checkout/".*?</form>', html, re.S)
    fields = {"painting": re.findall(r'name="painting" value="(\d+)"', form[0]) if form else []}
    country = re.search(r'name="country" value="([^"]*)"', form[0]) if form else None
    if country:
        fields["country"] = country[1]
    return fields


def press_checkout(client, country="FR"):
    """Presses the cart page's Checkout button, shipping to `country` (chosen in the
    cart first; None: to whatever country the cart shows)."""
    if country:
        choose_destination(client, country)
    return client.post("/checkout/", checkout_form(client))


def start_checkout(client, *paintings, country="FR"):
    """Puts the paintings in this browser's cart and presses the cart page's checkout button."""
    for painting in paintings:
        client.post(f"/cart/add/{painting.pk}/")
    return press_checkout(client, country)


def stripe_page(response):
    """The hosted checkout page the shop sent the buyer to."""
    assert response.status_code == 303, response
    page = requests.get(response["Location"], timeout=10)
    assert page.status_code == 200
    return response["Location"], page.text


def press_on_stripe(page_url, page_html, action, **fields):
    """Submits the hosted page's form with one of its buttons; returns where it leads."""
    form_action = re.search(r'<form method="post" action="([^"]+)"', page_html)[1]
    parts = urlsplit(page_url)
    answer = requests.post(
        f"{parts.scheme}://{parts.netloc}{form_action}",
        data={"action": action, **fields},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["Location"]


def pay_on_standin(
    page,
    *,
    email=None,
    name="Berthe Morisot",
    street="12 Rue de Passy",
    city="Paris",
    postcode="75016",
    country="FR",
    shipping=None,
):
    """In Chromium, on the stand-in's hosted checkout page: fills in the buyer's details
    (the e-mail only if given: a signed-in buyer's is there already), picks the
    `shipping` rate by its label if given (else the one the page has chosen), and presses Pay."""
    if email is not None:
        page.get_by_label("Email").fill(email)
    if shipping is not None:
        page.get_by_label(shipping).check()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Address line 1").fill(street)
    page.get_by_label("Town or city").fill(city)
    page.get_by_label("Postcode").fill(postcode)
    page.get_by_label("Country").select_option(country)
    page.get_by_role("button", name="Pay", exact=True).click()


def link_in_last_mail(to=None):
    """The first http(s) URL in the newest e-mail (to `to`, if given)."""
    messages = [m for m in mail.outbox if to is None or to in m.to]
    assert messages, f"no e-mail sent to {to or 'anyone'}"
    match = re.search(r"https?://\S+", messages[-1].body)
    assert match, f"no link in the e-mail:\n{messages[-1].body}"
    return match.group(0)


def cache_keys_like(pattern):
    """How many rows of the database cache's table have a key LIKE `pattern`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pgp_cache WHERE cache_key LIKE %s", [pattern])
        return cursor.fetchone()[0]


def cache_rows(action):
    """Counters of allauth's limit `action` in the database cache's table."""
    return cache_keys_like(f"%allauth:rl:%{action}%")


# --- the page cache ---------------------------------------------------------------


def stored_pages():
    """Pages the page cache holds (database cache)."""
    return cache_keys_like("%pagecache:page:%")


def visit(url, **headers):
    """A visitor without cookies: the response and its page as text."""
    response = Client().get(url, **headers)
    return response, response.content.decode()


def is_hit(response):
    return response.get("X-Page-Cache") == "hit"


def reserve(painting):
    """Reserves the painting for a checkout of 30 minutes; returns the order."""
    return services.reserve_for_checkout(
        [painting.pk], reservation_minutes=30, currency="EUR", session_key="k" * 32
    )


def shop_settings():
    """The default site's shop settings."""
    return ShopSettings.for_site(Site.objects.get(is_default_site=True))


# --- the search page ------------------------------------------------------------


def search_for(client, **params):
    response = client.get(SEARCH_URL, params)
    assert response.status_code == 200
    return response


def titles(response):
    """The titles of the paintings a search or collection page lists, in order."""
    return [painting.title for painting in response.context["paintings"]]
