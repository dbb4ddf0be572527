"""Certificates of authenticity: issued once when paid, void after a refund, and
verifiable by anyone without learning who bought the work."""

import io
import re
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.core import mail
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from certificates.models import NUMBER_ALPHABET, Certificate
from shop import services
from shop.models import Order
from tests.factories import UserFactory
from tests.helpers import post_event, start_checkout

pytestmark = pytest.mark.django_db

BUYER = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "line1": "12 Marine Parade",
    "city": "Brighton",
    "postal_code": "BN2 1TL",
    "country": "GB",
}


def deliver(standin, event, capture):
    with capture(execute=True):
        assert post_event(Client(), standin, event).status_code == 200


def pay(standin, order, capture):
    event = standin.complete(order.stripe_session_id, deliver=False, details=BUYER)
    deliver(standin, event, capture)
    order.refresh_from_db()
    return order


@pytest.fixture
def paid_order(shop, standin, django_capture_on_commit_callbacks):
    buyer = Client()
    start_checkout(buyer, shop.paintings[0], shop.paintings[1])
    return pay(standin, Order.objects.get(), django_capture_on_commit_callbacks)


def certificate_links_in_shipping_mail(order, capture):
    with capture(execute=True):
        services.mark_shipped(order.pk, carrier="Parcelforce", tracking_number="PF123")
    notice = next(m for m in mail.outbox if "on its way" in m.subject)
    return re.findall(r"https?://\S+/certificate\.pdf\?key=\S+", notice.body)


def fetch(client, url):
    parts = urlsplit(url)
    return client.get(parts.path, dict(q.split("=", 1) for q in parts.query.split("&") if q))


def test_each_painting_bought_gets_one_certificate_however_often_stripe_says_so(
    shop, standin, django_capture_on_commit_callbacks
):
    start_checkout(Client(), shop.paintings[0], shop.paintings[1])
    order = Order.objects.get()
    event = standin.complete(order.stripe_session_id, deliver=False, details=BUYER)
    for _ in range(4):
        deliver(standin, event, django_capture_on_commit_callbacks)

    certificates = Certificate.objects.filter(line__order=order)
    assert sorted(c.title for c in certificates) == ["Painting 1", "Painting 2"]
    assert len({c.number for c in certificates}) == 2
    number = certificates[0].number
    assert re.fullmatch(rf"([{NUMBER_ALPHABET}]{{4}}-){{3}}[{NUMBER_ALPHABET}]{{4}}", number)

    # The payment event replayed after a refund issues nothing again either.
    services.mark_refunded(order.pk)
    deliver(standin, event, django_capture_on_commit_callbacks)
    assert Certificate.objects.filter(line__order=order).count() == 2
    assert not Certificate.objects.valid().filter(line__order=order).exists()


def test_a_payment_for_a_painting_someone_else_bought_gets_no_certificate(
    shop, standin, django_capture_on_commit_callbacks
):
    first, second = Client(), Client()
    start_checkout(first, shop.paintings[0])
    first_order = Order.objects.get()
    services.release_order(first_order.pk)  # lapsed: the painting is free again
    start_checkout(second, shop.paintings[0])
    second_order = Order.objects.exclude(pk=first_order.pk).get()
    pay(standin, second_order, django_capture_on_commit_callbacks)

    # The first buyer's late payment is flagged for a refund, not certified.
    late = pay(standin, first_order, django_capture_on_commit_callbacks)
    assert late.needs_review
    assert not Certificate.objects.filter(line__order=late).exists()
    assert Certificate.objects.filter(line__order=second_order).count() == 1


def test_the_pdf_from_the_shipping_mail_names_the_work_and_its_qr_code_verifies_it(
    paid_order, django_capture_on_commit_callbacks
):
    links = certificate_links_in_shipping_mail(paid_order, django_capture_on_commit_callbacks)
    assert len(links) == 2
    certificate = Certificate.objects.get(number=re.search(r"/certificates/([^/]+)/", links[0])[1])

    response = fetch(Client(), links[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pdf = PdfReader(io.BytesIO(response.content))
    text = pdf.pages[0].extract_text()
    verify_url = f"http://testserver/certificates/{certificate.number}/"
    painting = certificate.painting
    for expected in (painting.title, certificate.number, verify_url, painting.size_cm):
        assert expected in text, (expected, text)
    assert "Ada" not in text and "Brighton" not in text

    decoded = []
    for picture in pdf.pages[0].images:
        decoded += [
            code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.data)))
        ]
    assert decoded == [verify_url]

    # The QR code's page: the work and the date of sale, never the buyer.
    page = Client().get(urlsplit(verify_url).path)
    html = page.content.decode()
    assert page.status_code == 200
    assert certificate.title in html and "genuine" in html
    assert paid_order.paid_at.strftime("%-d %B %Y") in html
    for personal in ("Ada", "Lovelace", "ada@example.com", "Marine Parade", "Brighton", "BN2"):
        assert personal not in html


def test_the_order_page_links_the_certificates_and_a_forged_key_gets_nothing(paid_order):
    buyer = UserFactory(email=BUYER["email"], verified=True)
    client = Client()
    client.force_login(buyer)
    html = client.get(f"/account/orders/{paid_order.number}/").content.decode()
    links = re.findall(r'href="(/certificates/[^"]+/certificate\.pdf\?key=[^"]+)"', html)
    assert len(links) == 2
    assert fetch(Client(), links[0]).status_code == 200

    number = re.search(r"/certificates/([^/]+)/", links[0])[1]
    other = Certificate.objects.exclude(number=number).first()
    forged = links[0].replace(number, other.number)
    assert fetch(Client(), forged).status_code == 404
    assert Client().get(f"/certificates/{number}/certificate.pdf").status_code == 404
    assert Client().get(f"/certificates/{number}/certificate.pdf?key=").status_code == 404


@pytest.mark.parametrize(
    "typed",
    ["lower", "no dashes", "spaces"],
)
def test_a_number_typed_from_paper_finds_its_certificate(paid_order, typed):
    number = Certificate.objects.first().number
    variant = {
        "lower": number.lower(),
        "no dashes": number.replace("-", ""),
        "spaces": number.replace("-", " "),
    }[typed]
    assert Client().get(f"/certificates/{variant}/").status_code == 200


@pytest.mark.parametrize(
    "number", ["AAAA-BBBB-CCCC-DDDD", "x" * 2000, "%00", "' OR 1=1 --", "ÄÖÜ-ÄÖÜÄ"]
)
def test_unknown_or_hostile_numbers_are_not_found(paid_order, number):
    assert Client().get(f"/certificates/{number}/").status_code in (400, 404)


def test_after_a_refund_the_verification_page_and_the_pdf_say_void(
    paid_order, django_capture_on_commit_callbacks
):
    links = certificate_links_in_shipping_mail(paid_order, django_capture_on_commit_callbacks)
    services.mark_refunded(paid_order.pk)
    number = re.search(r"/certificates/([^/]+)/", links[0])[1]

    html = Client().get(f"/certificates/{number}/").content.decode()
    assert "void" in html and "genuine" not in html
    text = PdfReader(io.BytesIO(fetch(Client(), links[0]).content)).pages[0].extract_text()
    assert "VOID" in text


def test_putting_a_sold_painting_back_on_sale_voids_its_certificate(paid_order):
    painting = paid_order.lines.first().painting
    services.make_available_again(painting.pk)
    certificate = Certificate.objects.get(line__painting=painting)
    assert certificate.is_void
    assert Certificate.objects.valid().filter(line__order=paid_order).count() == 1


def test_the_artist_downloads_and_reissues_with_the_same_number(paid_order, admin_client):
    certificate = Certificate.objects.get(line__painting=paid_order.lines.first().painting)
    listing = admin_client.get("/admin/certificates/").content.decode()
    assert certificate.number in listing

    detail_url = f"/admin/certificates/{certificate.pk}/"
    detail = admin_client.get(detail_url).content.decode()
    pdf_url = re.search(r'href="([^"]+certificate\.pdf)"', detail)[1]
    pdf = admin_client.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"

    painting = certificate.painting
    painting.title = "Morning Tide (corrected)"
    painting.save_revision().publish()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', detail)[1]
    admin_client.post(detail_url, {"csrfmiddlewaretoken": csrf})

    certificate.refresh_from_db()
    assert certificate.title == "Morning Tide (corrected)"
    assert certificate.reissued_at is not None
    assert Certificate.objects.filter(line=certificate.line).count() == 1
    text = PdfReader(io.BytesIO(admin_client.get(pdf_url).content)).pages[0].extract_text()
    assert certificate.number in text and "Morning Tide (corrected)" in text


def test_staff_without_the_permission_cannot_see_certificates(paid_order, client):
    client.force_login(UserFactory(username="editor", permissions=["access_admin"]))
    certificate = Certificate.objects.first()
    for url in ("/admin/certificates/", f"/admin/certificates/{certificate.pk}/certificate.pdf"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert response.get("Content-Type") != "application/pdf"


def test_the_verification_page_shows_no_picture_of_a_painting_taken_off_show(paid_order):
    certificate = Certificate.objects.first()
    assert "<img" in Client().get(certificate.verify_path).content.decode()
    certificate.painting.unpublish()
    html = Client().get(certificate.verify_path).content.decode()
    assert certificate.title in html and "<img" not in html
