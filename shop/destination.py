"""Where the paintings in the cart will be shipped: the country the buyer chose
in the cart, else a guess from their account or their browser's language.

Stripe's page cannot limit a shipping rate to countries, so the country is
chosen here, before checkout, and the Checkout Session offers only that
country and its rates.
"""

import re

from django.conf import settings
from django.utils.module_loading import import_string
from django_countries.fields import Country

from .models import country_label

SESSION_KEY = "ship_to"
CODE = re.compile(r"[A-Z]{2}")
# A header longer than this is not a browser's: only its start is read.
ACCEPT_LANGUAGE_LIMIT = 500
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


def clean_code(value, shop_countries):
    """The country code in `value` if the shop ships there, else None (whatever was sent)."""
    if not isinstance(value, str) or len(value) != 2:
        return None
    code = value.upper()
    return code if CODE.fullmatch(code) and code in shop_countries else None


def country_choices(shop_countries):
    """(code, name) for each country the shop ships to, by name."""
    return sorted(
        ((code, country_label(Country(code))) for code in shop_countries), key=lambda c: c[1]
    )


def chosen(request, shop_countries):
    """The country chosen in this browser's cart, if the shop still ships there."""
    return clean_code(request.session.get(SESSION_KEY), shop_countries)


def remember(request, code):
    if code:
        request.session[SESSION_KEY] = code
    else:
        request.session.pop(SESSION_KEY, None)


def from_account(user, shop_countries):
    """The country of the buyer's saved address (SHOP_BUYER_COUNTRY names the function:
    the shop knows no accounts)."""
    path = settings.SHOP_BUYER_COUNTRY
    if not path or not user.is_authenticated:
        return None
    return clean_code(import_string(path)(user), shop_countries)


def from_accept_language(header, shop_countries):
    """The region of the browser's most preferred language that names a country the
    shop ships to: `es-ES` → ES, `en-US,en;q=0.9` → US; `en` alone says no country."""
    tags = []
    for position, part in enumerate(header[:ACCEPT_LANGUAGE_LIMIT].split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not LANGUAGE_TAG.match(tag):
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        tags.append((-quality, position, tag))
    for _, _, tag in sorted(tags):
        for subtag in tag.split("-")[1:]:
            if code := clean_code(subtag, shop_countries):
                return code
    return None


def for_cart(request, shop_countries):
    """(code or None, how it was found): the cart's choice, the account's, the browser's."""
    if code := chosen(request, shop_countries):
        return code, "chosen"
    if code := from_account(request.user, shop_countries):
        return code, "account"
    header = request.headers.get("Accept-Language", "")
    if code := from_accept_language(header, shop_countries):
        return code, "browser"
    return None, ""
