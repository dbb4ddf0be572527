"""Order e-mails: text and HTML from templates, each sent once per order.

Called after the transaction that changed the order commits. Each message
claims its `*_sent_at` field under a row lock first, so two webhook
deliveries racing each other cannot both send it.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Site

from .models import Order, ShopSettings

logger = logging.getLogger(__name__)


def _send(template, subject, to, context):
    text = render_to_string(f"shop/emails/{template}.txt", context)
    html = render_to_string(f"shop/emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    message.send()


def _send_once(order_id, sent_field, build):
    """Sends what build(order) returns, unless this order's message already went."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if getattr(order, sent_field):
            return False
        template, subject, to = build(order)
        if not to:
            return False
        context = _context(order)
        try:
            _send(template, subject, to, context)
        except Exception:
            # The order is safe either way; the artist sees the unsent mail in the admin.
            logger.exception("Could not send %s for order %s", template, order)
            return False
        setattr(order, sent_field, timezone.now())
        order.save(update_fields=[sent_field])
    return True


def _context(order):
    site = Site.objects.filter(is_default_site=True).first()
    shop_settings = ShopSettings.for_site(site) if site else ShopSettings()
    from gallery.models import GallerySettings

    gallery = GallerySettings.for_site(site) if site else GallerySettings()
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "artist_name": gallery.artist_name,
        "site_url": settings.WAGTAILADMIN_BASE_URL,
        "shop_settings": shop_settings,
    }


def _notify_address():
    """The shop's notification address, else the artist's contact e-mail."""
    from gallery.models import GallerySettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return settings.SHOP_NOTIFY_EMAIL
    return (
        ShopSettings.for_site(site).notification_address
        or GallerySettings.for_site(site).contact_email
    )


def send_order_emails(order_id):
    _send_once(
        order_id,
        "confirmation_sent_at",
        lambda o: ("order_confirmation", f"Your order {o.number}", [o.email] if o.email else []),
    )
    _send_once(
        order_id,
        "artist_notice_sent_at",
        lambda o: ("artist_notice", f"New order {o.number}: {o.total} {o.currency}",
                   [_notify_address()] if _notify_address() else []),
    )


def send_shipping_notice(order_id):
    _send_once(
        order_id,
        "shipping_notice_sent_at",
        lambda o: ("shipping_notice", f"Your order {o.number} is on its way",
                   [o.email] if o.email else []),
    )
