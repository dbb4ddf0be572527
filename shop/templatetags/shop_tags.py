from django import template
from django.utils.formats import number_format

from shop.models import ShopSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def money(context, amount, currency=None):
    """'€1,250' / '€12.50' in the shop currency (or the order's, when given)."""
    if amount is None:
        return ""
    if currency is None:
        request = context.get("request")
        currency = ShopSettings.for_request(request).currency if request else "EUR"
    symbol = ShopSettings(currency=currency).currency_symbol
    decimals = 0 if amount == amount.to_integral_value() else 2
    return f"{symbol}{number_format(amount, decimals, force_grouping=True)}"
