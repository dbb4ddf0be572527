"""What one visitor may hold at once, so that a script cannot reserve the gallery.

Four limits; the per-period and at-once ones are counted per client address
(after TRUSTED_PROXY_COUNT proxies) in the cache every worker shares:

- checkouts started per period (SHOP_CHECKOUT_RATE, also per account);
- paintings in one checkout (SHOP_MAX_PAINTINGS_PER_CHECKOUT), and prints
  (SHOP_MAX_PRINTS_PER_CHECKOUT, each print counted: 3 of an edition are 3);
- checkouts holding paintings at the same time (SHOP_OPEN_CHECKOUTS_PER_ADDRESS).

"0" turns a limit off; SHOP_CHECKOUT_RATE=0 turns off both per-address limits
(for a site that cannot trust the client address it sees).
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from pgp_site.client_ip import client_ip

from .models import Order


def _checkout_rate(group, request):
    rate = settings.SHOP_CHECKOUT_RATE
    return None if rate == "0" else rate


def too_many_checkouts(request):
    """Counts this checkout per client address and per account; True once over the rate."""
    counters = {"shop.checkout.address": lambda group, request: client_ip(request)}
    if request.user.is_authenticated:
        counters["shop.checkout.account"] = "user"
    limited = [
        is_ratelimited(request, group=group, key=key, rate=_checkout_rate, increment=True)
        for group, key in counters.items()
    ]
    return any(limited)


def too_many_paintings(painting_ids):
    limit = settings.SHOP_MAX_PAINTINGS_PER_CHECKOUT
    return bool(limit) and len(painting_ids) > limit


def too_many_prints(print_choices):
    limit = settings.SHOP_MAX_PRINTS_PER_CHECKOUT
    return bool(limit) and sum(choice.quantity for choice in print_choices) > limit


def _open_key(request):
    return f"shop.open-checkouts:{client_ip(request)}"


def open_checkouts(request):
    """This address's orders that still hold paintings."""
    numbers = cache.get(_open_key(request)) or []
    return Order.objects.filter(
        pk__in=numbers, status=Order.Status.PENDING, reserved_until__gt=timezone.now()
    )


def too_many_open_checkouts(request):
    limit = settings.SHOP_OPEN_CHECKOUTS_PER_ADDRESS
    if not limit or settings.SHOP_CHECKOUT_RATE == "0":
        return False
    return open_checkouts(request).count() >= limit


def remember_open_checkout(request, order):
    held = list(open_checkouts(request).values_list("pk", flat=True))
    timeout = max(int((order.reserved_until - timezone.now()).total_seconds()), 1)
    cache.set(_open_key(request), [*held, order.pk], timeout)
