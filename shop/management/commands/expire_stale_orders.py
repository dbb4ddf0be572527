"""Closes pending orders whose reservation has lapsed, when no webhook did.

Run it every 10 minutes (Heroku Scheduler). A lapsed reservation already
counts as available (the check is `reserved_until < now`), so this only tidies
up: it asks Stripe to expire the session and marks the order expired. It never
releases an order Stripe may have been paid for:

- Stripe expired the session (now or before): the order is released;
- Stripe says the session is complete: the order is fulfilled (or held for a
  delayed payment) by the code the webhook uses;
- Stripe cannot be reached or answers with an error: the order is left as it
  is for the next run.

Idempotent, and safe to run twice at once: release and fulfilment lock the
order row and do nothing to an order that is no longer pending.
"""

import logging

import stripe
from django.core.management.base import BaseCommand
from django.utils import timezone

from shop import payments, services
from shop.models import Order

logger = logging.getLogger(__name__)

REASON = "The reservation lapsed unpaid (expire_stale_orders)."


def stale_orders(now=None):
    return Order.objects.filter(
        status=Order.Status.PENDING, reserved_until__lt=now or timezone.now()
    ).order_by("pk")


def expire_stale_orders(now=None):
    """Closes every lapsed pending order; returns {outcome: count}."""
    counts = {"expired": 0, "paid": 0, "left": 0}
    for order in stale_orders(now):
        try:
            # Stripe first (expire, or fulfil a session paid at the last
            # moment), then the paintings: the same path as the buyer's cancel.
            order = services.cancel_checkout(order.pk, status=Order.Status.EXPIRED, reason=REASON)
        except stripe.APIConnectionError as error:
            # Stripe is unreachable: every other order would wait for the
            # same timeout. All of them stay pending until the next run.
            logger.warning("Stripe unreachable while expiring %s: %r; stopping.", order, error)
            counts["left"] += stale_orders(now).filter(pk__gte=order.pk).count()
            break
        except payments.PaymentError as error:
            logger.warning("Stripe could not expire %s: %r; left for later.", order, error)
            counts["left"] += 1
            continue
        if order.status in (Order.Status.PAID, Order.Status.SHIPPED):
            logger.warning("%s was paid at Stripe but no webhook came: fulfilled now.", order)
            counts["paid"] += 1
        elif order.status == Order.Status.PENDING:
            # Completed with a delayed payment: held while the bank confirms.
            counts["left"] += 1
        else:
            counts["expired"] += 1
    return counts


class Command(BaseCommand):
    help = "Expire pending orders whose reservation has lapsed (asking Stripe first)."

    def handle(self, *args, **options):
        counts = expire_stale_orders()
        self.stdout.write(
            f"Expired {counts['expired']}, fulfilled {counts['paid']} (paid, webhook late), "
            f"left {counts['left']} for the next run."
        )
