"""How paintings and money move: the shop's business rules, in one place.

Views, the Stripe webhook, the success page and the admin all call these
functions; none of them changes sale state or order status by itself.

    available → reserved (by order O, until T) → sold (to O)
    reserved  → available   when T passes, the session expires, the shopper
                            cancels, or an asynchronous payment fails
    sold      → available   only by the artist, from the admin

Row locks are always taken in painting-id order, so two checkouts that share
paintings queue up instead of deadlocking.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gallery.models import PaintingPage

from .models import Order, OrderLine, SaleState

logger = logging.getLogger(__name__)

# A session that completes with a delayed payment method (e.g. SEPA debit)
# holds its paintings while the bank confirms.
ASYNC_PAYMENT_HOLD = timedelta(days=10)
# The reservation outlives the Stripe session a little, so a payment made in
# its last second is never beaten by another buyer while the event travels.
RESERVATION_GRACE = timedelta(minutes=5)
STRIPE_REQUEST_SLACK = timedelta(minutes=1)


class CheckoutError(Exception):
    """Something the shopper should be told; nothing was changed."""


@dataclass
class CartLine:
    painting_id: int
    painting: PaintingPage | None
    status: str  # 'available', 'reserved', 'sold', 'not_for_sale' or 'unpublished'

    @property
    def can_buy(self):
        return self.status == SaleState.AVAILABLE

    @property
    def label(self):
        from .availability import LABELS

        return LABELS.get(self.status, "No longer on show")


def cart_lines(painting_ids):
    """The cart as the shopper should see it now, in two queries."""
    from .availability import status_of

    pages = PaintingPage.with_card_data(PaintingPage.objects.live().filter(pk__in=painting_ids))
    by_id = {page.pk: page for page in pages}
    lines = []
    for pk in painting_ids:
        page = by_id.get(pk)
        lines.append(CartLine(pk, page, status_of(page) if page else "unpublished"))
    return lines


def lock_sale_states(painting_ids):
    """The sale-state rows of these paintings, created if new, locked in id order."""
    ids = sorted(set(painting_ids))
    SaleState.objects.bulk_create([SaleState(painting_id=pk) for pk in ids], ignore_conflicts=True)
    return list(
        SaleState.objects.select_for_update().filter(painting_id__in=ids).order_by("painting_id")
    )


def reserve_for_checkout(
    painting_ids, *, reservation_minutes, currency, user=None, session_key="", email=""
):
    """Re-check and reserve every painting, and create the pending order.

    All or nothing: if any painting cannot be bought, CheckoutError names it
    and nothing is reserved. Prices come from the live pages, never the browser.
    """
    if not painting_ids:
        raise CheckoutError("Your cart is empty.")
    now = timezone.now()
    with transaction.atomic():
        pages = {p.pk: p for p in PaintingPage.objects.live().filter(pk__in=painting_ids)}
        unavailable = []
        if set(painting_ids) - set(pages):
            unavailable.append("a painting that is no longer published")
        states = lock_sale_states(pages)
        for state in states:
            page = pages[state.painting_id]
            if not page.for_sale or page.price is None:
                unavailable.append(f"“{page.title}” (not for sale)")
            elif state.effective_status == SaleState.SOLD:
                unavailable.append(f"“{page.title}” (sold)")
            elif state.effective_status == SaleState.RESERVED:
                unavailable.append(f"“{page.title}” (reserved in another checkout)")
        if unavailable:
            raise CheckoutError(
                "Sorry, these can't be bought right now: " + ", ".join(unavailable) + "."
            )

        # Stripe wants expires_at at least 30 minutes after it receives the
        # request: a minute of slack covers the trip.
        session_ends = now + timedelta(minutes=reservation_minutes) + STRIPE_REQUEST_SLACK
        order = Order.objects.create(
            user=user if user and user.is_authenticated else None,
            session_key=session_key or "",
            email=email or "",
            currency=currency,
            reserved_until=session_ends + RESERVATION_GRACE,
        )
        subtotal = Decimal("0")
        for state in states:
            page = pages[state.painting_id]
            OrderLine.objects.create(order=order, painting=page, title=page.title, price=page.price)
            subtotal += page.price
            state.status = SaleState.RESERVED
            state.order = order
            state.reserved_until = order.reserved_until
            state.save(update_fields=["status", "order", "reserved_until", "updated_at"])
        order.subtotal = subtotal
        order.save(update_fields=["subtotal"])
    order.session_ends = session_ends
    return order


def attach_checkout_session(order, session_id):
    Order.objects.filter(pk=order.pk).update(stripe_session_id=session_id)
    order.stripe_session_id = session_id


def _painting_ids(order):
    return list(order.lines.exclude(painting=None).values_list("painting_id", flat=True))


def _release_states(order):
    for state in lock_sale_states(_painting_ids(order)):
        if state.status == SaleState.RESERVED and state.order_id == order.pk:
            state.status = SaleState.AVAILABLE
            state.order = None
            state.reserved_until = None
            state.save(update_fields=["status", "order", "reserved_until", "updated_at"])


def release_order(order_id, *, status=Order.EXPIRED, reason=""):
    """A pending order ends unpaid: its paintings become available again.

    Does nothing to an order that is already paid (events arrive out of order).
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != Order.PENDING:
            return order
        _release_states(order)
        order.status = status
        order.closed_at = timezone.now()
        if reason:
            order.review_reason = _append(order.review_reason, reason)
        order.save(update_fields=["status", "closed_at", "review_reason"])
    return order


def _append(text, line):
    return f"{text}\n{line}".strip()


def _flag(order, reason):
    order.needs_review = True
    order.review_reason = _append(order.review_reason, reason)


def record_buyer_details(order, details):
    """Copies name, e-mail, address and shipping choice from a Checkout Session."""
    for field, value in details.items():
        if value not in (None, ""):
            setattr(order, field, value)


def hold_for_async_payment(order_id, details):
    """The session completed but the bank has not confirmed yet: keep the paintings."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != Order.PENDING:
            return order
        record_buyer_details(order, details)
        order.reserved_until = timezone.now() + ASYNC_PAYMENT_HOLD
        for state in lock_sale_states(_painting_ids(order)):
            if state.order_id == order.pk and state.status == SaleState.RESERVED:
                state.reserved_until = order.reserved_until
                state.save(update_fields=["reserved_until", "updated_at"])
        order.save()
    return order


def _check_shipping(order):
    """Flags a shipping charge that was not offered, or a rate chosen outside its countries."""
    offered = order.shipping_offered
    if offered and Decimal(order.shipping_amount) not in [Decimal(r["amount"]) for r in offered]:
        _flag(order, f"Shipping charged ({order.shipping_amount}) is not a rate offered.")
    chosen = next((r for r in offered if r["name"] == order.shipping_name), None)
    countries = (chosen or {}).get("countries") or []
    if countries and order.country not in countries:
        _flag(order, f"“{order.shipping_name}” does not ship to {order.country}: adjust shipping.")


def fulfil_order(order_id, *, amount_total_minor, details, payment_intent=""):
    """The payment succeeded: the order is paid and its paintings sold. Idempotent.

    A painting whose reservation lapsed and was taken by another buyer is never
    sold twice: the order is flagged for the artist to refund or resolve.
    Returns (order, newly_paid).
    """
    from .emails import send_order_emails

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status in (Order.PAID, Order.SHIPPED, Order.REFUNDED):
            return order, False
        was = order.status
        record_buyer_details(order, details)
        order.amount_paid = Decimal(amount_total_minor) / 100
        order.stripe_payment_intent = payment_intent or order.stripe_payment_intent
        expected = to_minor(order.total)
        if amount_total_minor != expected:
            _flag(
                order,
                f"Stripe charged {amount_total_minor} minor units; the order total is {expected}.",
            )
        _check_shipping(order)
        if was != Order.PENDING:
            _flag(order, f"Payment arrived after the order was {was}.")

        for state in lock_sale_states(_painting_ids(order)):
            ours = state.order_id == order.pk and state.status == SaleState.RESERVED
            free = state.effective_status == SaleState.AVAILABLE
            if ours or free:
                state.status = SaleState.SOLD
                state.order = order
                state.reserved_until = None
                state.save(update_fields=["status", "order", "reserved_until", "updated_at"])
            else:
                title = order.lines.get(painting_id=state.painting_id).title
                _flag(order, f"“{title}” went to order {state.order} before this payment: refund.")

        order.status = Order.PAID
        order.paid_at = timezone.now()
        order.closed_at = None
        order.save()
        transaction.on_commit(lambda: send_order_emails(order.pk))
    return order, True


def flag_for_review(order_id, reason):
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        _flag(order, reason)
        order.save(update_fields=["needs_review", "review_reason"])
    return order


def mark_refunded(order_id):
    """Stripe refunded the charge. The paintings stay sold until the artist says otherwise."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status not in (Order.PAID, Order.SHIPPED):
            return order
        order.status = Order.REFUNDED
        order.closed_at = timezone.now()
        order.save(update_fields=["status", "closed_at"])
    return order


def mark_shipped(order_id, *, carrier, tracking_number):
    from .emails import send_shipping_notice

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != Order.PAID:
            raise CheckoutError(f"Only a paid order can be shipped; {order} is {order.status}.")
        order.status = Order.SHIPPED
        order.carrier = carrier
        order.tracking_number = tracking_number
        order.shipped_at = timezone.now()
        order.save(update_fields=["status", "carrier", "tracking_number", "shipped_at"])
        transaction.on_commit(lambda: send_shipping_notice(order.pk))
    return order


def make_available_again(painting_id):
    """The artist's explicit decision (e.g. after a refund) to sell a sold painting again."""
    with transaction.atomic():
        (state,) = lock_sale_states([painting_id])
        if state.status != SaleState.SOLD:
            return state
        state.status = SaleState.AVAILABLE
        state.order = None
        state.reserved_until = None
        state.save(update_fields=["status", "order", "reserved_until", "updated_at"])
    return state


def to_minor(amount):
    """Decimal in the currency's main unit → integer minor units (all shop currencies use 2)."""
    return int((Decimal(amount) * 100).quantize(Decimal("1")))
