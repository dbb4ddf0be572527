"""The orders placed from this browser, and the checkouts of them a new one ends."""

import logging

from django.conf import settings
from django.db.models import Q

from .. import payments, services

logger = logging.getLogger(__name__)

ORDERS_SESSION_KEY = "orders"


def remember_order(request, order):
    numbers = request.session.get(ORDERS_SESSION_KEY, [])
    request.session[ORDERS_SESSION_KEY] = [*numbers[-19:], order.number]


def orders_of_this_browser(request):
    numbers = request.session.get(ORDERS_SESSION_KEY, [])
    return [n for n in numbers if isinstance(n, str)] if isinstance(numbers, list) else []


def buyers_pending_orders(request):
    return services.pending_orders_of(orders_of_this_browser(request), request.user)


def owns(request, order):
    """A buyer may see an order placed in this browser session or on their account."""
    if request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    return order.number in orders_of_this_browser(request)


def _holding(request, painting_ids, edition_ids):
    """This buyer's unfinished checkouts holding these paintings or prints of these editions."""
    originals = Q(lines__is_print=False, lines__painting_id__in=list(painting_ids))
    prints = Q(lines__print_number__edition_id__in=list(edition_ids))
    return buyers_pending_orders(request).filter(originals | prints).distinct()


def _still_in_cart(line, cart):
    if not line.is_print:
        return line.painting_id in cart
    number = line.print_number
    return number is not None and cart.print_quantity(number.edition_id, number.proof) > 0


def release_removed_work(request, cart, painting_ids=(), edition_ids=()):
    """Back from Stripe, then Remove: the buyer's unfinished checkout of what was
    removed must not go on holding it. It ends only if nothing it holds is still in
    the cart: ending it would free a painting the buyer still means to buy (the next
    checkout ends it anyway, or it lapses). Stripe failing or slow only leaves it to
    lapse: the work is out of the cart either way."""
    orders = _holding(request, painting_ids, edition_ids).prefetch_related("lines__print_number")
    try:
        with payments.time_budget(settings.STRIPE_CHECKOUT_BUDGET_SECONDS):
            for order in orders[:5]:
                if not any(_still_in_cart(line, cart) for line in order.lines.all()):
                    services.cancel_checkout(order.pk, reason="The buyer removed it from the cart.")
    except payments.PaymentError as error:
        logger.warning(
            "Could not end the checkout of removed work (paintings %s, editions %s): %r",
            list(painting_ids),
            list(edition_ids),
            error,
        )


def release_earlier_checkouts(request, painting_ids, edition_ids=()):
    """Back from Stripe without its cancel link: this buyer's earlier checkout of
    these paintings, or of prints of these editions, still holds them. It ends
    (its Stripe session expired) before the new one starts, so nobody is locked
    out of their own painting or print; a checkout of other works, in another
    window, is left alone."""
    for order in _holding(request, painting_ids, edition_ids)[:5]:
        services.cancel_checkout(order.pk, reason="The buyer started a new checkout.")
