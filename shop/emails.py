"""Order e-mails: text and HTML from templates, each message sent at most once.

Called after the transaction that changed the order commits (services use
`transaction.on_commit`), and again by `manage.py send_pending_emails` for any
message that is due but not sent. No row lock is held while talking to the
mail server: each message is claimed with one conditional UPDATE
(`x_sent_at = now WHERE x_sent_at IS NULL`), and only the worker whose UPDATE
changed the row sends it, so two workers racing each other never send two
copies. A failed send gives the claim back and records the error, for a
later retry and for the artist to see (`unsent_emails`).

The price of "never two copies": a process killed between the claim and the
mail server's answer leaves that message marked as sent.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from wagtail.models import Site

from gallery.models import GallerySettings

from .models import Order, SaleState, ShopSettings
from .sale_status import SaleStatus

logger = logging.getLogger(__name__)

# Retries after a failure wait 5, 10, 20, ... minutes (at most 6 hours), and
# stop after MAX_ATTEMPTS failures in a row; `send_pending_emails --force`
# tries again regardless (e.g. once the SMTP settings are fixed).
FIRST_RETRY_DELAY = timedelta(minutes=5)
LONGEST_RETRY_DELAY = timedelta(hours=6)
MAX_ATTEMPTS = 8
# An e-mail that could not go out for this long is left to the artist: a
# confirmation a week late would confuse more than help.
RETRY_FOR = timedelta(days=3)


@dataclass(frozen=True)
class Message:
    name: str
    label: str  # as the artist reads it among an order's unsent e-mails
    sent_field: str
    due: Q  # when this order should have had the message
    # The moment the message became due: retries stop RETRY_FOR after it.
    since_field: str


PAID = Q(status__in=[Order.Status.PAID, Order.Status.SHIPPED])
HAS_EMAIL = ~Q(email="")

# What is due when: what is sent, retried, and shown to the artist as unsent.
CONFIRMATION = Message(
    "confirmation",
    "order confirmation to the buyer",
    "confirmation_sent_at",
    PAID & HAS_EMAIL,
    "paid_at",
)
ARTIST_NOTICE = Message(
    "artist notice", "new-order notice to the artist", "artist_notice_sent_at", PAID, "paid_at"
)
SHIPPING_NOTICE = Message(
    "shipping notice",
    "shipping notice to the buyer",
    "shipping_notice_sent_at",
    Q(status=Order.Status.SHIPPED) & HAS_EMAIL,
    "shipped_at",
)
DUE = [CONFIRMATION, ARTIST_NOTICE, SHIPPING_NOTICE]


def unsent_emails(order):
    """The order's e-mails that are due and have not gone out (yet), for the artist."""
    this_order = Order.objects.filter(pk=order.pk)
    return [
        message.label
        for message in DUE
        if this_order.filter(message.due, **{f"{message.sent_field}__isnull": True}).exists()
    ]


class NoRecipient(Exception):
    """Nobody to send the message to: a setting is missing."""


# -- rendering ---------------------------------------------------------------


def render_text(template_name, context):
    """A plain-text template, never HTML-escaped (“Sun & Sea”, “O'Brien”)."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def _site_settings():
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ShopSettings(), GallerySettings()
    return ShopSettings.for_site(site), GallerySettings.for_site(site)


def _context(order):
    shop_settings, gallery = _site_settings()
    lines = list(order.lines.all())
    ours = set(
        SaleState.objects.filter(
            order=order, status=SaleStatus.SOLD, painting_id__in=[li.painting_id for li in lines]
        ).values_list("painting_id", flat=True)
    )
    # A painting that went to someone else while this buyer was paying: the
    # order is flagged, and the buyer must not be promised it.
    unavailable = [
        li
        for li in lines
        if order.needs_review and li.painting_id is not None and li.painting_id not in ours
    ]
    return {
        "order": order,
        "lines": lines,
        "unavailable_lines": unavailable,
        "kept_lines": [li for li in lines if li not in unavailable],
        # Flagged for another reason (amount, shipping): paid and set aside,
        # but shipping waits for the artist's check.
        "held_for_review": order.needs_review and not unavailable,
        "artist_name": gallery.artist_name or "The artist",
        "site_url": settings.WAGTAILADMIN_BASE_URL,
        "shop_settings": shop_settings,
    }


def _notify_address():
    """The shop's notification address, else the artist's contact e-mail."""
    shop_settings, gallery = _site_settings()
    return shop_settings.notification_address or gallery.contact_email


def _build(message, order):
    """(template, subject, recipients, context) of one message for this order."""
    context = _context(order)
    if message is CONFIRMATION:
        if context["unavailable_lines"]:
            subject = f"Your order {order.number}: payment received, the artist will be in touch"
        elif context["held_for_review"]:
            subject = f"Your order {order.number}: payment received"
        else:
            subject = f"Your order {order.number}"
        return "order_confirmation", subject, [order.email], context
    if message is ARTIST_NOTICE:
        address = _notify_address()
        if not address:
            raise NoRecipient("No notification address: set one in Shop settings.")
        review = "[Needs review] " if order.needs_review else ""
        subject = f"{review}New order {order.number}: {order.total} {order.currency}"
        return "artist_notice", subject, [address], context
    return "shipping_notice", f"Your order {order.number} is on its way", [order.email], context


def _send(template, subject, to, context):
    text = render_text(f"shop/emails/{template}.txt", context)
    html = render_to_string(f"shop/emails/{template}.html", context)
    email = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    email.attach_alternative(html, "text/html")
    email.send()


# -- claiming and sending ----------------------------------------------------


def _claim(order_id, message):
    """Marks the message sent if it is due and unsent: the claim time if this worker won it."""
    claimed_at = timezone.now()
    won = Order.objects.filter(
        message.due, pk=order_id, **{f"{message.sent_field}__isnull": True}
    ).update(**{message.sent_field: claimed_at})
    return claimed_at if won == 1 else None


def _give_back(order_id, message, claimed_at, error):
    """The send failed: unclaim the message and record why, for the retry and the admin."""
    Order.objects.filter(pk=order_id, **{message.sent_field: claimed_at}).update(
        **{message.sent_field: None},
        email_failures=F("email_failures") + 1,
        last_email_error=f"{message.name}: {str(error) or repr(error)}"[:2000],
        last_email_failure_at=timezone.now(),
    )


def send_message(order_id, message):
    """Sends one message of one order unless it is not due or already sent (or in flight).

    Runs outside any transaction and holds no lock while the mail server answers.
    Returns True if this call sent it.
    """
    try:
        claimed_at = _claim(order_id, message)
    except DatabaseError:
        # Called after a commit: the caller's work is done; the retry job will send it.
        logger.exception("Could not claim the %s of order %s", message.name, order_id)
        return False
    if claimed_at is None:
        return False
    try:
        # Read after the claim, so the message says what the order is now.
        order = Order.objects.get(pk=order_id)
        template, subject, to, context = _build(message, order)
        _send(template, subject, to, context)
    except BaseException as error:
        # The order is safe either way; the retry command and the admin see it.
        # (BaseException: a worker stopped by its timeout gives the claim back too.)
        logger.exception("Could not send the %s of order %s", message.name, order_id)
        _give_back(order_id, message, claimed_at, error)
        if not isinstance(error, Exception):
            raise
        return False
    Order.objects.filter(pk=order_id).update(email_failures=0)
    return True


def send_order_emails(order_id):
    """The buyer's confirmation and the artist's notice of a paid order."""
    send_message(order_id, CONFIRMATION)
    send_message(order_id, ARTIST_NOTICE)


def send_shipping_notice(order_id):
    send_message(order_id, SHIPPING_NOTICE)


# -- retries -----------------------------------------------------------------


def retry_delay(failures):
    """How long to wait after this many failures in a row before trying again."""
    if failures <= 0:
        return timedelta(0)
    return min(FIRST_RETRY_DELAY * 2 ** (failures - 1), LONGEST_RETRY_DELAY)


def pending_messages(now=None, force=False):
    """(order id, message) for every message due, unsent, and worth trying now."""
    now = now or timezone.now()
    pending = []
    for message in DUE:
        orders = Order.objects.filter(
            message.due,
            **{
                f"{message.sent_field}__isnull": True,
                f"{message.since_field}__gte": now - RETRY_FOR,
            },
        )
        if not force:
            orders = orders.filter(email_failures__lt=MAX_ATTEMPTS)
        for order in orders.only("pk", "email_failures", "last_email_failure_at"):
            waited = now - (order.last_email_failure_at or now - LONGEST_RETRY_DELAY)
            if force or waited >= retry_delay(order.email_failures):
                pending.append((order.pk, message))
    return pending


def send_pending_emails(force=False):
    """Retries every message worth trying now; returns (sent, still unsent)."""
    sent = sum(send_message(order_id, msg) for order_id, msg in pending_messages(force=force))
    # Including those waiting for their back-off or past the attempt limit.
    return sent, len(pending_messages(force=True))
