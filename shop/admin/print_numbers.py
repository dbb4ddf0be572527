"""Print numbers in the Wagtail admin: every number of every edition, sold to which
order, and the artist's way to put a refunded number back on sale."""

import django_filters
from django import forms
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .. import services
from ..models import Order, PrintNumber
from ..sale_status import SaleStatus, held_condition
from .orders import OrderViewSet, order_url_for

permission_policy = ModelPermissionPolicy(PrintNumber)
ACCESS = ["view", "change"]


def with_effective_status(queryset):
    """The number's status now, in SQL (a lapsed reservation reads as available)."""
    now = timezone.now()
    return queryset.annotate(
        effective=Case(
            When(status=SaleStatus.SOLD, then=Value(SaleStatus.SOLD.value)),
            When(held_condition(now), then=Value(SaleStatus.RESERVED.value)),
            default=Value(SaleStatus.AVAILABLE.value),
            output_field=CharField(),
        )
    )


class PrintNumberFilterSet(WagtailFilterSet):
    effective = django_filters.ChoiceFilter(
        label="Status",
        choices=[
            (s.value, s.label) for s in (SaleStatus.AVAILABLE, SaleStatus.RESERVED, SaleStatus.SOLD)
        ],
        empty_label="All",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = PrintNumber
        fields = []


class StatusColumn(Column):
    cell_template_name = "shop/admin/sale_state_cell.html"

    def __init__(self, name, *, order_url=None, action_url=None, **kwargs):
        super().__init__(name, **kwargs)
        self.order_url = order_url
        self.action_url = action_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        status = SaleStatus(instance.effective)
        order = instance.order if status != SaleStatus.AVAILABLE else None
        context.update(
            status=status,
            label=status.label,
            order=order,
            order_url=order and self.order_url(order),
            action_url=self.action_url(instance) if status == SaleStatus.SOLD else None,
        )
        return context


class PrintNumberIndexView(generic.IndexView):
    model = PrintNumber
    permission_policy = permission_policy
    any_permission_required = ACCESS
    filterset_class = PrintNumberFilterSet
    search_fields = ["edition__page__title"]
    search_backend_name = None
    default_ordering = ["edition__page__title", "edition", "proof", "number"]
    page_title = "Print numbers"
    make_available_url_name = None
    order_inspect_url_name = None

    def get_base_queryset(self):
        numbers = PrintNumber.objects.select_related("edition__page", "edition__process", "order")
        return with_effective_status(numbers)

    def get_action_url(self, number):
        if self.user_has_permission("change"):
            return reverse(self.make_available_url_name, args=[number.pk])
        return None

    @cached_property
    def columns(self):
        return [
            Column("painting", label="Painting", accessor=lambda n: n.edition.page.title),
            Column("edition", label="Edition", accessor=lambda n: n.edition.label),
            Column("label", label="Number"),
            StatusColumn(
                "effective",
                label="Status",
                order_url=lambda order: order_url_for(
                    self.request.user, order, self.order_inspect_url_name
                ),
                action_url=self.get_action_url,
            ),
        ]


class MakeNumberAvailableView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Asks first, then puts one sold number back on sale (after a refund)."""

    permission_policy = permission_policy
    permission_required = "change"
    template_name = "shop/admin/confirm_number_available.html"
    page_title = "Make available again"
    header_icon = "tag"
    index_url_name = None
    order_inspect_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.number = get_object_or_404(
            PrintNumber.objects.select_related("edition__page", "order"), pk=kwargs["number_id"]
        )

    def get_page_subtitle(self):
        return f"{self.number.edition.page.title}, {self.number.label}"

    def post(self, request, *args, **kwargs):
        if self.number.status != SaleStatus.SOLD:
            messages.warning(request, f"{self.get_page_subtitle()} is not sold; nothing changed.")
        else:
            services.make_print_available_again(self.number.pk)
            messages.success(request, f"{self.get_page_subtitle()} is available again.")
        return redirect(self.index_url_name)

    def get_context_data(self, **kwargs):
        order = self.number.order
        return super().get_context_data(
            number=self.number,
            order=order,
            order_url=order_url_for(self.request.user, order, self.order_inspect_url_name),
            order_refunded=order is not None and order.status == Order.Status.REFUNDED,
            **kwargs,
        )


class PrintNumberViewSet(ViewSet):
    name = "shop_print_numbers"
    url_prefix = "shop/print-numbers"
    icon = "tag"
    menu_label = "Print numbers"

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            header_icon=self.icon,
            index_url_name=self.get_url_name("index"),
            order_inspect_url_name=OrderViewSet.name + ":inspect",
            **kwargs,
        )

    def index_kwargs(self, **kwargs):
        return dict(
            index_results_url_name=self.get_url_name("index_results"),
            make_available_url_name=self.get_url_name("make_available"),
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            path(
                "", self.construct_view(PrintNumberIndexView, **self.index_kwargs()), name="index"
            ),
            path(
                "results/",
                self.construct_view(PrintNumberIndexView, **self.index_kwargs(results_only=True)),
                name="index_results",
            ),
            path(
                "<row_id:number_id>/make-available/",
                self.construct_view(MakeNumberAvailableView),
                name="make_available",
            ),
        ]

    @cached_property
    def menu_item_class(self):
        class PrintNumberMenuItem(MenuItem):
            def is_shown(self, request):
                return permission_policy.user_has_any_permission(request.user, ACCESS)

        return PrintNumberMenuItem

    def get_permissions_to_register(self):
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(PrintNumber),
            codename__in=["view_printnumber", "change_printnumber"],
        )

    def on_register(self):
        super().on_register()
        hooks.register("register_permissions", self.get_permissions_to_register)
