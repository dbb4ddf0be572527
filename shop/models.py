"""The shop's transactional state: never revisioned, never edited as a page.

How paintings and money move between these rows is in shop/services.py.
"""

import secrets
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django_countries import Countries
from django_countries.fields import CountryField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .sale_status import STORED_STATUSES, SaleStatus, state_status

CURRENCY_CHOICES = [
    ("EUR", "Euro (€)"),
    ("GBP", "Pound sterling (£)"),
    ("USD", "US dollar ($)"),
    ("CHF", "Swiss franc (CHF)"),
    ("SEK", "Swedish krona (kr)"),
    ("DKK", "Danish krone (kr)"),
]
CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF ", "SEK": "kr ", "DKK": "kr "}


# Stripe Checkout cannot collect a shipping address in these countries (its
# shipping_address_collection.allowed_countries refuses them), so the shop
# cannot be set to ship there.
STRIPE_UNSHIPPABLE_COUNTRIES = (
    "AS", "CC", "CU", "CX", "FM", "HM", "IR", "KP", "MH", "MP", "NF", "PW", "SY", "UM", "VI",
)  # fmt: skip


class ShippableCountries(Countries):
    """ISO 3166-1 countries a Stripe Checkout Session can ship to."""

    override = dict.fromkeys(STRIPE_UNSHIPPABLE_COUNTRIES)


def country_label(country):
    """How an address names its country: the name, or the code if the code is unknown
    (Stripe may send one django-countries does not list, such as XK)."""
    return (country.name or country.code) if country else ""


@register_setting(icon="cog")
class ShopSettings(BaseSiteSetting):
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="EUR")
    # Stored as comma-separated codes ("AT,BE,..."); max_length leaves room for
    # every shippable country and does not change when the country list does.
    shipping_countries = CountryField(
        multiple=True,
        countries=ShippableCountries,
        max_length=1000,
        default="AT,BE,CH,DE,DK,ES,FI,FR,GB,IE,IT,LU,NL,PT,SE,US",
        help_text="The countries buyers can have a painting shipped to.",
    )
    notify_email = models.EmailField(
        "notification e-mail",
        blank=True,
        help_text="Where new-order notices go. Empty: SHOP_NOTIFY_EMAIL, else the contact e-mail.",
    )
    reservation_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(30), MaxValueValidator(24 * 60)],
        help_text="How long a painting is held while the buyer pays (Stripe: 30 min to 24 h).",
    )
    small_max_cm = models.PositiveSmallIntegerField("small: longest side up to (cm)", default=40)
    medium_max_cm = models.PositiveSmallIntegerField("medium: longest side up to (cm)", default=100)

    panels = [
        FieldPanel("currency"),
        FieldPanel("shipping_countries", widget=forms.CheckboxSelectMultiple),
        FieldPanel("notify_email"),
        FieldPanel("reservation_minutes"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("small_max_cm"), FieldPanel("medium_max_cm")])],
            heading="Size filter (search)",
        ),
    ]

    class Meta:
        verbose_name = "shop settings"

    def clean(self):
        super().clean()
        if self.small_max_cm and self.medium_max_cm and self.medium_max_cm <= self.small_max_cm:
            raise ValidationError({"medium_max_cm": "Must be larger than the small limit."})

    @property
    def country_list(self):
        """The codes, as Stripe's allowed_countries takes them."""
        return [country.code for country in self.shipping_countries]

    @property
    def currency_symbol(self):
        return CURRENCY_SYMBOLS.get(self.currency, self.currency + " ")

    @property
    def notification_address(self):
        return self.notify_email or settings.SHOP_NOTIFY_EMAIL


# Stripe Checkout takes at most this many shipping options per session.
MAX_SHIPPING_OPTIONS = 5


class WorkKind(models.TextChoices):
    """What a shipping rate can carry: an original is crated, a print goes in a tube."""

    ORIGINALS = "originals", "Originals only"
    PRINTS = "prints", "Prints only"
    BOTH = "both", "Originals and prints"


class ShippingRateManager(models.Manager):
    def for_country(self, code, shop_countries=None, kinds=None):
        """The rates that ship to `code`, in offer order, at most Stripe's five.

        A rate with no countries ticked ships to every country the shop does;
        pass the shop's country codes to hold it to them. kinds: the kinds of
        work in the cart (WorkKind.ORIGINALS, WorkKind.PRINTS); a rate is
        offered only if it carries every one of them (None: any rate). A list,
        not a queryset: the countries are stored as one string, so they are read here.
        """
        if not code or (shop_countries is not None and code not in shop_countries):
            return []
        rates = [rate for rate in self.all() if rate.ships_to(code)]
        if kinds is not None:
            rates = [rate for rate in rates if rate.carries(kinds)]
        return rates[:MAX_SHIPPING_OPTIONS]


class ShippingRate(models.Model):
    """A way to ship, offered at checkout to buyers in its countries."""

    name = models.CharField(max_length=100, help_text="Shown to the buyer, e.g. 'Insured courier'.")
    amount = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    countries = CountryField(
        multiple=True,
        countries=ShippableCountries,
        max_length=1000,
        blank=True,
        help_text="None ticked: every country the shop ships to.",
    )
    applies_to = models.CharField(
        max_length=10,
        choices=WorkKind.choices,
        default=WorkKind.BOTH,
        # In the database too: rows written without it (older code, data migrations) carry both.
        db_default=WorkKind.BOTH,
        help_text=(
            "What this rate can carry. A cart with originals and prints is offered only "
            "the rates for both; a cart of prints only, the rates for prints or both."
        ),
    )
    min_days = models.PositiveSmallIntegerField("delivery from (business days)", default=3)
    max_days = models.PositiveSmallIntegerField("delivery to (business days)", default=7)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = ShippingRateManager()

    panels = [
        FieldPanel("name"),
        FieldPanel("amount"),
        FieldPanel("countries", widget=forms.CheckboxSelectMultiple),
        FieldPanel("applies_to", widget=forms.RadioSelect),
        FieldRowPanel([FieldPanel("min_days"), FieldPanel("max_days")]),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "amount", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.max_days < self.min_days:
            raise ValidationError({"max_days": "Must not be before the first delivery day."})

    @property
    def country_list(self):
        return [country.code for country in self.countries]

    def ships_to(self, code):
        return not self.countries or code in self.country_list

    def carries(self, kinds):
        """True if this rate can ship every kind of work in `kinds`."""
        return self.applies_to == WorkKind.BOTH or set(kinds) <= {self.applies_to}


class HeldForSale(models.Model):
    """What a painting's and a print number's sale state share:
    available → reserved (by an order, until a time) → sold (to an order)."""

    status = models.CharField(
        max_length=10,
        choices=[(status.value, status.label) for status in STORED_STATUSES],
        default=SaleStatus.AVAILABLE,
    )
    order = models.ForeignKey(
        "shop.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reserved_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def effective_status(self):
        """The status now: a reservation whose time has passed counts as available."""
        return state_status(self.status, self.reserved_until, timezone.now())


class SaleState(HeldForSale):
    """One original painting's sale state."""

    painting = models.OneToOneField(
        "gallery.PaintingPage", on_delete=models.CASCADE, related_name="sale_state"
    )

    class Meta:
        verbose_name = "sale state"

    def __str__(self):
        return f"{self.painting_id}: {self.effective_status}"


def keep_held_numbers(collector, field, sub_objs, using):
    """An edition may be deleted with its free numbers, never with one sold or reserved."""
    held = [number for number in sub_objs if number.effective_status != SaleStatus.AVAILABLE]
    if held:
        raise models.ProtectedError(
            "An edition with prints sold or reserved cannot be deleted; withdraw it from sale.",
            set(held),
        )
    models.CASCADE(collector, field, sub_objs, using)


class PrintNumber(HeldForSale):
    """One number of a print edition (7 of 30, or artist's proof 1 of 3) and its sale state.

    Made when the edition is published (shop.services.editions); a number is
    never made twice, and a number sold or reserved is never removed.
    """

    edition = models.ForeignKey(
        "gallery.PrintEdition", on_delete=keep_held_numbers, related_name="numbers"
    )
    proof = models.BooleanField("artist's proof", default=False)
    number = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "print number"
        ordering = ["edition", "proof", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "proof", "number"], name="one_row_per_print_number"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """'7/30', or 'AP 1/3' for an artist's proof."""
        if self.proof:
            return f"AP {self.number}/{self.edition.artist_proofs}"
        return f"{self.number}/{self.edition.edition_size}"


def postal_address_lines(holder, country_label):
    """The non-empty lines of an address held in address_line1/2, postal_code, city, state."""
    parts = [
        holder.address_line1,
        holder.address_line2,
        " ".join(p for p in (holder.postal_code, holder.city) if p),
        holder.state,
        country_label,
    ]
    return [p for p in parts if p]


def new_order_number():
    # Unambiguous characters; ~10^12 possibilities, checked for uniqueness on save.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "PGP-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending payment"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    number = models.CharField(max_length=20, unique=True, default=new_order_number, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    needs_review = models.BooleanField(default=False, db_index=True)
    review_reason = models.TextField(blank=True)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    # The browser session that placed the order: how a guest proves ownership.
    session_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    email = models.EmailField(blank=True)
    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=100, blank=True)
    # Whatever code Stripe sends (saving does not validate); shown by name.
    country = CountryField(blank=True)

    currency = models.CharField(max_length=3, default="EUR")
    subtotal = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    # The rates offered at checkout, as they were then: [{"name", "amount", "countries"}].
    shipping_offered = models.JSONField(default=list, blank=True, editable=False)
    shipping_name = models.CharField(max_length=100, blank=True)
    shipping_amount = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    amount_paid = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    stripe_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True)

    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    reserved_until = models.DateTimeField(null=True, blank=True)
    # The buyer completed Checkout with a delayed method (e.g. SEPA debit): the
    # paintings are held for the bank from then on, once, never extended.
    awaiting_bank_since = models.DateTimeField(null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Each e-mail goes out once per order, whatever Stripe repeats.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    artist_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    shipping_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A send that failed is retried by `manage.py send_pending_emails`, with back-off.
    email_failures = models.PositiveSmallIntegerField(
        "failed e-mail attempts", default=0, editable=False
    )
    last_email_error = models.TextField(blank=True, editable=False)
    last_email_failure_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("ship_order", "Can mark orders shipped")]

    def __str__(self):
        return self.number

    @property
    def work_kinds(self):
        """What the order ships: originals, prints or both (for the rates that carry them)."""
        return {
            WorkKind.PRINTS if is_print else WorkKind.ORIGINALS
            for is_print in self.lines.values_list("is_print", flat=True)
        }

    @property
    def total(self):
        return self.subtotal + (self.shipping_amount or Decimal("0"))

    @property
    def address_lines(self):
        return postal_address_lines(self, country_label(self.country))


class OrderLine(models.Model):
    """One painting, or one numbered print of it, in an order, with the title and price
    it was sold at."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    painting = models.ForeignKey(
        "gallery.PaintingPage", null=True, on_delete=models.SET_NULL, related_name="order_lines"
    )
    title = models.CharField(max_length=255)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    # A print of one of the painting's editions rather than the original: which
    # number (also written into the title, should the number's row ever go).
    is_print = models.BooleanField(default=False)
    print_number = models.ForeignKey(
        "shop.PrintNumber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title


class StripeEvent(models.Model):
    """Each Stripe event id once: a replay finds its row and does nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
