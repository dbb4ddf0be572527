"""Reserving paintings for a checkout, and letting them go when it ends unpaid."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from gallery.models import PaintingPage

from ..models import Order, OrderLine, PrintNumber, SaleState
from ..sale_status import SaleStatus, sale_status_of
from .prints import release_prints, reserve_prints
from .rows import (
    CheckoutError,
    append_note,
    lock_sale_states,
    move_to,
    painting_ids,
    release_reserved,
    sale_states_changed,
)

# The reservation outlives the Stripe session a little, so a payment made in
# its last second is never beaten by another buyer while the event travels.
RESERVATION_GRACE = timedelta(minutes=5)
STRIPE_REQUEST_SLACK = timedelta(minutes=1)
# Stripe wants expires_at under 24 hours after it creates the session.
LONGEST_SESSION = timedelta(hours=24) - 2 * STRIPE_REQUEST_SLACK


# Why a painting can't be bought, as the buyer is told.
REFUSALS = {
    SaleStatus.SOLD: "sold",
    SaleStatus.RESERVED: "reserved in another checkout",
    SaleStatus.NOT_FOR_SALE: "not for sale",
    SaleStatus.UNPUBLISHED: "no longer on show",
}


def reserve_for_checkout(
    painting_ids,
    *,
    reservation_minutes,
    currency,
    prints=None,
    user=None,
    session_key="",
    email="",
):
    """Re-check and reserve every painting and print, and create the pending order.

    prints: {(edition id, is artist's proof): how many}; the lowest free numbers are taken.
    All or nothing: if anything cannot be bought, CheckoutError names it and
    nothing is reserved. Prices come from the live pages, never the browser.
    """
    if not painting_ids and not prints:
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
            move_to(state, SaleStatus.RESERVED, order, order.reserved_until)
        sale_states_changed(states)
        # Editions are locked after the paintings' rows, as every other path does.
        subtotal += reserve_prints(order, prints or {}, now)
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


def offer_shipping(order, rates):
    """Keeps the rates offered at checkout as they were, to check what the buyer chose."""
    order.shipping_offered = [
        {"name": r.name, "amount": str(r.amount), "countries": r.country_list} for r in rates
    ]
    order.save(update_fields=["shipping_offered"])


def release_states(order):
    """The order's reserved paintings, then its print numbers, are free again."""
    sale_states_changed(release_reserved(lock_sale_states(painting_ids(order)), order))
    release_prints(order)


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
        release_states(order)
        order.status = status
        order.closed_at = timezone.now()
        if reason:
            order.review_reason = append_note(order.review_reason, reason)
        order.save(update_fields=["status", "closed_at", "review_reason"])
    return order


def pending_orders_of(order_numbers, user=None):
    """The pending orders placed from this browser (its order numbers) or this account."""
    owned = Q(number__in=list(order_numbers))
    if user is not None and user.is_authenticated:
        owned |= Q(user=user)
    return Order.objects.filter(
        owned, status=Order.Status.PENDING, reserved_until__gt=timezone.now()
    )


def earliest_reservation_end():
    """When the first live reservation lapses by itself (None: there is none).

    A page showing "Reserved" is wrong from then on, with no event to say so:
    the page cache keeps no page past it (PAGE_CACHE_EXPIRES_BY).
    """
    live = Q(status=SaleStatus.RESERVED, reserved_until__gt=timezone.now())
    # One query for both kinds (a page-cache miss pays for it): each side's
    # earliest end, grouped by the one status they share.
    painting_end, print_end = (
        model.objects.filter(live).order_by().values("status").annotate(end=Min("reserved_until"))
        for model in (SaleState, PrintNumber)
    )
    ends = [row["end"] for row in painting_end.union(print_end, all=True)]
    return min(ends, default=None)
