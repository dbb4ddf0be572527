"""Talking to Stripe: Checkout Sessions out, plain dicts back.

Everything Stripe returns is turned into plain dicts (`to_dict()`), and the
webhook parses the verified raw body itself, so the rest of the shop reads
one shape whether a session came from the API or from an event.
"""

from decimal import Decimal

import stripe
from django.conf import settings
from django.urls import reverse

from .models import ShippingRate
from .services import to_minor

PaymentError = stripe.StripeError


def client():
    options = {}
    if settings.STRIPE_API_BASE:
        # The local stand-in (development and tests); production refuses this.
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
        **options,
    )


def offered_shipping_rates():
    """The rates offered at checkout (Stripe takes at most five).

    Checkout cannot offer a rate by country; fulfilment flags an order whose
    address is outside the countries of the rate the buyer chose.
    """
    return list(ShippingRate.objects.all()[:5])


def _absolute(request, url):
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)


def create_checkout_session(request, order, shop_settings, rates, extra_params=None):
    """Creates the hosted Checkout Session for a freshly reserved order.

    extra_params: what the buyer's account adds (a Stripe Customer to prefill).
    """
    extra_params = extra_params or {}
    from gallery.models import SHARE_IMAGE

    currency = order.currency.lower()
    line_items = []
    for line in order.lines.select_related("painting__image"):
        product = {"name": line.title}
        image = line.painting.image if line.painting else None
        if image is not None:
            product["images"] = [_absolute(request, image.get_rendition(SHARE_IMAGE).url)]
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
    success = _absolute(request, reverse("shop:checkout_success"))
    params = {
        "mode": "payment",
        "line_items": line_items,
        "client_reference_id": order.number,
        "metadata": {"order": order.number},
        "payment_intent_data": {"metadata": {"order": order.number}},
        "success_url": success + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": _absolute(request, reverse("shop:checkout_cancel"))
        + "?session_id={CHECKOUT_SESSION_ID}",
        "expires_at": int(order.session_ends.timestamp()),
        "shipping_address_collection": {"allowed_countries": shop_settings.country_list},
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


def buyer_details(session, offered_rates):
    """Order fields from a Checkout Session dict (API object or event payload)."""
    customer = session.get("customer_details") or {}
    collected = session.get("collected_information") or {}
    shipping = collected.get("shipping_details") or session.get("shipping_details") or {}
    address = shipping.get("address") or customer.get("address") or {}
    details = {
        "email": customer.get("email") or session.get("customer_email") or "",
        "name": shipping.get("name") or customer.get("name") or "",
        "phone": customer.get("phone") or "",
        "address_line1": address.get("line1") or "",
        "address_line2": address.get("line2") or "",
        "city": address.get("city") or "",
        "postal_code": address.get("postal_code") or "",
        "state": address.get("state") or "",
        "country": (address.get("country") or "")[:2],
    }
    cost = session.get("shipping_cost") or {}
    if cost:
        details["shipping_amount"] = offered_amount = Decimal(cost.get("amount_total") or 0) / 100
        chosen = cost.get("shipping_rate")
        options = session.get("shipping_options") or []
        for index, option in enumerate(options):
            if option.get("shipping_rate") == chosen and index < len(offered_rates):
                details["shipping_name"] = offered_rates[index]["name"]
                break
        else:
            names = [r["name"] for r in offered_rates if Decimal(r["amount"]) == offered_amount]
            details["shipping_name"] = names[0] if names else ""
    return details
