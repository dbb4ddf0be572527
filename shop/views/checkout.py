"""Checkout: the cart's paintings are reserved and the buyer goes to Stripe to pay."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django_countries.fields import Country

from .. import destination, limits, payments, services
from ..cart import Cart, work_kinds
from ..models import ShippingRate, ShopSettings, country_label
from .orders import release_earlier_checkouts, remember_order

logger = logging.getLogger(__name__)


def _refused(request, message):
    messages.error(request, message)
    return redirect("shop:cart")


def _payment_provider_unreachable(request):
    return _refused(
        request,
        "We couldn't reach our payment provider, so nothing was charged and your cart is "
        "as it was. Please try again in a few minutes.",
    )


def _checkout_destination(request, shop_countries, kinds):
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
    rates = ShippingRate.objects.for_country(country, shop_countries, kinds)
    if not rates and len(kinds) > 1 and ShippingRate.objects.for_country(country, shop_countries):
        return (
            None,
            [],
            (
                f"We have no shipping rate to {name} that carries originals and prints "
                "together. Please check them out one kind at a time."
            ),
        )
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
    posted_prints = set(request.POST.getlist("print"))
    chosen_prints = [choice for choice in cart.prints if choice.form_value in posted_prints]
    if (cart.ids or cart.prints) and not (chosen or chosen_prints):
        return _refused(request, "None of the works in your cart can be bought right now.")
    if not (chosen or chosen_prints):
        return _refused(request, "Your cart is empty.")
    if limits.too_many_paintings(chosen):
        return _refused(
            request,
            f"One checkout takes at most {settings.SHOP_MAX_PAINTINGS_PER_CHECKOUT} paintings: "
            "please remove some, or write to us through the contact page to buy more at once.",
        )
    if limits.too_many_prints(chosen_prints):
        return _refused(
            request,
            f"One checkout takes at most {settings.SHOP_MAX_PRINTS_PER_CHECKOUT} prints: "
            "please remove some, or write to us through the contact page to buy more at once.",
        )
    shop_settings = ShopSettings.for_request(request)
    kinds = work_kinds(chosen, chosen_prints)
    country, rates, refusal = _checkout_destination(request, shop_settings.country_list, kinds)
    if refusal:
        return _refused(request, refusal)
    if not request.session.session_key:
        request.session.save()
    user = request.user if request.user.is_authenticated else None
    with payments.time_budget(settings.STRIPE_CHECKOUT_BUDGET_SECONDS):
        try:
            release_earlier_checkouts(request, chosen, [c.edition_id for c in chosen_prints])
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
                prints={choice.key: choice.quantity for choice in chosen_prints},
                reservation_minutes=shop_settings.reservation_minutes,
                currency=shop_settings.currency,
                user=user,
                session_key=request.session.session_key,
                email=user.email if user else "",
            )
        except services.CheckoutError as error:
            return _refused(request, str(error))
        remember_order(request, order)
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
