"""The shop in the Wagtail admin: orders, sale states, shipping rates, home panel.

One module per thing administered. Nothing here changes an order's status or
a painting's sale state by itself: those changes go through shop.services,
which locks the rows and sends the e-mails once the transaction commits.
shop.wagtail_hooks registers what this package exports.
"""

from wagtail.admin.viewsets.base import ViewSetGroup

from .dashboard import ShopSummaryPanel
from .orders import OrderViewSet, order_permission_policy, user_can_see_orders
from .print_numbers import PrintNumberViewSet
from .sale_states import SaleStateViewSet
from .shipping import ShippingRateViewSet

__all__ = ["ShopSummaryPanel", "ShopViewSetGroup", "order_permission_policy", "user_can_see_orders"]


class ShopViewSetGroup(ViewSetGroup):
    menu_label = "Shop"
    menu_icon = "clipboard-list"
    menu_order = 250
    items = (OrderViewSet, SaleStateViewSet, PrintNumberViewSet, ShippingRateViewSet)
