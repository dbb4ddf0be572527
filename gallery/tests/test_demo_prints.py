"""The demo shows prints: nearly sold out, sold out, artist's proofs on sale, and prints
of a sold original; its sales are to shipped orders and go with the demo."""

import re

import pytest
from django.test import Client

from gallery.demo import build_demo_site, delete_demo_site
from gallery.models import PaintingPage, PrintEdition
from shop.models import Order, PrintNumber
from shop.sale_status import SaleStatus

from .prints import hold

pytestmark = pytest.mark.django_db


def offered(demo, title):
    painting = next(p for p in demo.paintings if p.title == title)
    return painting, PaintingPage.objects.get(pk=painting.pk).get_editions()


@pytest.mark.parametrize("with_revisions", [True, False])
def test_the_demo_offers_prints_in_every_state(with_revisions):
    demo = build_demo_site(paintings=6, with_revisions=with_revisions)

    painting, (giclee, screen) = offered(demo, "Morning Tide")
    assert (giclee.process.name, giclee.left_label) == ("Giclée", "2 of 30 left")
    assert giclee.size_cm == "50 × 35 cm" and giclee.sheet_size_cm == "60 × 45 cm"
    assert (screen.process.name, screen.left_label) == ("Screen print", "14 of 20 left")
    assert screen.proofs_available and screen.proofs_left_label == "2 of 3 left"
    html = Client().get(painting.url).content.decode()
    assert "2 of 30 left" in html and "Artist's proof — €340, 2 of 3 left" in html

    _, (sold_out,) = offered(demo, "Grey Swell at Noon")
    assert sold_out.sold_out and sold_out.left_label == "Sold out"

    painting, (prints,) = offered(demo, "Fig Leaves in June")
    painting = PaintingPage.objects.with_card_data().get(pk=painting.pk)
    assert painting.sale_status == SaleStatus.SOLD
    assert (prints.left_label, painting.prints_from) == ("38 of 50 left", 220)
    html = Client().get(painting.url).content.decode()
    assert re.search(r"Original sold</span> — <a href=\"#prints\">prints available", html)

    # Every sale is to a past collector's shipped order, with a line per number.
    sold = PrintNumber.objects.filter(status=SaleStatus.SOLD)
    assert sold.count() == 28 + 6 + 1 + 25 + 12
    assert not sold.filter(order__isnull=True).exists()
    assert set(Order.objects.values_list("status", flat=True)) == {Order.Status.SHIPPED}
    assert all(order.lines.count() >= 1 for order in Order.objects.all())
    if with_revisions:  # the editions are in the published revision, as the admin's
        revision = PaintingPage.objects.get(pk=painting.pk).get_latest_revision_as_object()
        assert [e.pk for e in revision.editions.all()] == [prints.pk]


def test_a_demo_with_prints_bought_in_it_can_be_deleted():
    demo = build_demo_site(paintings=6, with_revisions=False)
    _, (giclee, _) = offered(demo, "Morning Tide")
    hold(giclee, 1)  # someone trying the shop bought one of the two left
    delete_demo_site()
    assert not PrintEdition.objects.exists() and not PrintNumber.objects.exists()
    assert not Order.objects.filter(email__endswith="collector.example").exists()
