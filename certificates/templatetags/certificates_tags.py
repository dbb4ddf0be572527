from django import template

from ..models import Certificate

register = template.Library()


@register.simple_tag
def order_certificates(order):
    """The certificates issued for an order's works, in line order."""
    if order is None or order.pk is None:
        return []
    return list(Certificate.objects.filter(line__order=order).order_by("line_id"))
