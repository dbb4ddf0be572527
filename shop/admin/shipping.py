"""Shipping rates in the Wagtail admin: what each rate costs, where it ships, how long it takes."""

from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import ShippingRate
from .common import MoneyColumn


class ShippingRateViewSet(ModelViewSet):
    model = ShippingRate
    name = "shop_shipping_rates"
    url_prefix = "shop/shipping-rates"
    icon = "site"
    menu_label = "Shipping rates"
    sort_order_field = "sort_order"
    list_display = [
        "name",
        MoneyColumn("amount", sort_key="amount"),
        Column(
            "countries",
            accessor=lambda rate: rate.countries or "Every shipping country",
        ),
        Column("applies_to", label="Carries", accessor="get_applies_to_display"),
        Column(
            "delivery",
            label="Delivery (business days)",
            accessor=lambda rate: f"{rate.min_days}–{rate.max_days}",
        ),
    ]
