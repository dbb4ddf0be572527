"""A painting: what the artist edits. Its sale state is the shop's (shop.SaleState)."""

from datetime import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from shop.sale_status import SaleStatus

from ..forms import PaintingPageForm
from ..images import (
    PAINTING_IMAGE,
    SHARE_IMAGE_SPEC,
    THUMB_IMAGE,
    attach_images,
    image_field,
)
from ..prepared import PreparedQuery
from ..query import PaintingManager
from .editions import PrintEdition
from .mixins import SeoMixin
from .site import Medium

CM_PER_INCH = Decimal("2.54")


class PaintingPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "gallery.PaintingPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class PaintingPage(SeoMixin, Page):
    objects = PaintingManager()

    SUPPORT_CHOICES = [
        ("canvas", "Canvas"),
        ("linen", "Linen"),
        ("paper", "Paper"),
        ("board", "Board"),
        ("panel", "Wood panel"),
        ("other", "Other"),
    ]

    image = image_field()
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    medium = models.ForeignKey(
        Medium, null=True, blank=True, on_delete=models.SET_NULL, related_name="paintings"
    )
    support = models.CharField(max_length=20, choices=SUPPORT_CHOICES, blank=True)
    width_cm = models.DecimalField("width (cm)", max_digits=6, decimal_places=1)
    height_cm = models.DecimalField("height (cm)", max_digits=6, decimal_places=1)
    depth_cm = models.DecimalField(
        "depth (cm)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    framed = models.BooleanField(default=False)
    signed = models.BooleanField(default=True)
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="In the shop currency. Leave empty to show 'price on request'.",
    )
    for_sale = models.BooleanField(
        "offered for sale",
        default=True,
        help_text="Untick to show the painting without selling it.",
    )
    description = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])
    tags = ClusterTaggableManager(through=PaintingPageTag, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("image"),
        InlinePanel("gallery_images", label="More images (details, on the wall)"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("year"),
                        # A short list: a select, not the snippet chooser's pop-up.
                        FieldPanel("medium", widget=forms.Select),
                        FieldPanel("support"),
                    ]
                ),
                FieldRowPanel(
                    [FieldPanel("width_cm"), FieldPanel("height_cm"), FieldPanel("depth_cm")]
                ),
                FieldRowPanel([FieldPanel("framed"), FieldPanel("signed")]),
            ],
            heading="The work",
        ),
        MultiFieldPanel([FieldPanel("price"), FieldPanel("for_sale")], heading="Sale"),
        InlinePanel("editions", heading="Print editions", label="Edition"),
        FieldPanel("description"),
        FieldPanel("tags"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("description"),
        index.SearchField("support"),
        index.RelatedFields("medium", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("year"),
        index.FilterField("price"),
        index.FilterField("for_sale"),
        index.FilterField("medium"),
        index.FilterField("width_cm"),
        index.FilterField("height_cm"),
    ]

    parent_page_types = ["gallery.CollectionPage"]
    subpage_types = []
    base_form_class = PaintingPageForm

    main_image_field = "image"

    def clean(self):
        super().clean()
        errors = {}
        for field in ("width_cm", "height_cm", "depth_cm"):
            value = getattr(self, field)
            if value is not None and value <= 0:
                errors[field] = "Must be more than zero."
        if self.price is not None and self.price < 0:
            errors["price"] = "A price cannot be negative."
        if errors:
            raise ValidationError(errors)

    @property
    def size_cm(self):
        dims = [self.width_cm, self.height_cm] + ([self.depth_cm] if self.depth_cm else [])
        return " × ".join(f"{d.normalize():f}" for d in dims) + " cm"

    @property
    def size_in(self):
        dims = [self.width_cm, self.height_cm] + ([self.depth_cm] if self.depth_cm else [])
        return " × ".join(f"{(d / CM_PER_INCH).quantize(Decimal('0.1'))}" for d in dims) + " in"

    @property
    def medium_label(self):
        parts = [self.medium.name if self.medium_id else "", self.get_support_display()]
        return " on ".join(p for p in parts if p).capitalize() if any(parts) else ""

    # Set by PaintingQuerySet.with_sale_status() on every painting a page lists.
    _sale_status = None

    @property
    def sale_status(self):
        """A shop.sale_status.SaleStatus value: can it be bought now?"""
        if self._sale_status is None:
            self._sale_status = (
                PaintingPage.objects.with_sale_status()
                .filter(pk=self.pk)
                .values_list("sale_status", flat=True)
                .first()
            )
        return self._sale_status

    @sale_status.setter
    def sale_status(self, value):
        self._sale_status = value

    @property
    def sale_status_label(self):
        return SaleStatus(self.sale_status).label

    def get_meta_description(self):
        if self.search_description:
            return self.search_description
        return f"{self.title}, {self.year or ''} — {self.medium_label}, {self.size_cm}.".replace(
            ",  —", " —"
        )

    def load_details(self):
        """What the painting page shows beyond the page itself, in few queries.

        Routing loads the bare page: the medium, the sale state and the sale
        status come in one query, and the main image with the gallery's images (and every
        rendition the template and share tags use) in two more.
        """
        (loaded,) = PAINTING_DETAILS(pk=self.pk, now=timezone.now())
        self._state.fields_cache.update(loaded._state.fields_cache)
        self.sale_status = loaded.sale_status
        gallery = list(self.gallery_images.all())
        attach_images(
            [(self, "image")] + [(item, "image") for item in gallery],
            PAINTING_IMAGE,
            THUMB_IMAGE,
            SHARE_IMAGE_SPEC,
        )
        return gallery

    def get_view_restrictions(self):
        """Wagtail's answer (restrictions on the page and its ancestors, an alias's
        taken from its source page) in one query instead of two: the page's ancestors
        are named by its own path, and only an alias among them needs a look-up.
        Both sides are subqueries on page ids: a condition on the joined page's path
        OR'd with another made SQLite read every page."""
        if self.alias_of_id:
            return super().get_view_restrictions()
        step = self.steplen
        paths = [self.path[:end] for end in range(step, len(self.path) + 1, step)]
        ancestors = Page.objects.filter(path__in=paths)
        own = ancestors.filter(alias_of__isnull=True).values("pk")
        sources = ancestors.filter(alias_of__isnull=False).values("alias_of")
        return PageViewRestriction.objects.filter(Q(page__in=own) | Q(page__in=sources))

    def get_editions(self):
        """The editions offered for sale, in the artist's order, with their process and
        how many numbers are left (`numbers_left`, `proofs_left`): one query.

        The live editions (a preview shows them too, not the draft's)."""
        return OFFERED_EDITIONS(page_id=self.pk, now=timezone.now())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["gallery_images"] = self.load_details()
        editions = self.get_editions()
        context["editions"] = editions
        context["prints_available"] = any(
            not edition.sold_out or edition.proofs_available for edition in editions
        )
        context["collection"] = self.get_parent()
        return context


def painting_details(pk, now=None):
    """The painting with its medium, its sale state and its sale status."""
    return (
        PaintingPage.objects.with_sale_status(now)
        .select_related("medium", "sale_state")
        .filter(pk=pk)
    )


def offered_editions(page_id, now=None):
    """A painting's offered editions in the artist's order, with their process and
    how many numbers are left."""
    return (
        PrintEdition.objects.filter(page_id=page_id)
        .offered()
        .select_related("process")
        .with_numbers_left(now)
        .order_by("sort_order", "pk")
    )


PAINTING_DETAILS = PreparedQuery(painting_details, pk=int, now=datetime)
OFFERED_EDITIONS = PreparedQuery(offered_editions, page_id=int, now=datetime)


class PaintingGalleryImage(Orderable):
    page = ParentalKey(PaintingPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
