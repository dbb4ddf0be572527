"""Checkout Sessions: creating them, and every move of their state.

:class:`SessionStore` keeps the sessions (as the API shows them), the state
Stripe keeps but does not show (line items, a pending delayed payment, whether
the expiry was announced, ``customer_update``), and the shipping rates. Its
methods are the session's moves -- lapse, expire, choose shipping, complete,
settle a delayed payment -- and they raise
:class:`~stripe_standin.errors.SessionStateError` for a move the session
cannot make. Callers hold the stand-in's lock; sending the events that
follow a move is the caller's business (see :mod:`stripe_standin.server`).
"""

import copy
from collections.abc import Callable

from . import session_params
from .customers import CustomerStore, save_from_session
from .errors import SessionStateError, StripeError, no_such
from .forms import integer
from .ids import new_id


class SessionStore:
    def __init__(
        self,
        now: Callable[[], float],
        customers: CustomerStore,
        pay_url: Callable[[str], str],
    ):
        self._now = now
        self._customers = customers
        self._pay_url = pay_url  # the hosted page's address for a session id
        self.create_count = 0
        self._sessions: dict[str, dict] = {}
        self._extras: dict[str, dict] = {}  # per-session state with no Stripe field
        self.shipping_rates: dict[str, dict] = {}

    # -- reading -----------------------------------------------------------------

    def snapshot(self) -> dict[str, dict]:
        for session in self._sessions.values():
            self.lapse_if_due(session)
        return copy.deepcopy(self._sessions)

    def find(self, session_id: str) -> dict:
        """The session, lapsed if due; SessionStateError (404) if there is none."""
        session = self._sessions.get(session_id)
        if session is None:
            raise SessionStateError(f"No such checkout session: {session_id}", 404)
        self.lapse_if_due(session)
        return session

    def get_or_raise(self, session_id: str) -> dict:
        """The session, lapsed if due; Stripe's 404 error if there is none."""
        session = self._sessions.get(session_id)
        if session is None:
            raise no_such("checkout.session", session_id, param="session")
        self.lapse_if_due(session)
        return session

    def extras(self, session_id: str) -> dict:
        return self._extras[session_id]

    def rates_for(self, session: dict) -> list[dict]:
        return [self.shipping_rates[o["shipping_rate"]] for o in session["shipping_options"]]

    def line_items_page(self, session_id: str, params: dict) -> dict:
        """GET /v1/checkout/sessions/{id}/line_items: one page of Stripe's list object."""
        self.get_or_raise(session_id)
        items = self._extras[session_id]["line_items"]
        limit = integer(params.get("limit", 10), "limit", minimum=1)
        start = 0
        if params.get("starting_after"):
            ids = [item["id"] for item in items]
            if params["starting_after"] not in ids:
                raise StripeError("Invalid starting_after id", param="starting_after")
            start = ids.index(params["starting_after"]) + 1
        page = items[start : start + limit]
        return {
            "object": "list",
            "data": copy.deepcopy(page),
            "has_more": start + limit < len(items),
            "url": f"/v1/checkout/sessions/{session_id}/line_items",
        }

    def render(self, session: dict, expand=None) -> dict:
        """The session as the API returns it, with requested fields expanded."""
        body = copy.deepcopy(session)
        for name in session_params.check_expand(expand) if expand else []:
            if name == "line_items":
                body["line_items"] = self.line_items_page(session["id"], {"limit": 100})
            elif name == "shipping_cost.shipping_rate" and body["shipping_cost"]:
                rate_id = body["shipping_cost"]["shipping_rate"]
                body["shipping_cost"]["shipping_rate"] = copy.deepcopy(self.shipping_rates[rate_id])
            elif name == "shipping_options.shipping_rate":
                for option in body["shipping_options"]:
                    option["shipping_rate"] = copy.deepcopy(
                        self.shipping_rates[option["shipping_rate"]]
                    )
        return body

    # -- creating ------------------------------------------------------------------

    def create(self, params: dict) -> dict:
        """Check the create parameters as Stripe does, store the session and return it."""
        now = int(self._now())
        success_url, cancel_url = session_params.return_urls(params)
        customer_id = session_params.customer_id(params)
        if customer_id:
            self._customers.get_or_raise(customer_id, param="customer", status=400)
        customer_update = session_params.customer_update(params.get("customer_update"), customer_id)
        expires_at = session_params.expires_at(params, now)
        currency, line_items = session_params.line_items(params["line_items"])
        rates = session_params.shipping_rates(
            params.get("shipping_options"), currency, self.shipping_rates, now
        )
        fields = {
            "cancel_url": cancel_url,
            "success_url": success_url,
            "created": now,
            "expires_at": expires_at,
            "currency": currency,
            "customer": customer_id,
            "customer_email": params.get("customer_email") or None,
            "locale": params.get("locale") or None,
            "shipping_address_collection": session_params.shipping_address_collection(params),
            "metadata": session_params.metadata(params),
            "client_reference_id": session_params.client_reference_id(params),
        }
        if params.get("expand"):
            session_params.check_expand(params["expand"])

        session = _new_session(new_id("cs_test_", 58), fields, line_items, rates)
        session["url"] = self._pay_url(session["id"])
        for item in line_items:
            item["id"] = new_id("li_")
        for rate in rates:
            self.shipping_rates[rate["id"]] = rate
        if rates:
            self.choose_shipping(session, rates[0]["id"])
        self._sessions[session["id"]] = session
        self._extras[session["id"]] = {
            "line_items": line_items,
            "delayed_pending": False,  # completed with delayed payment, result not yet in
            "expiry_announced": False,  # checkout.session.expired already built
            "customer_update": customer_update,  # a create param Stripe does not echo
        }
        self.create_count += 1
        return session

    # -- moves -----------------------------------------------------------------------

    def lapse_if_due(self, session: dict) -> None:
        """A session past its expires_at is expired from then on, as on Stripe."""
        if session["status"] == "open" and self._now() >= session["expires_at"]:
            set_expired(session)

    def expire_open(self, session_id: str) -> dict:
        """POST /v1/checkout/sessions/{id}/expire: only an open session can be expired."""
        session = self.get_or_raise(session_id)
        if session["status"] != "open":
            raise StripeError(
                'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".',
                param="session",
            )
        set_expired(session)
        return session

    def expire_now(self, session_id: str) -> dict:
        """The control API's expire: any session not complete whose expiry is unannounced."""
        session = self.find(session_id)
        if session["status"] == "complete":
            raise SessionStateError("Only open sessions can be expired.", 409)
        if self._extras[session_id]["expiry_announced"]:
            raise SessionStateError("This session's expiry has already been announced.", 409)
        set_expired(session)
        return session

    def unannounced_expired(self) -> list[dict]:
        """Sessions expired (lapsed ones included) whose expiry has not been announced."""
        due = []
        for session in self._sessions.values():
            self.lapse_if_due(session)
            if (
                session["status"] == "expired"
                and not self._extras[session["id"]]["expiry_announced"]
            ):
                due.append(session)
        return due

    def announce_expiry(self, session: dict) -> None:
        self._extras[session["id"]]["expiry_announced"] = True

    def choose_shipping(self, session: dict, rate_id: str) -> None:
        amounts = {o["shipping_rate"]: o["shipping_amount"] for o in session["shipping_options"]}
        if rate_id not in amounts:
            raise SessionStateError("That shipping option is not offered for this session.", 400)
        amount = amounts[rate_id]
        session["shipping_cost"] = {
            "amount_subtotal": amount,
            "amount_tax": 0,
            "amount_total": amount,
            "shipping_rate": rate_id,
            "taxes": [],
        }
        session["total_details"]["amount_shipping"] = amount
        session["amount_total"] = session["amount_subtotal"] + amount

    def complete(
        self, session_id: str, paid: bool, details: dict | None, shipping_rate: str | None
    ) -> dict:
        """The buyer pays (paid=False: a delayed payment method); return the session."""
        session = self.find(session_id)
        if session["status"] == "expired":
            raise SessionStateError(
                "This checkout session has expired. Return to the shop to try again.", 410
            )
        if session["status"] != "open":
            raise SessionStateError("This checkout session has already been paid for.", 409)
        if shipping_rate:
            self.choose_shipping(session, shipping_rate)
        _collect(session, self._buyer_details(session, details))
        if session["amount_total"] == 0:
            session["payment_status"] = "no_payment_required"
        else:
            session["payment_status"] = "paid" if paid else "unpaid"
            self._extras[session_id]["delayed_pending"] = not paid
        customer = self._customers.get(session["customer"])
        if customer is not None:
            save_from_session(customer, session, self._extras[session_id]["customer_update"])
        return session

    def settle(self, session_id: str, succeeded: bool) -> dict:
        """The bank's answer to a delayed payment; return the session."""
        session = self._sessions.get(session_id)
        if session is None:
            raise SessionStateError(f"No such checkout session: {session_id}", 404)
        if not self._extras[session_id]["delayed_pending"]:
            raise SessionStateError(
                "This session has no delayed payment waiting for a result.", 409
            )
        self._extras[session_id]["delayed_pending"] = False
        if succeeded:
            session["payment_status"] = "paid"
        return session

    def _buyer_details(self, session: dict, details: dict | None) -> dict:
        collection = session["shipping_address_collection"] or {}
        countries = collection.get("allowed_countries") or ["US"]
        buyer = {
            "name": "Test Buyer",
            "email": "buyer@example.com",
            "phone": None,
            "line1": "1 Test Street",
            "line2": None,
            "city": "Testville",
            "postal_code": "12345",
            "state": None,
            "country": countries[0],
        }
        buyer.update(self._customers.prefill(session))
        if session["shipping_address_collection"] and buyer["country"] not in countries:
            buyer["country"] = countries[0]  # the buyer would have had to pick an offered one
        for key, value in (details or {}).items():
            if key not in buyer:
                raise ValueError(f"unknown buyer detail {key!r}; expected one of {sorted(buyer)}")
            buyer[key] = value or None  # Stripe reports blank fields as null
        return buyer


def set_expired(session: dict) -> None:
    session["status"] = "expired"
    session["url"] = None  # Stripe only gives a URL while the session is open


def _new_session(session_id: str, fields: dict, line_items: list[dict], rates: list) -> dict:
    """A new open session in Stripe's shape, from the checked create parameters."""
    subtotal = sum(item["amount_subtotal"] for item in line_items)
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": subtotal,
        "amount_total": subtotal,
        "cancel_url": fields["cancel_url"],
        "client_reference_id": fields["client_reference_id"],
        "collected_information": None,
        "created": fields["created"],
        "currency": fields["currency"],
        "customer": fields["customer"],
        "customer_details": None,
        "customer_email": fields["customer_email"],
        "expires_at": fields["expires_at"],
        "livemode": False,
        "locale": fields["locale"],
        "metadata": fields["metadata"],
        "mode": "payment",
        "payment_intent": None,
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "shipping_address_collection": fields["shipping_address_collection"],
        "shipping_cost": None,
        "shipping_details": None,
        "shipping_options": [
            {"shipping_amount": rate["fixed_amount"]["amount"], "shipping_rate": rate["id"]}
            for rate in rates
        ],
        "status": "open",
        "success_url": fields["success_url"],
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        "url": None,
    }


def _collect(session: dict, buyer: dict) -> None:
    """Record what the buyer entered, as Stripe shows it on a completed session."""
    address = {
        key: buyer[key] for key in ("city", "country", "line1", "line2", "postal_code", "state")
    }
    session["customer_details"] = {
        "address": address,
        "email": buyer["email"],
        "name": buyer["name"],
        "phone": buyer["phone"],
        "tax_exempt": "none",
        "tax_ids": [],
    }
    if session["shipping_address_collection"]:
        shipping = {"address": dict(address), "name": buyer["name"]}
        session["collected_information"] = {
            "business_name": None,
            "individual_name": None,
            "shipping_details": shipping,
        }
        session["shipping_details"] = copy.deepcopy(shipping)  # legacy field, same data
    session["status"] = "complete"
    session["url"] = None
    session["payment_intent"] = new_id("pi_")
