"""Cart, checkout and the pages Stripe sends the shopper back to."""

import logging

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.stripe_customer import checkout_params_for
from gallery.models import PaintingPage

from . import payments, services
from .availability import LABELS
from .cart import Cart
from .models import Order, ShopSettings
from .webhooks import apply_completed_session

logger = logging.getLogger(__name__)

ORDERS_SESSION_KEY = "orders"


def _back_to(request, fallback):
    """Back to the page the form was on, if it is one of ours."""
    target = request.POST.get("next") or request.headers.get("Referer") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
def cart_add(request, page_id):
    painting = PaintingPage.objects.live().filter(pk=page_id).select_related("sale_state").first()
    if painting is None:
        raise Http404("No such painting.")
    cart = Cart(request)
    status = painting.sale_status
    if status != "available":
        messages.error(
            request, f"“{painting.title}” can't be added to the cart: {LABELS[status].lower()}."
        )
    elif not cart.add(painting.pk):
        messages.info(request, f"“{painting.title}” is already in your cart — it's one of a kind.")
    else:
        messages.success(request, f"“{painting.title}” is in your cart.")
    return _back_to(request, painting.url)


@require_POST
def cart_remove(request, page_id):
    if Cart(request).remove(page_id):
        messages.success(request, "Removed from your cart.")
    return redirect("shop:cart")


@require_GET
def cart_detail(request):
    lines = services.cart_lines(Cart(request).ids)
    buyable = [line for line in lines if line.can_buy]
    subtotal = sum((line.painting.price for line in buyable), start=0)
    rates = payments.offered_shipping_rates()
    cheapest = min((rate.amount for rate in rates), default=None)
    return TemplateResponse(
        request,
        "shop/cart.html",
        {
            "lines": lines,
            "buyable": buyable,
            "unavailable": [line for line in lines if not line.can_buy],
            "subtotal": subtotal,
            "shipping_rates": rates,
            "shipping_from": cheapest,
            "total_from": subtotal + cheapest if cheapest is not None else subtotal,
        },
    )


def _remember_order(request, order):
    numbers = request.session.get(ORDERS_SESSION_KEY, [])
    request.session[ORDERS_SESSION_KEY] = [*numbers[-19:], order.number]


def owns(request, order):
    """A buyer may see an order placed in this browser session or on their account."""
    if request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    return order.number in request.session.get(ORDERS_SESSION_KEY, [])


@require_POST
def checkout(request):
    cart = Cart(request)
    shop_settings = ShopSettings.for_request(request)
    if not request.session.session_key:
        request.session.save()
    user = request.user if request.user.is_authenticated else None
    try:
        order = services.reserve_for_checkout(
            cart.ids,
            reservation_minutes=shop_settings.reservation_minutes,
            currency=shop_settings.currency,
            user=user,
            session_key=request.session.session_key,
            email=user.email if user else "",
        )
    except services.CheckoutError as error:
        messages.error(request, str(error))
        return redirect("shop:cart")

    rates = payments.offered_shipping_rates()
    order.shipping_offered = [
        {"name": r.name, "amount": str(r.amount), "countries": r.country_list} for r in rates
    ]
    order.save(update_fields=["shipping_offered"])
    _remember_order(request, order)
    try:
        session = payments.create_checkout_session(
            request, order, shop_settings, rates, checkout_params_for(request.user)
        )
    except payments.PaymentError as error:
        logger.warning("Checkout session for %s failed: %r", order, error)
        services.release_order(
            order.pk, status=Order.CANCELLED, reason=f"Stripe refused the session: {error}"
        )
        messages.error(
            request,
            "We couldn't reach our payment provider, so nothing was charged and your cart is "
            "as it was. Please try again in a few minutes.",
        )
        return redirect("shop:cart")
    services.attach_checkout_session(order, session["id"])
    return HttpResponseRedirect(session["url"], status=303)


def _order_for_session(request):
    session_id = request.GET.get("session_id", "")[:255]
    order = Order.objects.filter(stripe_session_id=session_id).first() if session_id else None
    if order is None or not owns(request, order):
        raise Http404("No such order.")
    return order


@require_GET
def checkout_success(request):
    order = _order_for_session(request)
    if order.status == Order.PENDING:
        # The webhook may not have arrived yet: ask Stripe, and fulfil the
        # same way the webhook would (it is idempotent).
        try:
            session = payments.retrieve_session(order.stripe_session_id)
        except payments.PaymentError as error:
            logger.warning("Could not confirm %s with Stripe: %r", order, error)
        else:
            if session.get("status") == "complete":
                apply_completed_session(order, session)
        order.refresh_from_db()
    if order.status in (Order.PAID, Order.SHIPPED):
        cart = Cart(request)
        for painting_id in order.lines.values_list("painting_id", flat=True):
            cart.remove(painting_id)
    return TemplateResponse(
        request,
        "shop/checkout_success.html",
        {"order": order, "lines": order.lines.all()},
    )


@require_GET
def checkout_cancel(request):
    order = _order_for_session(request)
    if order.status == Order.PENDING:
        try:
            payments.expire_session(order.stripe_session_id)
        except payments.PaymentError as error:
            # Already complete (paid in another tab?) or Stripe unreachable:
            # never release a painting that may have been paid for.
            logger.info("Could not expire the session of %s: %r", order, error)
            success = reverse("shop:checkout_success")
            return redirect(f"{success}?session_id={order.stripe_session_id}")
        services.release_order(order.pk, status=Order.CANCELLED, reason="Cancelled by the buyer.")
        messages.info(request, "Checkout cancelled. Your paintings are still in your cart.")
    return redirect("shop:cart")
