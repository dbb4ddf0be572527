"""Faults on demand: make the next API calls time out or fail with 500, 402 or 400.

Tests queue faults with :meth:`Faults.add` (``StripeStandin.fail_next``); the
router takes the first one that matches each API call's operation and answers
with :func:`fault_reply` before the work, or after it (``after_processing``:
"Stripe did it but the answer was lost").
"""

import threading

from .errors import StripeError
from .httpd import Reply, error_reply

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


class Faults:
    """The queue of faults still to happen."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[dict] = []

    def add(self, kind, times: int = 1, on: str = "create", after_processing: bool = False):
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}, not {kind!r}")
        if on not in FAULT_TARGETS:
            raise ValueError(f"on must be one of {FAULT_TARGETS}, not {on!r}")
        with self._lock:
            self._faults.append(
                {"kind": kind, "times": times, "on": on, "after_processing": after_processing}
            )

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, operation: str) -> dict | None:
        """The first fault for this operation, used up once; None if there is none."""
        with self._lock:
            for fault in self._faults:
                if fault["on"] in (operation, "any"):
                    fault["times"] -= 1
                    if fault["times"] <= 0:
                        self._faults.remove(fault)
                    return fault
        return None


def fault_reply(fault: dict) -> Reply:
    kind = fault["kind"]
    if kind == "timeout":
        return Reply(0, stall=True)
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
    return error_reply(error)
