"""Sale states in the Wagtail admin: each painting's state, and the two ways to change one.

The rows are the shop's SaleState (never the page's revisions). Releasing a
live reservation and putting a sold painting back on sale both go through
shop.services, which locks the rows; each asks first, on its own page.
"""

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import policy_registry

from gallery.models import PaintingPage

from .. import payments, services
from ..models import Order, SaleState
from ..sale_status import SaleStatus
from .common import MoneyColumn
from .orders import OrderViewSet, order_url_for

SALE_STATE_ACCESS = ["view", "change"]


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
        return order_url_for(self.request.user, order, self.order_inspect_url_name)

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
            order_url=order_url_for(self.request.user, order, self.order_inspect_url_name),
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
                "<row_id:painting_id>/make-available/",
                self.make_available_view,
                name="make_available",
            ),
            path("<row_id:painting_id>/release/", self.release_view, name="release"),
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
