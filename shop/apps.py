from django.apps import AppConfig
from django.urls import register_converter

from .converters import RowIdConverter


class ShopConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shop"

    def ready(self):
        # Before any URL pattern is read: the shop's and its admin's use it.
        register_converter(RowIdConverter, "row_id")
        # Receivers need the models, which are loaded only now (Django's documented place).
        from . import signals  # noqa: F401
