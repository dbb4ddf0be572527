"""What the artist reads at a glance in the admin: the home panel's markup, the
orders list's review badge and its abandoned checkouts, and each painting's
sale status in the page explorer."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shop.models import Order
from shop.sale_status import SaleStatus
from tests.factories import OrderFactory, PaintingPageFactory, SaleStateFactory, UserFactory

pytestmark = pytest.mark.django_db

ORDERS = "shop_orders"


@pytest.fixture
def artist(client):
    client.force_login(UserFactory(username="artist", superuser=True))
    return client


def row_of(response, order):
    html = response.content.decode()
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        if order.number in row:
            return row
    return None


# Home panel --------------------------------------------------------------------


def test_home_panel_uses_wagtails_summary_styles(shop, shop_manager):
    """Wagtail sizes summary icons and drops the bullets only inside .w-summary."""
    html = shop_manager.get(reverse("wagtailadmin_home")).content.decode()

    panel = html[html.index('id="shop-summary-content"') :]
    summary = panel.index('class="w-summary"')
    assert summary < panel.index('class="w-summary__list"') < panel.index("to ship")


# Orders list -------------------------------------------------------------------


def test_needs_review_shows_a_warning_only_for_orders_that_need_it(shop, shop_manager):
    normal = OrderFactory(paintings=[shop.paintings[0]])
    flagged = OrderFactory(paintings=[shop.paintings[1]], needs_review=True)

    response = shop_manager.get(reverse(f"{ORDERS}:index"))

    normal_row, flagged_row = row_of(response, normal), row_of(response, flagged)
    assert "Needs review" not in normal_row
    assert "icon-cross" not in normal_row and "icon-check" not in normal_row
    assert "Needs review" in flagged_row and "icon-warning" in flagged_row
    assert "icon-check" not in flagged_row


def abandoned_and_kept(shop):
    """Orders from checkouts in every state that matters, and which are abandoned."""
    now = timezone.now()
    unnamed = {"name": "", "email": "", "stripe_session_id": None}
    lapsed = OrderFactory(
        status=Order.Status.PENDING, reserved_until=now - timedelta(minutes=1), **unnamed
    )
    expired = OrderFactory(status=Order.Status.EXPIRED, **unnamed)
    cancelled = OrderFactory(status=Order.Status.CANCELLED, **unnamed)
    # Kept: a checkout still running, paid ones, named ones, ones to review,
    # one whose bank transfer is on its way.
    running = OrderFactory(
        status=Order.Status.PENDING, reserved_until=now + timedelta(minutes=20), **unnamed
    )
    paid = OrderFactory(paintings=[shop.paintings[0]], **{**unnamed, "stripe_session_id": "cs_1"})
    named = OrderFactory(status=Order.Status.EXPIRED, name="Grace Hopper", stripe_session_id=None)
    flagged = OrderFactory(status=Order.Status.EXPIRED, needs_review=True, **unnamed)
    bank = OrderFactory(
        status=Order.Status.PENDING,
        reserved_until=now - timedelta(minutes=1),
        awaiting_bank_since=now - timedelta(hours=1),
        **unnamed,
    )
    return [lapsed, expired, cancelled], [running, paid, named, flagged, bank]


def listed(response, orders):
    html = response.content.decode()
    return {order.number for order in orders if order.number in html}


def test_abandoned_checkouts_are_hidden_by_default_and_shown_by_the_filter(shop, shop_manager):
    abandoned, kept = abandoned_and_kept(shop)
    everything = abandoned + kept
    index = reverse(f"{ORDERS}:index")

    assert listed(shop_manager.get(index), everything) == {o.number for o in kept}
    shown = shop_manager.get(index, {"abandoned": "show"})
    assert listed(shown, everything) == {o.number for o in everything}
    only = shop_manager.get(index, {"abandoned": "only"})
    assert listed(only, everything) == {o.number for o in abandoned}
    # A number the artist was sent is always found.
    found = shop_manager.get(reverse(f"{ORDERS}:index_results"), {"q": abandoned[0].number})
    assert listed(found, everything) == {abandoned[0].number}
    # A forged filter value hides them, as the default does.
    forged = shop_manager.get(index, {"abandoned": "x" * 5000})
    assert forged.status_code == 200
    assert listed(forged, everything) == {o.number for o in kept}
    # The other filters still apply, and still hide them.
    expired = shop_manager.get(index, {"status": Order.Status.EXPIRED})
    assert listed(expired, everything) == {kept[2].number, kept[3].number}


def test_the_export_leaves_abandoned_checkouts_out_too(shop, shop_manager):
    abandoned, kept = abandoned_and_kept(shop)
    export = shop_manager.get(reverse(f"{ORDERS}:index"), {"export": "csv"})
    content = b"".join(export.streaming_content).decode()
    assert {o.number for o in abandoned + kept if o.number in content} == {o.number for o in kept}


# Page explorer -----------------------------------------------------------------


def sale_tags(html):
    """{painting title: sale status label} as the explorer's status cells show them."""
    tags = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        title = re.search(r'id="page_\d+_title"[^>]*>(.*?)</span>', row, re.S)
        sale = re.search(r"Sale status:\s*</span>\s*([^<]+?)\s*<", row, re.S)
        if title:
            name = " ".join(re.sub(r"<[^>]+>", " ", title.group(1)).split())
            tags[name] = sale.group(1) if sale else None
    return tags


def test_explorer_shows_each_paintings_sale_status(shop, artist):
    available, reserved, sold = shop.paintings
    OrderFactory(paintings=[reserved], status=Order.Status.PENDING)
    OrderFactory(paintings=[sold])
    not_for_sale = PaintingPageFactory(parent=shop.collection, title="Kept", for_sale=False)
    draft = PaintingPageFactory(parent=shop.collection, title="Draft one", live=False)

    response = artist.get(reverse("wagtailadmin_explore", args=[shop.collection.pk]))

    assert response.status_code == 200
    assert sale_tags(response.content.decode()) == {
        available.title: "Available",
        reserved.title: "Reserved",
        sold.title: "Sold",
        not_for_sale.title: "Not for sale",
        draft.title: None,  # Wagtail's own "Draft" says it
    }


def test_a_lapsed_reservation_reads_available_in_the_explorer(shop, artist):
    painting = shop.paintings[0]
    SaleStateFactory(
        painting=painting,
        status=SaleStatus.RESERVED,
        reserved_until=timezone.now() - timedelta(seconds=1),
    )
    response = artist.get(reverse("wagtailadmin_explore", args=[shop.collection.pk]))
    assert sale_tags(response.content.decode())[painting.title] == "Available"


def test_explorer_sale_status_costs_no_query_per_painting(shop, artist):
    """Wagtail's own cells cost queries per row (live URLs); the sale status costs none:
    it rides in the listing's query, the only one that reads sale states."""
    for index in range(12):
        painting = PaintingPageFactory(parent=shop.collection, title=f"More {index}")
        OrderFactory(paintings=[painting], status=Order.Status.PENDING)
    url = reverse("wagtailadmin_explore", args=[shop.collection.pk])

    with CaptureQueriesContext(connection) as queries:
        response = artist.get(url)

    assert list(sale_tags(response.content.decode()).values()).count("Reserved") == 12
    reading_states = [q["sql"] for q in queries if "shop_salestate" in q["sql"]]
    assert len(reading_states) == 1
    assert "wagtailcore_page" in reading_states[0]


def test_searching_in_the_explorer_still_works(shop, artist):
    OrderFactory(paintings=[shop.paintings[2]])
    url = reverse("wagtailadmin_explore", args=[shop.collection.pk])
    response = artist.get(url, {"q": "Painting"})
    assert response.status_code == 200
    assert shop.paintings[2].title in response.content.decode()
