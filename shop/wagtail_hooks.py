from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin import (
    ShopSummaryPanel,
    ShopViewSetGroup,
    order_permission_policy,
    user_can_see_orders,
)
from .admin.explorer import with_listing_sale_status
from .models import Order

# Before anything asks for Order's policy, or Wagtail creates its default one.
register_permission_policy(Order, order_permission_policy)


@hooks.register("register_admin_viewset")
def register_shop_viewsets():
    return ShopViewSetGroup()


@hooks.register("construct_homepage_panels")
def add_shop_summary_panel(request, panels):
    if user_can_see_orders(request.user):
        panels.append(ShopSummaryPanel())


@hooks.register("construct_explorer_page_queryset")
def show_sale_status_in_explorer(parent_page, pages, request):
    return with_listing_sale_status(pages)
