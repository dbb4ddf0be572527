"""Forms of the shop's Wagtail admin: an order's review notes, and marking it shipped."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from ..models import Order


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
