"""A local stand-in for the slice of Stripe Checkout the shop uses.

stripe-python talks to it over HTTP exactly as it talks to api.stripe.com
(point ``StripeClient(base_addresses={"api": standin.url})`` at it), so the
shop's real payment code runs unchanged in development and in tests:

* ``/v1/checkout/sessions`` (create, retrieve, expire, line items),
  ``/v1/customers[/{id}]`` (create, retrieve, update, delete) and
  ``/v1/shipping_rates/{id}`` answer in Stripe's JSON shapes and error shapes;
* ``/pay/{id}`` is the hosted checkout page the buyer is redirected to,
  prefilled from the session's Customer when it has one;
* completed, expired and async-payment events are POSTed to the shop's webhook
  URL, signed the way Stripe signs them (``Stripe-Signature: t=...,v1=...``);
* the :class:`StripeStandin` Python API lets tests inject faults, complete or
  expire sessions directly, and replay, delay, reorder or tamper with events.

Standard library only, and no Django: it must run before (and without) the
shop's settings.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import html
import json
import re
import secrets
import string
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# What stripe-python 16.1 sends as Stripe-Version; events echo the version the
# client last used, like an account pinned to that version.
DEFAULT_API_VERSION = "2026-10-28.endive"

# Stripe's documented bounds for a Checkout Session's expires_at.
MIN_EXPIRY_SECONDS = 30 * 60
MAX_EXPIRY_SECONDS = 24 * 60 * 60

FAULT_KINDS = ("timeout", "500", "402", "400")
# "create", "retrieve" and "expire" are Checkout Session calls; "customer" is
# any /v1/customers call.
FAULT_TARGETS = (
    "create",
    "retrieve",
    "expire",
    "line_items",
    "shipping_rate",
    "customer",
    "any",
)

# Currencies whose amounts are already whole units (no cents).
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga"}
    | {"pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)

# Top-level create parameters that are accepted. Stripe rejects unknown
# parameters, and so does the stand-in, so that a typo in the shop fails here
# rather than against the real API. Most of the list is accepted and ignored.
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
DEFAULT_COUNTRIES = ("GB", "IE", "DE", "FR", "NL", "US")

# The Customer fields the stand-in keeps; create and update take the same ones.
CUSTOMER_PARAMS = frozenset({"address", "email", "metadata", "name", "phone", "shipping"})
ADDRESS_FIELDS = ("city", "country", "line1", "line2", "postal_code", "state")
# What a Checkout Session may save back onto its Customer, and how.
CUSTOMER_UPDATE_FIELDS = ("address", "name", "shipping")
CUSTOMER_UPDATE_CHOICES = ("auto", "never")

_ALNUM = string.ascii_letters + string.digits
_KEY_PART = re.compile(r"\[([^\]]*)\]")
_PAY_PATH = re.compile(r"^/pay/(?P<id>[A-Za-z0-9_]+)/?$")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def new_id(prefix: str, length: int = 24) -> str:
    """An id in Stripe's style: a type prefix and random alphanumerics."""
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


# --------------------------------------------------------------------------
# Stripe's form encoding


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


# --------------------------------------------------------------------------
# Errors


class StripeError(Exception):
    """An API error, answered in Stripe's shape ``{"error": {...}}``.

    stripe-python picks the exception class from the HTTP status and the
    error type: 400 invalid_request_error -> InvalidRequestError,
    401 -> AuthenticationError, 402 card_error -> CardError, 5xx -> APIError.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        error_type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        **extra,
    ):
        super().__init__(message)
        self.status = status
        self.error = {"type": error_type, "message": message, **extra}
        if param is not None:
            self.error["param"] = param
        if code is not None:
            self.error["code"] = code

    def body(self) -> dict:
        return {"error": dict(self.error)}


def _missing(param: str) -> StripeError:
    return StripeError(f"Missing required param: {param}.", param=param, code="parameter_missing")


class SessionStateError(Exception):
    """A session cannot make the requested move (e.g. paying an expired one).

    ``http_status`` is what the hosted page answers: 410 for expired, 409 for
    a session that is already complete or in the wrong payment state.
    """

    def __init__(self, message: str, http_status: int = 409):
        super().__init__(message)
        self.http_status = http_status


# --------------------------------------------------------------------------
# Small validation helpers (Stripe sends every value as a string)


def _int(value, param: str, minimum: int | None = None) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise StripeError(f"Invalid integer: {value}", param=param) from None
    if minimum is not None and number < minimum:
        raise StripeError(
            f"Invalid {param}: must be greater than or equal to {minimum}", param=param
        )
    return number


def _dict(value, param: str) -> dict:
    if not isinstance(value, dict):
        raise StripeError(f"Invalid object: {param}", param=param)
    return value


def _list(value, param: str) -> list:
    if not isinstance(value, list):
        raise StripeError(f"Invalid array: {param}", param=param)
    return value


def _url(value, param: str) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^/\s]+", value):
        raise StripeError(f"Not a valid URL: {param}", param=param, code="url_invalid")
    return value


def _reject_unknown(params: dict, accepted, prefix: str | None = None) -> None:
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        name = f"{prefix}[{unknown[0]}]" if prefix else unknown[0]
        raise StripeError(f"Received unknown parameter: {name}", param=name)


def _text(value, param: str) -> str | None:
    """A string field; Stripe unsets a field sent as an empty string."""
    if not isinstance(value, str):
        raise StripeError(f"Invalid string: {param}", param=param)
    return value or None


def _email(value) -> str | None:
    email = _text(value, "email")
    if email and not _EMAIL.fullmatch(email):
        raise StripeError(f"Invalid email address: {email}", param="email", code="email_invalid")
    return email


def _address(value, param: str) -> dict | None:
    """An address hash with every field present (null when not given), as Stripe shows it."""
    if value == "":
        return None
    address = _dict(value, param)
    _reject_unknown(address, ADDRESS_FIELDS, param)
    return {key: _text(address.get(key, ""), f"{param}[{key}]") for key in ADDRESS_FIELDS}


def _shipping(value) -> dict | None:
    if value == "":
        return None
    shipping = _dict(value, "shipping")
    _reject_unknown(shipping, ("address", "name", "phone"), "shipping")
    for required in ("name", "address"):
        if not shipping.get(required):
            raise _missing(f"shipping[{required}]")
    return {
        "address": _address(shipping["address"], "shipping[address]"),
        "name": _text(shipping["name"], "shipping[name]"),
        "phone": _text(shipping.get("phone", ""), "shipping[phone]"),
    }


def _metadata(current: dict, value) -> dict:
    """Merge metadata as Stripe does: "" clears it all, a key set to "" is removed."""
    if value == "":
        return {}
    merged = dict(current)
    for key, item in _dict(value, "metadata").items():
        if not isinstance(item, str):
            raise StripeError("Invalid metadata: values must be strings", param="metadata")
        if item:
            merged[key] = item
        else:
            merged.pop(key, None)
    return merged


def _format_amount(amount: int, currency: str) -> str:
    if currency.lower() in ZERO_DECIMAL_CURRENCIES:
        return f"{amount} {currency.upper()}"
    return f"{amount // 100}.{amount % 100:02d} {currency.upper()}"


# --------------------------------------------------------------------------
# HTTP plumbing


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)
    stall: bool = False  # "timeout" fault: say nothing, then hang up


def _json_reply(status: int, body: dict, **headers) -> _Reply:
    headers.setdefault("Request-Id", new_id("req_", 14))
    return _Reply(status, json.dumps(body, indent=2).encode(), headers=headers)


def _html_reply(status: int, page: str) -> _Reply:
    return _Reply(status, page.encode(), content_type="text/html; charset=utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Stripe treats a redirect from a webhook endpoint as a failure."""

    def redirect_request(self, *args, **kwargs):
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, standin: StripeStandin):
        super().__init__(address, _Handler)
        self.standin = standin


class _Handler(BaseHTTPRequestHandler):
    server_version = "StripeStandin/1.0"

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        standin: StripeStandin = self.server.standin
        split = urllib.parse.urlsplit(self.path)
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace")
        else:
            raw = split.query
        try:
            reply = standin._handle(method, split.path, parse_form(raw), self.headers)
        except StripeError as exc:
            reply = _json_reply(exc.status, exc.body())
        except Exception:  # a bug here must reach the client as a 500, not a hang
            traceback.print_exc()
            reply = _json_reply(
                500,
                StripeError("Stand-in internal error", status=500, error_type="api_error").body(),
            )
        if reply.stall:
            # Outlast the client's timeout (stop() cuts the wait short), then
            # drop the connection without a response.
            standin._stopping.wait(standin.timeout_seconds)
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up; nothing to tell it

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if not self.server.standin.quiet:
            super().log_message(format, *args)


# --------------------------------------------------------------------------
# The stand-in


class StripeStandin:
    """Stripe Checkout stand-in: an HTTP server plus a control API for tests.

    >>> standin = StripeStandin(webhook_url=None, webhook_secret="whsec_test")
    >>> standin.start()   # background thread; standin.url -> http://127.0.0.1:PORT
    >>> standin.stop()
    """

    def __init__(
        self,
        webhook_url: str | None = None,
        webhook_secret: str = "whsec_test",  # noqa: S107 - a test-mode stand-in
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        public_url: str | None = None,
        timeout_seconds: float = 5.0,
        webhook_timeout: float = 10.0,
        quiet: bool = True,
    ):
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.host = host
        self.port = port
        self.public_url = public_url  # base for hosted-page URLs if not self.url
        self.timeout_seconds = timeout_seconds  # how long a "timeout" fault stalls
        self.webhook_timeout = webhook_timeout
        self.quiet = quiet
        # Session logic reads the time through this, so tests can move time
        # forward (signatures always use the real time: the receiver checks it).
        self.clock = time.time
        self.api_version = DEFAULT_API_VERSION
        self.create_count = 0
        self.requests: list[tuple[str, str, dict]] = []
        self.events: list[dict] = []  # every event built, in order
        self.deliveries: list[dict] = []  # every webhook POST attempted, with its outcome

        self._lock = threading.RLock()
        self._sessions: dict[str, dict] = {}
        self._extras: dict[str, dict] = {}  # per-session state with no Stripe field
        self._shipping_rates: dict[str, dict] = {}
        self._customers: dict[str, dict] = {}
        self._deleted_customer_ids: set[str] = set()
        self._idempotent: dict[tuple[str, str], dict] = {}
        self._faults: list[dict] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._delivery_threads: list[threading.Thread] = []
        # No proxies: the webhook receiver is local whatever the environment says.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> StripeStandin:
        if self._server is not None:
            raise RuntimeError("StripeStandin is already running")
        self._stopping.clear()
        self._server = _Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"stripe-standin:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # releases handlers stalled by a "timeout" fault
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None
        self.drain()

    def __enter__(self) -> StripeStandin:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        # Bound to every interface: advertise the loopback address.
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    @property
    def webhook_url(self) -> str | None:
        return self._webhook_url

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:
        if url and not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook URL must be http(s): {url!r}")
        self._webhook_url = url or None

    def set_webhook_url(self, url: str | None) -> None:
        self.webhook_url = url

    # -- inspection ----------------------------------------------------------

    @property
    def sessions(self) -> dict[str, dict]:
        """A snapshot (deep copy) of all sessions, id -> session dict."""
        with self._lock:
            for session in self._sessions.values():
                self._lapse_if_due(session)
            return copy.deepcopy(self._sessions)

    def session(self, session_id: str) -> dict:
        """A snapshot of one session, as the API would return it."""
        with self._lock:
            return copy.deepcopy(self._session_or_raise(session_id))

    @property
    def customers(self) -> dict[str, dict]:
        """A snapshot of the Customers that exist (deleted ones are gone), id -> customer."""
        with self._lock:
            return copy.deepcopy(self._customers)

    def line_items(self, session_id: str) -> list[dict]:
        with self._lock:
            self._session_or_raise(session_id)
            return copy.deepcopy(self._extras[session_id]["line_items"])

    # -- fault injection -----------------------------------------------------

    def fail_next(
        self, kind, times: int = 1, on: str = "create", *, after_processing: bool = False
    ) -> None:
        """Make the next ``times`` API calls of operation ``on`` fail.

        kind: "timeout" (stall for ``timeout_seconds``, then hang up), "500"
        (api_error), "402" (card_error), "400" (invalid_request_error).
        on: one of FAULT_TARGETS ("any" matches every API call).
        after_processing: do the work first (a session is created and stored
        under the idempotency key) and only then fail -- the "Stripe did it
        but the answer was lost" case that idempotency keys exist for.
        """
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}, not {kind!r}")
        if on not in FAULT_TARGETS:
            raise ValueError(f"on must be one of {FAULT_TARGETS}, not {on!r}")
        with self._lock:
            self._faults.append(
                {"kind": kind, "times": times, "on": on, "after_processing": after_processing}
            )

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, operation: str) -> dict | None:
        with self._lock:
            for fault in self._faults:
                if fault["on"] in (operation, "any"):
                    fault["times"] -= 1
                    if fault["times"] <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    @staticmethod
    def _fault_reply(fault: dict) -> _Reply:
        kind = fault["kind"]
        if kind == "timeout":
            return _Reply(0, stall=True)
        if kind == "500":
            error = StripeError(
                "An unknown error occurred (simulated by the Stripe stand-in).",
                status=500,
                error_type="api_error",
            )
        elif kind == "402":
            error = StripeError(
                "Your card was declined.",
                status=402,
                error_type="card_error",
                code="card_declined",
                decline_code="generic_decline",
                param="",
            )
        else:
            error = StripeError("Invalid request (simulated by the Stripe stand-in).")
        return _json_reply(error.status, error.body())

    # -- request routing -----------------------------------------------------

    def _handle(self, method: str, path: str, params: dict, headers) -> _Reply:
        with self._lock:
            self.requests.append((method, path, params))
        if path.startswith("/v1/"):
            return self._handle_api(method, path, params, headers)
        match = _PAY_PATH.match(path)
        if match:
            return self._handle_page(method, match["id"], params)
        if path == "/" and method == "GET":
            return _html_reply(
                200, _message_page("Stripe stand-in", "The Stripe Checkout stand-in is running.")
            )
        return _html_reply(404, _message_page("Not found", "There is no page at this address."))

    def _route(self, method: str, path: str):
        """(operation name, bound handler, path id) for an API request."""
        parts = path.strip("/").split("/")
        if parts[:3] == ["v1", "checkout", "sessions"]:
            if len(parts) == 3 and method == "POST":
                return "create", self._api_create, None
            if len(parts) == 4 and method == "GET":
                return "retrieve", self._api_retrieve, parts[3]
            if len(parts) == 5 and parts[4] == "expire" and method == "POST":
                return "expire", self._api_expire, parts[3]
            if len(parts) == 5 and parts[4] == "line_items" and method == "GET":
                return "line_items", self._api_line_items, parts[3]
        if parts[:2] == ["v1", "shipping_rates"] and len(parts) == 3 and method == "GET":
            return "shipping_rate", self._api_shipping_rate, parts[2]
        if parts[:2] == ["v1", "customers"]:
            if len(parts) == 2 and method == "POST":
                return "customer", self._api_create_customer, None
            handler = {
                "GET": self._api_retrieve_customer,
                "POST": self._api_update_customer,
                "DELETE": self._api_delete_customer,
            }.get(method)
            if len(parts) == 3 and handler:
                return "customer", handler, parts[2]
        raise StripeError(
            f"Unrecognized request URL ({method}: {path}). The Stripe stand-in only "
            "implements Checkout Sessions, Customers and shipping rate retrieval.",
            status=404,
        )

    @staticmethod
    def _check_api_key(headers) -> str:
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

    def _handle_api(self, method: str, path: str, params: dict, headers) -> _Reply:
        try:
            api_key = self._check_api_key(headers)
            operation, handler, object_id = self._route(method, path)
        except StripeError as exc:
            return _json_reply(exc.status, exc.body())
        if headers.get("Stripe-Version"):
            self.api_version = headers["Stripe-Version"]

        fault = self._take_fault(operation)
        if fault and not fault["after_processing"]:
            return self._fault_reply(fault)

        idempotency_key = headers.get("Idempotency-Key") if method == "POST" else None
        # One lock around lookup, work and store: two concurrent requests with
        # the same key must not both create a session.
        with self._lock:
            if idempotency_key:
                stored = self._idempotent.get((api_key, idempotency_key))
                if stored is not None:
                    if (stored["path"], stored["params"]) != (path, params):
                        error = StripeError(
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with. Try using a key other "
                            f"than '{idempotency_key}' if you meant to execute a different "
                            "request.",
                            error_type="idempotency_error",
                        )
                        return _json_reply(error.status, error.body())
                    if fault:  # the work is done already; just lose this answer too
                        return self._fault_reply(fault)
                    return _json_reply(
                        stored["status"],
                        stored["body"],
                        **{
                            "Idempotent-Replayed": "true",
                            "Original-Request": stored["request_id"],
                        },
                    )
            request_id = new_id("req_", 14)
            try:
                status, body = 200, handler(params, object_id)
            except StripeError as exc:
                status, body = exc.status, exc.body()
            # Like Stripe, only keep results of requests that did their work;
            # a rejected request may be retried with the same key once fixed.
            if idempotency_key and status == 200:
                self._idempotent[(api_key, idempotency_key)] = {
                    "path": path,
                    "params": copy.deepcopy(params),
                    "status": status,
                    "body": body,
                    "request_id": request_id,
                }
        if fault:
            return self._fault_reply(fault)
        return _json_reply(status, body, **{"Request-Id": request_id})

    # -- API operations (called with the lock held) --------------------------

    def _api_create(self, params: dict, _object_id) -> dict:
        session = self._create_session(params)
        return self._render(session, params.get("expand"))

    def _api_retrieve(self, params: dict, session_id: str) -> dict:
        return self._render(self._session_or_raise(session_id), params.get("expand"))

    def _api_expire(self, params: dict, session_id: str) -> dict:
        session = self._session_or_raise(session_id)
        if session["status"] != "open":
            raise StripeError(
                'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".',
                param="session",
            )
        self._set_expired(session)
        # Stripe sends the event after answering, from elsewhere: deliver it
        # from another thread so a shop that calls expire() while holding a
        # database lock its webhook handler also needs cannot deadlock.
        self._deliver_in_background(self._make_expired_event(session))
        return self._render(session, params.get("expand"))

    def _api_line_items(self, params: dict, session_id: str) -> dict:
        self._session_or_raise(session_id)
        items = self._extras[session_id]["line_items"]
        limit = _int(params.get("limit", 10), "limit", minimum=1)
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

    def _api_shipping_rate(self, params: dict, rate_id: str) -> dict:
        rate = self._shipping_rates.get(rate_id)
        if rate is None:
            raise StripeError(
                f"No such shipping rate: '{rate_id}'",
                status=404,
                param="id",
                code="resource_missing",
            )
        return copy.deepcopy(rate)

    def _api_create_customer(self, params: dict, _object_id) -> dict:
        _reject_unknown(params, CUSTOMER_PARAMS)
        customer = {
            "id": new_id("cus_", 14),
            "object": "customer",
            "address": None,
            "created": int(self.clock()),
            "email": None,
            "livemode": False,
            "metadata": {},
            "name": None,
            "phone": None,
            "shipping": None,
        }
        self._apply_customer_params(customer, params)
        self._customers[customer["id"]] = customer
        return copy.deepcopy(customer)

    def _api_retrieve_customer(self, params: dict, customer_id: str) -> dict:
        # Stripe keeps deleted customers retrievable, as a stub.
        if customer_id in self._deleted_customer_ids:
            return {"id": customer_id, "object": "customer", "deleted": True}
        return copy.deepcopy(self._customer_or_raise(customer_id))

    def _api_update_customer(self, params: dict, customer_id: str) -> dict:
        customer = self._customer_or_raise(customer_id)
        _reject_unknown(params, CUSTOMER_PARAMS)
        # Validate everything before changing anything: a rejected update is a no-op.
        updated = copy.deepcopy(customer)
        self._apply_customer_params(updated, params)
        customer.update(updated)
        return copy.deepcopy(customer)

    def _api_delete_customer(self, params: dict, customer_id: str) -> dict:
        self._customer_or_raise(customer_id)
        del self._customers[customer_id]
        self._deleted_customer_ids.add(customer_id)
        return {"id": customer_id, "object": "customer", "deleted": True}

    @staticmethod
    def _apply_customer_params(customer: dict, params: dict) -> None:
        if "email" in params:
            customer["email"] = _email(params["email"])
        for name in ("name", "phone"):
            if name in params:
                customer[name] = _text(params[name], name)
        if "address" in params:
            customer["address"] = _address(params["address"], "address")
        if "shipping" in params:
            customer["shipping"] = _shipping(params["shipping"])
        if "metadata" in params:
            customer["metadata"] = _metadata(customer["metadata"], params["metadata"])

    def _customer_or_raise(self, customer_id: str, param: str = "id", status: int = 404) -> dict:
        customer = self._customers.get(customer_id)
        if customer is None:
            raise StripeError(
                f"No such customer: '{customer_id}'",
                status=status,
                param=param,
                code="resource_missing",
            )
        return customer

    # -- session creation ----------------------------------------------------

    def _create_session(self, params: dict) -> dict:
        now = int(self.clock())
        if not params.get("mode"):
            raise _missing("mode")
        if params["mode"] != "payment":
            raise StripeError("The Stripe stand-in only supports mode=payment.", param="mode")
        _reject_unknown(params, ACCEPTED_CREATE_PARAMS)
        if not params.get("line_items"):
            raise _missing("line_items")
        if not params.get("success_url"):
            raise _missing("success_url")
        success_url = _url(params["success_url"], "success_url")
        cancel_url = _url(params["cancel_url"], "cancel_url") if params.get("cancel_url") else None
        if params.get("customer") and params.get("customer_email"):
            raise StripeError(
                "You may only specify one of these parameters: customer, customer_email.",
                param="customer_email",
            )
        customer_id = params.get("customer") or None
        if customer_id:
            self._customer_or_raise(customer_id, param="customer", status=400)
        customer_update = self._customer_update(params.get("customer_update"), customer_id)

        expires_at = now + MAX_EXPIRY_SECONDS
        if params.get("expires_at"):
            expires_at = _int(params["expires_at"], "expires_at")
            if expires_at - now < MIN_EXPIRY_SECONDS:
                raise StripeError(
                    "The `expires_at` timestamp must be at least 30 minutes from Checkout "
                    "Session creation.",
                    param="expires_at",
                )
            if expires_at - now > MAX_EXPIRY_SECONDS:
                raise StripeError(
                    "The `expires_at` timestamp must be less than 24 hours from Checkout "
                    "Session creation.",
                    param="expires_at",
                )

        currency, line_items = self._build_line_items(params["line_items"])
        rates = self._build_shipping_rates(params.get("shipping_options"), currency)

        shipping_collection = None
        if params.get("shipping_address_collection"):
            collection = _dict(params["shipping_address_collection"], "shipping_address_collection")
            countries = collection.get("allowed_countries")
            param = "shipping_address_collection[allowed_countries]"
            if not countries:
                raise _missing(param)
            countries = [str(c).upper() for c in _list(countries, param)]
            if any(not re.fullmatch(r"[A-Z]{2}", c) for c in countries):
                raise StripeError(
                    f"Invalid {param}: expected two-letter country codes", param=param
                )
            shipping_collection = {"allowed_countries": countries}

        metadata = _dict(params.get("metadata") or {}, "metadata")
        if any(not isinstance(v, str) for v in metadata.values()):
            raise StripeError("Invalid metadata: values must be strings", param="metadata")
        reference = params.get("client_reference_id") or None
        if reference is not None and len(reference) > 200:
            raise StripeError(
                "Invalid client_reference_id: must be at most 200 characters",
                param="client_reference_id",
            )
        if params.get("expand"):
            self._check_expand(params["expand"])

        session_id = new_id("cs_test_", 58)
        subtotal = sum(item["amount_subtotal"] for item in line_items)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": subtotal,
            "amount_total": subtotal,
            "cancel_url": cancel_url,
            "client_reference_id": reference,
            "collected_information": None,
            "created": now,
            "currency": currency,
            "customer": customer_id,
            "customer_details": None,
            "customer_email": params.get("customer_email") or None,
            "expires_at": expires_at,
            "livemode": False,
            "locale": params.get("locale") or None,
            "metadata": dict(metadata),
            "mode": "payment",
            "payment_intent": None,
            "payment_method_types": ["card"],
            "payment_status": "unpaid",
            "shipping_address_collection": shipping_collection,
            "shipping_cost": None,
            "shipping_details": None,
            "shipping_options": [
                {"shipping_amount": rate["fixed_amount"]["amount"], "shipping_rate": rate["id"]}
                for rate in rates
            ],
            "status": "open",
            "success_url": success_url,
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            "url": f"{self.url}/pay/{session_id}",
        }
        for item in line_items:
            item["id"] = new_id("li_")
        for rate in rates:
            self._shipping_rates[rate["id"]] = rate
        if rates:
            self._choose_shipping(session, rates[0]["id"])
        self._sessions[session_id] = session
        self._extras[session_id] = {
            "line_items": line_items,
            "delayed_pending": False,  # completed with delayed payment, result not yet in
            "expiry_announced": False,  # checkout.session.expired already built
            "customer_update": customer_update,  # a create param Stripe does not echo
        }
        self.create_count += 1
        return session

    def _build_line_items(self, raw) -> tuple[str, list[dict]]:
        currency = None
        items = []
        for index, item in enumerate(_list(raw, "line_items")):
            prefix = f"line_items[{index}]"
            item = _dict(item, prefix)
            if item.get("price"):
                raise StripeError(
                    f"No such price: '{item['price']}' (the stand-in only supports price_data)",
                    param=f"{prefix}[price]",
                    code="resource_missing",
                )
            if not item.get("price_data"):
                raise _missing(f"{prefix}[price_data]")
            price_data = _dict(item["price_data"], f"{prefix}[price_data]")
            for name in ("currency", "unit_amount", "product_data"):
                if price_data.get(name) in (None, ""):
                    raise _missing(f"{prefix}[price_data][{name}]")
            product_data = _dict(price_data["product_data"], f"{prefix}[price_data][product_data]")
            if not product_data.get("name"):
                raise _missing(f"{prefix}[price_data][product_data][name]")
            item_currency = str(price_data["currency"]).lower()
            if currency is None:
                currency = item_currency
            elif item_currency != currency:
                raise StripeError(
                    "All line items must use the same currency.",
                    param=f"{prefix}[price_data][currency]",
                )
            unit_amount = _int(
                price_data["unit_amount"], f"{prefix}[price_data][unit_amount]", minimum=0
            )
            if "quantity" not in item:
                raise _missing(f"{prefix}[quantity]")
            quantity = _int(item["quantity"], f"{prefix}[quantity]", minimum=1)
            amount = unit_amount * quantity
            items.append(
                {
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
                    # Not in Stripe's item object (it is on the Product); kept
                    # so the hosted page can show it.
                    "images": list(product_data.get("images") or []),
                }
            )
        return currency, items

    def _build_shipping_rates(self, raw, currency: str) -> list[dict]:
        if not raw:
            return []
        options = _list(raw, "shipping_options")
        if len(options) > 5:
            raise StripeError("You can pass at most 5 shipping options.", param="shipping_options")
        rates = []
        for index, option in enumerate(options):
            prefix = f"shipping_options[{index}]"
            option = _dict(option, prefix)
            if option.get("shipping_rate"):
                existing = self._shipping_rates.get(option["shipping_rate"])
                if existing is None:
                    raise StripeError(
                        f"No such shipping rate: '{option['shipping_rate']}'",
                        param=f"{prefix}[shipping_rate]",
                        code="resource_missing",
                    )
                rates.append(existing)
                continue
            if not option.get("shipping_rate_data"):
                raise _missing(f"{prefix}[shipping_rate_data]")
            data = _dict(option["shipping_rate_data"], f"{prefix}[shipping_rate_data]")
            prefix += "[shipping_rate_data]"
            if not data.get("display_name"):
                raise _missing(f"{prefix}[display_name]")
            if data.get("type", "fixed_amount") != "fixed_amount":
                raise StripeError("Only type=fixed_amount is supported.", param=f"{prefix}[type]")
            if not data.get("fixed_amount"):
                raise _missing(f"{prefix}[fixed_amount]")
            fixed = _dict(data["fixed_amount"], f"{prefix}[fixed_amount]")
            if fixed.get("amount") in (None, ""):
                raise _missing(f"{prefix}[fixed_amount][amount]")
            if not fixed.get("currency"):
                raise _missing(f"{prefix}[fixed_amount][currency]")
            if str(fixed["currency"]).lower() != currency:
                raise StripeError(
                    "The shipping rate currency must match the line items' currency.",
                    param=f"{prefix}[fixed_amount][currency]",
                )
            rates.append(
                {
                    "id": new_id("shr_"),
                    "object": "shipping_rate",
                    "active": True,
                    "created": int(self.clock()),
                    "delivery_estimate": _delivery_estimate(data.get("delivery_estimate")),
                    "display_name": data["display_name"],
                    "fixed_amount": {
                        "amount": _int(
                            fixed["amount"], f"{prefix}[fixed_amount][amount]", minimum=0
                        ),
                        "currency": currency,
                    },
                    "livemode": False,
                    "metadata": dict(data.get("metadata") or {}),
                    "tax_behavior": data.get("tax_behavior") or "unspecified",
                    "tax_code": data.get("tax_code") or None,
                    "type": "fixed_amount",
                }
            )
        return rates

    @staticmethod
    def _customer_update(raw, customer_id: str | None) -> dict:
        """Which details completing the session saves onto its Customer ("never" unless asked)."""
        choices = dict.fromkeys(CUSTOMER_UPDATE_FIELDS, "never")
        if not raw:
            return choices
        if not customer_id:
            raise StripeError(
                "`customer_update` can only be used with `customer`.", param="customer_update"
            )
        raw = _dict(raw, "customer_update")
        _reject_unknown(raw, CUSTOMER_UPDATE_FIELDS, "customer_update")
        for key, value in raw.items():
            if value not in CUSTOMER_UPDATE_CHOICES:
                raise StripeError(
                    f"Invalid customer_update[{key}]: must be one of auto or never",
                    param=f"customer_update[{key}]",
                )
        return {**choices, **raw}

    @staticmethod
    def _check_expand(expand) -> list[str]:
        fields = _list(expand, "expand")
        for name in fields:
            if name not in EXPANDABLE_SESSION_FIELDS:
                raise StripeError(f"This property cannot be expanded ({name}).", param="expand")
        return fields

    # -- session state (called with the lock held) ---------------------------

    def _session_or_raise(self, session_id: str) -> dict:
        session = self._sessions.get(session_id)
        if session is None:
            raise StripeError(
                f"No such checkout.session: '{session_id}'",
                status=404,
                param="session",
                code="resource_missing",
            )
        self._lapse_if_due(session)
        return session

    def _lapse_if_due(self, session: dict) -> None:
        """A session past its expires_at is expired from then on, as on Stripe."""
        if session["status"] == "open" and self.clock() >= session["expires_at"]:
            self._set_expired(session)

    @staticmethod
    def _set_expired(session: dict) -> None:
        session["status"] = "expired"
        session["url"] = None  # Stripe only gives a URL while the session is open

    def _choose_shipping(self, session: dict, rate_id: str) -> None:
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

    def _render(self, session: dict, expand=None) -> dict:
        """The session as the API returns it, with requested fields expanded."""
        body = copy.deepcopy(session)
        for name in self._check_expand(expand) if expand else []:
            if name == "line_items":
                body["line_items"] = self._api_line_items({"limit": 100}, session["id"])
            elif name == "shipping_cost.shipping_rate" and body["shipping_cost"]:
                rate_id = body["shipping_cost"]["shipping_rate"]
                body["shipping_cost"]["shipping_rate"] = copy.deepcopy(
                    self._shipping_rates[rate_id]
                )
            elif name == "shipping_options.shipping_rate":
                for option in body["shipping_options"]:
                    option["shipping_rate"] = copy.deepcopy(
                        self._shipping_rates[option["shipping_rate"]]
                    )
        return body

    def _complete_locked(
        self, session_id: str, paid: bool, details: dict | None, shipping_rate: str | None
    ) -> dict:
        session = self._sessions.get(session_id)
        if session is None:
            raise SessionStateError(f"No such checkout session: {session_id}", 404)
        self._lapse_if_due(session)
        if session["status"] == "expired":
            raise SessionStateError(
                "This checkout session has expired. Return to the shop to try again.", 410
            )
        if session["status"] != "open":
            raise SessionStateError("This checkout session has already been paid for.", 409)
        if shipping_rate:
            self._choose_shipping(session, shipping_rate)

        buyer = self._buyer_details(session, details)
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
        if session["amount_total"] == 0:
            session["payment_status"] = "no_payment_required"
        else:
            session["payment_status"] = "paid" if paid else "unpaid"
            self._extras[session_id]["delayed_pending"] = not paid
        customer = self._customers.get(session["customer"] or "")
        if customer is not None:
            self._save_to_customer(customer, session, self._extras[session_id]["customer_update"])
        return session

    @staticmethod
    def _save_to_customer(customer: dict, session: dict, customer_update: dict) -> None:
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

    def _prefill(self, session: dict) -> dict:
        """Buyer details known before the buyer types: the Customer's, else customer_email.

        Keys are the buyer-detail names; only known (non-blank) values are given.
        """
        customer = self._customers.get(session["customer"] or "")
        if customer is None:
            return {"email": session["customer_email"]} if session["customer_email"] else {}
        shipping = customer["shipping"] or {}
        address = shipping.get("address") or customer["address"] or {}
        values = {
            "email": customer["email"],
            "name": shipping.get("name") or customer["name"],
            "phone": shipping.get("phone") or customer["phone"],
            **{key: address.get(key) for key in ADDRESS_FIELDS},
        }
        return {key: value for key, value in values.items() if value}

    def _buyer_details(self, session: dict, details: dict | None) -> dict:
        countries = (session["shipping_address_collection"] or {}).get("allowed_countries") or [
            "US"
        ]
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
        buyer.update(self._prefill(session))
        if session["shipping_address_collection"] and buyer["country"] not in countries:
            buyer["country"] = countries[0]  # the buyer would have had to pick an offered one
        for key, value in (details or {}).items():
            if key not in buyer:
                raise ValueError(f"unknown buyer detail {key!r}; expected one of {sorted(buyer)}")
            buyer[key] = value or None  # Stripe reports blank fields as null
        return buyer

    # -- Python control API: state changes that send events ------------------

    def complete(
        self,
        session_id: str,
        paid: bool = True,
        details: dict | None = None,
        deliver: bool = True,
        shipping_rate: str | None = None,
    ) -> dict:
        """Complete a session as the buyer would; return checkout.session.completed.

        paid=False is a delayed payment method: complete, payment_status
        "unpaid"; settle it later with :meth:`async_result`. details may set
        name, email, phone, line1, line2, city, postal_code, state, country.
        Raises SessionStateError if the session is not open.
        """
        with self._lock:
            session = self._complete_locked(session_id, paid, details, shipping_rate)
            event = self._make_event("checkout.session.completed", session)
        if deliver:
            self.send(event)
        return event

    def expire(self, session_id: str, deliver: bool = True) -> dict:
        """Expire an open session now; return checkout.session.expired."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                raise SessionStateError(f"No such checkout session: {session_id}", 404)
            self._lapse_if_due(session)
            if session["status"] == "complete":
                raise SessionStateError("Only open sessions can be expired.", 409)
            if self._extras[session_id]["expiry_announced"]:
                raise SessionStateError("This session's expiry has already been announced.", 409)
            self._set_expired(session)
            event = self._make_expired_event(session)
        if deliver:
            self.send(event)
        return event

    def expire_due_sessions(self, deliver: bool = True) -> list[dict]:
        """Expire sessions past expires_at; return (and send) their expired events."""
        with self._lock:
            events = []
            for session in self._sessions.values():
                self._lapse_if_due(session)
                if (
                    session["status"] == "expired"
                    and not self._extras[session["id"]]["expiry_announced"]
                ):
                    events.append(self._make_expired_event(session))
        if deliver:
            for event in events:
                self.send(event)
        return events

    def async_result(self, session_id: str, succeeded: bool, deliver: bool = True) -> dict:
        """Settle a delayed payment; return checkout.session.async_payment_succeeded/failed."""
        with self._lock:
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
            kind = "succeeded" if succeeded else "failed"
            event = self._make_event(f"checkout.session.async_payment_{kind}", session)
        if deliver:
            self.send(event)
        return event

    # -- events and webhooks -------------------------------------------------

    def _make_event(self, event_type: str, session: dict) -> dict:
        event = {
            "id": new_id("evt_"),
            "object": "event",
            "api_version": self.api_version,
            "created": int(self.clock()),
            "data": {"object": copy.deepcopy(session)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        with self._lock:
            self.events.append(event)
        return event

    def _make_expired_event(self, session: dict) -> dict:
        self._extras[session["id"]]["expiry_announced"] = True
        return self._make_event("checkout.session.expired", session)

    def build_event(self, event_type: str, session) -> tuple[bytes, str]:
        """A signed event for a session (dict or id): (payload, Stripe-Signature).

        For tests that replay, delay, reorder or tamper with deliveries; the
        session's state is not changed.
        """
        with self._lock:
            if isinstance(session, str):
                session = self._session_or_raise(session)
            event = self._make_event(event_type, session)
        payload = json.dumps(event).encode()
        return payload, self.sign(payload)

    def sign(
        self, payload: bytes | str, timestamp: int | None = None, secret: str | None = None
    ) -> str:
        """The Stripe-Signature header for payload, computed as Stripe does."""
        if isinstance(payload, bytes):
            payload = payload.decode("utf-8")
        timestamp = int(time.time()) if timestamp is None else int(timestamp)
        secret = self.webhook_secret if secret is None else secret
        signed = f"{timestamp}.{payload}".encode()
        digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return f"t={timestamp},v1={digest}"

    def send(self, event_or_payload, signature: str | None = None) -> tuple[int | None, str]:
        """POST an event (dict) or raw payload to the webhook URL.

        Signs it now unless ``signature`` is given. Returns (status, body);
        status is None if the endpoint could not be reached. Failures are
        recorded in ``deliveries``, not raised: send again to retry, as Stripe
        retries.
        """
        payload = event_or_payload
        if isinstance(payload, dict):
            payload = json.dumps(payload).encode()
        elif isinstance(payload, str):
            payload = payload.encode()
        if signature is None:
            signature = self.sign(payload)
        try:
            parsed = json.loads(payload)
            event_id, event_type = parsed.get("id"), parsed.get("type")
        except (ValueError, AttributeError):
            event_id = event_type = None

        url = self.webhook_url
        if not url:
            status, body = None, "no webhook URL configured"
        else:
            # set_webhook_url() only lets http(s) URLs in.
            request = urllib.request.Request(  # noqa: S310
                url,
                data=payload,
                method="POST",
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                    "Stripe-Signature": signature,
                },
            )
            try:
                with self._opener.open(request, timeout=self.webhook_timeout) as response:
                    status, body = response.status, response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read().decode("utf-8", "replace")
            except (urllib.error.URLError, OSError) as exc:  # refused, timed out, reset
                status, body = None, f"{type(exc).__name__}: {exc}"
        with self._lock:
            self.deliveries.append(
                {
                    "event_id": event_id,
                    "type": event_type,
                    "url": url,
                    "status": status,
                    "ok": status is not None and 200 <= status < 300,
                    "body": body[:2000],
                }
            )
        if not self.quiet:
            print(f"[stripe-standin] {event_type} {event_id} -> {url}: {status}", file=sys.stderr)
        return status, body

    def _deliver_in_background(self, event: dict) -> None:
        thread = threading.Thread(
            target=self.send, args=(event,), name="stripe-standin-webhook", daemon=True
        )
        with self._lock:
            self._delivery_threads = [t for t in self._delivery_threads if t.is_alive()]
            self._delivery_threads.append(thread)
        thread.start()

    def drain(self, timeout: float = 10.0) -> None:
        """Wait for background webhook deliveries (from API expire calls)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._delivery_threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # -- hosted checkout page ------------------------------------------------

    def _handle_page(self, method: str, session_id: str, form: dict) -> _Reply:
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return _html_reply(
                    404, _message_page("Not found", "There is no checkout session at this address.")
                )
            self._lapse_if_due(session)
            prefill = self._prefill(session)
            session = copy.deepcopy(session)
            extras = copy.deepcopy(self._extras[session_id])
            rates = [
                copy.deepcopy(self._shipping_rates[o["shipping_rate"]])
                for o in session["shipping_options"]
            ]
        action = form.get("action") if method == "POST" else None

        if method not in ("GET", "POST"):
            return _html_reply(405, _message_page("Not allowed", "Use GET or POST."))
        if action == "cancel":
            # The buyer goes back; the session stays open (the shop expires it).
            if session["cancel_url"]:
                return _Reply(
                    303, headers={"Location": session["cancel_url"]}, content_type="text/plain"
                )
            return _html_reply(200, _message_page("Cancelled", "Checkout was cancelled."))
        if action in ("async_succeeded", "async_failed"):
            return self._page_async_result(session, action == "async_succeeded")

        if session["status"] == "expired":
            return _html_reply(
                410,
                _message_page(
                    "Checkout expired",
                    "This checkout session has expired. Return to the shop to try again.",
                    back=session["cancel_url"],
                ),
            )
        if session["status"] == "complete":
            if extras["delayed_pending"]:
                return _html_reply(200 if action is None else 409, _pending_page(session))
            return _html_reply(
                409,
                _message_page(
                    "Already paid",
                    "This checkout session has already been paid for.",
                    back=session["success_url"],
                ),
            )

        if action is None:
            return _html_reply(200, _checkout_page(session, extras["line_items"], rates, prefill))
        if action not in ("pay", "pay_delayed"):
            return _html_reply(400, _message_page("Bad request", f"Unknown action {action!r}."))

        values = {key: (form.get(key) or "").strip() for key in _FORM_FIELDS}
        errors = _validate_buyer(values, _country_choices(session))
        rate_id = form.get("shipping_rate") or None
        if rate_id and rate_id not in {rate["id"] for rate in rates}:
            errors.append("Choose one of the shipping options offered.")
        if errors:
            page = _checkout_page(
                session, extras["line_items"], rates, {**values, "shipping_rate": rate_id}, errors
            )
            return _html_reply(400, page)
        try:
            # The event goes out before the redirect, so the shop normally
            # knows about the payment by the time the buyer lands back on it.
            event = self.complete(
                session_id, paid=action == "pay", details=values, shipping_rate=rate_id
            )
        except SessionStateError as exc:
            return _html_reply(exc.http_status, _message_page("Cannot pay", str(exc)))
        completed = event["data"]["object"]
        location = completed["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        return _Reply(303, headers={"Location": location}, content_type="text/plain")

    def _page_async_result(self, session: dict, succeeded: bool) -> _Reply:
        try:
            self.async_result(session["id"], succeeded)
        except SessionStateError as exc:
            return _html_reply(exc.http_status, _message_page("Nothing to settle", str(exc)))
        if succeeded:
            title, text = "Payment confirmed", "The bank confirmed the payment (simulated)."
        else:
            title, text = "Payment failed", "The bank declined the payment (simulated)."
        success = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
        return _html_reply(200, _message_page(title, text, back=success))


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


# --------------------------------------------------------------------------
# Hosted page HTML (small on purpose: one page, no scripts)

_FORM_FIELDS = ("name", "email", "line1", "line2", "city", "postal_code", "state", "country")

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Stripe stand-in (test mode)</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:36rem;margin:0 auto;padding:1rem;
  line-height:1.5;color:#1a1a1a;background:#fff}}
.banner{{background:#ffd84d;color:#000;font-weight:700;text-align:center;padding:.5rem;
  border:2px solid #000;margin:0 0 1rem}}
table{{width:100%;border-collapse:collapse;margin-bottom:1rem}}
caption{{text-align:left;font-weight:700}}
th,td{{text-align:left;padding:.3rem;border-bottom:1px solid #767676}}
.num{{text-align:right}}
fieldset{{margin:0 0 1rem;border:1px solid #767676}}
label{{display:block;margin-top:.6rem;font-weight:600}}
input,select{{width:100%;padding:.45rem;font-size:1rem;box-sizing:border-box}}
.choice label{{display:inline;font-weight:400}}
.choice input{{width:auto}}
.actions{{display:flex;flex-wrap:wrap;gap:.5rem}}
button{{padding:.6rem 1rem;font-size:1rem;cursor:pointer}}
:focus-visible{{outline:3px solid #1a5fb4;outline-offset:2px}}
.error{{color:#a00000;border:2px solid #a00000;padding:.5rem 1rem;margin-bottom:1rem}}
</style>
</head>
<body>
<p class="banner" role="note">TEST MODE – Stripe stand-in. No real payment is taken.</p>
<main>
{body}
</main>
</body>
</html>
"""


def _page(title: str, body: str) -> str:
    return _PAGE.format(title=html.escape(title), body=body)


def _message_page(title: str, message: str, back: str | None = None) -> str:
    link = f'<p><a href="{html.escape(back)}">Return to the shop</a></p>' if back else ""
    return _page(title, f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(message)}</p>\n{link}")


def _pending_page(session: dict) -> str:
    action = html.escape(f"/pay/{session['id']}")
    return _page(
        "Payment processing",
        f"""<h1>Payment processing</h1>
<p>The order is placed; the bank has not confirmed the payment yet. Simulate its answer:</p>
<form method="post" action="{action}">
<div class="actions">
<button type="submit" name="action" value="async_succeeded">Bank confirms payment</button>
<button type="submit" name="action" value="async_failed">Bank declines payment</button>
</div>
</form>""",
    )


def _country_choices(session: dict) -> list[str]:
    collection = session["shipping_address_collection"]
    return list(collection["allowed_countries"]) if collection else list(DEFAULT_COUNTRIES)


def _validate_buyer(values: dict, countries: list[str]) -> list[str]:
    labels = {
        "name": "Full name",
        "email": "Email",
        "line1": "Address line 1",
        "city": "Town or city",
        "postal_code": "Postcode",
        "country": "Country",
    }
    errors = [f"{label} is required." for key, label in labels.items() if not values[key]]
    if values["email"] and not _EMAIL.fullmatch(values["email"]):
        errors.append("Enter a valid email address.")
    if values["country"] and values["country"] not in countries:
        errors.append("Choose one of the countries offered.")
    return errors


def _checkout_page(
    session: dict,
    line_items: list[dict],
    rates: list[dict],
    values: dict | None = None,
    errors: list[str] | None = None,
) -> str:
    currency = session["currency"]
    esc = html.escape
    values = values or {}
    rows = "\n".join(
        f'<tr><td>{esc(item["description"])}</td><td class="num">{item["quantity"]}</td>'
        f'<td class="num">{_format_amount(item["amount_total"], currency)}</td></tr>'
        for item in line_items
    )
    shipping = session["shipping_cost"]
    total_rows = [("Subtotal", session["amount_subtotal"])]
    if shipping:
        total_rows.append(("Shipping", shipping["amount_total"]))
    total_rows.append(("Total", session["amount_total"]))
    totals = "\n".join(
        f'<tr><th scope="row" colspan="2">{label}</th>'
        f'<td class="num">{_format_amount(amount, currency)}</td></tr>'
        for label, amount in total_rows
    )

    error_html = ""
    if errors:
        items = "".join(f"<li>{esc(e)}</li>" for e in errors)
        error_html = (
            '<div class="error" role="alert"><p>Please correct the following:</p>'
            f"<ul>{items}</ul></div>"
        )

    shipping_html = ""
    if rates:
        chosen = values.get("shipping_rate") or (shipping or {}).get("shipping_rate")
        choices = "\n".join(
            f'<div class="choice"><input type="radio" id="rate-{i}" name="shipping_rate"'
            f' value="{esc(r["id"])}"{" checked" if r["id"] == chosen else ""}> '
            f'<label for="rate-{i}">{esc(r["display_name"])} – '
            f"{_format_amount(r['fixed_amount']['amount'], currency)}</label></div>"
            for i, r in enumerate(rates)
        )
        shipping_html = f"<fieldset>\n<legend>Delivery</legend>\n{choices}\n</fieldset>"

    def text_input(key, label, autocomplete, required=True, input_type="text"):
        value = esc(values.get(key) or "")
        req = " required" if required else ""
        return (
            f'<label for="{key}">{label}{"" if required else " (optional)"}</label>\n'
            f'<input type="{input_type}" id="{key}" name="{key}" value="{value}"'
            f' autocomplete="{autocomplete}"{req}>'
        )

    chosen_country = values.get("country") or ""
    options = "".join(
        f'<option value="{esc(c)}"{" selected" if c == chosen_country else ""}>{esc(c)}</option>'
        for c in _country_choices(session)
    )
    action = esc(f"/pay/{session['id']}")
    body = f"""<h1>Checkout</h1>
<table>
<caption>Order summary</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Quantity</th>
<th scope="col" class="num">Amount</th></tr></thead>
<tbody>
{rows}
</tbody>
<tfoot>
{totals}
</tfoot>
</table>
{error_html}
<form method="post" action="{action}">
{shipping_html}
<fieldset>
<legend>Contact</legend>
{text_input("email", "Email", "email", input_type="email")}
{text_input("name", "Full name", "name")}
</fieldset>
<fieldset>
<legend>Address</legend>
{text_input("line1", "Address line 1", "address-line1")}
{text_input("line2", "Address line 2", "address-line2", required=False)}
{text_input("city", "Town or city", "address-level2")}
{text_input("postal_code", "Postcode", "postal-code")}
{text_input("state", "County or state", "address-level1", required=False)}
<label for="country">Country</label>
<select id="country" name="country" autocomplete="country" required>
<option value="">Choose a country</option>{options}
</select>
</fieldset>
<div class="actions">
<button type="submit" name="action" value="pay">Pay</button>
<button type="submit" name="action" value="pay_delayed">Pay with delayed confirmation</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</div>
</form>"""
    return _page("Checkout", body)
