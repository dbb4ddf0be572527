"""Print editions of a painting: what the artist edits on the painting page.

An edition is content, revisioned with its page (process, paper, sizes, how
many, price). Which numbers are free, reserved or sold is the shop's
(shop.PrintNumber, one row per number), never the page's: a revision or a
revert can never unsell a print.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.snippets.models import register_snippet

from shop.models import PrintNumber
from shop.sale_status import free_condition

CM_PER_INCH = Decimal("2.54")
# Rows are made per number: a typo of 3000 for 30 must not make 3000 of them.
MAX_EDITION_SIZE = 500
MAX_ARTIST_PROOFS = 50
# The most prints of one edition a visitor can put in the cart at once.
MAX_PRINTS_PER_LINE = 5
SCHEMA_IN_STOCK = "https://schema.org/InStock"
SCHEMA_SOLD_OUT = "https://schema.org/SoldOut"


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


def free_numbers(now, proof):
    """The outer query's edition's free numbers (regular or proofs): available, or
    reserved by a reservation that has lapsed (shop.sale_status)."""
    return PrintNumber.objects.filter(edition=OuterRef("pk"), proof=proof).filter(
        free_condition(now)
    )


def _count_of(numbers):
    counted = numbers.order_by().values("edition").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class PrintEditionQuerySet(models.QuerySet):
    def with_numbers_left(self, now=None):
        """Annotates `numbers_left` (free regular numbers) and `proofs_left` (free
        artist's proofs), in the same query: a subquery each, no query per edition."""
        now = now or timezone.now()
        return self.annotate(
            numbers_left=_count_of(free_numbers(now, proof=False)),
            proofs_left=_count_of(free_numbers(now, proof=True)),
        )

    def offered(self):
        """The editions the artist offers for sale (whether numbers are left or not)."""
        return self.filter(for_sale=True)

    def left(self, now=None):
        """Offered editions with a free regular number: a print can be bought now."""
        return self.offered().filter(Exists(free_numbers(now or timezone.now(), proof=False)))

    def left_of(self, painting, now=None):
        """`painting`'s editions left (`painting` may be OuterRef("pk") in a query of
        paintings)."""
        return self.left(now).filter(page=painting)

    def lowest_price_left(self, painting, now=None):
        """The lowest price of left_of(painting), as a subquery (None when there is none)."""
        prices = self.left_of(painting, now).order_by("price").values("price")[:1]
        return Subquery(prices, output_field=models.DecimalField(max_digits=10, decimal_places=2))


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

    objects = PrintEditionQuerySet.as_manager()

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
    def sheet_size_cm(self):
        return f"{_cm(self.sheet_width_cm)} × {_cm(self.sheet_height_cm)} cm"

    @property
    def label(self):
        """'Giclée on cotton rag paper, 50 × 35 cm': how orders and e-mails name it."""
        process = self.process.name if self.process_id else "Print"
        return f"{process} on {self.support}, {self.size_cm}"

    @property
    def proofs_on_sale(self):
        return self.offer_proofs and self.proof_price is not None and self.artist_proofs > 0

    # Read `numbers_left` and `proofs_left`, from PrintEdition.objects.with_numbers_left().

    @property
    def sold_out(self):
        """No regular number is free (artist's proofs are offered apart)."""
        return self.numbers_left <= 0

    @property
    def left_label(self):
        """'12 of 30 left', 'Only 1 left' or 'Sold out'."""
        return _left_label(self.numbers_left, self.edition_size)

    @property
    def proofs_available(self):
        return self.proofs_on_sale and self.proofs_left > 0

    @property
    def proofs_left_label(self):
        return _left_label(self.proofs_left, self.artist_proofs)

    @property
    def quantity_choices(self):
        """1 … min(5, numbers left): what the quantity <select> offers."""
        return range(1, min(MAX_PRINTS_PER_LINE, self.numbers_left) + 1)

    @property
    def proof_quantity_choices(self):
        return range(1, min(MAX_PRINTS_PER_LINE, self.proofs_left) + 1)

    def schema_offers(self, painting_title, url, currency):
        """schema.org Offers of this edition (and of its artist's proofs when offered),
        each with the print it sells as a VisualArtwork, for the painting's JSON-LD."""
        offers = [self._schema_offer(painting_title, url, currency, proof=False)]
        if self.proofs_on_sale:
            offers.append(self._schema_offer(painting_title, url, currency, proof=True))
        return offers

    def _schema_offer(self, painting_title, url, currency, proof):
        left = self.proofs_left if proof else self.numbers_left
        price = self.proof_price if proof else self.price
        kind = "artist's proof" if proof else "print"
        return {
            "@type": "Offer",
            "name": f"{self.label} ({kind})",
            "price": f"{price:.2f}",
            "priceCurrency": currency,
            "availability": SCHEMA_IN_STOCK if left > 0 else SCHEMA_SOLD_OUT,
            "url": url,
            "itemOffered": {
                "@type": "VisualArtwork",
                "name": f"{painting_title} — {self.label}",
                "artform": "Print",
                "artMedium": self.process.name,
                "artworkSurface": self.support,
                "artEdition": self.artist_proofs if proof else self.edition_size,
                "width": _quantity_cm(self.image_width_cm),
                "height": _quantity_cm(self.image_height_cm),
            },
        }


def _quantity_cm(value):
    return {"@type": "QuantitativeValue", "value": float(value), "unitCode": "CMT"}


def _left_label(left, of):
    if left <= 0:
        return "Sold out"
    if left == 1:
        return "Only 1 left"
    return f"{left} of {of} left"
