"""The cart page and its buttons."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_countries.fields import Country

from gallery.models import PaintingPage

from .. import destination, same_origin
from ..cart import Cart, cart_lines, subtotal, work_kinds
from ..models import ShippingRate, ShopSettings, country_label
from ..sale_status import SaleStatus
from ..services.prints import MAX_PRINTS_PER_EDITION
from .orders import buyers_pending_orders, release_removed_work


def back_to(request, fallback):
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
    return back_to(request, painting.url)


@require_POST
def cart_remove(request, page_id):
    cart = Cart(request)
    if cart.remove(page_id):
        messages.success(request, "Removed from your cart.")
        release_removed_work(request, cart, painting_ids=[page_id])
    return redirect("shop:cart")


@require_GET
def cart_detail(request):
    cart = Cart(request)
    lines, print_lines = cart_lines(cart.ids, buyers_pending_orders(request), cart.prints)
    buyable = [line for line in lines if line.can_buy]
    buyable_prints = [line for line in print_lines if line.can_buy]
    total = subtotal([*buyable, *buyable_prints])
    shop_countries = ShopSettings.for_request(request).country_list
    country, found_by = destination.for_cart(request, shop_countries)
    kinds = work_kinds(buyable, buyable_prints)
    rates = ShippingRate.objects.for_country(country, shop_countries, kinds)
    cheapest = min((rate.amount for rate in rates), default=None)
    # Rates for each kind but none for both: the buyer can still check out one kind at a time.
    kinds_apart = bool(
        country
        and not rates
        and len(kinds) > 1
        and ShippingRate.objects.for_country(country, shop_countries)
    )
    response = TemplateResponse(
        request,
        "shop/cart.html",
        {
            "lines": lines,
            "print_lines": print_lines,
            "buyable": buyable,
            "buyable_prints": buyable_prints,
            "has_buyable": bool(buyable or buyable_prints),
            "unavailable": [line for line in [*lines, *print_lines] if not line.can_buy],
            "subtotal": total,
            "countries": destination.country_choices(shop_countries),
            "country": country,
            "country_name": country_label(Country(country)) if country else "",
            # "account" or "browser" when the cart guessed it; "chosen" by the buyer.
            "country_found_by": found_by,
            "shipping_rates": rates,
            "kinds_apart": kinds_apart,
            "shipping_from": cheapest,
            "total_from": total + cheapest if cheapest is not None else total,
            "quantity_choices": range(1, MAX_PRINTS_PER_EDITION + 1),
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
