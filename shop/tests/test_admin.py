"""The shop in the Wagtail admin, through real HTTP requests and the real database:
sale states, shipping rates, live reservations, permissions and the home panel.
Orders have their own file, test_admin_orders.py."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.models import Order, SaleState, ShippingRate
from shop.sale_status import SaleStatus
from tests.factories import OrderFactory, UserFactory
from tests.helpers import start_checkout

pytestmark = pytest.mark.django_db

ORDERS = "shop_orders"
SALE_STATES = "shop_sale_states"
SHIPPING_RATES = "shop_shipping_rates"


@pytest.fixture
def plain_editor(client):
    """Can use the admin (pages), but has none of the shop's permissions."""
    client.force_login(UserFactory(username="editor", permissions=["add_page", "change_page"]))
    return client


# Sale states ------------------------------------------------------------------


def test_sale_states_list_each_painting_with_its_state(shop, shop_manager):
    painting1, painting2, painting3 = shop.paintings
    sold = OrderFactory(paintings=[painting1])
    reserved = OrderFactory(paintings=[painting2], status=Order.Status.PENDING)
    index = reverse(f"{SALE_STATES}:index")

    response = shop_manager.get(index)

    content = response.content.decode()
    assert response.status_code == 200
    assert sold.number in content and reserved.number in content
    assert content.count("Make available again") == 1
    assert reverse(f"{SALE_STATES}:make_available", args=[painting1.pk]) in content

    only_sold = shop_manager.get(index, {"sale_state": SaleStatus.SOLD}).content.decode()
    assert painting1.title in only_sold
    assert painting2.title not in only_sold and painting3.title not in only_sold
    only_available = shop_manager.get(index, {"sale_state": SaleStatus.AVAILABLE}).content.decode()
    assert painting3.title in only_available
    assert painting1.title not in only_available and painting2.title not in only_available


def test_make_available_again_after_a_refund(shop, shop_manager):
    painting = shop.paintings[0]
    order = OrderFactory(paintings=[painting], status=Order.Status.PAID)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.REFUNDED)
    url = reverse(f"{SALE_STATES}:make_available", args=[painting.pk])

    confirmation = shop_manager.get(url)
    assert confirmation.status_code == 200
    assert "Yes, make it available again" in confirmation.content.decode()
    assert SaleState.objects.get(painting=painting).status == SaleStatus.SOLD

    response = shop_manager.post(url)

    assert response.status_code == 302
    state = SaleState.objects.get(painting=painting)
    assert (state.status, state.order) == (SaleStatus.AVAILABLE, None)


@pytest.mark.parametrize("status", [Order.Status.PENDING, None])
def test_make_available_again_changes_nothing_unless_sold(shop, shop_manager, status):
    painting = shop.paintings[0]
    order = OrderFactory(paintings=[painting], status=status) if status else None
    before = list(SaleState.objects.values())

    response = shop_manager.post(reverse(f"{SALE_STATES}:make_available", args=[painting.pk]))

    assert response.status_code == 302
    assert list(SaleState.objects.values()) == before
    if order:
        assert painting.__class__.objects.get(pk=painting.pk).sale_status == SaleStatus.RESERVED


# Shipping rates ---------------------------------------------------------------


def test_shipping_rates_are_listed_and_editable(shop, shop_manager):
    index = shop_manager.get(reverse(f"{SHIPPING_RATES}:index"))
    assert "Insured courier" in index.content.decode()

    response = shop_manager.post(
        reverse(f"{SHIPPING_RATES}:add"),
        {
            "name": "Pallet freight",
            "amount": "180.00",
            "countries": ["US", "CH"],
            "applies_to": "originals",
            "min_days": "10",
            "max_days": "20",
            "sort_order": "3",
        },
    )

    assert response.status_code == 302
    rate = ShippingRate.objects.get(name="Pallet freight")
    assert rate.country_list == ["CH", "US"] and rate.applies_to == "originals"


# Permissions and home page -------------------------------------------------------


def shop_urls(order, painting):
    return [
        reverse(f"{ORDERS}:index"),
        reverse(f"{ORDERS}:index_results"),
        reverse(f"{ORDERS}:inspect", args=[order.pk]),
        reverse(f"{ORDERS}:edit", args=[order.pk]),
        reverse(f"{ORDERS}:history", args=[order.pk]),
        reverse(f"{ORDERS}:ship", args=[order.pk]),
        reverse(f"{SALE_STATES}:index"),
        reverse(f"{SALE_STATES}:index_results"),
        reverse(f"{SALE_STATES}:make_available", args=[painting.pk]),
        reverse(f"{SHIPPING_RATES}:index"),
        reverse(f"{SHIPPING_RATES}:add"),
    ]


def test_a_user_without_shop_permissions_gets_nowhere(
    shop, plain_editor, django_capture_on_commit_callbacks
):
    painting = shop.paintings[0]
    order = OrderFactory(paintings=[painting])

    for url in shop_urls(order, painting):
        for method in (plain_editor.get, plain_editor.post):
            with django_capture_on_commit_callbacks(execute=True):
                response = method(url, {"carrier": "DHL", "tracking_number": "1"})
            assert response.status_code in (302, 403), url
            if response.status_code == 302:
                assert response["Location"] == reverse("wagtailadmin_home"), url

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert SaleState.objects.get(painting=painting).status == SaleStatus.SOLD
    assert mail.outbox == []
    home = plain_editor.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/shop/" not in home
    assert "to ship" not in home


def test_ship_permission_alone_lists_and_ships_but_edits_nothing(shop, client):
    client.force_login(UserFactory(username="packer", permissions=["ship_order"]))
    order = OrderFactory(paintings=[shop.paintings[0]])

    assert order.number in client.get(reverse(f"{ORDERS}:index")).content.decode()
    edit = client.post(reverse(f"{ORDERS}:edit", args=[order.pk]), {"review_reason": "x"})
    assert edit.status_code in (302, 403)
    assert edit.get("Location") in (None, reverse("wagtailadmin_home"))
    assert client.get(reverse(f"{SALE_STATES}:index")).status_code in (302, 403)
    shipped = client.post(
        reverse(f"{ORDERS}:ship", args=[order.pk]), {"carrier": "UPS", "tracking_number": "1Z9"}
    )
    assert shipped.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.review_reason) == (Order.Status.SHIPPED, "")


def test_shop_manager_sees_the_menu_and_every_page(shop, shop_manager):
    painting = shop.paintings[0]
    order = OrderFactory(paintings=[painting])

    for url in shop_urls(order, painting):
        assert shop_manager.get(url).status_code == 200, url
    home = shop_manager.get(reverse("wagtailadmin_home")).content.decode()
    for url in ["/admin/shop/orders/", "/admin/shop/sale-states/", "/admin/shop/shipping-rates/"]:
        assert url in home


def test_home_panel_counts_orders_to_ship_review_and_this_months_sales(shop, shop_manager):
    painting1, painting2, painting3 = shop.paintings
    OrderFactory(paintings=[painting1])  # 500 + 45 shipping
    OrderFactory(paintings=[painting2], status=Order.Status.SHIPPED, needs_review=True)  # 1200 + 45
    OrderFactory(paintings=[painting3], status=Order.Status.PENDING)
    last_month = timezone.now() - timedelta(days=40)
    OrderFactory(
        paintings=[], status=Order.Status.SHIPPED, subtotal=Decimal("999"), paid_at=last_month
    )

    content = shop_manager.get(reverse("wagtailadmin_home")).content.decode()

    assert "1 order to ship" in content
    assert "1 order needing review" in content
    assert "€1,790" in content and "(2 orders)" in content
    assert f"{reverse(f'{ORDERS}:index')}?status=paid" in content


# Live reservations -------------------------------------------------------------


def test_the_artist_sees_live_reservations_and_releases_one_now(shop, shop_manager, standin, buyer):
    painting, other = shop.paintings[0], shop.paintings[1]
    start_checkout(buyer, painting, other)
    order = Order.objects.get()

    home = shop_manager.get(reverse("wagtailadmin_home")).content.decode()
    assert "2 paintings reserved in checkouts now" in home
    listing = shop_manager.get(reverse(f"{SALE_STATES}:index"), {"sale_state": "reserved"})
    release = reverse(f"{SALE_STATES}:release", args=[painting.pk])
    assert release in listing.content.decode() and order.number in listing.content.decode()

    assert "Yes, release it now" in shop_manager.get(release).content.decode()
    response = shop_manager.post(release, follow=True)

    assert "released" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert standin.session(order.stripe_session_id)["status"] == "expired"
    for p in (painting, other):
        assert SaleState.objects.get(painting=p).effective_status == SaleStatus.AVAILABLE


def test_releasing_a_reservation_the_buyer_just_paid_keeps_the_sale(
    shop, shop_manager, standin, buyer, django_capture_on_commit_callbacks
):
    painting = shop.paintings[0]
    start_checkout(buyer, painting)
    order = Order.objects.get()
    standin.complete(order.stripe_session_id, deliver=False)  # the event is still travelling

    with django_capture_on_commit_callbacks(execute=True):
        response = shop_manager.post(
            reverse(f"{SALE_STATES}:release", args=[painting.pk]), follow=True
        )

    assert "was paid meanwhile" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert SaleState.objects.get(painting=painting).status == SaleStatus.SOLD


def test_release_needs_the_change_permission(shop, client, standin, buyer):
    start_checkout(buyer, shop.paintings[0])
    viewer = UserFactory(username="viewer", permissions=["view_salestate"])
    client.force_login(viewer)
    release = reverse(f"{SALE_STATES}:release", args=[shop.paintings[0].pk])
    assert client.post(release).status_code in (302, 403)
    assert Order.objects.get().status == Order.Status.PENDING
