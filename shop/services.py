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
from .emails import send_order_emails, send_shipping_notice
from .models import Order, OrderLine, SaleState
from .sale_status import SaleStatus, sale_status_of

logger = logging.getLogger(__name__)

# A session that completes with a delayed payment method (e.g. SEPA debit)
# holds its paintings while the bank confirms.
ASYNC_PAYMENT_HOLD = timedelta(days=10)
# The reservation outlives the Stripe session a little, so a payment made in
# its last second is never beaten by another buyer while the event travels.
RESERVATION_GRACE = timedelta(minutes=5)
STRIPE_REQUEST_SLACK = timedelta(minutes=1)
# Stripe wants expires_at under 24 hours after it creates the session.
LONGEST_SESSION = timedelta(hours=24) - 2 * STRIPE_REQUEST_SLACK


# Stripe's payment_status values that mean the money is there.
PAID_STATUSES = ("paid", "no_payment_required")


# Why a painting can't be bought, as the buyer is told.
REFUSALS = {
    SaleStatus.SOLD: "sold",
    SaleStatus.RESERVED: "reserved in another checkout",
    SaleStatus.NOT_FOR_SALE: "not for sale",
    SaleStatus.UNPUBLISHED: "no longer on show",
}


class CheckoutError(Exception):
    """Something the shopper should be told; nothing was changed."""


@dataclass
class CartLine:
    painting_id: int
    painting: PaintingPage | None
    status: SaleStatus
    # Reserved by this buyer's own unfinished checkout (they came back from Stripe).
    reserved_for_buyer: bool = False
    # Paid for by this buyer with a delayed method: the bank has yet to confirm.
    awaiting_bank: bool = False

    @property
    def can_buy(self):
        return self.status == SaleStatus.AVAILABLE or self.reserved_for_buyer

    @property
    def label(self):
        if self.reserved_for_buyer:
            return "Reserved for you while you pay"
        if self.awaiting_bank:
            return "Yours once your bank confirms the payment"
        return self.status.label


def cart_lines(painting_ids, buyers_orders=()):
    """The cart as the shopper should see it now, in two queries.

    buyers_orders: the pending orders of this buyer, whose reservations a new
    checkout takes over (see pending_orders_of).
    """
    pages = PaintingPage.objects.visible().filter(pk__in=painting_ids).with_card_data()
    by_id = {page.pk: page for page in pages}
    own = {order.pk: order for order in buyers_orders}
    lines = []
    for pk in painting_ids:
        page = by_id.get(pk)
        if page is None:
            lines.append(CartLine(pk, None, SaleStatus.UNPUBLISHED))
            continue
        status = SaleStatus(page.sale_status)
        order = own.get(page.sale_state.order_id) if status == SaleStatus.RESERVED else None
        lines.append(
            CartLine(
                pk,
                page,
                status,
                reserved_for_buyer=bool(order and not order.awaiting_bank_since),
                awaiting_bank=bool(order and order.awaiting_bank_since),
            )
        )
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
            status = sale_status_of(
                visible=True, for_sale=page.for_sale, price=page.price, state=state, now=now
            )
            if status != SaleStatus.AVAILABLE:
                unavailable.append(f"“{page.title}” ({REFUSALS[status]})")
        if unavailable:
            raise CheckoutError(
                "Sorry, these can't be bought right now: " + ", ".join(unavailable) + "."
            )

        # Stripe wants expires_at at least 30 minutes after it receives the
        # request: a minute of slack covers the trip.
        minutes = min(timedelta(minutes=reservation_minutes), LONGEST_SESSION)
        session_ends = now + minutes + STRIPE_REQUEST_SLACK
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
            state.status = SaleStatus.RESERVED
            state.order = order
            state.reserved_until = order.reserved_until
            state.save(update_fields=["status", "order", "reserved_until", "updated_at"])
        order.subtotal = subtotal
        order.save(update_fields=["subtotal"])
    order.session_ends = session_ends
    return order


def attach_checkout_session(order, session_id):
    """Gives the still pending order its Checkout Session; False if it ended meanwhile
    (another window of the same buyer took its paintings over)."""
    attached = Order.objects.filter(
        pk=order.pk, status=Order.Status.PENDING, stripe_session_id__isnull=True
    ).update(stripe_session_id=session_id)
    if attached:
        order.stripe_session_id = session_id
    return bool(attached)


def _painting_ids(order):
    return list(order.lines.exclude(painting=None).values_list("painting_id", flat=True))


def _release_states(order):
    for state in lock_sale_states(_painting_ids(order)):
        if state.status == SaleStatus.RESERVED and state.order_id == order.pk:
            state.status = SaleStatus.AVAILABLE
            state.order = None
            state.reserved_until = None
            state.save(update_fields=["status", "order", "reserved_until", "updated_at"])


ANY_SESSION = object()


def release_order(order_id, *, status=Order.Status.EXPIRED, reason="", session_id=ANY_SESSION):
    """A pending order ends unpaid: its paintings become available again.

    Does nothing to an order that is already paid (events arrive out of order).
    session_id: release only if the order still has this Checkout Session (None:
    none yet); returns None, changing nothing, if one was attached meanwhile.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != Order.Status.PENDING:
            return order
        if session_id is not ANY_SESSION and order.stripe_session_id != session_id:
            return None
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
        if order.status != Order.Status.PENDING:
            return order
        record_buyer_details(order, details)
        # Held once, from the first word of it: a repeated event, a visit to the
        # success page or a cancel attempt never makes the hold longer.
        order.awaiting_bank_since = order.awaiting_bank_since or timezone.now()
        order.reserved_until = order.awaiting_bank_since + ASYNC_PAYMENT_HOLD
        for state in lock_sale_states(_painting_ids(order)):
            if state.order_id == order.pk and state.status == SaleStatus.RESERVED:
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
            _flag(order, "Stripe did not say how much it charged: check the payment in Stripe.")
        elif amount_total_minor != expected:
            _flag(
                order,
                f"Stripe charged {amount_total_minor} minor units; the order total is {expected}.",
            )
        _check_shipping(order)
        if was != Order.Status.PENDING:
            _flag(order, f"Payment arrived after the order was {was}.")

        for state in lock_sale_states(_painting_ids(order)):
            ours = state.order_id == order.pk and state.status == SaleStatus.RESERVED
            free = state.effective_status == SaleStatus.AVAILABLE
            if ours or free:
                state.status = SaleStatus.SOLD
                state.order = order
                state.reserved_until = None
                state.save(update_fields=["status", "order", "reserved_until", "updated_at"])
            else:
                title = order.lines.get(painting_id=state.painting_id).title
                _flag(order, f"“{title}” went to order {state.order} before this payment: refund.")

        order.status = Order.Status.PAID
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
        if order.status not in (Order.Status.PAID, Order.Status.SHIPPED):
            return order
        order.status = Order.Status.REFUNDED
        order.closed_at = timezone.now()
        order.save(update_fields=["status", "closed_at"])
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


def make_available_again(painting_id):
    """The artist's explicit decision (e.g. after a refund) to sell a sold painting again."""
    with transaction.atomic():
        (state,) = lock_sale_states([painting_id])
        if state.status != SaleStatus.SOLD:
            return state
        state.status = SaleStatus.AVAILABLE
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
                reason = "The bank had not confirmed the payment when the hold ended."
        released = release_order(order.pk, status=status, reason=reason, session_id=session_id)
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


def pending_orders_of(order_numbers, user=None):
    """The pending orders placed from this browser (its order numbers) or this account."""
    owned = Q(number__in=list(order_numbers))
    if user is not None and user.is_authenticated:
        owned |= Q(user=user)
    return Order.objects.filter(
        owned, status=Order.Status.PENDING, reserved_until__gt=timezone.now()
    )


def offer_shipping(order, rates):
    """Keeps the rates offered at checkout as they were, to check what the buyer chose."""
    order.shipping_offered = [
        {"name": r.name, "amount": str(r.amount), "countries": r.country_list} for r in rates
    ]
    order.save(update_fields=["shipping_offered"])
