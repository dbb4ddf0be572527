"""Talking to Stripe: Checkout Sessions out, plain dicts back.

Everything Stripe returns is turned into plain dicts (`to_dict()`), and the
webhook parses the verified raw body itself, so the rest of the shop reads
one shape whether a session came from the API or from an event.
"""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.module_loading import import_string

from gallery.images import SHARE_IMAGE

from .tokens import order_token

logger = logging.getLogger(__name__)

PaymentError = stripe.StripeError
# Stripe answers this when a session can no longer be expired (paid, or already expired).
SessionNotOpen = stripe.InvalidRequestError

# When the Stripe calls of the current request must be done by (monotonic clock).
_deadline = ContextVar("stripe_deadline", default=None)
RETRY_PAUSE_SECONDS = 1.0


@contextmanager
def time_budget(seconds):
    """Every Stripe call inside shares `seconds`, retries included."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _timeout_and_retries():
    timeout = settings.STRIPE_TIMEOUT_SECONDS
    deadline = _deadline.get()
    if deadline is None:
        return timeout, 1
    left = deadline - time.monotonic()
    if left < 0.5:
        raise stripe.APIConnectionError("Stripe is too slow: no time left for another call.")
    # Two attempts and the pause between them must fit in what is left.
    two_attempts = (left - RETRY_PAUSE_SECONDS) / 2
    if two_attempts >= 1:
        return min(timeout, two_attempts), 1
    return min(timeout, left), 0


def client():
    timeout, retries = _timeout_and_retries()
    options = {}
    if settings.STRIPE_API_BASE:
        # The local stand-in (development and tests); production refuses this.
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
        **options,
    )


def to_minor(amount):
    """Decimal in the currency's main unit → integer minor units (all shop currencies use 2)."""
    return int((Decimal(amount) * 100).quantize(Decimal("1")))


def account_params(user):
    """What the buyer's account adds to a Checkout Session ({} for none).

    The shop knows no accounts: SHOP_CHECKOUT_PARAMS names a function of the
    user (as allauth's ACCOUNT_ADAPTER names a class), which prefills Stripe's
    page with the buyer's saved address.
    """
    path = settings.SHOP_CHECKOUT_PARAMS
    return import_string(path)(user) if path else {}


def _absolute(request, url):
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)


def _product_image(request, painting):
    """The painting's picture for Stripe's page, or None: a missing picture must not stop a sale."""
    image = painting.image if painting else None
    if image is None:
        return None
    try:
        return _absolute(request, image.get_rendition(SHARE_IMAGE).url)
    except Exception:  # a file that can't be read, storage down, a broken upload
        logger.exception("No product image for %s on Stripe's page", painting)
        return None


def return_urls(request, order):
    """Where Stripe sends the buyer back; the signed order number proves whose order it is."""
    token = urlencode({"order": order_token(order.number)})
    success = _absolute(request, reverse("shop:checkout_success"))
    cancel = _absolute(request, reverse("shop:checkout_cancel"))
    # Stripe fills {CHECKOUT_SESSION_ID} into success_url only.
    return f"{success}?session_id={{CHECKOUT_SESSION_ID}}&{token}", f"{cancel}?{token}"


def create_checkout_session(request, order, country, rates, extra_params=None):
    """Creates the hosted Checkout Session for a freshly reserved order.

    Stripe's page cannot hold a rate to its countries, so the session ships
    only to the `country` chosen in the cart and offers only its `rates`.
    extra_params: what the buyer's account adds (a Stripe Customer to prefill).
    """
    extra_params = extra_params or {}
    currency = order.currency.lower()
    line_items = []
    for line in order.lines.select_related("painting__image"):
        product = {"name": line.title}
        if image_url := _product_image(request, line.painting):
            product["images"] = [image_url]
        line_items.append(
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency,
                    "unit_amount": to_minor(line.price),
                    "product_data": product,
                },
            }
        )
    success_url, cancel_url = return_urls(request, order)
    params = {
        "mode": "payment",
        "line_items": line_items,
        "client_reference_id": order.number,
        "metadata": {"order": order.number},
        "payment_intent_data": {"metadata": {"order": order.number}},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(order.session_ends.timestamp()),
        "shipping_address_collection": {"allowed_countries": [country]},
        "phone_number_collection": {"enabled": True},
    }
    if rates:
        params["shipping_options"] = [
            {
                "shipping_rate_data": {
                    "display_name": rate.name,
                    "type": "fixed_amount",
                    "fixed_amount": {"amount": to_minor(rate.amount), "currency": currency},
                    "delivery_estimate": {
                        "minimum": {"unit": "business_day", "value": rate.min_days},
                        "maximum": {"unit": "business_day", "value": rate.max_days},
                    },
                    "metadata": {"rate": str(rate.pk)},
                }
            }
            for rate in rates
        ]
    if order.email and "customer" not in extra_params:
        params["customer_email"] = order.email
    params.update(extra_params)
    session = client().v1.checkout.sessions.create(
        params=params, options={"idempotency_key": f"checkout-{order.number}"}
    )
    return session.to_dict()


def retrieve_session(session_id):
    return client().v1.checkout.sessions.retrieve(session_id).to_dict()


def expire_session(session_id):
    return client().v1.checkout.sessions.expire(session_id).to_dict()


# Whatever shape Stripe's data takes (a field missing, null, of another type,
# an expanded object where an id was expected), reading it never raises: a
# paid session is always fulfilled, and what looks wrong is flagged instead.


def _mapping(value):
    return value if isinstance(value, dict) else {}


def _text(value):
    if isinstance(value, dict):  # an expanded object where its id was expected
        value = value.get("id")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    # PostgreSQL cannot store NUL in text.
    return str(value).replace("\x00", "").strip()


def _minor_units(value):
    """An amount in minor units as an int, or None when Stripe's value is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def amount_total(session):
    return _minor_units(session.get("amount_total"))


def payment_intent_id(session):
    return _text(session.get("payment_intent"))


def session_reference(session):
    """(session id, our order number) as a Checkout Session names them."""
    number = _text(_mapping(session.get("metadata")).get("order"))
    return _text(session.get("id")), number or _text(session.get("client_reference_id"))


def buyer_details(session, offered_rates):
    """Order fields from a Checkout Session dict (API object or event payload)."""
    customer = _mapping(session.get("customer_details"))
    collected = _mapping(session.get("collected_information"))
    shipping = _mapping(collected.get("shipping_details")) or _mapping(
        session.get("shipping_details")
    )
    address = _mapping(shipping.get("address")) or _mapping(customer.get("address"))
    details = {
        "email": _text(customer.get("email")) or _text(session.get("customer_email")),
        "name": _text(shipping.get("name")) or _text(customer.get("name")),
        "phone": _text(customer.get("phone")),
        "address_line1": _text(address.get("line1")),
        "address_line2": _text(address.get("line2")),
        "city": _text(address.get("city")),
        "postal_code": _text(address.get("postal_code")),
        "state": _text(address.get("state")),
        "country": _text(address.get("country")).upper(),
    }
    cost = _mapping(session.get("shipping_cost"))
    if cost:
        details.update(_shipping_choice(session, cost, offered_rates))
    return details


def _shipping_choice(session, cost, offered_rates):
    """The shipping charged, and the name of the offered rate it was."""
    amount = Decimal(_minor_units(cost.get("amount_total")) or 0) / 100
    chosen = _text(cost.get("shipping_rate"))
    options = session.get("shipping_options")
    options = options if isinstance(options, list) else []
    for index, option in enumerate(options):
        if chosen and _text(_mapping(option).get("shipping_rate")) == chosen:
            if index < len(offered_rates):
                return {"shipping_amount": amount, "shipping_name": offered_rates[index]["name"]}
            break
    names = [r["name"] for r in offered_rates if _decimal(r.get("amount")) == amount]
    return {"shipping_amount": amount, "shipping_name": names[0] if names else ""}


def _decimal(value):
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
