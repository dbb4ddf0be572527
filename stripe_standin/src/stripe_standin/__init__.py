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
shop's settings. It is installed for development and tests only
(``-e ./stripe_standin`` in requirements-dev.txt); no app imports it. Run it
with ``python -m stripe_standin --help``.

Where things are:

=================== ============================================================
``server``          :class:`StripeStandin`: lifecycle and the control API
``routing``         which room answers a request; API key, faults, idempotency
``httpd``           the threaded HTTP server, its handler, replies
``forms``           Stripe's form encoding and one-parameter checks
``errors``          :class:`StripeError` (API errors), :class:`SessionStateError`
``faults``          faults on demand (timeout, 500, 402, 400)
``session_params``  checking a Checkout Session's create parameters
``sessions``        Checkout Sessions and the moves of their state
``customers``       Customers, and what a session prefills from / saves to them
``events``          events: build, sign, deliver to the webhook
``pages``           the hosted pay page ``/pay/{id}``
``ids``             Stripe-style ids
=================== ============================================================
"""

from .errors import SessionStateError, StripeError
from .forms import parse_form
from .server import StripeStandin

__all__ = ["SessionStateError", "StripeError", "StripeStandin", "parse_form"]
