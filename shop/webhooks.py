"""The Stripe webhook: verify, record once, let the order's state machine decide.

Stripe may send an event late, twice, or out of order. Each event id is
stored once (unique), in the same transaction as its effects: a replay
answers 200 and does nothing, and a real failure answers 500 with nothing
stored, so Stripe retries it.
"""

import json
import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import payments, services
from .models import Order, StripeEvent

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300


def find_order(session):
    """The order a Checkout Session belongs to, by session id, else by our number."""
    session_id, number = payments.session_reference(session)
    return (
        Order.objects.filter(stripe_session_id=session_id or "-").first()
        or Order.objects.filter(number=number or "-").first()
    )


def handle_session_event(event_type, session):
    order = find_order(session)
    if order is None:
        logger.warning("Stripe %s for unknown session %r", event_type, session.get("id"))
        return None
    if event_type == "checkout.session.completed":
        services.apply_completed_session(order, session)
    elif event_type == "checkout.session.async_payment_succeeded":
        services.apply_completed_session(order, {**session, "payment_status": "paid"})
    elif event_type == "checkout.session.async_payment_failed":
        services.release_order(
            order.pk, status=Order.Status.CANCELLED, reason="The delayed payment failed."
        )
    elif event_type == "checkout.session.expired":
        services.release_order(order.pk, status=Order.Status.EXPIRED)
    return order


def handle_charge_refunded(charge):
    payment_intent = payments.payment_intent_id(charge)
    order = Order.objects.filter(stripe_payment_intent=payment_intent or "-").first()
    if order is None:
        logger.warning("Stripe refund for unknown payment %r", payment_intent)
        return None
    if charge.get("refunded"):
        return services.mark_refunded(order.pk)
    services.flag_for_review(order.pk, "Stripe reports a partial refund.")
    return order


SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


@csrf_exempt
@require_POST
def stripe_webhook(request):
    payload = request.body
    try:
        stripe.WebhookSignature.verify_header(
            payload,
            request.headers.get("Stripe-Signature"),
            settings.STRIPE_WH_SECRET,
            SIGNATURE_TOLERANCE_SECONDS,
        )
        event = json.loads(payload)
        event_id, event_type = event["id"], event["type"]
        obj = event["data"]["object"]
        shaped = isinstance(event_id, str) and isinstance(event_type, str) and isinstance(obj, dict)
        if not shaped or "\x00" in event_id:
            raise TypeError("unexpected event shape")
    except stripe.SignatureVerificationError:
        return HttpResponseBadRequest("Bad signature.")
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("Malformed event.")

    with transaction.atomic():
        record, created = StripeEvent.objects.get_or_create(
            event_id=event_id[:255], defaults={"type": event_type.replace("\x00", "")[:100]}
        )
        if not created:
            return HttpResponse("Already processed.")
        if event_type in SESSION_EVENTS:
            record.order = handle_session_event(event_type, obj)
        elif event_type == "charge.refunded":
            record.order = handle_charge_refunded(obj)
        else:
            return HttpResponse("Ignored.")
        record.save(update_fields=["order"])
    return HttpResponse("OK")
