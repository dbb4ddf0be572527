"""Order e-mails: what they say, once each, sent outside locks, retried after a failure."""

import io
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from shop import emails, services
from shop.models import Order, SaleState
from tests.factories import OrderFactory, shop_tree
from tests.helpers import post_event, start_checkout

pytestmark = pytest.mark.django_db

BUYER = {
    "name": "Dara O'Brien",
    "email": "dara@example.com",
    "line1": "12 Quay Street",
    "city": "Galway",
    "postal_code": "H91",
    "country": "IE",
}


class SMTPDown(EmailBackend):
    """The mail server refuses every message."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable (test)")


def checkout(*paintings):
    """A buyer's pending order for these paintings, with its Checkout Session."""
    start_checkout(Client(), *paintings)
    return Order.objects.order_by("-pk").first()


def pay(standin, order, capture, **changes):
    """Stripe completes the session and delivers the event to the webhook."""
    event = standin.complete(order.stripe_session_id, deliver=False, details=BUYER)
    event["data"]["object"].update(changes)
    with capture(execute=True):
        assert post_event(Client(), standin, event).status_code == 200
    order.refresh_from_db()
    return order


def mail_to(address):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def html_of(message):
    return next(body for body, kind in message.alternatives if kind == "text/html")


def lapse(order):
    """The order's reservation runs out (the buyer is still on Stripe's page)."""
    past = timezone.now() - timedelta(minutes=1)
    Order.objects.filter(pk=order.pk).update(reserved_until=past)
    SaleState.objects.filter(order=order).update(reserved_until=past)


# -- what the e-mails say --------------------------------------------------------


def test_plain_text_is_not_html_escaped(shop, standin, django_capture_on_commit_callbacks):
    painting = shop.paintings[0]
    painting.title = "Sun & Sea"
    painting.save()
    order = pay(standin, checkout(painting), django_capture_on_commit_callbacks)

    confirmation = mail_to("dara@example.com")
    assert "Dear Dara O'Brien," in confirmation.body
    assert "- Sun & Sea: €500" in confirmation.body
    assert "&amp;" not in confirmation.body and "&#x27;" not in confirmation.body
    assert "It will be shipped to:" in confirmation.body
    # The HTML part is still escaped, as HTML must be.
    assert "Dara O&#x27;Brien" in html_of(confirmation)
    assert "Sun &amp; Sea" in html_of(confirmation)

    notice = mail_to("artist@example.com")
    assert "Buyer: Dara O'Brien <dara@example.com>" in notice.body
    assert "- Sun & Sea: €500" in notice.body
    assert order.number in notice.subject


def test_painting_sold_to_another_buyer_is_not_promised(
    shop, standin, django_capture_on_commit_callbacks
):
    taken, kept = shop.paintings[0], shop.paintings[1]
    taken.title = "Sun & Sea"
    taken.save()
    late = checkout(taken, kept)
    # Dara's reservation lapses while she is still paying; another buyer takes one painting.
    lapse(late)
    other = checkout(taken)
    event = standin.complete(other.stripe_session_id, deliver=False)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(Client(), standin, event)
    mail.outbox.clear()

    late = pay(standin, late, django_capture_on_commit_callbacks)

    assert late.status == Order.Status.PAID and late.needs_review
    confirmation = mail_to("dara@example.com")
    body = confirmation.body
    assert "Your payment of €1,745 has been received." in body
    assert "this painting was sold to another collector:\n- Sun & Sea\n" in body
    assert "will be in touch with you shortly to refund you" in body
    assert "The rest of your order is set aside for you:\n- Painting 2\n" in body
    assert "shipped" not in body.lower() and "on its way" not in body
    assert "will be in touch" in confirmation.subject
    html = html_of(confirmation)
    assert "<li>Sun &amp; Sea</li>" in html and "shipped" not in html.lower()

    notice = mail_to("artist@example.com")
    assert notice.subject.startswith("[Needs review] ")
    assert "Sold to another order before this payment arrived:\n- Sun & Sea\n" in notice.body
    assert "nothing about shipping" in notice.body


def test_other_review_flags_hold_shipping_without_alarm(
    shop, standin, django_capture_on_commit_callbacks
):
    # Stripe charged €1 for a €545 order: the artist checks before shipping.
    order = pay(
        standin, checkout(shop.paintings[0]), django_capture_on_commit_callbacks, amount_total=100
    )
    assert order.needs_review

    body = mail_to("dara@example.com").body
    assert "Your payment of €1 has been received." in body
    assert "Your painting is set aside for you." in body
    assert "will check a detail of the order" in body
    assert "It will be shipped to" not in body
    assert "sold to another collector" not in body
    assert "[Needs review]" in mail_to("artist@example.com").subject


# -- sending once, outside locks ------------------------------------------------------


def paid_order(painting, **fields):
    """A paid order as fulfil_order leaves it, before its e-mails go out."""
    return OrderFactory(
        paintings=[painting], email="dara@example.com", name="Dara O'Brien", **fields
    )


def test_smtp_down_records_the_failure_and_the_retry_sends_once(shop, settings):
    order = paid_order(shop.paintings[0])
    settings.EMAIL_BACKEND = "shop.tests.test_emails.SMTPDown"

    emails.send_order_emails(order.pk)

    order.refresh_from_db()
    assert mail.outbox == []
    assert order.confirmation_sent_at is None and order.artist_notice_sent_at is None
    assert order.email_failures == 2
    assert "SMTP server unreachable" in order.last_email_error
    assert emails.unsent_emails(order) == [
        "order confirmation to the buyer",
        "new-order notice to the artist",
    ]

    # The mail server is back, but the retry waits its back-off.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    output = io.StringIO()
    call_command("send_pending_emails", stdout=output)
    assert mail.outbox == []
    assert output.getvalue() == "Sent 0 pending e-mail(s); 2 still unsent.\n"

    Order.objects.filter(pk=order.pk).update(
        last_email_failure_at=timezone.now() - emails.retry_delay(2)
    )
    call_command("send_pending_emails")
    call_command("send_pending_emails")
    emails.send_order_emails(order.pk)  # a late on_commit from a replayed event

    assert sorted(m.to[0] for m in mail.outbox) == ["artist@example.com", "dara@example.com"]
    order.refresh_from_db()
    assert emails.unsent_emails(order) == [] and order.email_failures == 0


def test_retries_stop_after_the_attempt_limit_unless_forced(shop):
    order = paid_order(
        shop.paintings[0],
        email_failures=emails.MAX_ATTEMPTS,
        last_email_failure_at=timezone.now() - timedelta(days=1),
    )
    call_command("send_pending_emails")
    assert mail.outbox == []
    call_command("send_pending_emails", "--force")
    assert len(mail.outbox) == 2
    order.refresh_from_db()
    assert emails.unsent_emails(order) == []


def test_old_orders_are_left_to_the_artist(shop):
    order = paid_order(shop.paintings[0])
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=4))
    call_command("send_pending_emails")
    assert mail.outbox == []
    order.refresh_from_db()
    assert len(emails.unsent_emails(order)) == 2  # still shown in the admin


def test_shipping_notice_failure_is_retried(shop, settings, django_capture_on_commit_callbacks):
    order = paid_order(
        shop.paintings[0],
        confirmation_sent_at=timezone.now(),
        artist_notice_sent_at=timezone.now(),
    )
    settings.EMAIL_BACKEND = "shop.tests.test_emails.SMTPDown"
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_shipped(order.pk, carrier="An Post", tracking_number="CX123IE")
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert emails.unsent_emails(order) == ["shipping notice to the buyer"]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_pending_emails", "--force")
    (notice,) = mail.outbox
    assert "CX123IE" in notice.body and "Dear Dara O'Brien," in notice.body


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Order.Status.PENDING},
        {"status": Order.Status.EXPIRED},
        {"status": Order.Status.REFUNDED},
        {"status": Order.Status.PAID},
        {"status": Order.Status.PAID, "email": ""},
        {"status": Order.Status.PAID, "confirmation_sent_at": "now"},
        {"status": Order.Status.PAID, "artist_notice_sent_at": "now"},
        {"status": Order.Status.SHIPPED, "shipped_at": "now"},
        {"status": Order.Status.SHIPPED, "shipped_at": "now", "email": ""},
        {
            "status": Order.Status.SHIPPED,
            "shipped_at": "now",
            "shipping_notice_sent_at": "now",
            "confirmation_sent_at": "now",
            "artist_notice_sent_at": "now",
        },
    ],
)
def test_unsent_emails_in_the_admin_agree_with_what_is_retried(shop, fields):
    now = timezone.now()
    values = {key: now if value == "now" else value for key, value in fields.items()}
    order = Order.objects.create(**{"email": "dara@example.com", "paid_at": now, **values})

    retried = [message.name for pk, message in emails.pending_messages() if pk == order.pk]
    labels = {
        "confirmation": "order confirmation to the buyer",
        "artist notice": "new-order notice to the artist",
        "shipping notice": "shipping notice to the buyer",
    }
    assert [labels[name] for name in retried] == emails.unsent_emails(order)


# -- PostgreSQL: two workers, and no lock held while the mail server answers ----------


class SlowSMTP(EmailBackend):
    """Takes its time, so that two senders overlap; counts who is inside."""

    entered = threading.Event()
    release = threading.Event()

    def send_messages(self, messages):
        SlowSMTP.entered.set()
        SlowSMTP.release.wait(10)
        return super().send_messages(messages)


def run_at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def worker(job):
        try:
            barrier.wait()
            job()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    return threads, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_workers_send_each_message_once_and_lock_nothing_meanwhile(settings):
    shop = shop_tree()
    order = paid_order(shop.paintings[0])
    settings.EMAIL_BACKEND = "shop.tests.test_emails.SlowSMTP"
    SlowSMTP.entered.clear()
    SlowSMTP.release.clear()

    # Two webhook deliveries' on_commit sends and two scheduler runs at once.
    threads, errors = run_at_once(
        [lambda: emails.send_order_emails(order.pk)] * 2
        + [lambda: emails.send_pending_emails(force=True)] * 2
    )
    assert SlowSMTP.entered.wait(10)
    # While a message is with the mail server, the order row is free: the
    # admin or a webhook can lock it at once.
    with transaction.atomic():
        locked = Order.objects.select_for_update(nowait=True).get(pk=order.pk)
        assert locked.status == Order.Status.PAID
    SlowSMTP.release.set()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == ["artist@example.com", "dara@example.com"]
    order.refresh_from_db()
    assert emails.unsent_emails(order) == []
