"""Stripe Checkout stand-in: a local HTTP server that stripe-python can talk to.

See :mod:`stripe_standin.server` for what it implements, and run it with
``python -m stripe_standin --help``.
"""

from .server import SessionStateError, StripeError, StripeStandin, parse_form

__all__ = ["SessionStateError", "StripeError", "StripeStandin", "parse_form"]
