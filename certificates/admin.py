"""Certificates in the Wagtail admin: the list, the PDF, and reissuing with the same number."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .issuing import reissue_certificate
from .models import Certificate
from .views import certificate_pdf

permission_policy = ModelPermissionPolicy(Certificate)


class StatusColumn(Column):
    def get_value(self, instance):
        return "Void" if instance.is_void else "Valid"


class CertificateIndexView(generic.IndexView):
    model = Certificate
    permission_policy = permission_policy
    any_permission_required = ["view", "change"]
    search_fields = ["number", "title"]
    search_backend_name = None
    default_ordering = "-issued_at"
    page_title = "Certificates"
    reissue_url_name = None
    pdf_url_name = None

    def get_base_queryset(self):
        return Certificate.objects.select_related("line__order")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "number",
                label="Certificate",
                get_url=lambda certificate: reverse(self.reissue_url_name, args=[certificate.pk]),
            ),
            Column("title", label="Work", sort_key="title"),
            Column("edition", label="Edition"),
            Column("line.order", label="Order", accessor=lambda c: c.line.order.number),
            DateColumn("sold_on", label="Sold", sort_key="sold_on"),
            StatusColumn("status", label="Status"),
        ]


class CertificateView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One certificate: download its PDF, or reissue it (same number, details from the page)."""

    permission_policy = permission_policy
    permission_required = "change"
    template_name = "certificates/admin/certificate.html"
    page_title = "Certificate"
    header_icon = "doc-full"
    index_url_name = None
    pdf_url_name = None

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.certificate = get_object_or_404(
            Certificate.objects.select_related("line__order"), pk=pk
        )

    def get_page_subtitle(self):
        return self.certificate.number

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": "Certificates"},
            {"url": "", "label": self.certificate.number},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            certificate=self.certificate,
            pdf_url=reverse(self.pdf_url_name, args=[self.certificate.pk]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if self.certificate.is_void:
            messages.error(request, "A void certificate cannot be reissued.")
        else:
            reissue_certificate(self.certificate)
            messages.success(
                request, f"Certificate {self.certificate.number} reissued with the page's details."
            )
        return redirect(request.path)


class CertificatePdfView(PermissionCheckedMixin, TemplateView):
    permission_policy = permission_policy
    permission_required = "change"

    def get(self, request, *args, pk, **kwargs):
        return certificate_pdf(request, get_object_or_404(Certificate, pk=pk))


class CertificateViewSet(ViewSet):
    name = "certificate_admin"
    url_prefix = "certificates"
    icon = "doc-full"
    menu_label = "Certificates"
    menu_order = 260
    add_to_admin_menu = True

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            header_icon=self.icon,
            index_url_name=self.get_url_name("index"),
            pdf_url_name=self.get_url_name("pdf"),
            **kwargs,
        )

    @cached_property
    def index_view(self):
        return self.construct_view(
            CertificateIndexView,
            index_results_url_name=self.get_url_name("index_results"),
            reissue_url_name=self.get_url_name("detail"),
        )

    @cached_property
    def index_results_view(self):
        return self.construct_view(
            CertificateIndexView,
            results_only=True,
            index_results_url_name=self.get_url_name("index_results"),
            reissue_url_name=self.get_url_name("detail"),
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.construct_view(CertificateView), name="detail"),
            path("<int:pk>/certificate.pdf", self.construct_view(CertificatePdfView), name="pdf"),
        ]

    @cached_property
    def menu_item_class(self):
        class CertificateMenuItem(MenuItem):
            def is_shown(self, request):
                return permission_policy.user_has_any_permission(request.user, ["view", "change"])

        return CertificateMenuItem

    def get_permissions_to_register(self):
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Certificate),
            codename__in=["view_certificate", "change_certificate"],
        )

    def on_register(self):
        super().on_register()
        hooks.register("register_permissions", self.get_permissions_to_register)
