"""A completed Checkout Session: paid, held for the bank, or flagged; then shipped,
refunded, or (by the artist) put back on sale."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from certificates.issuing import issue_certificate, void_certificate_of, void_certificates
from pagecache.store import invalidate

from .. import payments
from ..emails import send_order_emails, send_shipping_notice
from ..models import Order, country_label
from ..sale_status import SaleStatus
from .prints import hold_prints, sell_prints
from .rows import (
    CheckoutError,
    append_note,
    flag,
    hold_reserved,
    lock_sale_states,
    move_to,
    painting_ids,
    reserved_by,
    sale_states_changed,
)

# A session that completes with a delayed payment method (e.g. SEPA debit)
# holds its paintings while the bank confirms: this long from its first word.
ASYNC_PAYMENT_HOLD = timedelta(days=10)
# Stripe's payment_status values that mean the money is there.
PAID_STATUSES = ("paid", "no_payment_required")

# Longest text kept in the review notes for one value that did not fit.
NOTE_LIMIT = 2000


def record_buyer_details(order, details):
    """Copies name, e-mail, address and shipping choice from a Checkout Session.

    A value longer than its column is stored shortened and kept whole in the
    review notes, so a paid order is never lost to a long name or address.
    """
    overflow = []
    for field_name, value in details.items():
        if value in (None, ""):
            continue
        field = Order._meta.get_field(field_name)
        if isinstance(value, str) and field.max_length and len(value) > field.max_length:
            overflow.append(f"{field.verbose_name}: {value[:NOTE_LIMIT]}")
            value = value[: field.max_length]
        elif isinstance(value, Decimal) and not _fits(field, value):
            overflow.append(f"{field.verbose_name}: {value}")
            continue
        setattr(order, field_name, value)
    if overflow:
        in_full = "\n".join(overflow)
        flag(order, f"Stripe sent more than fits; stored shortened. In full:\n{in_full}")


def _fits(field, amount):
    """Whether a Decimal fits a DecimalField (PostgreSQL refuses an overflow)."""
    return abs(amount) < Decimal(10) ** (field.max_digits - field.decimal_places)


def hold_for_async_payment(order_id, details):
    """The session completed but the bank has not confirmed yet: keep the paintings."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != Order.Status.PENDING:
            return order
        record_buyer_details(order, details)
        # Held once, from the first word of it: a repeated event, a visit to the
        # success page or a cancel attempt never makes the hold longer.
        order.awaiting_bank_since = order.awaiting_bank_since or timezone.now()
        order.reserved_until = order.awaiting_bank_since + ASYNC_PAYMENT_HOLD
        sale_states_changed(hold_reserved(lock_sale_states(painting_ids(order)), order))
        hold_prints(order)
        order.save()
    return order


def _check_shipping(order):
    """Flags a shipping charge that was not offered, or a rate chosen outside its countries."""
    offered = order.shipping_offered
    if offered and Decimal(order.shipping_amount) not in [Decimal(r["amount"]) for r in offered]:
        flag(order, f"Shipping charged ({order.shipping_amount}) is not a rate offered.")
    chosen = next((r for r in offered if r["name"] == order.shipping_name), None)
    countries = (chosen or {}).get("countries") or []
    if countries and order.country not in countries:
        where = country_label(order.country)
        flag(order, f"“{order.shipping_name}” does not ship to {where}: adjust shipping.")


def fulfil_order(order_id, *, amount_total_minor, details, payment_intent=""):
    """The payment succeeded: the order is paid and its paintings sold. Idempotent.

    A painting whose reservation lapsed and was taken by another buyer is never
    sold twice: the order is flagged for the artist to refund or resolve.
    Returns (order, newly_paid).
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status in (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.REFUNDED):
            return order, False
        was = order.status
        record_buyer_details(order, details)
        paid = None if amount_total_minor is None else Decimal(amount_total_minor) / 100
        amount_field = Order._meta.get_field("amount_paid")
        order.amount_paid = paid if paid is not None and _fits(amount_field, paid) else None
        order.stripe_payment_intent = (payment_intent or order.stripe_payment_intent)[:255]
        expected = payments.to_minor(order.total)
        if amount_total_minor is None:
            flag(order, "Stripe did not say how much it charged: check the payment in Stripe.")
        elif amount_total_minor != expected:
            flag(
                order,
                f"Stripe charged {amount_total_minor} minor units; the order total is {expected}.",
            )
        _check_shipping(order)
        if was != Order.Status.PENDING:
            flag(order, f"Payment arrived after the order was {was}.")

        now = timezone.now()
        lines = {
            line.painting_id: line
            for line in order.lines.filter(is_print=False).select_related("painting")
        }
        sold = []
        for state in lock_sale_states(painting_ids(order)):
            if reserved_by(state, order) or state.effective_status == SaleStatus.AVAILABLE:
                move_to(state, SaleStatus.SOLD, order)
                # Only a work this order really bought gets a certificate.
                issue_certificate(lines[state.painting_id], sold_on=timezone.localdate(now))
                sold.append(state)
            else:
                title = lines[state.painting_id].title
                flag(order, f"“{title}” went to order {state.order} before this payment: refund.")
        sale_states_changed(sold)
        for line in sell_prints(order, now):
            issue_certificate(line, sold_on=timezone.localdate(now))

        order.status = Order.Status.PAID
        order.paid_at = now
        order.closed_at = None
        order.save()
        transaction.on_commit(lambda: send_order_emails(order.pk))
    return order, True


def flag_for_review(order_id, reason):
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        flag(order, reason)
        order.save(update_fields=["needs_review", "review_reason"])
    return order


def mark_refunded(order_id):
    """Stripe refunded the charge. The paintings stay sold until the artist says otherwise."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status not in (Order.Status.PAID, Order.Status.SHIPPED):
            return order
        order.status = Order.Status.REFUNDED
        order.closed_at = timezone.now()
        order.save(update_fields=["status", "closed_at"])
        void_certificates(order)
        # The paintings stay sold, but a refund is a sale event: no page that
        # says anything about their sale may lag it.
        invalidate(page_ids=painting_ids(order))
    return order


def mark_shipped(order_id, *, carrier, tracking_number):
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != Order.Status.PAID:
            raise CheckoutError(f"Only a paid order can be shipped; {order} is {order.status}.")
        order.status = Order.Status.SHIPPED
        order.carrier = carrier
        order.tracking_number = tracking_number
        order.shipped_at = timezone.now()
        order.save(update_fields=["status", "carrier", "tracking_number", "shipped_at"])
        transaction.on_commit(lambda: send_shipping_notice(order.pk))
    return order


def adjust_shipping(order_id, *, name, amount, note, by=""):
    """The artist corrects the shipping of a paid order (a rate chosen for another
    country): the order shows the right shipping and total from then on, and its
    review notes keep what was charged and what is owed either way. No money
    moves here: the note says what to refund or collect in Stripe."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status not in (Order.Status.PAID, Order.Status.SHIPPED):
            raise CheckoutError(
                f"Only a paid order's shipping can be adjusted; {order} is {order.status}."
            )
        was = f"“{order.shipping_name or 'none'}” {order.shipping_amount}"
        order.shipping_name = name
        order.shipping_amount = amount
        paid = order.amount_paid if order.amount_paid is not None else order.total
        owed = order.total - paid
        if owed > 0:
            settle = f"the buyer owes {owed} {order.currency} more: collect it or waive it."
        elif owed < 0:
            settle = f"refund {-owed} {order.currency} to the buyer in Stripe."
        else:
            settle = "nothing to settle."
        who = f" by {by}" if by else ""
        line = f"Shipping adjusted{who}: was {was}, now “{name}” {amount}; {settle}"
        order.review_reason = append_note(order.review_reason, f"{line} {note}".strip())
        order.save(update_fields=["shipping_name", "shipping_amount", "review_reason"])
    return order, owed


def make_available_again(painting_id):
    """The artist's explicit decision (e.g. after a refund) to sell a sold painting again."""
    with transaction.atomic():
        (state,) = lock_sale_states([painting_id])
        if state.status != SaleStatus.SOLD:
            return state
        if state.order_id:
            void_certificate_of(state.order, painting_id)
        move_to(state, SaleStatus.AVAILABLE)
        sale_states_changed([state])
    return state


def apply_completed_session(order, session):
    """A completed Checkout Session: paid → fulfil; not yet paid → hold for the bank.

    Used by the webhook, the success page and cancelling alike.
    """
    details = payments.buyer_details(session, order.shipping_offered)
    if session.get("payment_status") in PAID_STATUSES:
        return fulfil_order(
            order.pk,
            amount_total_minor=payments.amount_total(session),
            details=details,
            payment_intent=payments.payment_intent_id(session),
        )[0]
    return hold_for_async_payment(order.pk, details)
