"""The pages Stripe sends the shopper back to: success and cancel."""

import logging
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from .. import payments, services
from ..cart import Cart
from ..models import Order
from ..tokens import order_number_from, order_token
from .orders import owns, remember_order

logger = logging.getLogger(__name__)


def _order_from_link(request):
    """The order a link from Stripe's page is for, if it carries a valid signed number."""
    number = order_number_from(request.GET.get("order", ""))
    return Order.objects.filter(number=number).first() if number else None


def _order_for_return(request):
    """The order the buyer came back for: by the signed link, else by this browser's orders."""
    order = _order_from_link(request)
    if order is None:
        session_id = request.GET.get("session_id", "")
        if session_id and session_id.isprintable() and len(session_id) <= 255:
            order = Order.objects.filter(stripe_session_id=session_id).first()
        if order is None or not owns(request, order):
            raise Http404("No such order.")
    else:
        remember_order(request, order)
    return order


@require_GET
def checkout_success(request):
    order = _order_for_return(request)
    if order.status == Order.Status.PENDING:
        # The webhook may not have arrived yet: ask Stripe, and fulfil the
        # same way the webhook would (it is idempotent).
        try:
            with payments.time_budget(settings.STRIPE_CHECKOUT_BUDGET_SECONDS):
                session = payments.retrieve_session(order.stripe_session_id)
        except payments.PaymentError as error:
            logger.warning("Could not confirm %s with Stripe: %r", order, error)
        else:
            if session.get("status") == "complete":
                services.apply_completed_session(order, session)
        order.refresh_from_db()
    if order.status in (Order.Status.PAID, Order.Status.SHIPPED):
        _remove_bought(Cart(request), order)
    return TemplateResponse(
        request,
        "shop/checkout_success.html",
        {"order": order, "lines": order.lines.all()},
    )


def _remove_bought(cart, order):
    """The originals and the prints the order bought leave the cart."""
    bought = order.lines.values_list(
        "is_print", "painting_id", "print_number__edition_id", "print_number__proof"
    )
    originals, prints = set(), Counter()
    for is_print, painting_id, edition_id, proof in bought:
        if not is_print:
            originals.add(painting_id)
        elif edition_id is not None:
            prints[(edition_id, proof)] += 1
    cart.remove_bought(order.number, originals, prints)


@require_GET
def checkout_cancel(request):
    """Stripe's "back to the shop" link: the checkout ends and the paintings are free again."""
    order = _order_for_return(request)
    if order.status == Order.Status.PENDING:
        try:
            with payments.time_budget(settings.STRIPE_CHECKOUT_BUDGET_SECONDS):
                order = services.cancel_checkout(order.pk, reason="Cancelled by the buyer.")
        except payments.PaymentError as error:
            logger.info("Could not expire the session of %s: %r", order, error)
            messages.warning(
                request,
                "We couldn't reach our payment provider to cancel the payment page, so your "
                "paintings stay reserved for you until it lapses. Nothing was charged.",
            )
            return redirect("shop:cart")
        if order.status == Order.Status.CANCELLED:
            messages.info(request, "Checkout cancelled. Everything is still in your cart.")
    if order.status in (Order.Status.PENDING, Order.Status.PAID, Order.Status.SHIPPED):
        # Paid meanwhile (another tab), or waiting for the bank: show the order.
        return redirect(_success_url(order))
    return redirect("shop:cart")


def _success_url(order):
    query = urlencode(
        {"session_id": order.stripe_session_id or "", "order": order_token(order.number)}
    )
    return f"{reverse('shop:checkout_success')}?{query}"
