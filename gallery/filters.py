"""Painting filters, shared by the collection pages and the site search.

`PaintingFilterForm` reads the GET parameters; `filter_paintings` turns its
cleaned data into ORM filters and an ordering. A value that does not validate
is reported on the form and left out of `cleaned_data`, so it is simply not
applied: a bad link shows a message, never an error page.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from .models.site import Medium
from .query import PATH_CEILING

# By the longest side, with limits from ShopSettings (small_max_cm, medium_max_cm).
SIZE_CHOICES = [("small", "Small"), ("medium", "Medium"), ("large", "Large")]
ORIENTATION_CHOICES = [
    ("portrait", "Portrait"),
    ("landscape", "Landscape"),
    ("square", "Square"),
]

RELEVANCE = "relevance"
NEWEST = "newest"
PRICE_ASCENDING = "price_asc"
PRICE_DESCENDING = "price_desc"

# Unpriced paintings ("price on request") go last in both price orders; the
# primary key breaks ties so that pages never overlap or skip a painting.
ORDERINGS = {
    NEWEST: (
        F("year").desc(nulls_last=True),
        F("first_published_at").desc(nulls_last=True),
        F("pk").desc(),
    ),
    PRICE_ASCENDING: (F("price").asc(nulls_last=True), F("pk").asc()),
    PRICE_DESCENDING: (F("price").desc(nulls_last=True), F("pk").desc()),
}

# Sides within 5% of each other count as square: 20 × shorter ≥ 19 × longer.
# Whole-number factors keep the comparison exact on every database (SQLite
# may store a whole-cm size as an integer, and would divide it as one).
SQUARE_SHORT_FACTOR = 20
SQUARE_LONG_FACTOR = 19

FILTER_FIELDS = (
    "collection",
    "medium",
    "available",
    "min_price",
    "max_price",
    "size",
    "orientation",
)


def filters_set(filters):
    """How many of the valid filters narrow the paintings: a price of 0 does
    (compared by identity: Decimal("0") == False)."""
    return sum(
        not (value is None or value is False or value == "")
        for value in (filters.get(name) for name in FILTER_FIELDS)
    )


class NumberOnlyInput(forms.NumberInput):
    """Never writes a non-number back into <input type=number> (that is invalid HTML)."""

    def format_value(self, value):
        value = super().format_value(value)
        try:
            Decimal(value)
        except (TypeError, InvalidOperation):
            return None
        return value


def price_field(which):
    ignored = f"The {which} price"
    return forms.DecimalField(
        label=f"{which.capitalize()} price",
        widget=NumberOnlyInput,
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        error_messages={
            "invalid": f"{ignored} must be a number; it was ignored.",
            "min_value": f"{ignored} cannot be negative; it was ignored.",
            "max_digits": f"{ignored} is too large; it was ignored.",
            "max_whole_digits": f"{ignored} is too large; it was ignored.",
            "max_decimal_places": f"{ignored} has more than two decimals; it was ignored.",
        },
    )


class ListedChoiceField(forms.TypedChoiceField):
    """A choice among objects listed with one query, which both the options
    and the validation use (a ModelChoiceField queries again to validate).
    Its cleaned value is the chosen object, or None."""

    def __init__(self, *, empty_label, **kwargs):
        self.empty_label = empty_label
        super().__init__(required=False, empty_value=None, **kwargs)

    def set_objects(self, objects):
        by_key = {str(obj.pk): obj for obj in objects}
        self.choices = [("", self.empty_label)] + [(key, str(obj)) for key, obj in by_key.items()]
        self.coerce = by_key.__getitem__


class PaintingFilterForm(forms.Form):
    collection = ListedChoiceField(
        empty_label="All collections",
        error_messages={"invalid_choice": "That collection does not exist; showing all."},
    )
    medium = ListedChoiceField(
        empty_label="Any medium",
        error_messages={"invalid_choice": "That medium does not exist; showing all."},
    )
    available = forms.BooleanField(label="Available to buy only", required=False)
    min_price = price_field("lowest")
    max_price = price_field("highest")
    size = forms.ChoiceField(
        choices=[("", "Any size")] + SIZE_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Unknown size; showing all sizes."},
    )
    orientation = forms.ChoiceField(
        choices=[("", "Any orientation")] + ORIENTATION_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Unknown orientation; showing all."},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[
            (RELEVANCE, "Relevance"),
            (NEWEST, "Newest first"),
            (PRICE_ASCENDING, "Price, low to high"),
            (PRICE_DESCENDING, "Price, high to low"),
        ],
        required=False,
        error_messages={"invalid_choice": "Unknown sort order; showing the default order."},
    )

    def __init__(
        self,
        *args,
        shop_settings=None,
        collections=None,
        default_sort_label=None,
        **kwargs,
    ):
        """`shop_settings` puts the size limits in the size labels; `collections`
        (a CollectionPage queryset) offers a collection choice, left out on a
        collection's own page; the default sort is relevance for a search, and
        e.g. "Artist's order" when browsing a collection."""
        super().__init__(*args, **kwargs)
        if collections is None:
            del self.fields["collection"]
        else:
            self.fields["collection"].set_objects(collections)
        self.fields["medium"].set_objects(Medium.objects.all())
        if shop_settings is not None:
            small, medium = shop_settings.small_max_cm, shop_settings.medium_max_cm
            self.fields["size"].choices = [
                ("", "Any size"),
                ("small", f"Small (up to {small} cm)"),
                ("medium", f"Medium ({small}–{medium} cm)"),
                ("large", f"Large (over {medium} cm)"),
            ]
        if default_sort_label:
            choices = list(self.fields["sort"].choices)
            choices[0] = (RELEVANCE, default_sort_label)
            self.fields["sort"].choices = choices

    def clean(self):
        cleaned_data = super().clean()
        low, high = cleaned_data.get("min_price"), cleaned_data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_price", "The highest price is below the lowest price; it was ignored."
            )
        return cleaned_data

    @property
    def filters(self):
        """The valid values only (an invalid value is left out); none without data."""
        if not self.is_bound:
            return {}
        self.is_valid()  # runs the validation once; later calls reuse it
        return self.cleaned_data

    @property
    def active_filter_count(self):
        """How many filters narrow the paintings (the Filter button shows it)."""
        return filters_set(self.filters)

    @property
    def has_active_filters(self):
        return self.active_filter_count > 0

    @property
    def ignored_value_messages(self):
        """Every problem with the submitted values, as sentences for the page."""
        return [message for errors in self.errors.values() for message in errors]


def size_q(size, small_max_cm, medium_max_cm):
    """By the longest side: small ≤ small_max_cm < medium ≤ medium_max_cm < large."""
    fits_within = {
        limit: Q(width_cm__lte=limit, height_cm__lte=limit)
        for limit in (small_max_cm, medium_max_cm)
    }
    if size == "small":
        return fits_within[small_max_cm]
    if size == "medium":
        return fits_within[medium_max_cm] & ~fits_within[small_max_cm]
    return ~fits_within[medium_max_cm]


def orientation_q(orientation):
    width = F("width_cm") * SQUARE_SHORT_FACTOR
    height = F("height_cm") * SQUARE_SHORT_FACTOR
    if orientation == "portrait":
        return Q(LessThan(width, F("height_cm") * SQUARE_LONG_FACTOR))
    if orientation == "landscape":
        return Q(LessThan(height, F("width_cm") * SQUARE_LONG_FACTOR))
    return Q(GreaterThanOrEqual(width, F("height_cm") * SQUARE_LONG_FACTOR)) & Q(
        GreaterThanOrEqual(height, F("width_cm") * SQUARE_LONG_FACTOR)
    )


def painting_ordering(sort):
    """The ORM ordering for a sort choice; None for relevance (or the default)."""
    return ORDERINGS.get(sort)


def filter_paintings(queryset, cleaned_data, shop_settings):
    """Apply a PaintingFilterForm's valid values to a PaintingPage queryset.

    Sorting by newest or price orders the queryset; relevance (the default)
    keeps the queryset's own order, so a collection stays in the artist's order.
    """
    collection = cleaned_data.get("collection")
    if collection is not None:
        # Wagtail's child_of() compares paths with LIKE, which SQLite cannot
        # answer from the index on `path`: it read every page of the gallery.
        queryset = queryset.filter(
            path__gt=collection.path,
            path__lte=collection.path + PATH_CEILING,
            depth=collection.depth + 1,
        )
    if cleaned_data.get("medium") is not None:
        queryset = queryset.filter(medium=cleaned_data["medium"])
    if cleaned_data.get("available"):
        queryset = queryset.buyable()
    if cleaned_data.get("min_price") is not None:
        queryset = queryset.filter(price__gte=cleaned_data["min_price"])
    if cleaned_data.get("max_price") is not None:
        queryset = queryset.filter(price__lte=cleaned_data["max_price"])
    if cleaned_data.get("size"):
        queryset = queryset.filter(
            size_q(cleaned_data["size"], shop_settings.small_max_cm, shop_settings.medium_max_cm)
        )
    if cleaned_data.get("orientation"):
        queryset = queryset.filter(orientation_q(cleaned_data["orientation"]))
    ordering = painting_ordering(cleaned_data.get("sort"))
    if ordering:
        queryset = queryset.order_by(*ordering)
    return queryset
