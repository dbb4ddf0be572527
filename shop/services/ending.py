"""Ending a checkout whose buyer went away or whose request failed: Stripe first,
so nobody can pay for paintings someone else may take, then the paintings."""

import logging

from django.utils import timezone

from .. import payments
from ..models import Order
from .paying import apply_completed_session
from .reserving import release_order

logger = logging.getLogger(__name__)


def cancel_checkout(order_id, *, status=Order.Status.CANCELLED, reason=""):
    """Ends a pending order whose buyer went away: Stripe first, then the paintings.

    The Checkout Session is expired before anything is released, so the buyer
    can no longer pay for paintings someone else may take. A session Stripe
    reports complete was paid meanwhile (another tab) and is fulfilled; one
    whose bank has not answered keeps its paintings while the hold lasts.
    Raises payments.PaymentError when Stripe can't be reached; nothing changes
    then, and the reservation still lapses at its time.
    """
    for _ in range(3):
        why = reason
        order = Order.objects.get(pk=order_id)
        if order.status != Order.Status.PENDING:
            return order
        session_id = order.stripe_session_id
        if session_id:
            session = _expire_or_fetch(session_id)
            if session is not None and session.get("status") == "complete":
                held = apply_completed_session(order, session)
                if held.status != Order.Status.PENDING or held.reserved_until > timezone.now():
                    return held
                why = f"{reason} The bank had not confirmed the payment when the hold ended."
        released = release_order(order.pk, status=status, reason=why.strip(), session_id=session_id)
        if released is not None:
            return released
        # A session was attached while we were at Stripe: expire that one too.
    raise payments.PaymentError("The checkout kept changing while it was being cancelled.")


def _expire_or_fetch(session_id):
    """Expires an open session; returns the session if Stripe says it can't be
    (complete, or already expired), or None if Stripe does not know it."""
    try:
        payments.expire_session(session_id)
        return None
    except payments.SessionNotOpen as error:
        if error.http_status == 404:
            return None  # another Stripe account or mode: nothing there to pay
        return payments.retrieve_session(session_id)


def abandon_checkout(order_id, *, session_id=None, reason):
    """A checkout broke after reserving: its Stripe session (if one was opened)
    can no longer take a payment, and its paintings are free again."""
    if session_id:
        try:
            payments.expire_session(session_id)
        except payments.PaymentError as error:
            logger.warning("Could not expire %s of a failed checkout: %r", session_id, error)
    return release_order(order_id, status=Order.Status.CANCELLED, reason=reason)
