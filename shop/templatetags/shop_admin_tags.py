from django import template

from shop.admin.explorer import ANNOTATION
from shop.sale_status import SaleStatus

register = template.Library()


@register.filter
def listing_sale_status(page):
    """The SaleStatus of a painting in the page explorer, if it is worth a tag there.

    None for other pages, and for a painting that is just a draft (Wagtail's
    own tag says so); "no longer on show" is told for a live painting hidden
    by its section (unpublished, or behind a password).
    """
    value = getattr(page, ANNOTATION, None)
    if value not in SaleStatus.values:
        return None
    if value == SaleStatus.UNPUBLISHED and not page.live:
        return None
    return SaleStatus(value)
