"""Stripe's form encoding, and checks for the parameters that arrive in it.

stripe-python sends every request as ``application/x-www-form-urlencoded``
with bracketed keys (``line_items[0][price_data][currency]=gbp``) and every
value as a string. :func:`parse_form` turns that into nested dicts and lists;
the helpers below check one parameter each and raise
:class:`~stripe_standin.errors.StripeError` with Stripe's message and
``param`` when it is wrong.
"""

import re
import urllib.parse

from .errors import StripeError, missing

ADDRESS_FIELDS = ("city", "country", "line1", "line2", "postal_code", "state")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

_KEY_PART = re.compile(r"\[([^\]]*)\]")


def parse_form(body: str) -> dict:
    """Parse Stripe's form encoding into nested dicts and lists.

    ``a[b][0][c]=v`` becomes ``{"a": {"b": [{"c": "v"}]}}``. stripe-python
    always writes list indexes explicitly; ``a[]=v`` (append) is accepted too.
    Values stay strings, as on the wire.
    """
    root: dict = {}
    for key, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
        name, bracket, rest = key.partition("[")
        path = [name, *_KEY_PART.findall(bracket + rest)]
        node = root
        for part in path[:-1]:
            child = node.setdefault(part or str(len(node)), {})
            if not isinstance(child, dict):
                raise StripeError(f"Invalid parameter: {key}", param=key)
            node = child
        node[path[-1] or str(len(node))] = value
    return _listify(root)


def _listify(node):
    """Turn dicts keyed "0", "1", ... into lists, recursively."""
    if not isinstance(node, dict):
        return node
    items = {key: _listify(value) for key, value in node.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


# -- one parameter each (Stripe sends every value as a string) ---------------


def integer(value, param: str, minimum: int | None = None) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise StripeError(f"Invalid integer: {value}", param=param) from None
    if minimum is not None and number < minimum:
        raise StripeError(
            f"Invalid {param}: must be greater than or equal to {minimum}", param=param
        )
    return number


def mapping(value, param: str) -> dict:
    if not isinstance(value, dict):
        raise StripeError(f"Invalid object: {param}", param=param)
    return value


def array(value, param: str) -> list:
    if not isinstance(value, list):
        raise StripeError(f"Invalid array: {param}", param=param)
    return value


def url(value, param: str) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^/\s]+", value):
        raise StripeError(f"Not a valid URL: {param}", param=param, code="url_invalid")
    return value


def reject_unknown(params: dict, accepted, prefix: str | None = None) -> None:
    """Stripe rejects parameters it does not know; so does the stand-in."""
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        name = f"{prefix}[{unknown[0]}]" if prefix else unknown[0]
        raise StripeError(f"Received unknown parameter: {name}", param=name)


def text(value, param: str) -> str | None:
    """A string field; Stripe unsets a field sent as an empty string."""
    if not isinstance(value, str):
        raise StripeError(f"Invalid string: {param}", param=param)
    return value or None


def email(value) -> str | None:
    address = text(value, "email")
    if address and not EMAIL.fullmatch(address):
        raise StripeError(f"Invalid email address: {address}", param="email", code="email_invalid")
    return address


def address(value, param: str) -> dict | None:
    """An address hash with every field present (null when not given), as Stripe shows it."""
    if value == "":
        return None
    fields = mapping(value, param)
    reject_unknown(fields, ADDRESS_FIELDS, param)
    return {key: text(fields.get(key, ""), f"{param}[{key}]") for key in ADDRESS_FIELDS}


def shipping(value) -> dict | None:
    """A Customer's ``shipping`` hash: name and address required, phone optional."""
    if value == "":
        return None
    fields = mapping(value, "shipping")
    reject_unknown(fields, ("address", "name", "phone"), "shipping")
    for required in ("name", "address"):
        if not fields.get(required):
            raise missing(f"shipping[{required}]")
    return {
        "address": address(fields["address"], "shipping[address]"),
        "name": text(fields["name"], "shipping[name]"),
        "phone": text(fields.get("phone", ""), "shipping[phone]"),
    }


def metadata(current: dict, value) -> dict:
    """Merge metadata as Stripe does: "" clears it all, a key set to "" is removed."""
    if value == "":
        return {}
    merged = dict(current)
    for key, item in mapping(value, "metadata").items():
        if not isinstance(item, str):
            raise StripeError("Invalid metadata: values must be strings", param="metadata")
        if item:
            merged[key] = item
        else:
            merged.pop(key, None)
    return merged
