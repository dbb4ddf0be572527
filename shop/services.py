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
from django.db.models import Q
from django.utils import timezone

from gallery.models import PaintingPage

from . import payments
from .availability import LABELS, status_of
from .models import Order, OrderLine, SaleState

logger = logging.getLogger(__name__)

# A session that completes with a delayed payment method (e.g. SEPA debit)
# holds its paintings while the bank confirms.
ASYNC_PAYMENT_HOLD = timedelta(days=10)
# The reservation outlives the Stripe session a little, so a payment made in
# its last second is never beaten by another buyer while the event travels.
RESERVATION_GRACE = timedelta(minutes=5)
STRIPE_REQUEST_SLACK = timedelta(minutes=1)


# Stripe's payment_status values that mean the money is there.
PAID_STATUSES = ("paid", "no_payment_required")


class CheckoutError(Exception):
    """Something the shopper should be told; nothing was changed."""


@dataclass
class CartLine:
    painting_id: int
    painting: PaintingPage | None
    status: str  # 'available', 'reserved', 'sold', 'not_for_sale' or 'unpublished'
    # Reserved by this buyer's own unfinished checkout (they came back from Stripe).
    reserved_for_buyer: bool = False

    @property
    def can_buy(self):
        return self.status == SaleState.AVAILABLE or self.reserved_for_buyer

    @property
    def label(self):
        if self.reserved_for_buyer:
            return "Reserved for you while you pay"
        return LABELS.get(self.status, "No longer on show")


def cart_lines(painting_ids, buyers_orders=()):
    """The cart as the shopper should see it now, in two queries.

    buyers_orders: the pending orders of this buyer, whose reservations a new
    checkout takes over (see pending_orders_of).
    """
    pages = PaintingPage.with_card_data(PaintingPage.objects.visible().filter(pk__in=painting_ids))
    by_id = {page.pk: page for page in pages}
    own = {order.pk for order in buyers_orders}
    lines = []
    for pk in painting_ids:
        page = by_id.get(pk)
        if page is None:
            lines.append(CartLine(pk, None, "unpublished"))
            continue
        status = status_of(page)
        ours = status == SaleState.RESERVED and page.sale_state.order_id in own
        lines.append(CartLine(pk, page, status, reserved_for_buyer=ours))
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
        pages = {p.pk: p for p in PaintingPage.objects.visible().filter(pk__in=painting_ids)}
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
        _flag(order, f"Stripe sent more than fits; stored shortened. In full:\n{in_full}")


def _fits(field, amount):
    """Whether a Decimal fits a DecimalField (PostgreSQL refuses an overflow)."""
    return abs(amount) < Decimal(10) ** (field.max_digits - field.decimal_places)


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
        paid = None if amount_total_minor is None else Decimal(amount_total_minor) / 100
        amount_field = Order._meta.get_field("amount_paid")
        order.amount_paid = paid if paid is not None and _fits(amount_field, paid) else None
        order.stripe_payment_intent = (payment_intent or order.stripe_payment_intent)[:255]
        expected = payments.to_minor(order.total)
        if amount_total_minor is None:
            _flag(order, "Stripe did not say how much it charged: check the payment in Stripe.")
        elif amount_total_minor != expected:
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


def cancel_checkout(order_id, *, status=Order.CANCELLED, reason=""):
    """Ends a pending order whose buyer went away: Stripe first, then the paintings.

    The Checkout Session is expired before anything is released, so the buyer
    can no longer pay for paintings someone else may take. A session Stripe
    reports complete was paid meanwhile (another tab): it is fulfilled instead.
    Raises payments.PaymentError when Stripe can't be reached; nothing changes
    then, and the reservation still lapses at its time.
    """
    order = Order.objects.get(pk=order_id)
    if order.status != Order.PENDING:
        return order
    if order.stripe_session_id:
        try:
            payments.expire_session(order.stripe_session_id)
        except payments.SessionNotOpen:
            session = payments.retrieve_session(order.stripe_session_id)
            if session.get("status") == "complete":
                return apply_completed_session(order, session)
    return release_order(order.pk, status=status, reason=reason)


def abandon_checkout(order_id, *, session_id=None, reason):
    """A checkout broke after reserving: its Stripe session (if one was opened)
    can no longer take a payment, and its paintings are free again."""
    if session_id:
        try:
            payments.expire_session(session_id)
        except payments.PaymentError as error:
            logger.warning("Could not expire %s of a failed checkout: %r", session_id, error)
    return release_order(order_id, status=Order.CANCELLED, reason=reason)


def pending_orders_of(order_numbers, user=None):
    """The pending orders placed from this browser (its order numbers) or this account."""
    owned = Q(number__in=list(order_numbers))
    if user is not None and user.is_authenticated:
        owned |= Q(user=user)
    return Order.objects.filter(owned, status=Order.PENDING, reserved_until__gt=timezone.now())


def offer_shipping(order, rates):
    """Keeps the rates offered at checkout as they were, to check what the buyer chose."""
    order.shipping_offered = [
        {"name": r.name, "amount": str(r.amount), "countries": r.country_list} for r in rates
    ]
    order.save(update_fields=["shipping_offered"])
