"""The painting page's admin form: editions may grow, never shrink below a number sold."""

from django.db.models import Max
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm

from shop.models import PrintNumber
from shop.sale_status import held_condition


def highest_held_numbers(edition_ids):
    """{(edition id, is proof): the highest number sold or reserved now}."""
    rows = (
        PrintNumber.objects.filter(edition_id__in=edition_ids)
        .filter(held_condition(timezone.now()))
        .values("edition_id", "proof")
        .annotate(highest=Max("number"))
    )
    return {(row["edition_id"], row["proof"]): row["highest"] for row in rows}


class PaintingPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        editions = self.formsets.get("editions")
        # Formsets are validated after the page form; their cleaned data is needed here.
        if editions is None or not editions.is_valid():
            return cleaned_data
        existing = [form for form in editions.forms if form.instance.pk]
        held = highest_held_numbers([form.instance.pk for form in existing])
        for form in existing:
            edition_id = form.instance.pk
            sold = held.get((edition_id, False))
            proofs_sold = held.get((edition_id, True))
            if editions.can_delete and editions._should_delete_form(form):
                if sold or proofs_sold:
                    self.add_error(
                        None,
                        f"The edition “{form.instance}” has prints sold or reserved, so it "
                        "cannot be deleted: untick “offered for sale” to withdraw it.",
                    )
                continue
            size = form.cleaned_data.get("edition_size")
            if sold and size is not None and size < sold:
                form.add_error(
                    "edition_size",
                    f"Number {sold} is already sold or reserved: the edition cannot be "
                    f"smaller than {sold}.",
                )
            proofs = form.cleaned_data.get("artist_proofs")
            if proofs_sold and proofs is not None and proofs < proofs_sold:
                form.add_error(
                    "artist_proofs",
                    f"Artist's proof {proofs_sold} is already sold or reserved: there cannot "
                    f"be fewer than {proofs_sold}.",
                )
        return cleaned_data
