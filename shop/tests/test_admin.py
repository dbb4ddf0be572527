"""The shop in the Wagtail admin, through real HTTP requests and the real database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.models import Order, OrderLine, SaleState, ShippingRate
from shop.sale_status import SaleStatus

from .conftest import start_checkout

pytestmark = pytest.mark.django_db

ORDERS = "shop_orders"
SALE_STATES = "shop_sale_states"
SHIPPING_RATES = "shop_shipping_rates"


def make_user(django_user_model, username, codenames):
    group = Group.objects.create(name=f"{username} group")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", *codenames]))
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw")
    user.groups.add(group)
    return user


@pytest.fixture
def shop_manager(client, django_user_model):
    """A staff member with the shop's permissions only (not a superuser)."""
    user = make_user(
        django_user_model,
        "manager",
        [
            "view_order",
            "change_order",
            "ship_order",
            "view_salestate",
            "change_salestate",
            "view_shippingrate",
            "add_shippingrate",
            "change_shippingrate",
        ],
    )
    client.force_login(user)
    return client


@pytest.fixture
def plain_editor(client, django_user_model):
    """Can use the admin (pages), but has none of the shop's permissions."""
    client.force_login(make_user(django_user_model, "editor", ["add_page", "change_page"]))
    return client


def make_order(paintings, status=Order.Status.PAID, **fields):
    now = timezone.now()
    values = {
        "status": status,
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "address_line1": "12 Harbour Road",
        "postal_code": "75001",
        "city": "Paris",
        "country": "FR",
        "subtotal": sum((p.price for p in paintings), Decimal("0")),
        "shipping_name": "Insured courier",
        "shipping_amount": Decimal("45.00"),
        "stripe_session_id": f"cs_test_{len(paintings)}_{status}_{now.timestamp()}",
        "stripe_payment_intent": "pi_test_123" if status != Order.Status.PENDING else "",
        "paid_at": now if status in (Order.Status.PAID, Order.Status.SHIPPED) else None,
        **fields,
    }
    if values["paid_at"]:
        values.setdefault("amount_paid", values["subtotal"] + values["shipping_amount"])
    order = Order.objects.create(**values)
    for painting in paintings:
        OrderLine.objects.create(
            order=order, painting=painting, title=painting.title, price=painting.price
        )
        if status in (Order.Status.PAID, Order.Status.SHIPPED):
            SaleState.objects.update_or_create(
                painting=painting, defaults={"status": SaleStatus.SOLD, "order": order}
            )
        elif status == Order.Status.PENDING:
            SaleState.objects.update_or_create(
                painting=painting,
                defaults={
                    "status": SaleStatus.RESERVED,
                    "order": order,
                    "reserved_until": now + timedelta(minutes=30),
                },
            )
    return order


def listed_numbers(response, *orders):
    if response.streaming:
        content = b"".join(response.streaming_content).decode()
    else:
        content = response.content.decode()
    return {order.number for order in orders if order.number in content}


# Orders ---------------------------------------------------------------------


def test_order_list_filters_by_status_review_and_date(shop, shop_manager):
    painting1, painting2, painting3 = shop.paintings
    paid = make_order([painting1])
    pending = make_order([painting2], status=Order.Status.PENDING, needs_review=True)
    old = make_order([painting3], status=Order.Status.SHIPPED)
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    index = reverse(f"{ORDERS}:index")

    response = shop_manager.get(index)
    assert response.status_code == 200
    assert listed_numbers(response, paid, pending, old) == {paid.number, pending.number, old.number}

    by_status = shop_manager.get(index, {"status": Order.Status.PAID})
    assert listed_numbers(by_status, paid, pending, old) == {paid.number}

    by_review = shop_manager.get(index, {"needs_review": "true"})
    assert listed_numbers(by_review, paid, pending, old) == {pending.number}

    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = shop_manager.get(index, {"created_at_from": week_ago})
    assert listed_numbers(recent, paid, pending, old) == {paid.number, pending.number}
    older = shop_manager.get(index, {"created_at_to": week_ago})
    assert listed_numbers(older, paid, pending, old) == {old.number}

    export = shop_manager.get(index, {"export": "csv", "status": Order.Status.PAID})
    assert export["Content-Type"].startswith("text/csv")
    assert listed_numbers(export, paid, pending, old) == {paid.number}


@pytest.mark.parametrize("field", ["number", "email", "name"])
def test_order_search_by_number_email_or_name(shop, shop_manager, field):
    ada = make_order([shop.paintings[0]])
    grace = make_order([shop.paintings[1]], email="grace@navy.example", name="Grace Hopper")
    query = {"number": grace.number, "email": "navy.example", "name": "hopper"}[field]

    response = shop_manager.get(reverse(f"{ORDERS}:index_results"), {"q": query})

    assert response.status_code == 200
    assert listed_numbers(response, ada, grace) == {grace.number}


def test_inspect_shows_lines_totals_address_and_stripe_ids(shop, shop_manager):
    order = make_order(shop.paintings[:2], stripe_session_id="cs_test_inspect")

    response = shop_manager.get(reverse(f"{ORDERS}:inspect", args=[order.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    for expected in [
        "Painting 1",
        "Painting 2",
        "€1,700",  # subtotal
        "€1,745",  # total with shipping
        "Insured courier",
        "12 Harbour Road",
        "75001 Paris",
        "cs_test_inspect",
        "pi_test_123",
        "Mark shipped",
    ]:
        assert expected in content, expected


def test_mark_shipped_ships_and_sends_one_email(
    shop, shop_manager, django_capture_on_commit_callbacks
):
    order = make_order([shop.paintings[0]])
    url = reverse(f"{ORDERS}:ship", args=[order.pk])
    assert shop_manager.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = shop_manager.post(
            url, {"carrier": "  La Poste ", "tracking_number": " 6A123456789FR "}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse(f"{ORDERS}:inspect", args=[order.pk])
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert (order.carrier, order.tracking_number) == ("La Poste", "6A123456789FR")
    assert order.shipping_notice_sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert "6A123456789FR" in mail.outbox[0].body


def test_mark_shipped_refuses_an_unpaid_order(
    shop, shop_manager, django_capture_on_commit_callbacks
):
    order = make_order([shop.paintings[0]], status=Order.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        response = shop_manager.post(
            reverse(f"{ORDERS}:ship", args=[order.pk]),
            {"carrier": "DHL", "tracking_number": "123"},
        )

    assert response.status_code == 200
    assert "Only a paid order can be shipped" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert order.tracking_number == ""
    assert mail.outbox == []


def test_mark_shipped_requires_carrier_and_tracking_number(shop, shop_manager):
    order = make_order([shop.paintings[0]])

    response = shop_manager.post(
        reverse(f"{ORDERS}:ship", args=[order.pk]), {"carrier": "DHL", "tracking_number": "  "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"tracking_number": ["This field is required."]}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_review_notes_edit_saves_only_the_review_fields(shop, shop_manager):
    order = make_order([shop.paintings[0]], needs_review=True, review_reason="Amount differs.")

    response = shop_manager.post(
        reverse(f"{ORDERS}:edit", args=[order.pk]),
        {"review_reason": "Refunded the difference.", "status": Order.Status.REFUNDED},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.needs_review, order.review_reason) == (False, "Refunded the difference.")
    assert order.status == Order.Status.PAID


def test_orders_cannot_be_added_copied_or_deleted_even_by_a_superuser(shop, admin_client):
    order = make_order([shop.paintings[0]])

    index = admin_client.get(reverse(f"{ORDERS}:index"))
    assert reverse(f"{ORDERS}:add") not in index.content.decode()
    for url in [reverse(f"{ORDERS}:add"), reverse(f"{ORDERS}:delete", args=[order.pk])]:
        response = admin_client.post(url, {})
        assert response.status_code in (302, 403)
        assert response.get("Location") != reverse(f"{ORDERS}:index")
    assert Order.objects.filter(pk=order.pk).exists()
    assert Order.objects.count() == 1
    assert admin_client.get(f"/admin/shop/orders/copy/{order.pk}/").status_code == 404


# Sale states ------------------------------------------------------------------


def test_sale_states_list_each_painting_with_its_state(shop, shop_manager):
    painting1, painting2, painting3 = shop.paintings
    sold = make_order([painting1])
    reserved = make_order([painting2], status=Order.Status.PENDING)
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
    order = make_order([painting], status=Order.Status.PAID)
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
    order = make_order([painting], status=status) if status else None
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
            "min_days": "10",
            "max_days": "20",
            "sort_order": "3",
        },
    )

    assert response.status_code == 302
    assert ShippingRate.objects.get(name="Pallet freight").country_list == ["CH", "US"]


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
    order = make_order([painting])

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


def test_ship_permission_alone_lists_and_ships_but_edits_nothing(shop, client, django_user_model):
    client.force_login(make_user(django_user_model, "packer", ["ship_order"]))
    order = make_order([shop.paintings[0]])

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
    order = make_order([painting])

    for url in shop_urls(order, painting):
        assert shop_manager.get(url).status_code == 200, url
    home = shop_manager.get(reverse("wagtailadmin_home")).content.decode()
    for url in ["/admin/shop/orders/", "/admin/shop/sale-states/", "/admin/shop/shipping-rates/"]:
        assert url in home


def test_home_panel_counts_orders_to_ship_review_and_this_months_sales(shop, shop_manager):
    painting1, painting2, painting3 = shop.paintings
    make_order([painting1])  # 500 + 45 shipping
    make_order([painting2], status=Order.Status.SHIPPED, needs_review=True)  # 1200 + 45
    make_order([painting3], status=Order.Status.PENDING)
    last_month = timezone.now() - timedelta(days=40)
    make_order([], status=Order.Status.SHIPPED, subtotal=Decimal("999"), paid_at=last_month)

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


def test_release_needs_the_change_permission(shop, client, django_user_model, standin, buyer):
    start_checkout(buyer, shop.paintings[0])
    viewer = make_user(django_user_model, "viewer", ["view_salestate"])
    client.force_login(viewer)
    release = reverse(f"{SALE_STATES}:release", args=[shop.paintings[0].pk])
    assert client.post(release).status_code in (302, 403)
    assert Order.objects.get().status == Order.Status.PENDING
