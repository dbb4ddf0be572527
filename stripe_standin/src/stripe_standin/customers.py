"""Customers: ``/v1/customers`` create, retrieve, update and delete.

A Checkout Session may name a Customer: the hosted page is then prefilled
from it (:meth:`CustomerStore.prefill`), and completing the session saves the
collected details back onto it as its ``customer_update`` asked
(:func:`save_from_session`). Callers hold the stand-in's lock.
"""

import copy
from collections.abc import Callable

from . import forms
from .errors import no_such
from .ids import new_id

# The Customer fields the stand-in keeps; create and update take the same ones.
CUSTOMER_PARAMS = frozenset({"address", "email", "metadata", "name", "phone", "shipping"})


class CustomerStore:
    def __init__(self, now: Callable[[], float]):
        self._now = now
        self._customers: dict[str, dict] = {}
        self._deleted_ids: set[str] = set()

    def snapshot(self) -> dict[str, dict]:
        return copy.deepcopy(self._customers)

    def get(self, customer_id: str | None) -> dict | None:
        return self._customers.get(customer_id or "")

    def get_or_raise(self, customer_id: str, param: str = "id", status: int = 404) -> dict:
        customer = self._customers.get(customer_id)
        if customer is None:
            raise no_such("customer", customer_id, param=param, status=status)
        return customer

    # -- the API operations ----------------------------------------------------

    def create(self, params: dict) -> dict:
        forms.reject_unknown(params, CUSTOMER_PARAMS)
        customer = {
            "id": new_id("cus_", 14),
            "object": "customer",
            "address": None,
            "created": int(self._now()),
            "email": None,
            "livemode": False,
            "metadata": {},
            "name": None,
            "phone": None,
            "shipping": None,
        }
        _apply_params(customer, params)
        self._customers[customer["id"]] = customer
        return copy.deepcopy(customer)

    def retrieve(self, customer_id: str) -> dict:
        # Stripe keeps deleted customers retrievable, as a stub.
        if customer_id in self._deleted_ids:
            return {"id": customer_id, "object": "customer", "deleted": True}
        return copy.deepcopy(self.get_or_raise(customer_id))

    def update(self, params: dict, customer_id: str) -> dict:
        customer = self.get_or_raise(customer_id)
        forms.reject_unknown(params, CUSTOMER_PARAMS)
        # Validate everything before changing anything: a rejected update is a no-op.
        updated = copy.deepcopy(customer)
        _apply_params(updated, params)
        customer.update(updated)
        return copy.deepcopy(customer)

    def delete(self, customer_id: str) -> dict:
        self.get_or_raise(customer_id)
        del self._customers[customer_id]
        self._deleted_ids.add(customer_id)
        return {"id": customer_id, "object": "customer", "deleted": True}

    # -- with Checkout Sessions --------------------------------------------------

    def prefill(self, session: dict) -> dict:
        """Buyer details known before the buyer types: the Customer's, else customer_email.

        Keys are the buyer-detail names; only known (non-blank) values are given.
        """
        customer = self.get(session["customer"])
        if customer is None:
            return {"email": session["customer_email"]} if session["customer_email"] else {}
        shipping = customer["shipping"] or {}
        address = shipping.get("address") or customer["address"] or {}
        values = {
            "email": customer["email"],
            "name": shipping.get("name") or customer["name"],
            "phone": shipping.get("phone") or customer["phone"],
            **{key: address.get(key) for key in forms.ADDRESS_FIELDS},
        }
        return {key: value for key, value in values.items() if value}


def _apply_params(customer: dict, params: dict) -> None:
    if "email" in params:
        customer["email"] = forms.email(params["email"])
    for name in ("name", "phone"):
        if name in params:
            customer[name] = forms.text(params[name], name)
    if "address" in params:
        customer["address"] = forms.address(params["address"], "address")
    if "shipping" in params:
        customer["shipping"] = forms.shipping(params["shipping"])
    if "metadata" in params:
        customer["metadata"] = forms.metadata(customer["metadata"], params["metadata"])


def save_from_session(customer: dict, session: dict, customer_update: dict) -> None:
    """What the session's customer_update asked for: collected details onto the Customer."""
    details = session["customer_details"]
    if customer_update["name"] == "auto":
        customer["name"] = details["name"]
    if customer_update["address"] == "auto":
        customer["address"] = dict(details["address"])
    if customer_update["shipping"] == "auto" and session["shipping_details"]:
        customer["shipping"] = {
            **copy.deepcopy(session["shipping_details"]),
            "phone": details["phone"],
        }
