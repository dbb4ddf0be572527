"""What the shop's admin screens share: amounts shown in the right currency."""

from wagtail.admin.ui.tables import Column

from ..templatetags.shop_tags import money


class MoneyColumn(Column):
    """An amount in the row's own currency (an order's), else the shop currency."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        currency = getattr(instance, "currency", None)
        context["value"] = money(parent_context, context["raw_value"], currency)
        return context
