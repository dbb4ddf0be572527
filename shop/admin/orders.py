"""Orders in the Wagtail admin: who may see them, the list, one order, marking it shipped.

Orders are made by checkout; here the artist reads them, edits their review
notes and marks them shipped. The status change itself is shop.services's,
which locks the row and sends the shipping e-mail once the transaction commits.
"""

import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from .. import services
from ..emails import unsent_emails
from ..models import Order
from .common import MoneyColumn
from .forms import AdjustShippingForm, MarkShippedForm, OrderReviewForm

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


def order_url_for(user, order, inspect_url_name):
    """The admin page of `order` (its inspect view's URL name given) if `user` may see it."""
    if order is not None and user_can_see_orders(user):
        return reverse(inspect_url_name, args=[order.pk])
    return None


def abandoned_checkout(now):
    """A checkout the buyer left on Stripe's page, as a condition on orders.

    Never paid (no payment, no bank transfer under way), no name (Stripe fills
    it in when the buyer completes its form), not flagged for review, and over:
    expired or cancelled, or still pending after its reservation has lapsed
    (the Stripe session's lifetime plus the grace, so it can take no payment).
    """
    over = Q(status__in=[Order.Status.EXPIRED, Order.Status.CANCELLED]) | Q(
        Q(reserved_until__isnull=True) | Q(reserved_until__lte=now),
        status=Order.Status.PENDING,
    )
    return over & Q(
        name="", paid_at__isnull=True, awaiting_bank_since__isnull=True, needs_review=False
    )


class OrderFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label="Placed", widget=DateRangePickerWidget)
    abandoned = django_filters.ChoiceFilter(
        label="Abandoned checkouts",
        choices=[("show", "Show them too"), ("only", "Show only them")],
        empty_label="Hide them",
        method="filter_abandoned",
        help_text="Never paid, no buyer's name, and the checkout is over.",
    )

    class Meta:
        model = Order
        fields = ["status", "needs_review", "created_at", "abandoned"]

    def filter_abandoned(self, queryset, name, value):
        if value == "only":
            return queryset.filter(abandoned_checkout(timezone.now()))
        return queryset


class NeedsReviewColumn(Column):
    """Empty for a normal order; a warning badge for one the artist must look at."""

    cell_template_name = "shop/admin/needs_review_cell.html"


class ShipUrlMixin:
    ship_url_name = None
    adjust_shipping_url_name = None

    def get_ship_url(self, order):
        if order.status == Order.Status.PAID and self.user_has_any_permission(SHIP_ACCESS):
            return reverse(self.ship_url_name, args=[order.pk])
        return None

    def get_adjust_shipping_url(self, order):
        paid = order.status in (Order.Status.PAID, Order.Status.SHIPPED)
        if paid and self.user_has_any_permission(["change"]):
            return reverse(self.adjust_shipping_url_name, args=[order.pk])
        return None


class OrderIndexView(ShipUrlMixin, generic.IndexView):
    any_permission_required = ORDER_ACCESS

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Abandoned checkouts are hidden unless the filter asks for them, or the
        # artist searches (an order number she was sent is always found).
        filters = self.filters
        choice = filters.form.cleaned_data.get("abandoned") if filters.is_valid() else ""
        if choice in ("show", "only") or self.is_searching:
            return queryset
        return queryset.exclude(abandoned_checkout(timezone.now()))

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
        buttons = []
        if edit_url := self.get_edit_url():
            buttons.append(Button("Edit review notes", url=edit_url, icon_name="edit"))
        if adjust_url := self.get_adjust_shipping_url(self.object):
            buttons.append(Button("Adjust shipping", url=adjust_url, icon_name="site"))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lines"] = self.object.lines.all()
        context["ship_url"] = self.get_ship_url(self.object)
        context["edit_url"] = self.get_edit_url()
        context["unsent_emails"] = unsent_emails(self.object)
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


class AdjustShippingView(MarkShippedView):
    """A paid order whose shipping was wrong (a rate for another country): the
    right shipping and a note in; services.adjust_shipping records them and
    says what to refund or collect."""

    any_permission_required = ["change"]
    form_class = AdjustShippingForm
    template_name = "shop/admin/adjust_shipping.html"
    page_title = "Adjust shipping"
    header_icon = "site"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "order": self.order}

    def form_valid(self, form):
        try:
            order, owed = services.adjust_shipping(
                self.order.pk,
                name=form.cleaned_data["shipping_name"],
                amount=form.cleaned_data["shipping_amount"],
                note=form.cleaned_data["note"],
                by=self.request.user.get_username(),
            )
        except services.CheckoutError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if owed < 0:
            settle = f"Refund {-owed} {order.currency} to the buyer in Stripe."
        elif owed > 0:
            settle = f"The buyer owes {owed} {order.currency} more."
        else:
            settle = "Nothing to settle."
        messages.success(self.request, f"Shipping of {order} adjusted. {settle}")
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
        "awaiting_bank_since",
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
        NeedsReviewColumn("needs_review", label="Needs review", sort_key="needs_review"),
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
            adjust_shipping_url_name=self.get_url_name("adjust_shipping"),
            **kwargs,
        )

    @cached_property
    def ship_view(self):
        return self.construct_view(MarkShippedView)

    @cached_property
    def adjust_shipping_view(self):
        return self.construct_view(AdjustShippingView)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("ship/<row_id:pk>/", self.ship_view, name="ship"),
            path(
                "adjust-shipping/<row_id:pk>/",
                self.adjust_shipping_view,
                name="adjust_shipping",
            ),
        ]

    def get_permissions_to_register(self):
        # Adding and deleting orders is never allowed, so don't offer those boxes.
        return (
            super()
            .get_permissions_to_register()
            .exclude(codename__in=["add_order", "delete_order"])
        )
