"""Countries are django-countries fields: real codes only, names wherever a
country is shown, codes where Stripe needs them."""

import importlib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from shop.models import Order, ShippingRate, ShopSettings
from tests.factories import OrderFactory, UserFactory
from tests.helpers import press_on_stripe, shop_settings, start_checkout, stripe_page

pytestmark = pytest.mark.django_db

migration = importlib.import_module("shop.migrations.0005_country_lists_normalised")


@pytest.fixture
def admin(client):
    user = UserFactory(superuser=True)
    client.force_login(user)
    return client


# -- only real codes, and only countries Stripe can ship to -----------------------


@pytest.mark.parametrize("code", ["ZZ", "CU"])
def test_settings_refuse_a_code_that_is_not_a_shippable_country(code):
    settings = shop_settings()
    settings.shipping_countries = ["FR", code]
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    assert "shipping_countries" in refused.value.message_dict


@pytest.mark.parametrize("code", ["ZZ", "CU"])
def test_a_shipping_rate_refuses_a_code_that_is_not_a_shippable_country(code):
    rate = ShippingRate(name="Courier", amount=Decimal("10"), countries=["FR", code])
    with pytest.raises(ValidationError) as refused:
        rate.full_clean()
    assert "countries" in refused.value.message_dict


def test_the_admin_refuses_zz_for_a_shipping_rate(admin):
    response = admin.post(
        reverse("shop_shipping_rates:add"),
        {
            "name": "Pallet freight",
            "amount": "180.00",
            "countries": ["FR", "ZZ"],
            "min_days": "10",
            "max_days": "20",
            "sort_order": "3",
        },
    )
    assert response.status_code == 200
    assert "ZZ is not one of the available choices" in response.content.decode()
    assert not ShippingRate.objects.filter(name="Pallet freight").exists()


def test_the_admin_ticks_countries_by_name_and_saves_codes(admin):
    settings = shop_settings()
    url = reverse("wagtailsettings:edit", args=["shop", "shopsettings", settings.site_id])
    page = admin.get(url).content.decode()
    assert 'type="checkbox" name="shipping_countries" value="FR"' in page
    assert "France" in page
    assert 'value="CU"' not in page  # Stripe cannot ship to Cuba

    response = admin.post(
        url,
        {
            "currency": "EUR",
            "shipping_countries": ["IE", "ES"],
            "notify_email": "",
            "reservation_minutes": "30",
            "small_max_cm": "40",
            "medium_max_cm": "100",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    settings.refresh_from_db()
    assert settings.country_list == ["ES", "IE"]

    response = admin.post(url, {"currency": "EUR", "shipping_countries": ["IE", "ZZ"]})
    assert response.status_code == 200
    settings.refresh_from_db()
    assert settings.country_list == ["ES", "IE"]


def test_stripe_gets_codes():
    settings = shop_settings()
    assert "FR" in settings.country_list
    assert all(len(code) == 2 and code.isupper() for code in settings.country_list)


# -- the data migration -----------------------------------------------------------


def test_old_lists_become_the_fields_format():
    assert migration.normalise("FR, de ,NL;uk, ZZ, CU, FR, ") == "DE,FR,GB,NL"
    assert migration.normalise("") == ""
    assert migration.normalise("ZZ") == ""
    assert migration.denormalise("DE,FR,NL") == "DE, FR, NL"
    assert migration.denormalise("") == ""


def test_the_migration_converts_stored_values_and_back():
    # The models as the migration sees them: the old CharFields, raw strings.
    state = MigrationLoader(connection).project_state(("shop", "0005_country_lists_normalised"))
    old_settings = state.apps.get_model("shop", "ShopSettings")
    old_rate = state.apps.get_model("shop", "ShippingRate")
    settings_pk = shop_settings().pk
    old_settings.objects.filter(pk=settings_pk).update(shipping_countries="FR, DE, NL, uk, ZZ")
    rate_pk = old_rate.objects.create(name="Courier", amount=Decimal("10"), countries="es , pt").pk

    migration.forwards(state.apps, None)

    settings = ShopSettings.objects.get(pk=settings_pk)
    rate = ShippingRate.objects.get(pk=rate_pk)
    assert settings.country_list == ["DE", "FR", "GB", "NL"]
    assert rate.country_list == ["ES", "PT"]
    assert [c.name for c in rate.countries] == ["Spain", "Portugal"]

    migration.backwards(state.apps, None)
    assert old_rate.objects.get(pk=rate_pk).countries == "ES, PT"
    assert old_settings.objects.get(pk=settings_pk).shipping_countries == "DE, FR, GB, NL"


# -- names wherever a country is shown ---------------------------------------------


def test_success_page_and_emails_name_the_country(
    shop, buyer, standin, django_capture_on_commit_callbacks
):
    page_url, html = stripe_page(start_checkout(buyer, shop.paintings[0], country="ES"))
    success = press_on_stripe(
        page_url,
        html,
        "pay",
        email="carmen@example.com",
        name="Carmen Amaya",
        line1="Carrer de Mallorca 1",
        city="Barcelona",
        postal_code="08013",
        country="ES",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.get(success)

    assert response.status_code == 200
    assert "08013 Barcelona<br>Spain" in response.content.decode()
    order = Order.objects.get()
    assert order.country == "ES"
    assert order.address_lines[-1] == "Spain"

    (confirmation,) = [m for m in mail.outbox if m.to == ["carmen@example.com"]]
    assert "\nSpain\n" in confirmation.body
    html_body = next(body for body, kind in confirmation.alternatives if kind == "text/html")
    assert "<br>Spain" in html_body
    (notice,) = [m for m in mail.outbox if m.to == ["artist@example.com"]]
    assert "\nSpain\n" in notice.body


def test_the_account_order_page_names_the_country(client):
    user = UserFactory(email="ada@example.com", verified=True)
    order = OrderFactory(in_galway=True, user=user)
    client.force_login(user)
    page = client.get(f"/account/orders/{order.number}/").content.decode()
    assert "Ireland" in page
    assert ">IE<" not in page


def test_the_admin_order_page_names_the_country(admin):
    order = OrderFactory(in_galway=True)
    page = admin.get(reverse("shop_orders:inspect", args=[order.pk])).content.decode()
    assert "H91 Galway<br>Ireland" in page


def test_a_code_django_countries_does_not_know_is_shown_as_sent():
    # Stripe lists Kosovo as XK; the order keeps it and shows the code.
    order = OrderFactory(in_galway=True, country="XK")
    order.refresh_from_db()
    assert order.country == "XK"
    assert order.address_lines[-1] == "XK"
