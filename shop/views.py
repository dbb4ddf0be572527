"""Cart, checkout and the pages Stripe sends the shopper back to."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_countries.fields import Country

from gallery.models import PaintingPage

from . import destination, limits, payments, same_origin, services
from .cart import Cart, cart_lines
from .models import Order, ShippingRate, ShopSettings, country_label
from .sale_status import SaleStatus
from .tokens import order_number_from, order_token

logger = logging.getLogger(__name__)

ORDERS_SESSION_KEY = "orders"


def _back_to(request, fallback):
    """Back to the page the form was on, if it is one of ours."""
    target = request.POST.get("next") or request.headers.get("Referer") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


# The button is on cached pages, the same for everyone, so it carries no CSRF
# token: same_origin checks the browser's Origin/Referer instead.
@csrf_exempt
@require_POST
def cart_add(request, page_id):
    if not same_origin.from_this_site(request):
        return TemplateResponse(request, "shop/cart_add_refused.html", status=403)
    painting = PaintingPage.objects.visible().with_sale_status().filter(pk=page_id).first()
    if painting is None:
        raise Http404("No such painting.")
    cart = Cart(request)
    status = SaleStatus(painting.sale_status)
    if status != SaleStatus.AVAILABLE:
        messages.error(
            request, f"“{painting.title}” can't be added to the cart: {status.label.lower()}."
        )
    elif not cart.add(painting.pk):
        messages.info(request, f"“{painting.title}” is already in your cart — it's one of a kind.")
        return redirect("shop:cart")
    else:
        messages.success(request, f"“{painting.title}” is in your cart.")
    return _back_to(request, painting.url)


@require_POST
def cart_remove(request, page_id):
    if Cart(request).remove(page_id):
        messages.success(request, "Removed from your cart.")
        # Back from Stripe, then Remove: this buyer's unfinished checkout of it
        # must not go on holding it (they could not even add it back).
        try:
            with payments.time_budget(settings.STRIPE_CHECKOUT_BUDGET_SECONDS):
                _release_earlier_checkouts(request, [page_id])
        except payments.PaymentError as error:
            logger.warning("Could not end the checkout of a removed painting: %r", error)
    return redirect("shop:cart")


@require_GET
def cart_detail(request):
    lines = cart_lines(Cart(request).ids, _buyers_pending_orders(request))
    buyable = [line for line in lines if line.can_buy]
    subtotal = sum((line.painting.price for line in buyable), start=0)
    shop_countries = ShopSettings.for_request(request).country_list
    country, found_by = destination.for_cart(request, shop_countries)
    rates = ShippingRate.objects.for_country(country, shop_countries)
    cheapest = min((rate.amount for rate in rates), default=None)
    response = TemplateResponse(
        request,
        "shop/cart.html",
        {
            "lines": lines,
            "buyable": buyable,
            "unavailable": [line for line in lines if not line.can_buy],
            "subtotal": subtotal,
            "countries": destination.country_choices(shop_countries),
            "country": country,
            "country_name": country_label(Country(country)) if country else "",
            # "account" or "browser" when the cart guessed it; "chosen" by the buyer.
            "country_found_by": found_by,
            "shipping_rates": rates,
            "shipping_from": cheapest,
            "total_from": subtotal + cheapest if cheapest is not None else subtotal,
        },
    )
    # The guessed country comes from the browser's language.
    patch_vary_headers(response, ["Accept-Language"])
    return response


@require_POST
def cart_destination(request):
    """The buyer chooses the country to ship to; the cart shows its rates and total."""
    shop_countries = ShopSettings.for_request(request).country_list
    posted = request.POST.get("country", "")
    code = destination.clean_code(posted, shop_countries)
    if posted and code is None:
        messages.error(request, "We don't ship to that country. Please choose one from the list.")
    else:
        destination.remember(request, code)
    return redirect("shop:cart")


def _remember_order(request, order):
    numbers = request.session.get(ORDERS_SESSION_KEY, [])
    request.session[ORDERS_SESSION_KEY] = [*numbers[-19:], order.number]


def _orders_of_this_browser(request):
    numbers = request.session.get(ORDERS_SESSION_KEY, [])
    return [n for n in numbers if isinstance(n, str)] if isinstance(numbers, list) else []


def _buyers_pending_orders(request):
    return services.pending_orders_of(_orders_of_this_browser(request), request.user)


def owns(request, order):
    """A buyer may see an order placed in this browser session or on their account."""
    if request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    return order.number in _orders_of_this_browser(request)


def _release_earlier_checkouts(request, painting_ids):
    """Back from Stripe without its cancel link: this buyer's earlier checkout of
    these paintings still holds them. It ends (its Stripe session expired)
    before the new one starts, so nobody is locked out of their own painting;
    a checkout of other paintings, in another window, is left alone."""
    earlier = _buyers_pending_orders(request).filter(lines__painting_id__in=painting_ids)
    for order in earlier.distinct()[:5]:
        services.cancel_checkout(order.pk, reason="The buyer started a new checkout.")


def _refused(request, message):
    messages.error(request, message)
    return redirect("shop:cart")


def _payment_provider_unreachable(request):
    return _refused(
        request,
        "We couldn't reach our payment provider, so nothing was charged and your cart is "
        "as it was. Please try again in a few minutes.",
    )


def _checkout_destination(request, shop_countries):
    """(country, its rates, None) for the country posted with the checkout form,
    re-checked; (None, [], why not) when it can't be used. The cart showed the shipping for the
    country it posts: if another window chose another one since, the buyer must
    see that country's shipping before paying."""
    posted = request.POST.get("country", "")
    if not posted:
        return None, [], "Please choose the country the paintings will be shipped to."
    country = destination.clean_code(posted, shop_countries)
    if country is None:
        return None, [], "We don't ship to that country. Please choose one from the list."
    name = country_label(Country(country))
    current = destination.chosen(request, shop_countries)
    if current and current != country:
        return (
            None,
            [],
            (
                f"The destination was changed to {country_label(Country(current))} in another "
                f"window, so this page's shipping to {name} is out of date. Please check the "
                "shipping below and press Checkout again."
            ),
        )
    rates = ShippingRate.objects.for_country(country, shop_countries)
    if not rates:
        return (
            None,
            [],
            (
                f"We have no shipping rate to {name} yet, so it can't be bought online. "
                "Please write to us through the contact page."
            ),
        )
    destination.remember(request, country)
    return country, rates, None


@require_POST
def checkout(request):
    if limits.too_many_checkouts(request):
        return _refused(
            request,
            "You have started many checkouts in a short time, so we paused checkout for "
            "your connection. Please try again later, or write to us through the contact page.",
        )
    cart = Cart(request)
    # Only what the cart page showed as buyable; the rest was marked "not included".
    chosen = [pk for pk in cart.ids if str(pk) in request.POST.getlist("painting")]
    if cart.ids and not chosen:
        return _refused(request, "None of the paintings in your cart can be bought right now.")
    if not chosen:
        return _refused(request, "Your cart is empty.")
    if limits.too_many_paintings(chosen):
        return _refused(
            request,
            f"One checkout takes at most {settings.SHOP_MAX_PAINTINGS_PER_CHECKOUT} paintings: "
            "please remove some, or write to us through the contact page to buy more at once.",
        )
    shop_settings = ShopSettings.for_request(request)
    country, rates, refusal = _checkout_destination(request, shop_settings.country_list)
    if refusal:
        return _refused(request, refusal)
    if not request.session.session_key:
        request.session.save()
    user = request.user if request.user.is_authenticated else None
    with payments.time_budget(settings.STRIPE_CHECKOUT_BUDGET_SECONDS):
        try:
            _release_earlier_checkouts(request, chosen)
        except payments.PaymentError as error:
            logger.warning("Could not end the earlier checkout: %r", error)
            return _payment_provider_unreachable(request)
        if limits.too_many_open_checkouts(request):
            return _refused(
                request,
                "Paintings are already reserved in other checkouts from your connection. "
                "Finish or cancel one of them first, or wait until they lapse.",
            )
        try:
            order = services.reserve_for_checkout(
                chosen,
                reservation_minutes=shop_settings.reservation_minutes,
                currency=shop_settings.currency,
                user=user,
                session_key=request.session.session_key,
                email=user.email if user else "",
            )
        except services.CheckoutError as error:
            return _refused(request, str(error))
        _remember_order(request, order)
        limits.remember_open_checkout(request, order)
        session = None
        try:
            services.offer_shipping(order, rates)
            session = payments.create_checkout_session(
                request, order, country, rates, payments.account_params(request.user)
            )
            attached = services.attach_checkout_session(order, session["id"])
        except payments.PaymentError as error:
            logger.warning("Checkout session for %s failed: %r", order, error)
            services.abandon_checkout(order.pk, reason=f"Stripe refused the session: {error}")
            return _payment_provider_unreachable(request)
        except BaseException:
            # A bug or an outage: nothing may stay reserved, or payable, after it.
            services.abandon_checkout(
                order.pk, session_id=session and session["id"], reason="Checkout failed."
            )
            raise
        if not attached:
            # Another window of this buyer took the paintings over meanwhile.
            services.abandon_checkout(order.pk, session_id=session["id"], reason="Replaced.")
            return _refused(request, "This checkout was replaced by one started in another window.")
    return HttpResponseRedirect(session["url"], status=303)


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
        _remember_order(request, order)
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
            messages.info(request, "Checkout cancelled. Your paintings are still in your cart.")
    if order.status in (Order.Status.PENDING, Order.Status.PAID, Order.Status.SHIPPED):
        # Paid meanwhile (another tab), or waiting for the bank: show the order.
        return redirect(_success_url(order))
    return redirect("shop:cart")


def _success_url(order):
    query = urlencode(
        {"session_id": order.stripe_session_id or "", "order": order_token(order.number)}
    )
    return f"{reverse('shop:checkout_success')}?{query}"
