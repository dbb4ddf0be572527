"""Checking a Checkout Session's create parameters, and building what they describe.

Each function checks one part of ``POST /v1/checkout/sessions`` the way
Stripe does (same messages, same ``param``) and returns it in Stripe's object
shape: line items with their prices, shipping rates, the expiry, the
``customer_update`` choices. Unknown parameters are rejected, so that a typo
in the shop fails here rather than against the real API.
"""

import re

from . import forms
from .errors import StripeError, missing, no_such
from .ids import new_id

# Codes Stripe's API reference lists as unsupported for allowed_countries.
UNSUPPORTED_SHIPPING_COUNTRIES = frozenset(
    {"AS", "CX", "CC", "CU", "HM", "IR", "KP", "MH", "FM", "NF", "MP", "PW", "SY", "UM", "VI"}
)

# Stripe's documented bounds for a Checkout Session's expires_at.
MIN_EXPIRY_SECONDS = 30 * 60
MAX_EXPIRY_SECONDS = 24 * 60 * 60

# Top-level create parameters that are accepted. Most of the list is accepted
# and ignored.
ACCEPTED_CREATE_PARAMS = frozenset(
    {
        "allow_promotion_codes",
        "automatic_tax",
        "billing_address_collection",
        "cancel_url",
        "client_reference_id",
        "consent_collection",
        "currency",
        "custom_text",
        "customer",
        "customer_creation",
        "customer_email",
        "customer_update",
        "expand",
        "expires_at",
        "invoice_creation",
        "line_items",
        "locale",
        "metadata",
        "mode",
        "payment_intent_data",
        "payment_method_types",
        "phone_number_collection",
        "shipping_address_collection",
        "shipping_options",
        "submit_type",
        "success_url",
        "ui_mode",
    }
)
EXPANDABLE_SESSION_FIELDS = frozenset(
    {"line_items", "shipping_cost.shipping_rate", "shipping_options.shipping_rate"}
)
# What a Checkout Session may save back onto its Customer, and how.
CUSTOMER_UPDATE_FIELDS = ("address", "name", "shipping")
CUSTOMER_UPDATE_CHOICES = ("auto", "never")


def return_urls(params: dict) -> tuple[str, str | None]:
    """Check mode, unknown and required parameters; return (success_url, cancel_url)."""
    if not params.get("mode"):
        raise missing("mode")
    if params["mode"] != "payment":
        raise StripeError("The Stripe stand-in only supports mode=payment.", param="mode")
    forms.reject_unknown(params, ACCEPTED_CREATE_PARAMS)
    if not params.get("line_items"):
        raise missing("line_items")
    if not params.get("success_url"):
        raise missing("success_url")
    success_url = forms.url(params["success_url"], "success_url")
    cancel_url = forms.url(params["cancel_url"], "cancel_url") if params.get("cancel_url") else None
    return success_url, cancel_url


def customer_id(params: dict) -> str | None:
    if params.get("customer") and params.get("customer_email"):
        raise StripeError(
            "You may only specify one of these parameters: customer, customer_email.",
            param="customer_email",
        )
    return params.get("customer") or None


def customer_update(raw, customer: str | None) -> dict:
    """Which details completing the session saves onto its Customer ("never" unless asked)."""
    choices = dict.fromkeys(CUSTOMER_UPDATE_FIELDS, "never")
    if not raw:
        return choices
    if not customer:
        raise StripeError(
            "`customer_update` can only be used with `customer`.", param="customer_update"
        )
    raw = forms.mapping(raw, "customer_update")
    forms.reject_unknown(raw, CUSTOMER_UPDATE_FIELDS, "customer_update")
    for key, value in raw.items():
        if value not in CUSTOMER_UPDATE_CHOICES:
            raise StripeError(
                f"Invalid customer_update[{key}]: must be one of auto or never",
                param=f"customer_update[{key}]",
            )
    return {**choices, **raw}


def expires_at(params: dict, now: int) -> int:
    """expires_at, between 30 minutes and 24 hours from now (default: 24 hours)."""
    if not params.get("expires_at"):
        return now + MAX_EXPIRY_SECONDS
    expiry = forms.integer(params["expires_at"], "expires_at")
    if expiry - now < MIN_EXPIRY_SECONDS:
        raise StripeError(
            "The `expires_at` timestamp must be at least 30 minutes from Checkout "
            "Session creation.",
            param="expires_at",
        )
    if expiry - now > MAX_EXPIRY_SECONDS:
        raise StripeError(
            "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
            param="expires_at",
        )
    return expiry


# -- line items ------------------------------------------------------------------


def line_items(raw) -> tuple[str, list[dict]]:
    """(currency, items): every item with price_data, all in one currency."""
    currency = None
    items = []
    for index, item in enumerate(forms.array(raw, "line_items")):
        item = _line_item(forms.mapping(item, f"line_items[{index}]"), index, currency)
        currency = item["currency"]
        items.append(item)
    return currency, items


def _line_item(item: dict, index: int, currency: str | None) -> dict:
    prefix = f"line_items[{index}]"
    if item.get("price"):
        raise StripeError(
            f"No such price: '{item['price']}' (the stand-in only supports price_data)",
            param=f"{prefix}[price]",
            code="resource_missing",
        )
    if not item.get("price_data"):
        raise missing(f"{prefix}[price_data]")
    prefix += "[price_data]"
    price_data = forms.mapping(item["price_data"], prefix)
    for name in ("currency", "unit_amount", "product_data"):
        if price_data.get(name) in (None, ""):
            raise missing(f"{prefix}[{name}]")
    product_data = forms.mapping(price_data["product_data"], f"{prefix}[product_data]")
    if not product_data.get("name"):
        raise missing(f"{prefix}[product_data][name]")
    item_currency = str(price_data["currency"]).lower()
    if currency is not None and item_currency != currency:
        raise StripeError("All line items must use the same currency.", param=f"{prefix}[currency]")
    unit_amount = forms.integer(price_data["unit_amount"], f"{prefix}[unit_amount]", minimum=0)
    if "quantity" not in item:
        raise missing(f"line_items[{index}][quantity]")
    quantity = forms.integer(item["quantity"], f"line_items[{index}][quantity]", minimum=1)
    return _item_object(product_data, item_currency, unit_amount, quantity)


def _item_object(product_data: dict, currency: str, unit_amount: int, quantity: int) -> dict:
    amount = unit_amount * quantity
    return {
        "id": None,
        "object": "item",
        "amount_discount": 0,
        "amount_subtotal": amount,
        "amount_tax": 0,
        "amount_total": amount,
        "currency": currency,
        "description": product_data["name"],
        "price": {
            "id": new_id("price_"),
            "object": "price",
            "active": False,
            "currency": currency,
            "livemode": False,
            "metadata": {},
            "product": new_id("prod_", 14),
            "type": "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": str(unit_amount),
        },
        "quantity": quantity,
        # Not in Stripe's item object (it is on the Product); kept so the
        # hosted page can show it.
        "images": list(product_data.get("images") or []),
    }


# -- shipping --------------------------------------------------------------------


def shipping_rates(raw, currency: str, known: dict[str, dict], now: int) -> list[dict]:
    """The session's shipping rates: existing ones by id, or new ones from shipping_rate_data."""
    if not raw:
        return []
    options = forms.array(raw, "shipping_options")
    if len(options) > 5:
        raise StripeError("You can pass at most 5 shipping options.", param="shipping_options")
    rates = []
    for index, option in enumerate(options):
        prefix = f"shipping_options[{index}]"
        option = forms.mapping(option, prefix)
        if option.get("shipping_rate"):
            existing = known.get(option["shipping_rate"])
            if existing is None:
                raise no_such(
                    "shipping rate",
                    option["shipping_rate"],
                    param=f"{prefix}[shipping_rate]",
                    status=400,
                )
            rates.append(existing)
            continue
        if not option.get("shipping_rate_data"):
            raise missing(f"{prefix}[shipping_rate_data]")
        prefix += "[shipping_rate_data]"
        data = forms.mapping(option["shipping_rate_data"], prefix)
        rates.append(_new_rate(data, prefix, currency, now))
    return rates


def _new_rate(data: dict, prefix: str, currency: str, now: int) -> dict:
    if not data.get("display_name"):
        raise missing(f"{prefix}[display_name]")
    if data.get("type", "fixed_amount") != "fixed_amount":
        raise StripeError("Only type=fixed_amount is supported.", param=f"{prefix}[type]")
    if not data.get("fixed_amount"):
        raise missing(f"{prefix}[fixed_amount]")
    fixed = forms.mapping(data["fixed_amount"], f"{prefix}[fixed_amount]")
    if fixed.get("amount") in (None, ""):
        raise missing(f"{prefix}[fixed_amount][amount]")
    if not fixed.get("currency"):
        raise missing(f"{prefix}[fixed_amount][currency]")
    if str(fixed["currency"]).lower() != currency:
        raise StripeError(
            "The shipping rate currency must match the line items' currency.",
            param=f"{prefix}[fixed_amount][currency]",
        )
    return {
        "id": new_id("shr_"),
        "object": "shipping_rate",
        "active": True,
        "created": now,
        "delivery_estimate": _delivery_estimate(data.get("delivery_estimate")),
        "display_name": data["display_name"],
        "fixed_amount": {
            "amount": forms.integer(fixed["amount"], f"{prefix}[fixed_amount][amount]", minimum=0),
            "currency": currency,
        },
        "livemode": False,
        "metadata": dict(data.get("metadata") or {}),
        "tax_behavior": data.get("tax_behavior") or "unspecified",
        "tax_code": data.get("tax_code") or None,
        "type": "fixed_amount",
    }


def _delivery_estimate(raw) -> dict | None:
    """Keep delivery_estimate[minimum|maximum][unit|value], with int values."""
    if not isinstance(raw, dict):
        return None
    estimate = {}
    for bound in ("minimum", "maximum"):
        part = raw.get(bound)
        if isinstance(part, dict):
            value = part.get("value")
            estimate[bound] = {
                "unit": part.get("unit"),
                "value": int(value) if str(value).isdigit() else value,
            }
        else:
            estimate[bound] = None
    return estimate


def shipping_address_collection(params: dict) -> dict | None:
    if not params.get("shipping_address_collection"):
        return None
    collection = forms.mapping(params["shipping_address_collection"], "shipping_address_collection")
    countries = collection.get("allowed_countries")
    param = "shipping_address_collection[allowed_countries]"
    if not countries:
        raise missing(param)
    countries = [str(c) for c in forms.array(countries, param)]
    for index, code in enumerate(countries):
        if not re.fullmatch(r"[A-Z]{2}", code) or code in UNSUPPORTED_SHIPPING_COUNTRIES:
            raise StripeError(
                f"Invalid {param}[{index}]: must be a supported two-letter country code "
                f"(got {code!r})",
                param=f"{param}[{index}]",
            )
    return {"allowed_countries": countries}


# -- the rest --------------------------------------------------------------------


def metadata(params: dict) -> dict:
    metadata = forms.mapping(params.get("metadata") or {}, "metadata")
    if any(not isinstance(v, str) for v in metadata.values()):
        raise StripeError("Invalid metadata: values must be strings", param="metadata")
    return dict(metadata)


def client_reference_id(params: dict) -> str | None:
    reference = params.get("client_reference_id") or None
    if reference is not None and len(reference) > 200:
        raise StripeError(
            "Invalid client_reference_id: must be at most 200 characters",
            param="client_reference_id",
        )
    return reference


def check_expand(expand) -> list[str]:
    fields = forms.array(expand, "expand")
    for name in fields:
        if name not in EXPANDABLE_SESSION_FIELDS:
            raise StripeError(f"This property cannot be expanded ({name}).", param="expand")
    return fields
