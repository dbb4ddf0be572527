"""The shop's panel on the Wagtail admin's home page: what needs the artist's attention."""

from decimal import Decimal

from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from ..models import Order, SaleState, ShopSettings
from ..sale_status import SaleStatus
from .orders import OrderViewSet
from .sale_states import SaleStateViewSet


class ShopSummaryPanel(Component):
    """Orders to ship, orders to review, and this month's sales."""

    name = "shop_summary"
    template_name = "shop/admin/home_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        currency = ShopSettings.for_request(request).currency
        month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        sales = Order.objects.filter(
            status__in=[Order.Status.PAID, Order.Status.SHIPPED],
            paid_at__gte=month_start,
            currency=currency,
        ).aggregate(count=Count("pk"), total=Sum(F("subtotal") + F("shipping_amount")))
        index_url = reverse(OrderViewSet.name + ":index")
        live_reservations = SaleState.objects.filter(
            status=SaleStatus.RESERVED, reserved_until__gt=timezone.now()
        )
        return {
            "reserved": live_reservations.count(),
            "reserved_url": reverse(SaleStateViewSet.name + ":index") + "?sale_state=reserved",
            "request": request,
            "to_ship": Order.objects.filter(status=Order.Status.PAID).count(),
            "to_ship_url": f"{index_url}?status={Order.Status.PAID}",
            "to_review": Order.objects.filter(needs_review=True).count(),
            "to_review_url": f"{index_url}?needs_review=true",
            "month_start": month_start,
            "sales_count": sales["count"],
            "sales_total": sales["total"] or Decimal("0"),
            "currency": currency,
        }
