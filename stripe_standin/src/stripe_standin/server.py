"""The stand-in itself: :class:`StripeStandin`, the one object tests and ``make run`` use.

It owns the HTTP server's life (start, stop, ``url``) and the one lock that
every request and control call takes, and composes the rooms that do the
work: customers (:mod:`.customers`), sessions (:mod:`.sessions`), faults
(:mod:`.faults`), events and webhooks (:mod:`.events`), the hosted pay page
(:mod:`.pages`) and the request router (:mod:`.routing`). Its methods are the
Python control API: inspect state, inject faults, complete or expire
sessions (sending the events Stripe would), and build, sign or send events
by hand to replay, delay, reorder or tamper with them.
"""

from __future__ import annotations

import copy
import json
import sys
import threading
import time

from .customers import CustomerStore
from .events import Webhooks
from .faults import Faults
from .httpd import Server
from .pages import HostedPages
from .routing import Router
from .sessions import SessionStore


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
        self.host = host
        self.port = port
        self.public_url = public_url  # base for hosted-page URLs if not self.url
        self.timeout_seconds = timeout_seconds  # how long a "timeout" fault stalls
        self.quiet = quiet
        # Session logic reads the time through this, so tests can move time
        # forward (signatures always use the real time: the receiver checks it).
        self.clock = time.time
        self.requests: list[tuple[str, str, dict]] = []

        self._lock = threading.RLock()
        self._webhooks = Webhooks(
            webhook_url, webhook_secret, webhook_timeout, now=self._now, log=self._log
        )
        self._customers = CustomerStore(now=self._now)
        self._sessions = SessionStore(
            now=self._now, customers=self._customers, pay_url=lambda id_: f"{self.url}/pay/{id_}"
        )
        self._faults = Faults()
        pages = HostedPages(
            self._lock,
            self._sessions,
            self._customers,
            complete=self.complete,
            async_result=self.async_result,
        )
        self._router = Router(
            self._lock,
            self.requests,
            sessions=self._sessions,
            customers=self._customers,
            faults=self._faults,
            webhooks=self._webhooks,
            pages=pages,
        )
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def _now(self) -> float:
        return self.clock()

    def _log(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr)

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> StripeStandin:
        if self._server is not None:
            raise RuntimeError("StripeStandin is already running")
        self._stopping.clear()
        self._server = Server(
            (self.host, self.port),
            dispatch=self._router.handle,
            stall=lambda: self._stopping.wait(self.timeout_seconds),
            quiet=lambda: self.quiet,
        )
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

    # -- webhook settings (kept by the events room) ----------------------------------------

    @property
    def webhook_url(self) -> str | None:
        return self._webhooks.url

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:
        self._webhooks.url = url

    def set_webhook_url(self, url: str | None) -> None:
        self.webhook_url = url

    @property
    def webhook_secret(self) -> str:
        return self._webhooks.secret

    @webhook_secret.setter
    def webhook_secret(self, secret: str) -> None:
        self._webhooks.secret = secret

    @property
    def webhook_timeout(self) -> float:
        return self._webhooks.timeout

    @webhook_timeout.setter
    def webhook_timeout(self, seconds: float) -> None:
        self._webhooks.timeout = seconds

    @property
    def api_version(self) -> str:
        """The Stripe-Version the client last sent; events carry it."""
        return self._webhooks.api_version

    @api_version.setter
    def api_version(self, version: str) -> None:
        self._webhooks.api_version = version

    # -- inspection --------------------------------------------------------------------

    @property
    def events(self) -> list[dict]:
        """Every event built, in order."""
        return self._webhooks.events

    @property
    def deliveries(self) -> list[dict]:
        """Every webhook POST attempted, with its outcome."""
        return self._webhooks.deliveries

    @property
    def create_count(self) -> int:
        """How many Checkout Sessions were created (idempotent replays not counted)."""
        return self._sessions.create_count

    @property
    def sessions(self) -> dict[str, dict]:
        """A snapshot (deep copy) of all sessions, id -> session dict."""
        with self._lock:
            return self._sessions.snapshot()

    def session(self, session_id: str) -> dict:
        """A snapshot of one session, as the API would return it."""
        with self._lock:
            return copy.deepcopy(self._sessions.get_or_raise(session_id))

    @property
    def customers(self) -> dict[str, dict]:
        """A snapshot of the Customers that exist (deleted ones are gone), id -> customer."""
        with self._lock:
            return self._customers.snapshot()

    def line_items(self, session_id: str) -> list[dict]:
        with self._lock:
            self._sessions.get_or_raise(session_id)
            return copy.deepcopy(self._sessions.extras(session_id)["line_items"])

    # -- fault injection -----------------------------------------------------------------

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
        self._faults.add(kind, times, on, after_processing)

    def clear_faults(self) -> None:
        self._faults.clear()

    # -- state changes that send events ------------------------------------------------------

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
            session = self._sessions.complete(session_id, paid, details, shipping_rate)
            event = self._webhooks.make("checkout.session.completed", session)
        if deliver:
            self.send(event)
        return event

    def expire(self, session_id: str, deliver: bool = True) -> dict:
        """Expire an open session now; return checkout.session.expired."""
        with self._lock:
            event = self._expired_event(self._sessions.expire_now(session_id))
        if deliver:
            self.send(event)
        return event

    def expire_due_sessions(self, deliver: bool = True) -> list[dict]:
        """Expire sessions past expires_at; return (and send) their expired events."""
        with self._lock:
            events = [self._expired_event(s) for s in self._sessions.unannounced_expired()]
        if deliver:
            for event in events:
                self.send(event)
        return events

    def _expired_event(self, session: dict) -> dict:
        self._sessions.announce_expiry(session)
        return self._webhooks.make("checkout.session.expired", session)

    def async_result(self, session_id: str, succeeded: bool, deliver: bool = True) -> dict:
        """Settle a delayed payment; return checkout.session.async_payment_succeeded/failed."""
        with self._lock:
            session = self._sessions.settle(session_id, succeeded)
            kind = "succeeded" if succeeded else "failed"
            event = self._webhooks.make(f"checkout.session.async_payment_{kind}", session)
        if deliver:
            self.send(event)
        return event

    # -- events by hand ----------------------------------------------------------------------

    def build_event(self, event_type: str, session) -> tuple[bytes, str]:
        """A signed event for a session (dict or id): (payload, Stripe-Signature).

        For tests that replay, delay, reorder or tamper with deliveries; the
        session's state is not changed.
        """
        with self._lock:
            if isinstance(session, str):
                session = self._sessions.get_or_raise(session)
            event = self._webhooks.make(event_type, session)
        payload = json.dumps(event).encode()
        return payload, self.sign(payload)

    def sign(
        self, payload: bytes | str, timestamp: int | None = None, secret: str | None = None
    ) -> str:
        """The Stripe-Signature header for payload, computed as Stripe does."""
        return self._webhooks.sign(payload, timestamp, secret)

    def send(self, event_or_payload, signature: str | None = None) -> tuple[int | None, str]:
        """POST an event (dict) or raw payload to the webhook URL.

        Signs it now unless ``signature`` is given. Returns (status, body);
        status is None if the endpoint could not be reached. Failures are
        recorded in ``deliveries``, not raised: send again to retry, as Stripe
        retries.
        """
        return self._webhooks.send(event_or_payload, signature)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait for background webhook deliveries (from API expire calls)."""
        self._webhooks.drain(timeout)
