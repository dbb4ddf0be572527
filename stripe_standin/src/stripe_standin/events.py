"""Events: build them, sign them, deliver them to the shop's webhook URL.

:class:`Webhooks` builds Stripe event objects around a session snapshot,
signs payloads as Stripe does (``Stripe-Signature: t=...,v1=...``, HMAC-SHA256
of ``"{t}.{payload}"`` with the endpoint secret) and POSTs them, in the
caller's thread or in a background one. It records every event built
(``events``) and every delivery attempted, with its outcome (``deliveries``);
a failed delivery is recorded, not raised, so a test can send it again as
Stripe retries.
"""

import copy
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from .ids import new_id

# What stripe-python 16.1 sends as Stripe-Version; events echo the version the
# client last used, like an account pinned to that version.
DEFAULT_API_VERSION = "2026-10-28.endive"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Stripe treats a redirect from a webhook endpoint as a failure."""

    def redirect_request(self, *args, **kwargs):
        return None


class Webhooks:
    def __init__(
        self,
        url: str | None,
        secret: str,
        timeout: float,
        *,
        now: Callable[[], float],
        log: Callable[[str], None],
    ):
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.api_version = DEFAULT_API_VERSION
        self.events: list[dict] = []  # every event built, in order
        self.deliveries: list[dict] = []  # every webhook POST attempted, with its outcome
        self._now = now
        self._log = log
        self._lock = threading.RLock()
        self._threads: list[threading.Thread] = []
        # No proxies: the webhook receiver is local whatever the environment says.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)

    @property
    def url(self) -> str | None:
        return self._url

    @url.setter
    def url(self, url: str | None) -> None:
        if url and not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook URL must be http(s): {url!r}")
        self._url = url or None

    # -- build and sign --------------------------------------------------------------

    def make(self, event_type: str, session: dict) -> dict:
        """A new event about (a snapshot of) the session, recorded in ``events``."""
        event = {
            "id": new_id("evt_"),
            "object": "event",
            "api_version": self.api_version,
            "created": int(self._now()),
            "data": {"object": copy.deepcopy(session)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        with self._lock:
            self.events.append(event)
        return event

    def sign(
        self, payload: bytes | str, timestamp: int | None = None, secret: str | None = None
    ) -> str:
        """The Stripe-Signature header for payload, computed as Stripe does."""
        if isinstance(payload, bytes):
            payload = payload.decode("utf-8")
        # Always the real time, whatever the stand-in's clock: the receiver checks it.
        timestamp = int(time.time()) if timestamp is None else int(timestamp)
        secret = self.secret if secret is None else secret
        signed = f"{timestamp}.{payload}".encode()
        digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return f"t={timestamp},v1={digest}"

    # -- deliver -----------------------------------------------------------------------

    def send(self, event_or_payload, signature: str | None = None) -> tuple[int | None, str]:
        """POST an event (dict) or raw payload to the webhook URL; return (status, body).

        Signs it now unless ``signature`` is given. status is None if the
        endpoint could not be reached.
        """
        payload = event_or_payload
        if isinstance(payload, dict):
            payload = json.dumps(payload).encode()
        elif isinstance(payload, str):
            payload = payload.encode()
        if signature is None:
            signature = self.sign(payload)
        url = self.url
        if not url:
            status, body = None, "no webhook URL configured"
        else:
            status, body = self._post(url, payload, signature)
        event_id, event_type = _id_and_type(payload)
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
        self._log(f"[stripe-standin] {event_type} {event_id} -> {url}: {status}")
        return status, body

    def _post(self, url: str, payload: bytes, signature: str) -> tuple[int | None, str]:
        # The url setter only lets http(s) URLs in.
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
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as exc:  # refused, timed out, reset
            return None, f"{type(exc).__name__}: {exc}"

    def send_in_background(self, event: dict) -> None:
        """Send from another thread, as Stripe sends after answering the API call."""
        thread = threading.Thread(
            target=self.send, args=(event,), name="stripe-standin-webhook", daemon=True
        )
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def drain(self, timeout: float = 10.0) -> None:
        """Wait for background deliveries."""
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


def _id_and_type(payload: bytes) -> tuple[str | None, str | None]:
    try:
        parsed = json.loads(payload)
        return parsed.get("id"), parsed.get("type")
    except (ValueError, AttributeError):
        return None, None
