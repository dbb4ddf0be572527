"""Routing: which room answers a request, and the API's door rules.

:class:`Router` sends ``/v1/...`` to the API operations, ``/pay/{id}`` to
the hosted page and anything else to a small HTML answer. For the API it
checks the test-mode secret key, records the client's ``Stripe-Version``,
applies queued faults, and keeps Stripe's idempotency rule: a POST repeated
with the same ``Idempotency-Key`` gets the first answer back (replayed), and
the same key with other parameters is an ``idempotency_error``.
"""

import copy
import re
import threading

from .customers import CustomerStore
from .errors import StripeError, no_such
from .events import Webhooks
from .faults import Faults, fault_reply
from .httpd import Reply, error_reply, html_reply, json_reply
from .ids import new_id
from .pages import HostedPages, message_page
from .sessions import SessionStore

_PAY_PATH = re.compile(r"^/pay/(?P<id>[A-Za-z0-9_]+)/?$")


class Router:
    def __init__(
        self,
        lock: threading.RLock,
        requests: list,
        *,
        sessions: SessionStore,
        customers: CustomerStore,
        faults: Faults,
        webhooks: Webhooks,
        pages: HostedPages,
    ):
        self._lock = lock
        self._requests = requests  # every request, (method, path, params), for tests
        self._sessions = sessions
        self._customers = customers
        self._faults = faults
        self._webhooks = webhooks
        self._pages = pages
        self._idempotent: dict[tuple[str, str], dict] = {}

    def handle(self, method: str, path: str, params: dict, headers) -> Reply:
        with self._lock:
            self._requests.append((method, path, params))
        if path.startswith("/v1/"):
            return self._handle_api(method, path, params, headers)
        match = _PAY_PATH.match(path)
        if match:
            return self._pages.handle(method, match["id"], params)
        if path == "/" and method == "GET":
            return html_reply(
                200, message_page("Stripe stand-in", "The Stripe Checkout stand-in is running.")
            )
        return html_reply(404, message_page("Not found", "There is no page at this address."))

    # -- the API's door --------------------------------------------------------------

    def _handle_api(self, method: str, path: str, params: dict, headers) -> Reply:
        try:
            api_key = check_api_key(headers)
            operation, handler, object_id = self._route(method, path)
        except StripeError as exc:
            return error_reply(exc)
        if headers.get("Stripe-Version"):
            self._webhooks.api_version = headers["Stripe-Version"]

        fault = self._faults.take(operation)
        if fault and not fault["after_processing"]:
            return fault_reply(fault)

        idempotency_key = headers.get("Idempotency-Key") if method == "POST" else None
        key = (api_key, idempotency_key) if idempotency_key else None
        # One lock around lookup, work and store: two concurrent requests with
        # the same key must not both create a session.
        with self._lock:
            replay = self._replay(key, path, params, fault)
            if replay is not None:
                return replay
            request_id = new_id("req_", 14)
            try:
                status, body = 200, handler(params, object_id)
            except StripeError as exc:
                status, body = exc.status, exc.body()
            # Like Stripe, only keep results of requests that did their work;
            # a rejected request may be retried with the same key once fixed.
            if key and status == 200:
                self._idempotent[key] = {
                    "path": path,
                    "params": copy.deepcopy(params),
                    "status": status,
                    "body": body,
                    "request_id": request_id,
                }
        if fault:
            return fault_reply(fault)
        return json_reply(status, body, **{"Request-Id": request_id})

    def _replay(self, key, path: str, params: dict, fault: dict | None) -> Reply | None:
        """The stored answer for a repeated idempotency key; None for a new key."""
        stored = self._idempotent.get(key) if key else None
        if stored is None:
            return None
        if (stored["path"], stored["params"]) != (path, params):
            return error_reply(
                StripeError(
                    "Keys for idempotent requests can only be used with the same "
                    "parameters they were first used with. Try using a key other "
                    f"than '{key[1]}' if you meant to execute a different request.",
                    error_type="idempotency_error",
                )
            )
        if fault:  # the work is done already; just lose this answer too
            return fault_reply(fault)
        return json_reply(
            stored["status"],
            stored["body"],
            **{"Idempotent-Replayed": "true", "Original-Request": stored["request_id"]},
        )

    def _route(self, method: str, path: str):
        """(operation name, handler(params, object_id), path id) for an API request."""
        parts = path.strip("/").split("/")
        if parts[:3] == ["v1", "checkout", "sessions"]:
            if len(parts) == 3 and method == "POST":
                return "create", self._create_session, None
            if len(parts) == 4 and method == "GET":
                return "retrieve", self._retrieve_session, parts[3]
            if len(parts) == 5 and parts[4] == "expire" and method == "POST":
                return "expire", self._expire_session, parts[3]
            if len(parts) == 5 and parts[4] == "line_items" and method == "GET":
                return "line_items", self._line_items, parts[3]
        if parts[:2] == ["v1", "shipping_rates"] and len(parts) == 3 and method == "GET":
            return "shipping_rate", self._shipping_rate, parts[2]
        if parts[:2] == ["v1", "customers"]:
            if len(parts) == 2 and method == "POST":
                return "customer", lambda params, _: self._customers.create(params), None
            handler = {
                "GET": lambda params, object_id: self._customers.retrieve(object_id),
                "POST": self._customers.update,
                "DELETE": lambda params, object_id: self._customers.delete(object_id),
            }.get(method)
            if len(parts) == 3 and handler:
                return "customer", handler, parts[2]
        raise StripeError(
            f"Unrecognized request URL ({method}: {path}). The Stripe stand-in only "
            "implements Checkout Sessions, Customers and shipping rate retrieval.",
            status=404,
        )

    # -- Checkout Session operations (called with the lock held) ----------------------

    def _create_session(self, params: dict, _object_id) -> dict:
        return self._sessions.render(self._sessions.create(params), params.get("expand"))

    def _retrieve_session(self, params: dict, session_id: str) -> dict:
        return self._sessions.render(self._sessions.get_or_raise(session_id), params.get("expand"))

    def _expire_session(self, params: dict, session_id: str) -> dict:
        session = self._sessions.expire_open(session_id)
        self._sessions.announce_expiry(session)
        # Stripe sends the event after answering, from elsewhere: deliver it
        # from another thread so a shop that calls expire() while holding a
        # database lock its webhook handler also needs cannot deadlock.
        self._webhooks.send_in_background(self._webhooks.make("checkout.session.expired", session))
        return self._sessions.render(session, params.get("expand"))

    def _line_items(self, params: dict, session_id: str) -> dict:
        return self._sessions.line_items_page(session_id, params)

    def _shipping_rate(self, params: dict, rate_id: str) -> dict:
        rate = self._sessions.shipping_rates.get(rate_id)
        if rate is None:
            raise no_such("shipping rate", rate_id)
        return copy.deepcopy(rate)


def check_api_key(headers) -> str:
    """The request's secret key; Stripe's 401 unless it is a test-mode one."""
    auth = headers.get("Authorization") or ""
    if not auth.startswith("Bearer ") or not auth[7:].strip():
        raise StripeError(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY').",
            status=401,
        )
    key = auth[7:].strip()
    if not key.startswith(("sk_test_", "rk_test_")):
        raise StripeError(
            f"Invalid API Key provided: {key[:8]}****. The Stripe stand-in only "
            "accepts test-mode secret keys (sk_test_...).",
            status=401,
        )
    return key
