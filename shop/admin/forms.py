"""Forms of the shop's Wagtail admin: an order's review notes, marking it shipped,
and correcting its shipping."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from ..models import Order, ShippingRate


class OrderReviewForm(WagtailAdminModelForm):
    """The only part of an order the artist edits: the review flag and notes."""

    class Meta:
        model = Order
        fields = ["needs_review", "review_reason"]
        labels = {"review_reason": "Review notes"}
        help_texts = {
            "needs_review": "Untick once the problem is resolved (refunded, shipped, settled).",
        }

    def save(self, commit=True):
        order = super().save(commit=False)
        if commit:
            # Write these two columns only: status and payment data belong to
            # shop.services, which a webhook may be using at this very moment.
            order.save(update_fields=self._meta.fields)
        return order


class MarkShippedForm(forms.Form):
    carrier = forms.CharField(
        max_length=Order._meta.get_field("carrier").max_length,
        help_text="E.g. DHL, La Poste, UPS.",
    )
    tracking_number = forms.CharField(
        max_length=Order._meta.get_field("tracking_number").max_length,
        help_text="Sent to the buyer in the shipping e-mail.",
    )


class AdjustShippingForm(forms.Form):
    """The shipping the order should have had; prefilled with the first rate for its country."""

    shipping_name = forms.CharField(
        label="Shipping",
        max_length=Order._meta.get_field("shipping_name").max_length,
    )
    shipping_amount = forms.DecimalField(
        label="Shipping amount",
        max_digits=Order._meta.get_field("shipping_amount").max_digits,
        decimal_places=2,
        min_value=0,
    )
    note = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why, and what you agreed with the buyer. Kept in the review notes.",
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        rates = ShippingRate.objects.for_country(order.country.code, kinds=order.work_kinds)
        if rates and not self.is_bound:
            self.initial = {"shipping_name": rates[0].name, "shipping_amount": rates[0].amount}
