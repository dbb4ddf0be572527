"""Print editions of a painting: what the artist edits on the painting page.

An edition is content, revisioned with its page (process, paper, sizes, how
many, price). Which numbers are free, reserved or sold is the shop's
(shop.PrintNumber, one row per number), never the page's: a revision or a
revert can never unsell a print.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.snippets.models import register_snippet

CM_PER_INCH = Decimal("2.54")
# Rows are made per number: a typo of 3000 for 30 must not make 3000 of them.
MAX_EDITION_SIZE = 500
MAX_ARTIST_PROOFS = 50


@register_snippet
class PrintProcess(models.Model):
    """Giclée, screen print, etching, …: a list the artist extends in the admin."""

    name = models.CharField(max_length=80, unique=True)

    panels = [FieldPanel("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "print processes"

    def __str__(self):
        return self.name


def _cm(value):
    return f"{value.normalize():f}"


class PrintEdition(Orderable):
    page = ParentalKey("gallery.PaintingPage", on_delete=models.CASCADE, related_name="editions")
    process = models.ForeignKey(PrintProcess, on_delete=models.PROTECT, related_name="editions")
    support = models.CharField(
        "paper or support", max_length=120, help_text="e.g. 'cotton rag paper, 308 g/m²'."
    )
    image_width_cm = models.DecimalField(
        "image width (cm)", max_digits=6, decimal_places=1, validators=[MinValueValidator(1)]
    )
    image_height_cm = models.DecimalField(
        "image height (cm)", max_digits=6, decimal_places=1, validators=[MinValueValidator(1)]
    )
    sheet_width_cm = models.DecimalField(
        "sheet width (cm)", max_digits=6, decimal_places=1, validators=[MinValueValidator(1)]
    )
    sheet_height_cm = models.DecimalField(
        "sheet height (cm)", max_digits=6, decimal_places=1, validators=[MinValueValidator(1)]
    )
    edition_size = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EDITION_SIZE)],
        help_text="How many numbered prints (N). It can grow; it cannot go below a number sold.",
    )
    artist_proofs = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_ARTIST_PROOFS)]
    )
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.50"))]
    )
    offer_proofs = models.BooleanField(
        "sell artist's proofs",
        default=False,
        help_text="Artist's proofs are not sold unless this is ticked and they have a price.",
    )
    proof_price = models.DecimalField(
        "artist's proof price",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.50"))],
    )
    for_sale = models.BooleanField("offered for sale", default=True)
    signed_and_numbered = models.BooleanField(default=True)
    notes = models.CharField(max_length=300, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("process"), FieldPanel("support")]),
        FieldRowPanel([FieldPanel("image_width_cm"), FieldPanel("image_height_cm")]),
        FieldRowPanel([FieldPanel("sheet_width_cm"), FieldPanel("sheet_height_cm")]),
        FieldRowPanel([FieldPanel("edition_size"), FieldPanel("price"), FieldPanel("for_sale")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("artist_proofs"),
                        FieldPanel("offer_proofs"),
                        FieldPanel("proof_price"),
                    ]
                )
            ],
            heading="Artist's proofs",
        ),
        FieldPanel("signed_and_numbered"),
        FieldPanel("notes"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "print edition"

    def __str__(self):
        return self.label

    @property
    def size_cm(self):
        return f"{_cm(self.image_width_cm)} × {_cm(self.image_height_cm)} cm"

    @property
    def size_in(self):
        inches = [value / CM_PER_INCH for value in (self.image_width_cm, self.image_height_cm)]
        return " × ".join(f"{value.quantize(Decimal('0.1'))}" for value in inches) + " in"

    @property
    def label(self):
        """'Giclée on cotton rag paper, 50 × 35 cm': how orders and e-mails name it."""
        process = self.process.name if self.process_id else "Print"
        return f"{process} on {self.support}, {self.size_cm}"

    @property
    def proofs_on_sale(self):
        return self.offer_proofs and self.proof_price is not None and self.artist_proofs > 0
