"""The gallery index and its collections (series of paintings)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from shop.models import ShopSettings

from ..filters import PaintingFilterForm, filter_paintings, filters_set, painting_ordering
from ..images import (
    CARD_IMAGE,
    SHARE_IMAGE_SPEC,
    attach_images,
    image_field,
    images_with_renditions,
)
from ..prepared import PreparedQuery
from ..query import PATH_CEILING, VisiblePageManager, child_of
from .mixins import LiveRouteMixin, SeoMixin
from .paintings import PaintingPage


class GalleryIndexPage(LiveRouteMixin, SeoMixin, Page):
    objects = VisiblePageManager()

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["gallery.HomePage"]
    subpage_types = ["gallery.CollectionPage"]

    def get_collections(self):
        return (
            CollectionPage.objects.visible()
            # One index seek per collection, not a read of every painting below.
            .filter(child_of(self))
            .prefetch_related(Prefetch("cover_image", queryset=images_with_renditions(CARD_IMAGE)))
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["collections"] = self.get_collections()
        return context


class CollectionPage(LiveRouteMixin, SeoMixin, Page):
    """A series of paintings."""

    objects = VisiblePageManager()

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    cover_image = image_field()
    year_start = models.PositiveSmallIntegerField(null=True, blank=True)
    year_end = models.PositiveSmallIntegerField(null=True, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("cover_image"),
        FieldRowPanel([FieldPanel("year_start"), FieldPanel("year_end")], heading="Years"),
    ]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["gallery.GalleryIndexPage"]
    subpage_types = ["gallery.PaintingPage"]

    main_image_field = "cover_image"

    paintings_per_page = 24

    def clean(self):
        super().clean()
        if self.year_start and self.year_end and self.year_end < self.year_start:
            raise ValidationError({"year_end": "The series cannot end before it starts."})

    @property
    def years(self):
        if self.year_start and self.year_end and self.year_start != self.year_end:
            return f"{self.year_start}–{self.year_end}"
        return str(self.year_start or self.year_end or "")

    def get_paintings(self):
        """The paintings of this series a visitor could open, with what their cards
        show but images, in the artist's order."""
        return paintings_under(self.path, self.path + PATH_CEILING, self.depth + 1)

    def listed_paintings(self, filters, shop_settings):
        """get_paintings() filtered and sorted; unfiltered (the page most visitors
        open), by the statement compiled once per process (LISTED_PAINTINGS)."""
        if filters_set(filters) or painting_ordering(filters.get("sort")):
            return filter_paintings(self.get_paintings(), filters, shop_settings)
        return LISTED_PAINTINGS.pages(
            path=self.path,
            end=self.path + PATH_CEILING,
            depth=self.depth + 1,
            now=timezone.now(),
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        shop_settings = ShopSettings.for_request(request)
        filter_form = PaintingFilterForm(
            request.GET, shop_settings=shop_settings, default_sort_label="Artist's order"
        )
        paintings = self.listed_paintings(filter_form.filters, shop_settings)
        paintings = Paginator(paintings, self.paintings_per_page).get_page(request.GET.get("page"))
        # The cover (shared as og:image) and the cards' images: two queries in all.
        attach_images(
            [(painting, "image") for painting in paintings] + [(self, "cover_image")],
            CARD_IMAGE,
            SHARE_IMAGE_SPEC,
        )
        context["paintings"] = paintings
        context["filter_form"] = filter_form
        return context


def paintings_under(path, end, depth, now=None):
    """Paintings a visitor could open at `depth` between `path` and `end` (a
    collection's children) with their cards' data but images, in tree order.
    A range of paths, which the index on `path` serves; Wagtail's child_of is a
    LIKE that SQLite cannot serve from an index, so it read every page."""
    return (
        PaintingPage.objects.visible()
        .filter(path__gt=path, path__lte=end, depth=depth)
        .with_sale_status(now)
        .with_prints_from(now)
        .order_by("path")
    )


LISTED_PAINTINGS = PreparedQuery(paintings_under, path=str, end=str, depth=int, now=datetime)
