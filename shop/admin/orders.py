"""The shop in the Wagtail admin: orders, sale states, shipping rates, home panel.

Nothing here changes an order's status or a painting's sale state by itself:
those changes go through shop.services, which locks the rows and sends the
e-mails once the transaction commits.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from gallery.models import PaintingPage

from .. import payments, services
from ..models import Order, SaleState, ShippingRate, ShopSettings
from ..sale_status import SaleStatus
from ..templatetags.shop_tags import money
from .forms import MarkShippedForm, OrderReviewForm

# Any of these lets a user see orders; "ship" is the custom Order.Meta permission.
ORDER_ACCESS = ["view", "change", "ship"]
SHIP_ACCESS = ["ship", "change"]
SALE_STATE_ACCESS = ["view", "change"]


class OrderPermissionPolicy(ModelPermissionPolicy):
    """Orders are made by checkout and kept for the books: nobody adds or deletes one here."""

    never = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.never and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a not in self.never])


order_permission_policy = OrderPermissionPolicy(Order)


def user_can_see_orders(user):
    return order_permission_policy.user_has_any_permission(user, ORDER_ACCESS)


class MoneyColumn(Column):
    """An amount in the row's own currency (an order's), else the shop currency."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        currency = getattr(instance, "currency", None)
        context["value"] = money(parent_context, context["raw_value"], currency)
        return context


# Orders -------------------------------------------------------------------


class OrderFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label="Placed", widget=DateRangePickerWidget)

    class Meta:
        model = Order
        fields = ["status", "needs_review", "created_at"]


class ShipUrlMixin:
    ship_url_name = None

    def get_ship_url(self, order):
        if order.status == Order.Status.PAID and self.user_has_any_permission(SHIP_ACCESS):
            return reverse(self.ship_url_name, args=[order.pk])
        return None


class OrderIndexView(ShipUrlMixin, generic.IndexView):
    any_permission_required = ORDER_ACCESS

    def get_edit_url(self, instance):
        # An order's number opens the order itself (inspect); its review notes
        # are edited from there.
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if ship_url := self.get_ship_url(instance):
            buttons.append(
                ListingMenuItem("Mark shipped", url=ship_url, icon_name="success", priority=15)
            )
        return buttons


class OrderInspectView(ShipUrlMixin, generic.InspectView):
    any_permission_required = ORDER_ACCESS
    template_name = "shop/admin/order_inspect.html"

    def get_page_title(self):
        return "Order"

    @cached_property
    def header_buttons(self):
        if ship_url := self.get_ship_url(self.object):
            return [HeaderButton("Mark shipped", url=ship_url, icon_name="success")]
        return []

    @cached_property
    def header_more_buttons(self):
        if edit_url := self.get_edit_url():
            return [Button("Edit review notes", url=edit_url, icon_name="edit")]
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lines"] = self.object.lines.all()
        context["ship_url"] = self.get_ship_url(self.object)
        context["edit_url"] = self.get_edit_url()
        return context


class MarkShippedView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Carrier and tracking number in; services.mark_shipped does the rest."""

    model = Order
    any_permission_required = SHIP_ACCESS
    form_class = MarkShippedForm
    template_name = "shop/admin/mark_shipped.html"
    page_title = "Mark shipped"
    header_icon = "success"
    index_url_name = None
    inspect_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.order = get_object_or_404(Order, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.order)

    def get_inspect_url(self):
        return reverse(self.inspect_url_name, args=[self.order.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": "Orders"},
            {"url": self.get_inspect_url(), "label": str(self.order)},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["order"] = self.order
        context["inspect_url"] = self.get_inspect_url()
        return context

    def form_valid(self, form):
        try:
            services.mark_shipped(
                self.order.pk,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except services.CheckoutError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if self.order.email:
            notice = f"The tracking number is being e-mailed to {self.order.email}."
        else:
            notice = "The order has no e-mail address: tell the buyer yourself."
        messages.success(self.request, f"Order {self.order} marked shipped. {notice}")
        return redirect(self.get_inspect_url())


class OrderViewSet(ModelViewSet):
    model = Order
    name = "shop_orders"
    url_prefix = "shop/orders"
    icon = "clipboard-list"
    menu_label = "Orders"
    index_view_class = OrderIndexView
    inspect_view_class = OrderInspectView
    inspect_view_enabled = True
    # Shown as a list under "Timeline and e-mails"; the rest has its own sections.
    inspect_view_fields = [
        "created_at",
        "reserved_until",
        "paid_at",
        "shipped_at",
        "closed_at",
        "confirmation_sent_at",
        "artist_notice_sent_at",
        "shipping_notice_sent_at",
    ]
    copy_view_enabled = False
    filterset_class = OrderFilterSet
    search_fields = ["number", "email", "name"]
    search_backend_name = None
    list_display = [
        "number",
        DateColumn(
            "created_at",
            label="Placed",
            sort_key="created_at",
            # Whole seconds: the Nu checker rejects <time datetime> with microseconds.
            accessor=lambda order: order.created_at.replace(microsecond=0),
        ),
        "name",
        "email",
        MoneyColumn("total"),
        StatusTagColumn(
            "get_status_display",
            label="Status",
            sort_key="status",
            primary=lambda order: order.status == Order.Status.PAID,
        ),
        BooleanColumn("needs_review", label="Needs review", sort_key="needs_review"),
    ]
    list_export = [
        "number",
        "created_at",
        "status",
        "name",
        "email",
        "country",
        "currency",
        "subtotal",
        "shipping_amount",
        "amount_paid",
        "paid_at",
        "shipped_at",
        "needs_review",
    ]

    def get_form_class(self, for_update=False):
        return OrderReviewForm

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            ship_url_name=self.get_url_name("ship"),
            **kwargs,
        )

    @cached_property
    def ship_view(self):
        return self.construct_view(MarkShippedView)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("ship/<int:pk>/", self.ship_view, name="ship"),
        ]

    def get_permissions_to_register(self):
        # Adding and deleting orders is never allowed, so don't offer those boxes.
        return (
            super()
            .get_permissions_to_register()
            .exclude(codename__in=["add_order", "delete_order"])
        )


# Sale states ----------------------------------------------------------------


def sale_state_policy():
    return policy_registry.get_by_type(SaleState)


class SaleStateFilterSet(WagtailFilterSet):
    sale_state = django_filters.ChoiceFilter(
        label="Sale state",
        choices=SaleStatus.choices,
        field_name="sale_status",  # PaintingQuerySet.with_sale_status()
        empty_label="All",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = PaintingPage
        fields = []


class SaleStateColumn(Column):
    """The state, the order behind it, and the artist's way to change it."""

    cell_template_name = "shop/admin/sale_state_cell.html"

    def __init__(self, name, *, action_url=None, order_url=None, **kwargs):
        super().__init__(name, **kwargs)
        self.action_url = action_url
        self.order_url = order_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        try:
            state = instance.sale_state
        except SaleState.DoesNotExist:
            state = None
        status = instance.sale_status
        order = state.order if state and status in (SaleStatus.RESERVED, SaleStatus.SOLD) else None
        context.update(
            status=status,
            label=SaleStatus(status).label,
            order=order,
            order_url=order and self.order_url(order),
            reserved_until=state.reserved_until if status == SaleStatus.RESERVED else None,
            action_url=self.action_url(instance, status),
        )
        return context


class SaleStateIndexView(generic.IndexView):
    """Every painting with its sale state, from the shop's rows (never the page's)."""

    model = PaintingPage
    any_permission_required = SALE_STATE_ACCESS
    filterset_class = SaleStateFilterSet
    search_fields = ["title"]
    search_backend_name = None
    default_ordering = "title"
    page_title = "Sale states"
    make_available_url_name = None
    release_url_name = None
    order_inspect_url_name = None

    @cached_property
    def permission_policy(self):
        return sale_state_policy()

    def get_base_queryset(self):
        return PaintingPage.objects.with_sale_status().select_related("sale_state__order")

    def get_action_url(self, painting, status):
        """Release a live reservation, or put a sold painting back on sale."""
        url_name = {
            SaleStatus.RESERVED: self.release_url_name,
            SaleStatus.SOLD: self.make_available_url_name,
        }.get(status)
        if url_name and self.user_has_permission("change"):
            return reverse(url_name, args=[painting.pk])
        return None

    def get_order_url(self, order):
        if user_can_see_orders(self.request.user):
            return reverse(self.order_inspect_url_name, args=[order.pk])
        return None

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label="Painting",
                sort_key="title",
                get_url=lambda painting: reverse("wagtailadmin_pages:edit", args=[painting.pk]),
            ),
            MoneyColumn("price", sort_key="price"),
            SaleStateColumn(
                "sale_state",
                label="Sale state",
                action_url=self.get_action_url,
                order_url=self.get_order_url,
            ),
        ]


class SaleStateActionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Asks first, then changes one painting's sale state through shop.services.

    Subclasses say which state the action applies to (`applies_to`) and do it in
    `perform()`; a painting in another state by the time the artist confirms
    (the buyer paid, the reservation lapsed) is left alone with a message.
    """

    permission_required = "change"
    header_icon = "tag"
    index_url_name = None
    make_available_url_name = None
    release_url_name = None
    order_inspect_url_name = None
    applies_to = None
    not_applicable_message = ""

    @cached_property
    def permission_policy(self):
        return sale_state_policy()

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.painting = get_object_or_404(
            PaintingPage.objects.with_sale_status().select_related("sale_state__order"),
            pk=kwargs["painting_id"],
        )

    def get_page_subtitle(self):
        return self.painting.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": "Sale states"},
            {"url": "", "label": self.page_title, "sublabel": self.painting.title},
        ]

    def not_applicable_response(self):
        messages.warning(self.request, self.not_applicable_message.format(self.painting.title))
        return redirect(self.index_url_name)

    def get(self, request, *args, **kwargs):
        if self.painting.sale_status != self.applies_to:
            return self.not_applicable_response()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.painting.sale_status != self.applies_to:
            return self.not_applicable_response()
        self.perform()
        return redirect(self.index_url_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.painting.sale_state.order
        context.update(
            painting=self.painting,
            order=order,
            order_url=(
                reverse(self.order_inspect_url_name, args=[order.pk])
                if order and user_can_see_orders(self.request.user)
                else None
            ),
        )
        return context


class MakeAvailableAgainView(SaleStateActionView):
    """A sold painting back on sale (after a refund, say)."""

    template_name = "shop/admin/confirm_make_available.html"
    page_title = "Make available again"
    applies_to = SaleStatus.SOLD
    not_applicable_message = "“{}” is not sold, so nothing was changed."

    def perform(self):
        services.make_available_again(self.painting.pk)
        messages.success(self.request, f"“{self.painting.title}” is available again.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = context["order"]
        context["order_refunded"] = order is not None and order.status == Order.Status.REFUNDED
        return context


class ReleaseReservationView(SaleStateActionView):
    """Ends a live reservation now: its checkout is expired at Stripe, its paintings freed."""

    template_name = "shop/admin/confirm_release.html"
    page_title = "Release reservation"
    applies_to = SaleStatus.RESERVED
    not_applicable_message = "“{}” is no longer reserved, so nothing was changed."

    def perform(self):
        order = self.painting.sale_state.order
        if order is None:  # its order is gone (orders can't be deleted in the admin)
            messages.warning(self.request, "This reservation has no order; it lapses by itself.")
            return
        try:
            with payments.time_budget(settings.STRIPE_CHECKOUT_BUDGET_SECONDS):
                order = services.cancel_checkout(order.pk, reason="Released by the artist.")
        except payments.PaymentError:
            messages.error(
                self.request,
                "Stripe could not be reached, so the checkout is still open and nothing was "
                "changed. Try again in a minute.",
            )
            return
        if order.status == Order.Status.CANCELLED:
            messages.success(self.request, f"Order {order} released: its paintings are available.")
        elif order.status == Order.Status.PENDING:
            messages.warning(
                self.request,
                f"The buyer of order {order} has paid with a delayed method and the bank has "
                "not answered yet, so its paintings stay with it until the bank does (at most "
                "10 days).",
            )
        else:
            messages.warning(
                self.request,
                f"Order {order} was paid meanwhile ({order.get_status_display().lower()}), "
                "so its paintings stay with it.",
            )


class SaleStateViewSet(ViewSet):
    name = "shop_sale_states"
    url_prefix = "shop/sale-states"
    icon = "tag"
    menu_label = "Sale states"

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            header_icon=self.icon,
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
            make_available_url_name=self.get_url_name("make_available"),
            release_url_name=self.get_url_name("release"),
            order_inspect_url_name=OrderViewSet.name + ":inspect",
            **kwargs,
        )

    @cached_property
    def index_view(self):
        return self.construct_view(SaleStateIndexView)

    @cached_property
    def index_results_view(self):
        return self.construct_view(SaleStateIndexView, results_only=True)

    @cached_property
    def make_available_view(self):
        return self.construct_view(MakeAvailableAgainView)

    @cached_property
    def release_view(self):
        return self.construct_view(ReleaseReservationView)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(
                "<int:painting_id>/make-available/",
                self.make_available_view,
                name="make_available",
            ),
            path("<int:painting_id>/release/", self.release_view, name="release"),
        ]

    @cached_property
    def menu_item_class(self):
        class SaleStateMenuItem(MenuItem):
            def is_shown(self, request):
                return sale_state_policy().user_has_any_permission(request.user, SALE_STATE_ACCESS)

        return SaleStateMenuItem

    def get_permissions_to_register(self):
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(SaleState),
            codename__in=["view_salestate", "change_salestate"],
        )

    def on_register(self):
        super().on_register()
        hooks.register("register_permissions", self.get_permissions_to_register)


# Shipping rates -------------------------------------------------------------


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
        Column(
            "delivery",
            label="Delivery (business days)",
            accessor=lambda rate: f"{rate.min_days}–{rate.max_days}",
        ),
    ]


class ShopViewSetGroup(ViewSetGroup):
    menu_label = "Shop"
    menu_icon = "clipboard-list"
    menu_order = 250
    items = (OrderViewSet, SaleStateViewSet, ShippingRateViewSet)


# Home page ------------------------------------------------------------------


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
